#include "core/rules.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/overrides.hpp"
#include "core/quote.hpp"

namespace mg {

const std::vector<RuleInfo>& rule_catalog() {
  static const std::vector<RuleInfo> catalog = {
      {"index_not_concurrent", Severity::Error,
       "CREATE INDEX without CONCURRENTLY on a large table blocks every write for the whole "
       "build",
       rules::index_not_concurrent,
       "CREATE INDEX takes a SHARE lock on the table, and on every partition of a partitioned "
       "table, and keeps it until the index is built: every INSERT, UPDATE, DELETE and MERGE "
       "waits for the whole build, which on a large table takes minutes to hours. CREATE INDEX "
       "CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets reads and writes go on, "
       "at the price of two table scans and of waiting for running transactions.",
       "CREATE INDEX CONCURRENTLY <index> ON <table> (<columns>);  -- outside BEGIN/COMMIT\n"
       "-- partitioned table:\n"
       "CREATE INDEX <index> ON ONLY <parent> (<columns>);\n"
       "CREATE INDEX CONCURRENTLY <partition_index> ON <partition> (<columns>);\n"
       "ALTER INDEX <index> ATTACH PARTITION <partition_index>;  -- for each partition"},
      {"add_column_not_null_no_default", Severity::Error,
       "ADD COLUMN ... NOT NULL without a default fails on a table that has rows, after taking "
       "an ACCESS EXCLUSIVE lock",
       rules::add_column_not_null_no_default,
       "A NOT NULL column added without a default would hold NULL in every existing row, so "
       "ALTER TABLE fails with a not-null violation, but only after it has queued for and taken "
       "an ACCESS EXCLUSIVE lock: the deploy stops half-way and every query that queued behind "
       "the lock waited for nothing. A constant default needs no rewrite since PostgreSQL 11.",
       "ALTER TABLE <table> ADD COLUMN <column> <type> NOT NULL DEFAULT <value>;\n"
       "-- or:\n"
       "ALTER TABLE <table> ADD COLUMN <column> <type>;\n"
       "UPDATE <table> SET <column> = <value> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> "
       "WHERE <column> IS NULL LIMIT 10000));  -- repeat\n"
       "ALTER TABLE <table> ADD CONSTRAINT <check> CHECK (<column> IS NOT NULL) NOT VALID;\n"
       "ALTER TABLE <table> VALIDATE CONSTRAINT <check>;\n"
       "ALTER TABLE <table> ALTER COLUMN <column> SET NOT NULL;\n"
       "ALTER TABLE <table> DROP CONSTRAINT <check>;"},
      {"table_rewrite", Severity::Error,
       "a rewrite of a large table holds ACCESS EXCLUSIVE until the table and all its indexes "
       "have been written again",
       rules::table_rewrite,
       "Some statements write a whole new copy of the table and rebuild every index on it: a "
       "column type change that is not binary coercible (or has USING), a column added with a "
       "volatile default, SET LOGGED or SET UNLOGGED, SET ACCESS METHOD, VACUUM FULL and "
       "CLUSTER. The copy is made under an ACCESS EXCLUSIVE lock, which blocks every read and "
       "write of the table until the end of the transaction, and needs free disk space for the "
       "new copy and its WAL. The rule fires both on the prediction made from the statement and "
       "on the server's own table_rewrite event.",
       "-- type change: expand and contract\n"
       "ALTER TABLE <table> ADD COLUMN <new_column> <new_type>;\n"
       "-- keep <new_column> in step (trigger or application), backfill in batches:\n"
       "UPDATE <table> SET <new_column> = <column>::<new_type> WHERE ctid = ANY (ARRAY(SELECT "
       "ctid FROM <table> WHERE <new_column> IS NULL AND <column> IS NOT NULL LIMIT 10000));\n"
       "BEGIN;\n"
       "ALTER TABLE <table> RENAME COLUMN <column> TO <old_column>;\n"
       "ALTER TABLE <table> RENAME COLUMN <new_column> TO <column>;\n"
       "COMMIT;\n"
       "ALTER TABLE <table> DROP COLUMN <old_column>;\n"
       "-- VACUUM FULL / CLUSTER: pg_repack --table=<table> <database>"},
      {"drop_index_not_concurrent", Severity::Warning,
       "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on a large table",
       rules::drop_index_not_concurrent,
       "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index and on its table. The drop itself "
       "is quick, but the lock request waits for every running query on the table, and every "
       "query that arrives after it, plain SELECT included, waits behind it: one long report "
       "query turns a harmless drop into an outage. DROP INDEX CONCURRENTLY takes SHARE UPDATE "
       "EXCLUSIVE and waits for running transactions instead of blocking new ones.",
       "DROP INDEX CONCURRENTLY <schema>.<index>;  -- outside BEGIN/COMMIT, one index, no "
       "CASCADE"},
      {"reindex_not_concurrent", Severity::Error,
       "REINDEX without CONCURRENTLY blocks writes, and nearly every read, of a large table for "
       "the whole rebuild",
       rules::reindex_not_concurrent,
       "REINDEX holds a SHARE lock on the table, which blocks every write, and an ACCESS "
       "EXCLUSIVE lock on each index it rebuilds. The planner locks every index of a table when "
       "it plans a query on it, so nearly every query on the table waits too, for the whole "
       "rebuild. REINDEX CONCURRENTLY (PostgreSQL 12+) builds a new copy of the index next to "
       "the old one under SHARE UPDATE EXCLUSIVE and swaps them.",
       "REINDEX INDEX CONCURRENTLY <index>;  -- outside BEGIN/COMMIT\n"
       "REINDEX TABLE CONCURRENTLY <table>;"},
      {"set_not_null_scan", Severity::Error,
       "SET NOT NULL scans a large table under ACCESS EXCLUSIVE unless a valid CHECK constraint "
       "proves it",
       rules::set_not_null_scan,
       "ALTER COLUMN ... SET NOT NULL takes an ACCESS EXCLUSIVE lock and, unless a valid CHECK "
       "(column IS NOT NULL) constraint already proves there is no NULL, reads every row to "
       "check it while holding that lock: no one can read or write the table for the whole "
       "scan. Since PostgreSQL 12 the proof by a CHECK constraint skips the scan, and such a "
       "constraint can be validated under SHARE UPDATE EXCLUSIVE, which lets reads and writes "
       "go on. On PostgreSQL 18 the NOT NULL constraint itself can be added NOT VALID and "
       "validated under SHARE UPDATE EXCLUSIVE, and the hint gives that recipe there.",
       "ALTER TABLE <table> ADD CONSTRAINT <check> CHECK (<column> IS NOT NULL) NOT VALID;\n"
       "ALTER TABLE <table> VALIDATE CONSTRAINT <check>;\n"
       "ALTER TABLE <table> ALTER COLUMN <column> SET NOT NULL;\n"
       "ALTER TABLE <table> DROP CONSTRAINT <check>;"},
      {"constraint_without_not_valid", Severity::Error,
       "ADD CONSTRAINT CHECK or FOREIGN KEY without NOT VALID checks every row of a large table "
       "under a lock that blocks writes",
       rules::constraint_without_not_valid,
       "Adding a CHECK constraint reads every row to check it under an ACCESS EXCLUSIVE lock, "
       "which blocks reads and writes; adding a FOREIGN KEY checks every row under SHARE ROW "
       "EXCLUSIVE locks on both the table and the referenced table, which block their writes. "
       "With NOT VALID the constraint is added at once and enforced for new rows; VALIDATE "
       "CONSTRAINT then checks the existing rows under SHARE UPDATE EXCLUSIVE (ROW SHARE on the "
       "referenced table), which lets reads and writes go on.",
       "ALTER TABLE <table> ADD CONSTRAINT <name> <definition> NOT VALID;\n"
       "ALTER TABLE <table> VALIDATE CONSTRAINT <name>;"},
      {"unique_constraint_builds_index", Severity::Error,
       "ADD CONSTRAINT UNIQUE, PRIMARY KEY or EXCLUDE builds its index on a large table under "
       "ACCESS EXCLUSIVE",
       rules::unique_constraint_builds_index,
       "A UNIQUE, PRIMARY KEY or EXCLUDE constraint is backed by an index, and ALTER TABLE "
       "builds that index while holding an ACCESS EXCLUSIVE lock: no one can read or write the "
       "table for the whole build, longer than a plain CREATE INDEX, which at least lets reads "
       "go on. Building the unique index first with CREATE INDEX CONCURRENTLY and then adding "
       "the constraint with USING INDEX needs the strong lock only for a moment. A PRIMARY KEY "
       "also makes its columns NOT NULL, which scans the table unless a CHECK constraint proves "
       "it.",
       "CREATE UNIQUE INDEX CONCURRENTLY <name>_idx ON <table> (<columns>);\n"
       "ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE USING INDEX <name>_idx;\n"
       "-- or PRIMARY KEY USING INDEX, after proving NOT NULL on the columns"},
      {"attach_partition_scan", Severity::Error,
       "ATTACH PARTITION scans a large partition under ACCESS EXCLUSIVE when no constraint "
       "implies its bound",
       rules::attach_partition_scan,
       "ATTACH PARTITION checks that every row of the new partition fits its bound, reading the "
       "whole partition under an ACCESS EXCLUSIVE lock on it (the parent only gets SHARE UPDATE "
       "EXCLUSIVE since PostgreSQL 12), unless a valid CHECK constraint of the partition implies "
       "the bound. A default partition is scanned too, under ACCESS EXCLUSIVE, for rows that "
       "belong in the new partition. A CHECK constraint added NOT VALID and validated under "
       "SHARE UPDATE EXCLUSIVE beforehand makes the attachment instant.",
       "ALTER TABLE <partition> ADD CONSTRAINT <partition>_bound CHECK (<condition implying the "
       "bound>) NOT VALID;\n"
       "ALTER TABLE <partition> VALIDATE CONSTRAINT <partition>_bound;\n"
       "ALTER TABLE <parent> ATTACH PARTITION <partition> <bound>;\n"
       "ALTER TABLE <partition> DROP CONSTRAINT <partition>_bound;"},
      {"detach_partition_blocking", Severity::Warning,
       "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on a large partitioned "
       "table",
       rules::detach_partition_blocking,
       "DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table and on the "
       "partition. It is quick, but it waits for every running query on the parent, and every "
       "query that arrives after it waits behind it. DETACH PARTITION CONCURRENTLY (PostgreSQL "
       "14+) takes SHARE UPDATE EXCLUSIVE on the parent and runs in two transactions.",
       "ALTER TABLE <parent> DETACH PARTITION <partition> CONCURRENTLY;  -- outside BEGIN/COMMIT\n"
       "-- if it was interrupted:\n"
       "ALTER TABLE <parent> DETACH PARTITION <partition> FINALIZE;"},
      {"refresh_matview_blocking", Severity::Warning,
       "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of a large "
       "materialized view for the whole refresh",
       rules::refresh_matview_blocking,
       "REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the materialized view and "
       "holds it while the query runs and the new contents are written: every read of the view "
       "waits for the whole refresh. REFRESH ... CONCURRENTLY takes an EXCLUSIVE lock, which "
       "lets reads go on, and needs a unique index on the view covering all rows.",
       "CREATE UNIQUE INDEX CONCURRENTLY <view>_key ON <view> (<unique columns>);  -- once\n"
       "REFRESH MATERIALIZED VIEW CONCURRENTLY <view>;"},
      {"type_change_narrowing", Severity::Error,
       "a column type change to a narrower type can fail half-way or lose data",
       rules::type_change_narrowing,
       "When the new type is narrower than the old one (a shorter varchar, a smaller integer, "
       "less numeric precision or scale, or a cast that can fail), ALTER TABLE converts every "
       "existing row under an ACCESS EXCLUSIVE lock: a single value that does not fit makes the "
       "statement fail after all that work, and a cast that rounds or truncates changes the "
       "data without any error.",
       "SELECT count(*) FROM <table> WHERE <values of the column that do not fit>;\n"
       "-- or expand and contract: add a column of the new type, backfill, swap, drop"},
      {"drop_table", Severity::Error,
       "DROP TABLE on a table that has rows destroys them: after COMMIT only a backup brings "
       "them back",
       rules::drop_table,
       "DROP TABLE deletes the table's rows for good once the transaction commits, and any "
       "application version still running that uses the table starts failing at once. With "
       "CASCADE it drops the views and foreign keys that depend on it too. Renaming the table "
       "away first and dropping it in a later release, after a backup, keeps a way back.",
       "ALTER TABLE <table> RENAME TO <table>_deprecated;\n"
       "-- a later release, after pg_dump --table=<table>_deprecated:\n"
       "DROP TABLE <table>_deprecated;"},
      {"drop_column", Severity::Error,
       "DROP COLUMN on a table that has rows destroys the column's values, and breaks "
       "application versions that still use it",
       rules::drop_column,
       "DROP COLUMN is quick, but the values of the column are gone once the transaction "
       "commits, and every application version still running that reads or writes the column "
       "fails from that moment. It also takes an ACCESS EXCLUSIVE lock, which queues behind "
       "running queries. The safe order is: release an application version that no longer uses "
       "the column, keep a copy of its values, then drop it.",
       "CREATE TABLE <table>_<column>_backup AS SELECT <key>, <column> FROM <table>;\n"
       "ALTER TABLE <table> DROP COLUMN <column>;  -- after the application stopped using it"},
      {"truncate_table", Severity::Error,
       "TRUNCATE on a table that has rows removes them all under an ACCESS EXCLUSIVE lock",
       rules::truncate_table,
       "TRUNCATE removes every row at once: after COMMIT only a backup brings them back, and "
       "with CASCADE the rows of every table referencing it go too. It takes an ACCESS "
       "EXCLUSIVE lock, which blocks every read and write of the table. Deleting in batches "
       "takes only ROW EXCLUSIVE and lets the application go on.",
       "DELETE FROM <table> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> LIMIT 10000));  "
       "-- repeat"},
      {"rename_column", Severity::Warning,
       "RENAME COLUMN breaks every running application version that uses the old name",
       rules::rename_column,
       "The rename itself is instant (an ACCESS EXCLUSIVE lock held for a moment), but from "
       "COMMIT on every query that still uses the old name fails, and the application version "
       "running during a deploy still does. The expand/contract recipe adds the new column, "
       "keeps both in step, switches the application, and drops the old one later.",
       "ALTER TABLE <table> ADD COLUMN <new> <type>;\n"
       "UPDATE <table> SET <new> = <old> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> WHERE "
       "<new> IS NULL AND <old> IS NOT NULL LIMIT 10000));  -- repeat\n"
       "ALTER TABLE <table> DROP COLUMN <old>;  -- after the application uses <new>"},
      {"rename_table", Severity::Warning,
       "RENAME TABLE breaks every running application version that uses the old name",
       rules::rename_table,
       "The rename itself is instant (an ACCESS EXCLUSIVE lock held for a moment), but from "
       "COMMIT on every query that still uses the old name fails. A simple view with the old "
       "name, created in the same transaction, is automatically updatable and keeps the old "
       "name working until no application version uses it.",
       "BEGIN;\n"
       "ALTER TABLE <old> RENAME TO <new>;\n"
       "CREATE VIEW <old> AS SELECT * FROM <new>;\n"
       "COMMIT;\n"
       "DROP VIEW <old>;  -- later"},
      {"concurrently_in_transaction", Severity::Error,
       "a CONCURRENTLY statement inside a transaction block always fails",
       rules::concurrently_in_transaction,
       "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH "
       "PARTITION CONCURRENTLY commit between their phases, so the server refuses them inside a "
       "transaction block: the migration stops with an error and everything done before it in "
       "the transaction is rolled back. Migration tools that wrap each migration in a "
       "transaction must be told not to for this one.",
       "-- outside BEGIN/COMMIT, in a migration of its own:\n"
       "CREATE INDEX CONCURRENTLY <index> ON <table> (<columns>);"},
      {"invalid_index", Severity::Error,
       "an INVALID index left by a failed CREATE INDEX CONCURRENTLY costs every write and is "
       "never used",
       rules::invalid_index,
       "When CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY fails, it leaves an INVALID "
       "index behind: the planner never uses it, but every INSERT and UPDATE still maintains "
       "it. Building again under the same name fails (or, with IF NOT EXISTS, silently keeps "
       "the invalid one). Drop it, concurrently, before building again.",
       "DROP INDEX CONCURRENTLY <schema>.<invalid_index>;\n"
       "CREATE INDEX CONCURRENTLY <index> ON <table> (<columns>);"},
      {"lock_timeout_missing", Severity::Warning,
       "a lock that blocks reads or writes of a table in use is requested with no lock_timeout",
       rules::lock_timeout_missing,
       "A DDL statement that needs a strong lock waits for every transaction that holds a "
       "conflicting lock on the table, however long, and while it waits every new query on the "
       "table queues behind it: a millisecond ALTER TABLE behind one long report freezes the "
       "table. With lock_timeout, the statement gives up after a few seconds and the migration "
       "can be retried; migration_guard.lock_timeout sets one automatically for such "
       "statements, and migration_guard.on_lock_conflict can refuse to queue at all.",
       "SET lock_timeout = '5s';\n"
       "<the DDL statement>;  -- retry it when it times out"},
      {"unbatched_backfill", Severity::Warning,
       "an UPDATE or DELETE of every row of a large table runs in a transaction that did DDL",
       rules::unbatched_backfill,
       "A backfill written as one UPDATE of the whole table locks every row until COMMIT, "
       "writes the whole table again at once (bloat, a burst of WAL, replication lag) and, "
       "inside the migration's transaction, keeps the strong lock of its DDL for all that "
       "time. Commit the DDL first, then update in batches of a few thousand rows, each in a "
       "transaction of its own.",
       "COMMIT;  -- the DDL\n"
       "UPDATE <table> SET <column> = <value> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> "
       "WHERE <column> IS NULL LIMIT 10000));  -- repeat until 0 rows"},
      // Script-level rules: judged by review() over the whole script, silent
      // for a single statement.
      {"lock_held_across_statements", Severity::Warning,
       "inside a transaction, a long statement runs while an earlier statement's ACCESS "
       "EXCLUSIVE lock is still held",
       rules::lock_held_across_statements,
       "A lock is held until the end of the transaction that took it, not of the statement. "
       "When a migration takes an ACCESS EXCLUSIVE lock on a table (ALTER TABLE, DROP, RENAME, "
       "even a quick one) and then, in the same transaction, runs a long statement (an index "
       "build, a rewrite, a scan of a large table, on any table), the first table stays locked "
       "against every read and write for the whole of the long statement: a harmless catalog "
       "change becomes an outage as long as the slowest statement after it. Committing before "
       "the long statement releases the lock first.",
       "BEGIN;\n"
       "ALTER TABLE <table> ...;  -- takes ACCESS EXCLUSIVE\n"
       "COMMIT;  -- releases it before the long statement\n"
       "BEGIN;\n"
       "<long statement>;\n"
       "COMMIT;"},
      {"not_valid_validated_in_same_transaction", Severity::Warning,
       "VALIDATE CONSTRAINT in the same transaction as ADD CONSTRAINT ... NOT VALID keeps the "
       "strong lock through the validation scan",
       rules::not_valid_validated_in_same_transaction,
       "ADD CONSTRAINT ... NOT VALID followed by VALIDATE CONSTRAINT avoids a long lock only "
       "when the two run in separate transactions: ADD CONSTRAINT takes an ACCESS EXCLUSIVE "
       "lock (SHARE ROW EXCLUSIVE for a foreign key) and keeps it until the end of its "
       "transaction. Validated in the same transaction, the scan of every row runs while that "
       "lock is still held, exactly as if NOT VALID had not been written. Committed in between, "
       "the validation takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.",
       "ALTER TABLE <table> ADD CONSTRAINT <name> <definition> NOT VALID;\n"
       "COMMIT;  -- release the lock before the validation\n"
       "ALTER TABLE <table> VALIDATE CONSTRAINT <name>;"},
  };
  return catalog;
}

const RuleInfo* find_rule(std::string_view id) {
  for (const RuleInfo& rule : rule_catalog())
    if (id == rule.id) return &rule;
  return nullptr;
}

namespace {
// The rules whose finding is about how long the statement blocks others.
bool reports_duration(const std::string& rule) {
  static const char* const kRules[] = {
      "index_not_concurrent", "reindex_not_concurrent",         "table_rewrite",
      "set_not_null_scan",    "constraint_without_not_valid",   "unique_constraint_builds_index",
      "attach_partition_scan", "refresh_matview_blocking"};
  for (const char* r : kRules)
    if (rule == r) return true;
  return false;
}
}  // namespace

std::vector<Finding> evaluate(const Operation& op, const Settings& settings) {
  std::vector<Finding> out;
  for (const RuleInfo& rule : rule_catalog()) rule.check(op, settings, out);
  // Per-rule overrides (migration_guard.rules): a new severity, or off.
  if (!out.empty() && !settings.rule_overrides.empty()) {
    std::string error;
    auto ov = parse_overrides(settings.rule_overrides, &error);
    if (ov) {
      std::vector<Finding> kept;
      for (Finding& f : out) {
        auto it = ov->find(f.rule);
        if (it == ov->end()) {
          kept.push_back(std::move(f));
          continue;
        }
        if (it->second == RuleLevel::Off) continue;
        f.severity = it->second == RuleLevel::Info      ? Severity::Info
                     : it->second == RuleLevel::Warning ? Severity::Warning
                                                        : Severity::Error;
        kept.push_back(std::move(f));
      }
      out = std::move(kept);
    }
  }
  // The server's own table_rewrite event comes while the rewrite starts: the
  // hook already gave the estimate with its prediction.
  if (out.empty() || op.kind == OpKind::TableRewrite) return out;
  const std::string sentence = duration_sentence(estimate(op, settings));
  if (sentence.empty()) return out;
  for (Finding& f : out)
    if (reports_duration(f.rule)) f.detail += " " + sentence;
  return out;
}

std::string display_name(const QualifiedName& n) {
  return n.schema.empty() ? n.name : fmt::format("{}.{}", n.schema, n.name);
}

std::string sql_name(const QualifiedName& n, const Settings& s) {
  return quote_qualified(n.schema, n.name, s.quote_all_identifiers);
}

std::string table_facts_sentence(const TableFacts& t) {
  std::string size = pretty_bytes(t.bytes);
  if (t.kind == 'p')
    return fmt::format(
        "Partitioned table \"{}\" holds about {} row{} ({}) in {} partition{}.",
        display_name(t.name), pretty_count(t.rows), t.rows == 1 ? "" : "s", size,
        t.partition_count,
        t.partition_count == 1 ? "" : "s");
  const char* what = t.kind == 'm' ? "Materialized view" : "Table";
  if (t.rows < 0) return fmt::format("{} \"{}\" has {} of data.", what, display_name(t.name), size);
  return fmt::format("{} \"{}\" holds about {} row{} ({}).", what, display_name(t.name),
                     pretty_count(t.rows), t.rows == 1 ? "" : "s", size);
}

bool has_rows(const TableFacts& t) {
  if (t.rows > 0) return true;
  return t.rows < 0 && t.bytes > 0;  // never analyzed, but not empty
}

bool visible_to_others(const TableFacts& t) { return !t.created_in_transaction && !t.temporary; }

std::string ident(std::string_view name, const Settings& s) {
  return quote_ident(name, s.quote_all_identifiers);
}

std::string not_null_check_name(const TableFacts& t, std::string_view column) {
  return truncate_identifier(fmt::format("{}_{}_not_null", t.name.name, column));
}

std::string batch_update_sql(const std::string& table_sql, const std::string& set_clause,
                             const std::string& where) {
  return fmt::format(
      "UPDATE {0} SET {1} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {0} WHERE {2} LIMIT "
      "10000));  -- repeat until it updates 0 rows",
      table_sql, set_clause, where);
}

bool has_not_valid_not_null(const Settings& s) { return server_at_least(s, 18); }

std::string not_null_without_scan_sql(const std::string& table_sql, const std::string& column_sql,
                                      const std::string& check_sql, const Settings& s) {
  if (has_not_valid_not_null(s))
    return fmt::format(
        "ALTER TABLE {0} ADD CONSTRAINT {2} NOT NULL {1} NOT VALID;\n"
        "ALTER TABLE {0} VALIDATE CONSTRAINT {2};",
        table_sql, column_sql, check_sql);
  return fmt::format(
      "ALTER TABLE {0} ADD CONSTRAINT {2} CHECK ({1} IS NOT NULL) NOT VALID;\n"
      "ALTER TABLE {0} VALIDATE CONSTRAINT {2};\n"
      "ALTER TABLE {0} ALTER COLUMN {1} SET NOT NULL;\n"
      "ALTER TABLE {0} DROP CONSTRAINT {2};",
      table_sql, column_sql, check_sql);
}

namespace {
bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}
}  // namespace

std::vector<std::string> split_column_list(std::string_view list) {
  std::vector<std::string> out;
  list = trim_blanks(list);
  if (list.size() < 2 || list.front() != '(' || list.back() != ')') return out;
  list = list.substr(1, list.size() - 2);
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    char c = i < list.size() ? list[i] : ',';
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      std::string_view item = trim_blanks(list.substr(start, i - start));
      if (!item.empty()) out.emplace_back(item);
      start = i + 1;
    }
  }
  return out;
}

std::string identifier_value(std::string_view written) {
  written = trim_blanks(written);
  std::string out;
  if (written.size() >= 2 && written.front() == '"' && written.back() == '"') {
    written = written.substr(1, written.size() - 2);
    for (std::size_t i = 0; i < written.size(); ++i) {
      out.push_back(written[i]);
      if (written[i] == '"' && i + 1 < written.size() && written[i + 1] == '"') ++i;
    }
    return out;
  }
  for (char c : written) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

std::string trim_sentence(std::string_view text) {
  text = trim_blanks(text);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return std::string(trim_blanks(text));
}

}  // namespace mg
