-- statement_locations(): where each statement starts and ends, in lines and
-- characters (1-based, end exclusive), past the comments before it; stmt_no
-- as in review().
SELECT * FROM migration_guard.statement_locations(E'-- header\nCREATE INDEX a ON t (x);\n\n  /* note */ /* nested /* too */ */ ALTER TABLE t\n    ADD COLUMN y int;SELECT 1\n');
-- Multi-byte characters count as one column; CRLF line ends.
SELECT * FROM migration_guard.statement_locations(E'/* é€ */ DROP TABLE "tëst";\r\n-- ü\r\n\tTRUNCATE t');
-- The numbering is plan()'s and review()'s: the statement starts there.
SELECT l.stmt_no, l.line, l.col, p.statement
  FROM migration_guard.statement_locations(E'BEGIN;\n  CREATE TABLE n (id int); -- new\nCOMMIT;\n') l
  JOIN migration_guard.plan(E'BEGIN;\n  CREATE TABLE n (id int); -- new\nCOMMIT;\n') p USING (stmt_no)
 ORDER BY l.stmt_no;
-- Empty and comment-only scripts have no statement; a syntax error points into the script.
SELECT count(*) FROM migration_guard.statement_locations('');
SELECT count(*) FROM migration_guard.statement_locations('-- nothing');
SELECT * FROM migration_guard.statement_locations(E'SELECT 1;\nCREATE TABEL x ();');
