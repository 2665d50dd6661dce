-- Accounts, roles, invitations, sessions, API tokens, sign-in throttling and the outbox that
-- carries invitation and lock-out mail. Secrets (session identifiers, tokens, invitation links,
-- recovery codes) are stored only as SHA-256 hashes; passwords as Argon2id strings.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  -- trimmed, lower-cased e-mail: one account per address
  email_key TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  -- the last TOTP time step accepted, so that no code is accepted twice
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE role_grants (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  role TEXT NOT NULL CHECK (role IN ('operator', 'secretariat', 'focal', 'poc', 'observer')),
  organisation_id TEXT REFERENCES organisations (id),
  state TEXT REFERENCES states (alpha2),
  granted_by TEXT NOT NULL,
  granted_at TEXT NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique
  ON role_grants (account_id, role, COALESCE(organisation_id, ''), COALESCE(state, ''));
CREATE INDEX role_grants_by_scope ON role_grants (organisation_id, state);

CREATE TABLE recovery_codes (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  code_hash TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator', 'secretariat', 'focal', 'poc', 'observer')),
  organisation_id TEXT REFERENCES organisations (id),
  state TEXT REFERENCES states (alpha2),
  -- generated with the invitation so that the enrolment page shows the same secret each time
  totp_secret TEXT NOT NULL,
  invited_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  revoked_at TEXT,
  account_id TEXT REFERENCES accounts (id)
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  remote_address TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_by_account ON api_tokens (account_id);

-- Failed sign-ins per account ('account:<email key>', whether or not it exists) and per client
-- address ('address:<ip>').
CREATE TABLE sign_in_throttle (
  throttle_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at TEXT NOT NULL,
  blocked_until TEXT,
  owner_notified INTEGER NOT NULL DEFAULT 0 CHECK (owner_notified IN (0, 1))
);

-- Mail waiting to be sent, written in the transaction of the event that causes it.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  sent_at TEXT,
  last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);

-- Which organisation an audit entry concerns, so that a secretariat sees its own entries.
ALTER TABLE audit_log ADD COLUMN organisation_id TEXT;
CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, sequence);
