-- The audit log: append-only and hash-chained (services/audit_log.cpp computes the chain).
CREATE TABLE audit_log (
  sequence BIGINT PRIMARY KEY CHECK (sequence > 0),
  occurred_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  source_address TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  previous_hash TEXT NOT NULL CHECK (length(previous_hash) = 64),
  hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
);
