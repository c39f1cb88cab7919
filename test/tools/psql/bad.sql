-- A migration with a blocking index build, then a dropped column.
CREATE TABLE audit_log (id int);
CREATE INDEX accounts_note_idx ON accounts (note);
ALTER TABLE accounts DROP COLUMN note;
