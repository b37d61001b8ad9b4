-- sort=updated_at / sort=-updated_at of GET /api/users: read the page from the index instead of
-- sorting every user (the other sort fields have their indexes since V1).
CREATE INDEX users_updated_at_idx ON users (updated_at, id);
