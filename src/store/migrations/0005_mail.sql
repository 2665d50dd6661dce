-- Real e-mail: the outbox grows what a sender needs (the rendered alternatives, the recipient's
-- key, the token that ties answers and bounces to the message, a claim so that several
-- instances never send one message twice), and inbound mail gets its tables.

-- The outbox is rebuilt rather than altered: SQLite cannot change a CHECK constraint in place.
CREATE TABLE outbox_v5 (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  organisation_id TEXT REFERENCES organisations (id),
  recipient TEXT NOT NULL,
  recipient_name TEXT NOT NULL DEFAULT '',
  -- the language the templates were rendered in (the recipient's working language)
  language TEXT NOT NULL DEFAULT 'en',
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  html TEXT,
  -- TLP of the content (FIRST TLP 2.0); amber and red never leave in clear
  tlp TEXT NOT NULL DEFAULT 'clear' CHECK (tlp IN ('clear', 'green', 'amber', 'red')),
  -- the recipient's OpenPGP public key from the directory when it has one: sent as PGP/MIME
  encrypt_key TEXT,
  -- [A-Za-z0-9], unique: reply+TOKEN@ (when an answer is expected), bounce+TOKEN@ (VERP),
  -- /r/TOKEN; the message's kind is the token's one purpose
  token TEXT NOT NULL UNIQUE,
  expects_answer INTEGER NOT NULL DEFAULT 0 CHECK (expects_answer IN (0, 1)),
  token_expires_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'failed', 'bounced')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  -- a sender that took the message: another one leaves it alone until claimed_until
  claimed_by TEXT,
  claimed_until TEXT,
  sent_at TEXT,
  last_error TEXT
);
INSERT INTO outbox_v5 (id, created_at, kind, recipient, subject, body, token, token_expires_at,
                       status, attempts, next_attempt_at, sent_at, last_error)
  SELECT id, created_at, kind, recipient, subject, body, replace(id, '-', ''), created_at,
         status, attempts, next_attempt_at, sent_at, last_error
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v5 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_recipient ON outbox (recipient);

-- Every mail that came in by LMTP or `liaison mail ingest`, matched to the message it answers
-- when its token was known. dedupe_key (Message-ID, or a hash of the bytes without one) makes a
-- redelivery by the MTA harmless.
CREATE TABLE inbound_mail (
  id TEXT PRIMARY KEY,
  received_at TEXT NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('reply', 'bounce', 'auto_reply')),
  -- matched: the token belongs to a message; expired: it did, but is past token_expires_at;
  -- unknown: a token no message has; none: no token in the mail
  token_status TEXT NOT NULL CHECK (token_status IN ('matched', 'expired', 'unknown', 'none')),
  outbox_id TEXT REFERENCES outbox (id),
  envelope_from TEXT NOT NULL,
  from_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  -- auto-reply reason or the bounce's status and diagnostic
  detail TEXT NOT NULL,
  -- none, valid, invalid: an OpenPGP signature on the mail checked against the directory's key
  signature TEXT NOT NULL CHECK (signature IN ('none', 'valid', 'invalid')),
  encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1))
);
CREATE INDEX inbound_mail_by_outbox ON inbound_mail (outbox_id);
CREATE INDEX inbound_mail_by_time ON inbound_mail (received_at);

-- Addresses a delivery status notification said are undeliverable (RFC 3464 Action: failed).
CREATE TABLE undeliverable_addresses (
  address_key TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  first_bounce_at TEXT NOT NULL,
  last_bounce_at TEXT NOT NULL,
  outbox_id TEXT REFERENCES outbox (id)
);

-- The e-mail addresses of each entry's latest version (lower-cased), so that mail to an address
-- finds the recipient's OpenPGP key and working languages without reading every contact.
CREATE TABLE contact_addresses (
  address_key TEXT NOT NULL,
  entry_id TEXT NOT NULL REFERENCES entries (id),
  PRIMARY KEY (address_key, entry_id)
);
CREATE INDEX contact_addresses_by_entry ON contact_addresses (entry_id);
