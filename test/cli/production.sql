-- The "production" schema of test/cli/production.sh, built the same way in
-- a plain cluster (production, no extension) and in a database of a cluster
-- that preloads the extension (the reference for report()).
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE SEQUENCE invoice_no;
CREATE FUNCTION next_invoice() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT nextval('invoice_no') $$;

CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE,
                        tier smallint DEFAULT 1 CHECK (tier BETWEEN 1 AND 3));
INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com', 1 + g % 3
  FROM generate_series(1, 3000) g;

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL REFERENCES customers ON DELETE CASCADE,
  status order_status NOT NULL DEFAULT 'new',
  total positive_amount,
  note text,
  note2 text,
  legacy text,
  invoice bigint DEFAULT next_invoice(),
  created timestamptz NOT NULL DEFAULT now(),
  total_x2 numeric GENERATED ALWAYS AS (total * 2) STORED,
  CONSTRAINT orders_status_chk CHECK (status IS NOT NULL AND status <> 'shipped' OR total > 0)
);
INSERT INTO orders (customer_id, status, total, note, note2)
  SELECT 1 + g % 3000, (ARRAY['new', 'paid', 'shipped'])[1 + g % 3]::order_status, g % 500 + 1,
         CASE WHEN g % 2 = 0 THEN 'note ' || g END, 'n2 ' || g
    FROM generate_series(1, 6000) g;
ALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL) NOT VALID;
CREATE INDEX orders_created_idx ON orders (created DESC NULLS LAST);
CREATE INDEX orders_note_lower_idx ON orders (lower(note)) WHERE status <> 'shipped' AND note IS NOT NULL;
CREATE INDEX orders_status_in_idx ON orders (customer_id) INCLUDE (total) WHERE status IN ('new', 'paid');
-- A CREATE INDEX CONCURRENTLY that failed leaves an INVALID index.
CREATE UNIQUE INDEX CONCURRENTLY orders_customer_uidx ON orders (customer_id);

CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb)
  PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;
ALTER TABLE events ADD PRIMARY KEY (id, at);
CREATE INDEX events_kind_idx ON events (kind);
INSERT INTO events SELECT g, '2024-01-01'::date + g % 800, 'k' || g % 7, '{}' FROM generate_series(1, 6000) g;
CREATE TABLE events_2026 (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb);
INSERT INTO events_2026 SELECT g, '2026-01-01'::date + g % 300, 'k', '{}' FROM generate_series(1, 2000) g;

CREATE TABLE audit (id int, at timestamptz, what text);
CREATE TABLE audit_2024 (CHECK (at >= '2024-01-01' AND at < '2025-01-01')) INHERITS (audit);
INSERT INTO audit_2024 SELECT g, '2024-06-01', 'x' FROM generate_series(1, 2500) g;

CREATE TABLE archive (id int PRIMARY KEY, body text);
INSERT INTO archive SELECT g, repeat('x', 100) FROM generate_series(1, 4000) g;
CREATE TABLE small_lookup (code text PRIMARY KEY, label text);
INSERT INTO small_lookup VALUES ('a', 'A'), ('b', 'B');

-- A type of another extension, an expression the program reads back (CASE)
-- and one it does not (a row comparison: a stand-in, said), a function with a
-- SQL-standard body (not read: said).
CREATE EXTENSION citext;
CREATE TABLE gadgets (id int PRIMARY KEY, a int, b int, nick citext, label text);
INSERT INTO gadgets SELECT g, g % 10, g % 7, 'n' || g, 'l' FROM generate_series(1, 2000) g;
CREATE INDEX gadgets_case_idx ON gadgets ((CASE WHEN a > 5 THEN 'hi' ELSE label END));
CREATE INDEX gadgets_row_idx ON gadgets (a) WHERE (a, b) > (1, 2);
CREATE FUNCTION gadget_default() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT 1; END;

CREATE MATERIALIZED VIEW order_totals AS
  SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer ON order_totals (customer_id);
ANALYZE;
