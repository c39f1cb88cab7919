-- The same without blocking writes: CONCURRENTLY, outside a transaction block.
CREATE TABLE audit_log (id int);
CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);
