-- Indexes that serve a list page in its sort order, so a page reads its rows (and those it
-- skips) from the index instead of sorting every matching row.
-- category_id and owner_id filters with the default sort (-created_at); they also serve the
-- plain lookups by category or owner that the single-column indexes served.
DROP INDEX items_category_id_idx;
CREATE INDEX items_category_id_idx ON items (category_id, created_at, id);
DROP INDEX items_owner_id_idx;
CREATE INDEX items_owner_id_idx ON items (owner_id, created_at, id);
-- sort=status / sort=-status (ties broken by id). items_status_idx serves status filters.
CREATE INDEX items_status_id_idx ON items (status, id);
