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
-- edits. Someone who disables the trigger is caught by `liaison audit verify`.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
