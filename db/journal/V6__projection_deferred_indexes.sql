-- A rebuild loads a new generation without its secondary indexes and builds them once, after the
-- catch-up and before the switch (one bulk build is many times cheaper than maintaining them row
-- by row). The definitions wait here meanwhile, so a crash in between loses none of them.
ALTER TABLE projection_generation ADD COLUMN deferred_indexes TEXT[];
