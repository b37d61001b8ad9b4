-- items.slug: a URL name derived from the title by the items projection (DDL only: a rebuild
-- backfills it for all history). It follows the title until the item is first published, then
-- stays; slug_locked records that. Unique among non-deleted items.
ALTER TABLE items ADD COLUMN slug VARCHAR(220);
ALTER TABLE items ADD COLUMN slug_locked BOOLEAN NOT NULL DEFAULT false;

CREATE UNIQUE INDEX items_slug_idx ON items (slug) WHERE deleted_at IS NULL;
