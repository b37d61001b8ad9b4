-- The version of the projection (declared in its code, bumped when its handler writes different
-- rows for the same events) each generation was built with. A live generation built with another
-- version than the code's needs a rebuild: db check and projections list say so.
-- Generations registered before versions were recorded were built by the handlers every
-- projection's version 1 names, so they count as 1; so does a generation a node of an earlier
-- release registers during a rolling upgrade (it does not name a version, and runs those handlers).
ALTER TABLE projection_generation ADD COLUMN projection_version INTEGER NOT NULL DEFAULT 1;
