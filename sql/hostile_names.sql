-- Generated SQL stays inert whatever the object names hold (docs/security.md).
-- A role that owns tables names them with line breaks, comment and quote
-- characters followed by SQL; every script the extension writes for a
-- superuser to run (rollback_script(), report()'s rollback plan and
-- recommended migration, the safe SQL of the findings) must parse, with the
-- server's own parser (plan()), into exactly the statements intended, and
-- running the rollback as a superuser must touch nothing else.
SET client_min_messages = error;
CREATE TABLE canary (id int);
CREATE ROLE mg_hostile;
CREATE TEMP TABLE hostile (n int, name text);
INSERT INTO hostile VALUES
  (1, E'h1\nDROP TABLE canary; --'),
  (2, E'h2\rDROP TABLE canary; --'),
  (3, E'h3\r\nALTER ROLE mg_hostile SUPERUSER; --'),
  (4, 'h4 */ DROP TABLE canary; /* '),
  (5, 'h5 $$ DROP TABLE canary; $$'),
  (6, E'h6'' DROP TABLE canary; --'),
  (7, 'h7" DROP TABLE canary; --'),
  (8, 'h8; DROP TABLE canary'),
  (9, E'h9\\'' DROP TABLE canary; --'),
  (10, E'h10``` $(touch /tmp/mg_pwned) DROP TABLE canary');
GRANT SELECT ON hostile TO mg_hostile;
-- The schema's name is hostile too.
\set ECHO none
SELECT format('CREATE SCHEMA %I AUTHORIZATION mg_hostile', E's\nDROP TABLE canary; --') \gexec
\set ECHO all
SELECT E's\nDROP TABLE canary; --' AS s \gset

