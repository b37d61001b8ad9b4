-- Tags (many-to-many items <-> tags), filled by the `items` projection like items itself.
CREATE TABLE item_tags (
  item_id UUID NOT NULL REFERENCES items (id),
  tag VARCHAR(50) NOT NULL,
  PRIMARY KEY (item_id, tag)
);

CREATE INDEX item_tags_tag_idx ON item_tags (tag, item_id);

-- An index for every filter and sort of GET /api/items.
CREATE INDEX items_status_idx ON items (status, created_at, id);
CREATE INDEX items_updated_at_idx ON items (updated_at, id);

-- q: case-insensitive substring search over title and content, served by a trigram index.
-- The extension lives in `public`, not in this generation's schema, so dropping a generation keeps it.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX items_search_idx ON items USING gin ((lower(title) || ' ' || lower(content)) public.gin_trgm_ops);
