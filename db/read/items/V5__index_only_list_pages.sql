-- The created_at and updated_at sort indexes carry the columns a list page filters on by default
-- (deleted_at; status and owner_id for a viewer who sees published items and their own), so a
-- page's ids, and the rows OFFSET skips, are read from the index alone (an index-only scan)
-- instead of from the table row by row.
DROP INDEX items_created_at_idx;
CREATE INDEX items_created_at_idx ON items (created_at, id) INCLUDE (deleted_at, status, owner_id);
DROP INDEX items_updated_at_idx;
CREATE INDEX items_updated_at_idx ON items (updated_at, id) INCLUDE (deleted_at, status, owner_id);
