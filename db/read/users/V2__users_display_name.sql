-- users.display_name, derived from full_name by the users projection (DDL only: a rebuild of
-- the users projection backfills it for all history; rows projected before this are NULL until then).
ALTER TABLE users ADD COLUMN display_name VARCHAR(200);
