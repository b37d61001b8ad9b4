-- Owned by the `users` projection; rows come only from User events. No password hashes here:
-- logins are checked against the User aggregate.
CREATE TABLE users (
  id UUID PRIMARY KEY,
  email VARCHAR(200) NOT NULL,
  full_name VARCHAR(200) NOT NULL,
  is_active BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  deleted_at TIMESTAMPTZ,
  version BIGINT NOT NULL
);

-- The write side keeps live emails unique (a reservation per email); this index states it.
CREATE UNIQUE INDEX users_email_live_key ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_created_at_idx ON users (created_at, id);
CREATE INDEX users_full_name_idx ON users (full_name);

-- Many-to-many users <-> roles. Same projection as users, so a foreign key is safe.
CREATE TABLE user_roles (
  user_id UUID NOT NULL REFERENCES users (id),
  role VARCHAR(20) NOT NULL CONSTRAINT user_roles_role_check CHECK (role IN ('user', 'editor', 'admin')),
  PRIMARY KEY (user_id, role)
);

CREATE INDEX user_roles_role_idx ON user_roles (role, user_id);
