-- Owned by the `items` projection; rows come only from Item events.
CREATE TABLE items (
  id UUID PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  content TEXT NOT NULL,
  category_id UUID,
  status VARCHAR(20) NOT NULL DEFAULT 'draft'
    CONSTRAINT items_status_check CHECK (status IN ('draft', 'published', 'archived')),
  owner_id UUID,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  deleted_at TIMESTAMPTZ,
  version BIGINT NOT NULL
);

CREATE INDEX items_title_idx ON items (title);
CREATE INDEX items_category_id_idx ON items (category_id);
CREATE INDEX items_owner_id_idx ON items (owner_id);
CREATE INDEX items_created_at_idx ON items (created_at, id);
