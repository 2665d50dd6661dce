-- Reference data: states, organisations and their members, CBM catalogues.
-- Loaded and kept in step with data/*.json by `liaison migrate` (store/reference_data.cpp).
-- Portable SQL for SQLite and PostgreSQL: text keys, INTEGER 0/1 for flags, times as RFC 3339 UTC text.

CREATE TABLE states (
  alpha2 TEXT PRIMARY KEY CHECK (length(alpha2) = 2),
  alpha3 TEXT UNIQUE CHECK (alpha3 IS NULL OR length(alpha3) = 3),
  numeric_code TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('state', 'organisation'))
);

CREATE TABLE state_names (
  alpha2 TEXT NOT NULL REFERENCES states (alpha2),
  language TEXT NOT NULL CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
  name TEXT NOT NULL,
  PRIMARY KEY (alpha2, language)
);

CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  member_term TEXT NOT NULL,
  -- 1 when data/organisations.json defines it: its membership follows that file.
  is_reference INTEGER NOT NULL DEFAULT 0 CHECK (is_reference IN (0, 1)),
  is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
  position INTEGER NOT NULL DEFAULT 1000,
  created_at TEXT NOT NULL
);

CREATE TABLE memberships (
  organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  alpha2 TEXT NOT NULL REFERENCES states (alpha2),
  PRIMARY KEY (organisation_id, alpha2)
);
CREATE INDEX memberships_by_state ON memberships (alpha2);

CREATE TABLE cbms (
  catalogue TEXT NOT NULL,
  number TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (catalogue, number)
);

-- The checksum of the data/ files last loaded, so `migrate` reloads only when they changed.
CREATE TABLE reference_data (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checksum TEXT NOT NULL,
  loaded_at TEXT NOT NULL
);
