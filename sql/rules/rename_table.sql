-- rename_table: RENAME TABLE breaks the running application version (a
-- warning: the statement runs); silent for a table nobody else sees.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, note varchar(40));
INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 5000) g;
ANALYZE orders;
SET migration_guard.mode = enforce;

ALTER TABLE orders RENAME TO purchase_orders;
BEGIN;
CREATE TABLE scratch (a int);
ALTER TABLE scratch RENAME TO scratch2;
COMMIT;

-- review() follows the script as a sequence: a table renamed (or moved to
-- another schema) earlier is found under its new name, with the facts of the
-- table it was, and named as the script calls it now; its old name is gone.
-- An index renamed, the same.  (purchase_orders holds 5000 rows.)
SET migration_guard.mode = warn;
CREATE SCHEMA archive;
SELECT stmt_no, rule, relation, message
  FROM migration_guard.review($$
    ALTER TABLE purchase_orders RENAME TO orders_v2;
    ALTER TABLE orders_v2 ALTER COLUMN id TYPE bigint;
    ALTER TABLE purchase_orders ALTER COLUMN id TYPE bigint;
    ALTER TABLE orders_v2 SET SCHEMA archive;
    CREATE INDEX orders_v2_note_idx ON archive.orders_v2 (note);
    CREATE INDEX orders_v2_id_idx ON orders_v2 (id);
    ALTER INDEX archive.orders_v2_note_idx RENAME TO orders_note_idx;
    BEGIN;
    ALTER TABLE archive.orders_v2 ADD COLUMN flag boolean;
    UPDATE archive.orders_v2 SET flag = false;
    COMMIT;
  $$);
-- An index that exists, renamed and then dropped: found under its new name.
SET migration_guard.mode = off;
CREATE INDEX purchase_orders_id_idx ON purchase_orders (id);
SET migration_guard.mode = warn;
SELECT stmt_no, rule, relation
  FROM migration_guard.review($$
    ALTER INDEX purchase_orders_id_idx RENAME TO po_id_idx;
    DROP INDEX po_id_idx;
    DROP INDEX purchase_orders_id_idx;
  $$);
-- A trigger (rule, policy, constraint comment) of a table renamed earlier is
-- found on the table under its new name: its lock judged there.
SET migration_guard.mode = off;
CREATE FUNCTION po_trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER po_audit BEFORE INSERT ON purchase_orders FOR EACH ROW EXECUTE FUNCTION po_trg();
SET migration_guard.mode = warn;
SET lock_timeout = 0;  -- so that lock_timeout_missing shows where the lock is
SELECT stmt_no, rule, relation
  FROM migration_guard.review($$
    ALTER TABLE purchase_orders RENAME TO orders_v3;
    DROP TRIGGER po_audit ON orders_v3;
  $$);
RESET lock_timeout;
SET migration_guard.mode = off;
DROP TRIGGER po_audit ON purchase_orders;
DROP FUNCTION po_trg();
SET migration_guard.mode = warn;
-- A table the script created and renamed is still new (silent).
SELECT stmt_no, rule
  FROM migration_guard.review($$
    CREATE TABLE draft (a int);
    ALTER TABLE draft RENAME TO final;
    ALTER TABLE final ALTER COLUMN a TYPE bigint;
  $$);
DROP SCHEMA archive;

CALL quietly('DROP TABLE purchase_orders, scratch2');
RESET ALL;
