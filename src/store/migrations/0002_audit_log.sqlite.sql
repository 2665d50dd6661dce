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

-- The program never changes or removes an entry; refusing it here stops mistakes and casual
-- edits. Someone who drops the triggers is caught by `liaison audit verify`.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
