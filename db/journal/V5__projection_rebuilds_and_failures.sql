-- A rebuild may ask to be verified against the live generation before the switch; a refused
-- switch says why here.
ALTER TABLE projection_generation ADD COLUMN verify BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE projection_generation ADD COLUMN verify_result TEXT;

-- At most one rebuild (building generation) per projection.
CREATE UNIQUE INDEX projection_generation_one_building_idx
  ON projection_generation (projection_name) WHERE state = 'building';

-- The last handler failure of each projection instance (generation + slice), with the event it
-- failed on. Cleared when the instance commits progress again.
CREATE TABLE projection_failure (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  persistence_id VARCHAR(255),
  sequence_number BIGINT,
  error TEXT NOT NULL,
  failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (projection_name, projection_key)
);

-- A dropped generation keeps its registry row (state 'dropped') so that its number, and so its
-- projection id, is never used again.
ALTER TABLE projection_generation DROP CONSTRAINT projection_generation_state_check;
ALTER TABLE projection_generation ADD CONSTRAINT projection_generation_state_check
  CHECK (state IN ('building', 'live', 'retired', 'dropped'));
