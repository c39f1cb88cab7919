-- ALTER EXTENSION migration_guard UPDATE from 0.1.0 gives the same objects as
-- a fresh install of the current version, and a history that records.
SELECT current_database() AS regress_db \gset
CREATE DATABASE mg_upgrade_old;
CREATE DATABASE mg_upgrade_new;

-- Every object of the extension, the history's columns, policies and
-- options, and the functions' definitions, one line each.
\set describe 'SELECT string_agg(line, E''\\n'' ORDER BY line) AS objects FROM (SELECT ''member: '' || pg_describe_object(classid, objid, objsubid) AS line FROM pg_depend WHERE refclassid = ''pg_extension''::regclass AND refobjid = (SELECT oid FROM pg_extension WHERE extname = ''migration_guard'') AND deptype = ''e'' UNION ALL SELECT ''column: '' || attname || '' '' || format_type(atttypid, atttypmod) || '' notnull='' || attnotnull || '' identity='' || attidentity::text || '' default='' || coalesce(pg_get_expr(adbin, adrelid), '''') FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum WHERE attrelid = ''migration_guard.history''::regclass AND attnum > 0 AND NOT attisdropped UNION ALL SELECT ''policy: '' || polname || '' '' || pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = ''migration_guard.history''::regclass UNION ALL SELECT ''options: '' || coalesce(reloptions::text, '''') || '' rls='' || relrowsecurity FROM pg_class WHERE oid = ''migration_guard.history''::regclass UNION ALL SELECT ''function: '' || pg_get_functiondef(p.oid) FROM pg_proc p WHERE pronamespace = ''migration_guard''::regnamespace AND prokind = ''f'') s'

\c mg_upgrade_old
SET client_min_messages = warning;
CREATE EXTENSION migration_guard VERSION '0.1.0';
ALTER EXTENSION migration_guard UPDATE;
RESET client_min_messages;
SELECT extversion FROM pg_extension WHERE extname = 'migration_guard';
:describe \gset old_
-- The upgraded history records, without a sequence.
CREATE TABLE upgraded (id int);
ALTER TABLE upgraded ADD COLUMN note text;
SELECT id > 0 AS has_id, command, rollback_sql FROM migration_guard.history ORDER BY id;
SELECT count(*) AS sequences FROM pg_class WHERE relkind = 'S' AND relnamespace = 'migration_guard'::regnamespace;

\c mg_upgrade_new
SET client_min_messages = warning;
CREATE EXTENSION migration_guard;
RESET client_min_messages;
:describe \gset new_

SELECT array_length(string_to_array(:'old_objects', E'\n'), 1) > 20 AS described;
-- What differs between the two (nothing).
SELECT 'only after the update: ' || x AS difference
  FROM (SELECT unnest(string_to_array(:'old_objects', E'\n')) EXCEPT SELECT unnest(string_to_array(:'new_objects', E'\n'))) d(x)
UNION ALL
SELECT 'only in a fresh install: ' || x
  FROM (SELECT unnest(string_to_array(:'new_objects', E'\n')) EXCEPT SELECT unnest(string_to_array(:'old_objects', E'\n'))) d(x);

\c :regress_db
DROP DATABASE mg_upgrade_old;
DROP DATABASE mg_upgrade_new;
