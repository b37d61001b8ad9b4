-- sort=updated_at / sort=-updated_at of GET /api/categories: read the page from the index instead
-- of sorting every category (name and created_at have theirs since V1).
CREATE INDEX categories_updated_at_idx ON categories (updated_at, id);
