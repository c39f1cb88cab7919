-- drop_column: DROP COLUMN on a table that has rows destroys the column's
-- values, even on a small table; an empty one is silent.
SET migration_guard.mode = off;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
CREATE TABLE empty (id int, note text);
ANALYZE small, empty;
SET migration_guard.mode = enforce;

ALTER TABLE small DROP COLUMN note;
ALTER TABLE empty DROP COLUMN note;

CALL quietly('DROP TABLE small, empty');
RESET ALL;
