BEGIN;
CREATE TABLE audit_log (id int);
CREATE INDEX accounts_note_idx ON accounts (note);
COMMIT;
