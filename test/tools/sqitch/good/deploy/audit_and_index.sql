-- CREATE INDEX CONCURRENTLY cannot run in a transaction block: no BEGIN/COMMIT in this change.
CREATE TABLE audit_log (id int);
CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);
