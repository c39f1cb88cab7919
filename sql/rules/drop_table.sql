-- drop_table: DROP TABLE on a table that has rows destroys them, even on a
-- small table; an empty one is silent.
SET migration_guard.mode = off;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
CREATE TABLE empty (id int, note text);
ANALYZE small, empty;
SET migration_guard.mode = enforce;

DROP TABLE small;
DROP TABLE empty;

CALL quietly('DROP TABLE small');
RESET ALL;
