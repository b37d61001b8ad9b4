-- The item queries hide the items of deleted users (an anti-join from items on users.id). This
-- index holds the ids of deleted users only: a probe is an index-only look-up in a small index (or
-- the planner hashes it whole), not a look-up in the primary key and then in the user's row.
CREATE INDEX users_deleted_idx ON users (id) WHERE deleted_at IS NOT NULL;
