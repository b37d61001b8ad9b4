-- Which generation of each projection's read tables is live, building or retired.
-- Lives beside the journal because it outlives every generation of the read tables.
CREATE TABLE projection_generation (
  projection_name VARCHAR(64) NOT NULL,
  generation INTEGER NOT NULL,
  state VARCHAR(16) NOT NULL CHECK (state IN ('building', 'live', 'retired')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  switched_at TIMESTAMPTZ,
  PRIMARY KEY (projection_name, generation)
);

-- At most one live generation per projection.
CREATE UNIQUE INDEX projection_generation_one_live_idx
  ON projection_generation (projection_name) WHERE state = 'live';
