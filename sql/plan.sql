-- migration_guard.plan(): the model of each statement of a script, without
-- executing anything.
SET timezone = 'UTC';
CREATE TABLE accounts (id int PRIMARY KEY, email varchar(100), plan text);
INSERT INTO accounts SELECT g, 'a' || g, 'free' FROM generate_series(1, 2000) g;
CREATE TABLE payments (id int, account_id int, amount numeric(10,2));
INSERT INTO payments SELECT g, g % 2000 + 1, g FROM generate_series(1, 3000) g;
ANALYZE accounts, payments;

SELECT stmt_no, command, relation, lock_mode, other_locks, effect, rows_estimate
  FROM migration_guard.plan($$
    CREATE INDEX payments_account_idx ON payments (account_id);
    CREATE INDEX CONCURRENTLY payments_amount_idx ON payments (amount);
    ALTER TABLE payments ADD CONSTRAINT payments_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
    ALTER TABLE payments ADD CONSTRAINT payments_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
    ALTER TABLE payments VALIDATE CONSTRAINT payments_account_fk;
    ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200), ALTER COLUMN plan SET NOT NULL;
    ALTER TABLE accounts ALTER COLUMN email TYPE text;
    ALTER TABLE accounts ALTER COLUMN id TYPE bigint;
    ALTER TABLE accounts ADD COLUMN created timestamptz DEFAULT now();
    ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();
    SELECT count(*) FROM accounts;
    INSERT INTO accounts VALUES (0, 'x', 'y');
    BEGIN;
    LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;
    COMMIT;
    TRUNCATE payments;
    DROP TABLE payments;
  $$);

-- Nothing was executed, and no lock is left behind.
SELECT count(*) FROM pg_indexes WHERE tablename = 'payments';
SELECT count(*) FROM pg_locks WHERE relation = 'accounts'::regclass;

-- Every relation a statement locks.
SELECT stmt_no, relation, lock_mode, effect, cause, is_target
  FROM migration_guard.plan_locks('ALTER TABLE payments ADD CONSTRAINT fk FOREIGN KEY (account_id) REFERENCES accounts (id)');

-- Queries stored or run by DDL (issue 14.6): what the query names is locked
-- ACCESS SHARE; a name a WITH query in scope bears is that WITH query (a
-- non-recursive one sees only those before it); a query that runs reads
-- through the views it names; views that refer to each other end.  Nothing
-- is run, and plan() takes no lock.
CREATE VIEW plan_a AS SELECT 1 AS x;
CREATE VIEW plan_b AS SELECT * FROM plan_a;
CREATE OR REPLACE VIEW plan_a AS SELECT * FROM plan_b;
CREATE VIEW plan_accounts AS SELECT * FROM accounts;
PREPARE plan_prepared AS SELECT * FROM accounts;
SELECT p.stmt_no, p.command, l.relation, l.lock_mode, l.effect
  FROM (SELECT $$
    SELECT * INTO plan_copy FROM plan_accounts;
    CREATE TABLE plan_copy AS SELECT * FROM plan_accounts WITH NO DATA;
    CREATE TABLE plan_copy AS EXECUTE plan_prepared;
    CREATE VIEW plan_v AS WITH accounts AS (SELECT 1 AS id) SELECT * FROM accounts;
    CREATE VIEW plan_v AS WITH a AS (SELECT * FROM accounts), accounts AS (SELECT * FROM a) SELECT * FROM accounts;
    CREATE TABLE plan_t AS WITH RECURSIVE accounts(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM accounts WHERE n < 3) SELECT * FROM accounts, payments;
    CREATE MATERIALIZED VIEW plan_cycle AS SELECT * FROM plan_a;
    CREATE OR REPLACE VIEW plan_accounts AS SELECT * FROM accounts WHERE id IN (SELECT account_id FROM payments);
  $$ AS sql) s
  CROSS JOIN LATERAL migration_guard.plan(s.sql) p
  LEFT JOIN LATERAL migration_guard.plan_locks(s.sql) l ON l.stmt_no = p.stmt_no
 ORDER BY 1, 3;
SELECT count(*) AS locks_held FROM pg_locks WHERE relation = 'accounts'::regclass;
DEALLOCATE plan_prepared;
CALL quietly('DROP VIEW plan_accounts, plan_a, plan_b CASCADE');

-- Bad input: a syntax error with its position, an empty script, NULL,
-- missing objects, a large script.
SELECT * FROM migration_guard.plan('ALTER TABLE accounts ADD COLUMN');
SELECT * FROM migration_guard.plan('CREATE INDEX ON accounts (id); SELEC 1');
SELECT * FROM migration_guard.plan('');
SELECT * FROM migration_guard.plan('  -- only a comment');
SELECT * FROM migration_guard.plan(NULL);
SELECT stmt_no, command, relation, effect FROM migration_guard.plan('DROP TABLE no_such_table; CREATE INDEX ON no_such_table (x)');
SELECT count(*), count(DISTINCT relation), min(effect), max(lock_mode)
  FROM migration_guard.plan(repeat('ALTER TABLE accounts ADD COLUMN c int; ', 20000));
SELECT length(repeat('ALTER TABLE accounts ADD COLUMN c int; ', 20000)) AS script_bytes;

CALL quietly('DROP TABLE payments, accounts');
RESET ALL;
