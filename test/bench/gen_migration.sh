#!/usr/bin/env bash
# gen_migration.sh schema|migration NSTATEMENTS NTABLES [PREFIX]
#
# The generator of the migrations that review_vs_squawk.sh measures (issue
# 19), on stdout:
#   schema      the database they run against: NTABLES tables PREFIX_1 ..
#               PREFIX_NTABLES (id bigint primary key, c int, v text, ref_id
#               bigint), 100 rows each, analyzed;
#   migration   NSTATEMENTS statements where statement i touches table
#               PREFIX_((i - 1) % NTABLES + 1): with NTABLES = 1 000 every
#               statement touches another table than the one before it, each
#               table is touched NSTATEMENTS / NTABLES times (the shape of a
#               long-lived project's history, or of a generated multi-tenant
#               migration); with NTABLES = 1 every statement touches the same
#               table.
# The statements cycle through ten kinds, so that every table sees each kind:
# ADD COLUMN, CREATE INDEX CONCURRENTLY, ADD CONSTRAINT ... CHECK NOT VALID,
# VALIDATE CONSTRAINT, SET DEFAULT, COMMENT ON COLUMN, UPDATE, CREATE INDEX
# (without CONCURRENTLY), ADD FOREIGN KEY NOT VALID, SET NOT NULL.  The first
# line sets lock_timeout (otherwise every statement is flagged for it).  Names
# are unique per statement, so the script is valid when run in order.
set -euo pipefail
what=${1:?schema|migration}; n=${2:?NSTATEMENTS}; ntables=${3:?NTABLES}; prefix=${4:-tbl}

case "$what" in
schema)
	cat <<EOF
DO \$\$ BEGIN
  FOR i IN 1..$ntables LOOP
    EXECUTE format('CREATE TABLE ${prefix}_%s (id bigint PRIMARY KEY, c int, v text, ref_id bigint)', i);
    EXECUTE format('INSERT INTO ${prefix}_%s SELECT g, g, ''v'' || g, g FROM generate_series(1, 100) g', i);
    IF i % 200 = 0 THEN COMMIT; END IF;
  END LOOP;
END \$\$;
VACUUM ANALYZE;
EOF
	;;
migration)
	awk -v n="$n" -v ntables="$ntables" -v prefix="$prefix" 'BEGIN {
		print "SET lock_timeout = '\''5s'\'';"
		for (i = 1; i < n; i++) {
			k = int((i - 1) / ntables) + 1		# how many times this table was touched
			t = prefix "_" ((i - 1) % ntables + 1)
			kind = (k - 1) % 10
			if (kind == 0) printf "ALTER TABLE %s ADD COLUMN col_%d text;\n", t, k
			else if (kind == 1) printf "CREATE INDEX CONCURRENTLY %s_c_%d_idx ON %s (c);\n", t, k, t
			else if (kind == 2) printf "ALTER TABLE %s ADD CONSTRAINT %s_chk_%d CHECK (c >= 0) NOT VALID;\n", t, t, k
			else if (kind == 3) printf "ALTER TABLE %s VALIDATE CONSTRAINT %s_chk_%d;\n", t, t, k - 1
			else if (kind == 4) printf "ALTER TABLE %s ALTER COLUMN col_%d SET DEFAULT '\''x'\'';\n", t, k - 4
			else if (kind == 5) printf "COMMENT ON COLUMN %s.col_%d IS '\''added by migration %d'\'';\n", t, k - 5, k
			else if (kind == 6) printf "UPDATE %s SET col_%d = '\''x'\'' WHERE id < 10;\n", t, k - 6
			else if (kind == 7) printf "CREATE INDEX %s_v_%d_idx ON %s (v);\n", t, k, t
			else if (kind == 8) printf "ALTER TABLE %s ADD CONSTRAINT %s_fk_%d FOREIGN KEY (ref_id) REFERENCES %s_1 (id) NOT VALID;\n", t, t, k, prefix
			else printf "ALTER TABLE %s ALTER COLUMN c SET NOT NULL;\n", t
		}
	}'
	;;
*) echo "usage: $0 schema|migration NSTATEMENTS NTABLES [PREFIX]" >&2; exit 2 ;;
esac
