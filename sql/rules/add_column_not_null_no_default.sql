-- add_column_not_null_no_default: the statement would fail on a table with rows.
SET migration_guard.mode = enforce;
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
INSERT INTO accounts SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 50) g;
ANALYZE accounts;
CREATE TABLE nobody (id bigint);

-- Flagged on any table with rows (this rule is about failure, not size).
ALTER TABLE accounts ADD COLUMN plan text NOT NULL;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- In warn mode the warning comes first, then the server's own error.
SET migration_guard.mode = warn;
ALTER TABLE accounts ADD COLUMN plan text NOT NULL;
SET migration_guard.mode = log;
SET client_min_messages = log;
ALTER TABLE accounts ADD COLUMN plan text NOT NULL;
RESET client_min_messages;
SET migration_guard.mode = off;
ALTER TABLE accounts ADD COLUMN plan text NOT NULL;
SET migration_guard.mode = enforce;

-- A PRIMARY KEY column is NOT NULL too; so is a NOT NULL domain.
ALTER TABLE accounts ADD COLUMN uid bigint PRIMARY KEY;
CREATE DOMAIN required_text AS text NOT NULL;
ALTER TABLE accounts ADD COLUMN tier required_text;
-- The column type comes out as the server spells it.
ALTER TABLE accounts ADD COLUMN code varchar(12)[] NOT NULL;
-- Several subcommands: each one judged.
ALTER TABLE accounts ADD COLUMN a int NOT NULL, ADD COLUMN b int NOT NULL DEFAULT 0;

-- Not flagged: the column gets values.
ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';
ALTER TABLE accounts ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE accounts ADD COLUMN email_len int NOT NULL GENERATED ALWAYS AS (length(email)) STORED;
ALTER TABLE accounts ADD COLUMN legacy_id bigserial NOT NULL;
CREATE DOMAIN tier_text AS text NOT NULL DEFAULT 'basic';
ALTER TABLE accounts ADD COLUMN tier tier_text;
-- Not flagged: nullable, or the table is empty.
ALTER TABLE accounts ADD COLUMN note text;
ALTER TABLE nobody ADD COLUMN note text NOT NULL;
-- The safe recipe from the hint, step by step, comes out clean.
ALTER TABLE accounts ADD COLUMN region text;
UPDATE accounts SET region = 'eu' WHERE ctid = ANY (ARRAY(SELECT ctid FROM accounts WHERE region IS NULL LIMIT 10000));
ALTER TABLE accounts ADD CONSTRAINT accounts_region_not_null CHECK (region IS NOT NULL) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_region_not_null;
ALTER TABLE accounts ALTER COLUMN region SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_region_not_null;

-- Missing objects: the server's own errors, untouched.
ALTER TABLE no_such_table ADD COLUMN x int NOT NULL;
ALTER TABLE IF EXISTS no_such_table ADD COLUMN x int NOT NULL;
ALTER TABLE accounts ADD COLUMN x no_such_type NOT NULL;

CALL quietly('DROP TABLE accounts, nobody');
DROP DOMAIN required_text, tier_text;
RESET ALL;
