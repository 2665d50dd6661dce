-- The Points of Contact directory (CBM 8): entries owned by states, their immutable versions,
-- their nominations to organisations, re-confirmations and the reminders sent about them.

-- How an organisation runs its directory; organisations without a row use the defaults
-- (domain::DirectoryRules).
CREATE TABLE directory_rules (
  organisation_id TEXT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  reconfirm_months INTEGER NOT NULL CHECK (reconfirm_months BETWEEN 1 AND 60),
  change_notice_days INTEGER NOT NULL CHECK (change_notice_days BETWEEN 1 AND 365),
  approval_required INTEGER NOT NULL CHECK (approval_required IN (0, 1)),
  time_zone TEXT NOT NULL
);

-- A PoC or national structure of one state. What it says lives in entry_versions; a state may
-- nominate one entry to several organisations (nominations).
CREATE TABLE entries (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL REFERENCES states (alpha2),
  kind TEXT NOT NULL CHECK (kind IN ('poc', 'structure')),
  latest_version INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX entries_by_state ON entries (state);

-- Every change is a new row; rows are never updated (the history page shows them).
CREATE TABLE entry_versions (
  entry_id TEXT NOT NULL REFERENCES entries (id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  -- the contact as JSON (domain/formats/contact_json.h)
  contact TEXT NOT NULL,
  author_id TEXT NOT NULL,
  author_name TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  -- the date the change took effect, as its author gave it ("YYYY-MM-DD"), or NULL
  effective_on TEXT,
  -- recorded later than the organisation's change-notice period after effective_on
  late INTEGER NOT NULL CHECK (late IN (0, 1)),
  PRIMARY KEY (entry_id, version)
);

-- An entry as one organisation's directory shows it. Readers of the organisation see
-- published_version (0: not yet approved); pending_version awaits the secretariat's approval
-- where the organisation's rules ask for it. search_words are the folded words of the published
-- version (base/unicode.h), indexed per engine (0004_directory.{sqlite,postgresql}.sql).
CREATE TABLE nominations (
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  entry_id TEXT NOT NULL REFERENCES entries (id),
  state TEXT NOT NULL REFERENCES states (alpha2),
  level TEXT NOT NULL CHECK (level IN ('policy', 'technical', 'structure')),
  published_version INTEGER NOT NULL,
  pending_version INTEGER NOT NULL,
  -- 1 when the published version retires the entry: it leaves the directory, its history stays
  retired INTEGER NOT NULL CHECK (retired IN (0, 1)),
  -- last re-confirmed by the state, last verified reachable by a communication check
  confirmed_at TEXT,
  verified_at TEXT,
  search_id BIGINT NOT NULL UNIQUE,
  search_words TEXT NOT NULL,
  PRIMARY KEY (organisation_id, entry_id)
);
CREATE INDEX nominations_by_entry ON nominations (entry_id);
-- entry_id last: a state's page (WHERE organisation_id, state ORDER BY state, entry_id) reads
-- it in order. Without it SQLite preferred the primary key, which is in that order too, and
-- walked every nomination of the organisation to pick the state's (bench/directory.sh).
CREATE INDEX nominations_by_state ON nominations (organisation_id, state, entry_id);
CREATE INDEX nominations_pending ON nominations (organisation_id, pending_version);

-- When a state last re-confirmed all its entries in an organisation (CBM 8: at least yearly).
CREATE TABLE state_confirmations (
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  state TEXT NOT NULL REFERENCES states (alpha2),
  confirmed_at TEXT NOT NULL,
  confirmed_by TEXT NOT NULL,
  PRIMARY KEY (organisation_id, state)
);

-- Freshness reminders already queued, so that each goes out once per due date and offset.
CREATE TABLE freshness_reminders (
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  state TEXT NOT NULL REFERENCES states (alpha2),
  due_on TEXT NOT NULL,
  days_before INTEGER NOT NULL,
  queued_at TEXT NOT NULL,
  PRIMARY KEY (organisation_id, state, due_on, days_before)
);
