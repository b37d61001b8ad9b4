-- Owned by the `categories` projection; rows come only from Category events.
CREATE TABLE categories (
  id UUID PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  description TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  deleted_at TIMESTAMPTZ,
  version BIGINT NOT NULL
);

-- The write side keeps live names unique, case-insensitively (a reservation per name); this index states it.
CREATE UNIQUE INDEX categories_name_live_key ON categories (lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX categories_created_at_idx ON categories (created_at, id);