SET migration_guard.large_table_rows = 100;
SET migration_guard.mode = warn;
SET ROLE mg_hostile;
SELECT now() AS migration_start \gset
\set ECHO none
SELECT format('CREATE TABLE %1$I.%2$I (id int, %2$I text)', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('CREATE TABLE %I.%I (id int)', :'s', 'd' || name) FROM hostile ORDER BY n \gexec
SELECT format('INSERT INTO %1$I.%2$I SELECT g, g::text FROM generate_series(1, 500) g', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('INSERT INTO %I.%I SELECT generate_series(1, 500)', :'s', 'd' || name) FROM hostile ORDER BY n \gexec
SELECT format('ANALYZE %I.%I', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('ANALYZE %I.%I', :'s', 'd' || name) FROM hostile ORDER BY n \gexec
SELECT format('CREATE INDEX %I ON %I.%I (id)', 'i' || name, :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('ALTER TABLE %I.%I ADD COLUMN %I int', :'s', name, 'c' || name) FROM hostile ORDER BY n \gexec
SELECT format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT 1', :'s', name, 'c' || name) FROM hostile ORDER BY n \gexec
SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I CHECK (id > 0) NOT VALID', :'s', name, 'k' || name) FROM hostile ORDER BY n \gexec
SELECT format('ALTER TABLE %I.%I RENAME COLUMN %I TO %I', :'s', name, 'c' || name, 'r' || name) FROM hostile ORDER BY n \gexec
SELECT format('ALTER TABLE %1$I.%2$I ALTER COLUMN %2$I TYPE varchar(100)', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('DROP INDEX %I.%I', :'s', 'i' || name) FROM hostile ORDER BY n \gexec
SELECT format('ALTER TABLE %1$I.%2$I DROP COLUMN %2$I', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('TRUNCATE %I.%I', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('DROP TABLE %I.%I', :'s', 'd' || name) FROM hostile ORDER BY n \gexec
\set ECHO all
RESET ROLE;

-- The history's rows are the statements run, each with its own undo or reason.
SELECT command, count(*), count(*) FILTER (WHERE reversible) AS reversible,
       count(*) FILTER (WHERE irreversible_reason ~ '[\r\n]') AS reason_with_line_break
  FROM migration_guard.history WHERE executed_at >= :'migration_start'
 GROUP BY command ORDER BY command;

-- The rollback script, parsed by the server: one statement per intended undo
-- (DROP TABLE for each CREATE TABLE, ALTER TABLE for each reversible ALTER,
-- CREATE INDEX for each DROP INDEX), nothing on canary, no ALTER ROLE.
SELECT migration_guard.rollback_script(:'migration_start'::timestamptz) AS script \gset
SELECT command, count(DISTINCT stmt_no) AS statements,
       count(*) FILTER (WHERE relation = 'public.canary') AS on_canary
  FROM migration_guard.plan(:'script') GROUP BY command ORDER BY command;
-- Every line that is not a statement of the undo is a comment.
SELECT count(*) AS lines, count(*) FILTER (WHERE line ~ '^-- ') AS comments
  FROM regexp_split_to_table(:'script', E'\r\n|\r|\n') AS line;

-- report(): the rollback plan, the recommended migration and the safe SQL of
-- every finding, each parsed by the server.
SELECT string_agg(stmt, E';\n' ORDER BY n, k) AS migration FROM (
  SELECT n, 1 AS k, format('CREATE INDEX %I ON %I.%I (id)', 'j' || name, :'s', name) AS stmt FROM hostile
  UNION ALL SELECT n, 2, format('ALTER TABLE %I.%I ALTER COLUMN id TYPE bigint', :'s', name) FROM hostile
  UNION ALL SELECT n, 3, format('ALTER TABLE %I.%I DROP COLUMN %I', :'s', name, 'r' || name) FROM hostile
  UNION ALL SELECT n, 4, format('VACUUM FULL %I.%I', :'s', name) FROM hostile
  UNION ALL SELECT n, 5, format('CLUSTER %I.%I USING %I', :'s', name, 'j' || name) FROM hostile
  UNION ALL SELECT n, 6, format('ALTER TABLE %I.%I RENAME TO %I', :'s', name, 'x' || name) FROM hostile
  UNION ALL SELECT n, 7, format('DROP TABLE %I.%I', :'s', 'x' || name) FROM hostile) m \gset
SET ROLE mg_hostile;
-- Make the tables large again for the rules, as their owner.
\set ECHO none
SELECT format('INSERT INTO %1$I.%2$I (id) SELECT generate_series(1, 500)', :'s', name) FROM hostile ORDER BY n \gexec
SELECT format('ANALYZE %I.%I', :'s', name) FROM hostile ORDER BY n \gexec
\set ECHO all
SELECT migration_guard.report(:'migration', 'json')::jsonb AS report \gset
SELECT migration_guard.report(:'migration') AS markdown \gset
RESET ROLE;
SELECT string_agg(x->>'sql', E'\n') AS rollback_plan FROM jsonb_array_elements((:'report'::jsonb)->'rollback') x \gset
SELECT (:'report'::jsonb)->>'recommended_sql' AS recommended \gset
SELECT string_agg(f->>'safe_sql', E'\n') AS safe_sql
  FROM jsonb_array_elements((:'report'::jsonb)->'statements') s, jsonb_array_elements(s->'findings') f \gset
SELECT 'rollback plan' AS script, command, count(DISTINCT stmt_no) AS statements,
       count(*) FILTER (WHERE relation = 'public.canary') AS on_canary
  FROM migration_guard.plan(:'rollback_plan') GROUP BY command
UNION ALL
SELECT 'recommended', command, count(DISTINCT stmt_no), count(*) FILTER (WHERE relation = 'public.canary')
  FROM migration_guard.plan(:'recommended') GROUP BY command
UNION ALL
SELECT 'safe sql', command, count(DISTINCT stmt_no), count(*) FILTER (WHERE relation = 'public.canary')
  FROM migration_guard.plan(:'safe_sql') GROUP BY command
ORDER BY 1, 2;
-- The Markdown report has exactly its two code blocks (no name ends one):
-- each fence is longer than any run of backticks inside it.
SELECT count(*) AS fence_lines FROM regexp_split_to_table(:'markdown', E'\n') AS line WHERE line ~ '^```';
-- Shell commands shown in comments quote the names for the shell, on one line
-- ($'...' when a name holds a line break).
SELECT count(*) AS pg_repack_lines,
       count(*) FILTER (WHERE line ~ $re$--table=\$?'$re$) AS shell_quoted
  FROM regexp_split_to_table(:'safe_sql', E'\n') AS line WHERE line ~ 'pg_repack';

-- Run as a superuser, the rollback touches only the migration's objects (the
-- undo of the type change finds the column dropped since, and the DROP TABLE
-- of each dropped table finds nothing: 42703 and 42P01).
SET migration_guard.mode = off;
SELECT regexp_replace(:'script', 'CONCURRENTLY ', '', 'g') AS script \gset
\set ECHO none
\set VERBOSITY sqlstate
:script
\set VERBOSITY default
\set ECHO all
SET client_min_messages = error;
SELECT to_regclass('public.canary') IS NOT NULL AS canary_kept,
       (SELECT rolsuper FROM pg_roles WHERE rolname = 'mg_hostile') AS hostile_is_superuser,
       (SELECT count(*) FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = :'s')) AS left_in_schema;

\set ECHO none
SELECT format('DROP SCHEMA %I CASCADE', :'s') \gexec
\set ECHO all
DROP TABLE canary, hostile;
DROP ROLE mg_hostile;
RESET ALL;
