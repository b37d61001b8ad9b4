-- Owned by the `profiles` projection; rows come only from Profile events. One-to-one with users:
-- a profile's id is its user's, so user_id is the key, and the Profile aggregate (one writer per
-- user) keeps it one. No foreign key to users: another projection fills that table, and either may
-- be behind the other. The bounds are the write side's; bio is text like items' content.
CREATE TABLE user_profiles (
  user_id UUID PRIMARY KEY,
  bio TEXT,
  website VARCHAR(300),
  location VARCHAR(100),
  avatar_url VARCHAR(500),
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  deleted_at TIMESTAMPTZ,
  version BIGINT NOT NULL
);
