-- SQLite part of 0002_audit_log.sql.
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
