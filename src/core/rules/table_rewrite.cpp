// table_rewrite: the server is about to write a new copy of a large table and
// of all its indexes, under an ACCESS EXCLUSIVE lock held to the end of the
// transaction.  Every read and write of the table waits for the whole copy,
// and the copy needs free disk space for the table, its indexes and the WAL.
//
// Two feeds:
// - the prediction made by the hook from the statement, before anything is
//   locked: ALTER COLUMN ... TYPE that is not binary coercible or has USING
//   (ATColumnChangeRequiresRewrite), ADD COLUMN with a volatile default
//   (since PostgreSQL 11 a constant default is stored in the catalog, a
//   volatile one must be computed row by row), SET LOGGED / SET UNLOGGED,
//   ADD COLUMN of an identity, serial or GENERATED ... STORED column (every
//   row gets its value; a VIRTUAL one, PostgreSQL 18, needs no rewrite),
//   SET ACCESS METHOD (PostgreSQL 15), VACUUM FULL and CLUSTER (which copy
//   the table in cluster_rel under ACCESS EXCLUSIVE);
// - the table_rewrite event trigger, the server's own ground truth that a
//   rewrite happens (ATRewriteTables fires it just before the copy starts),
//   which catches what no prediction saw.  When the hook already predicted
//   the rewrite (table_rewrite.predicted), the event is not reported twice.
//
// The safe forms: a type change through a new column (expand/contract), a
// volatile default set for new rows only and the existing rows backfilled in
// batches, pg_repack instead of VACUUM FULL and CLUSTER.  SET LOGGED/UNLOGGED
// and SET ACCESS METHOD have no form without a rewrite.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

struct Cause {
  int bit;
  const char* what;
  const char* advice;
};

constexpr Cause kCauses[] = {
    {kRewriteColumn, "a column type change",
     "Change the type without a rewrite where the server allows it (varchar(n) to a longer "
     "varchar or to text, numeric to a larger precision with the same scale), or add a new "
     "column of the new type, backfill it in batches, switch the application to it, then drop "
     "the old one."},
    {kRewriteDefault, "a column added with a volatile default",
     "Add the column with no default or a constant one (no rewrite), set the volatile default "
     "with ALTER COLUMN ... SET DEFAULT for new rows, and fill the existing rows in batches."},
    {kRewritePersistence, "SET LOGGED or SET UNLOGGED",
     "SET LOGGED/UNLOGGED always rewrites the table: run it in a maintenance window."},
    {kRewriteAccessMethod, "SET ACCESS METHOD",
     "SET ACCESS METHOD always rewrites the table: run it in a maintenance window."},
    {kRewriteSetExpression, "SET EXPRESSION of a stored generated column",
     "A stored generated column is computed again for every row: run it in a maintenance "
     "window, or add a new generated column (VIRTUAL on PostgreSQL 18, which is computed when "
     "read) and switch the application to it."},
};

// The rewrite reported by the server's table_rewrite event.  Its wording is
// part of the pg_regress expected output: keep it byte-identical.
void event_finding(const Operation& op, std::vector<Finding>& out) {
  const TableFacts& t = op.table;
  std::string causes;
  std::string advice;
  for (const Cause& c : kCauses) {
    if (!(op.table_rewrite.reason & c.bit)) continue;
    if (!causes.empty()) causes += " and ";
    causes += c.what;
    if (!advice.empty()) advice += "\n";
    advice += c.advice;
  }
  if (causes.empty()) causes = "a change the server cannot make in place";

  Finding f = make_finding(table_rewrite, t.name);
  f.message = fmt::format("{} rewrites large table \"{}\"",
                          op.table_rewrite.command.empty() ? "ALTER TABLE"
                                                           : op.table_rewrite.command,
                          f.relation);
  f.detail = fmt::format(
      "{} The rewrite is caused by {}. It writes a new copy of the table and of all its indexes "
      "under an {} lock, which blocks {}, until the end of the transaction.",
      table_facts_sentence(t), causes, lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));
  f.hint = advice.empty() ? "Run the statement in a maintenance window." : advice;
  out.push_back(std::move(f));
}

// "It writes a new copy ... until the end of the transaction."
std::string copy_sentence(const char* until) {
  return fmt::format(
      "It writes a new copy of the table and of all its indexes under an {} lock, which blocks "
      "{}, {}, and needs free disk space for the copy.",
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive), until);
}

// The table name as a pg_repack argument: quoted for SQL, and for the shell
// when it holds a double quote.
std::string shell_table(const QualifiedName& n, const Settings& s) {
  return shell_word(sql_name(n, s));
}

constexpr const char* kUntilCommit = "until the end of the transaction";

std::string lock_timeout_sql(const std::string& statement) {
  return fmt::format(
      "SET lock_timeout = '5s';  -- give up rather than queue in front of the application\n{}",
      statement);
}

void alter_type_finding(const Operation& op, const Settings& s, Finding& f) {
  const AlterColumnTypeOp& at = op.alter_type;
  const TableFacts& t = op.table;
  f.message = fmt::format("changing the type of column \"{}\" rewrites large table \"{}\"",
                          at.column, f.relation);
  f.detail = fmt::format(
      "{} Changing \"{}\" from {} to {} {}, so ALTER TABLE rewrites the table. {}",
      table_facts_sentence(t), at.column, at.old_type, at.new_type,
      at.has_using ? "uses a USING expression" : "is not binary coercible",
      copy_sentence(kUntilCommit));

  const std::string table = sql_name(t.name, s);
  const std::string col = ident(at.column, s);
  const std::string new_col = ident(truncate_identifier(at.column + "_new"), s);
  const std::string old_col = ident(truncate_identifier(at.column + "_old"), s);
  const std::string sync_name = truncate_identifier(fmt::format("{}_{}_sync", t.name.name, at.column));
  const std::string sync = ident(sync_name, s);
  const std::string sync_fn = sql_name(QualifiedName{t.name.schema, sync_name}, s);
  // The value of the new column, from the row (NEW.<col> in the trigger).
  // With USING, its expression as the server assigns it (its deparse, casts
  // shown).
  const std::string value = !at.has_using          ? fmt::format("CAST({} AS {})", col, at.new_type)
                            : at.using_sql.empty() ? "<the USING expression>"
                                                   : at.using_sql;
  const std::string trigger_value =
      !at.has_using              ? fmt::format("CAST(NEW.{} AS {})", col, at.new_type)
      : at.using_row_sql.empty() ? "<the USING expression on NEW>"
                                 : at.using_row_sql;
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} ADD COLUMN {1} {2};\n"
      "CREATE FUNCTION {3}() RETURNS trigger LANGUAGE plpgsql AS {4};\n"
      "CREATE TRIGGER {5} BEFORE INSERT OR UPDATE ON {0} FOR EACH ROW EXECUTE FUNCTION {3}();\n"
      "{6}\n"
      "BEGIN;\n"
      "DROP TRIGGER {5} ON {0};\n"
      "DROP FUNCTION {3}();\n"
      "ALTER TABLE {0} RENAME COLUMN {7} TO {8};\n"
      "ALTER TABLE {0} RENAME COLUMN {1} TO {7};\n"
      "COMMIT;\n"
      "ALTER TABLE {0} DROP COLUMN {8};  -- once the application no longer uses it",
      table, new_col, at.new_type, sync_fn,
      dollar_quote(fmt::format(" BEGIN NEW.{} := {}; RETURN NEW; END ", new_col, trigger_value)), sync,
      batch_update_sql(table, fmt::format("{} = {}", new_col, value),
                       fmt::format("{} IS NULL AND {} IS NOT NULL", new_col, col)),
      col, old_col);
  f.hint =
      "Change it without a rewrite where the server allows it (varchar(n) to a longer varchar "
      "or to text, numeric to a larger precision with the same scale); otherwise expand and "
      "contract: add a column of the new type, keep it in step with a trigger (or have the "
      "application write both), backfill it in batches, swap the names in one short "
      "transaction, and drop the old column (recreate its defaults, constraints and indexes "
      "on the new one before the swap):\n" +
      f.safe_sql;
}

void volatile_default_finding(const Operation& op, const Settings& s, Finding& f) {
  const AddColumnOp& ac = op.add_column;
  const TableFacts& t = op.table;
  const std::string def = ac.default_sql.empty() ? "<default>" : ac.default_sql;
  f.message = fmt::format("adding column \"{}\" with volatile default {} rewrites large table \"{}\"",
                          ac.column, def, f.relation);
  f.detail = fmt::format(
      "{} The rewrite is caused by a column added with a volatile default {}: it is computed "
      "for each existing row, so ALTER TABLE rewrites the table. {}",
      table_facts_sentence(t), def, copy_sentence(kUntilCommit));
  const std::string table = sql_name(t.name, s);
  const std::string col = ident(ac.column, s);
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} ADD COLUMN {1} {2};\n"
      "ALTER TABLE {0} ALTER COLUMN {1} SET DEFAULT {3};\n"
      "{4}",
      table, col, ac.type_sql, def,
      batch_update_sql(table, fmt::format("{} = {}", col, def), fmt::format("{} IS NULL", col)));
  if (ac.not_null)
    f.safe_sql += "\n" + not_null_without_scan_sql(
                                  table, col, ident(not_null_check_name(t, ac.column), s), s);
  f.hint =
      "Add the column without a default (no rewrite), set the default for new rows only, and "
      "fill the existing rows in batches:\n" +
      f.safe_sql;
}

// ADD COLUMN of an identity, serial or GENERATED ... STORED column: every row
// gets its value written.  A virtual generated column (PostgreSQL 18) is
// computed when read and is not modelled as a rewrite.
void generated_values_finding(const Operation& op, const Settings& s, Finding& f) {
  const AddColumnOp& ac = op.add_column;
  f.message = fmt::format("adding column \"{}\" with values generated row by row rewrites large "
                          "table \"{}\"",
                          ac.column, f.relation);
  f.detail = fmt::format(
      "{} The rewrite is caused by a column whose values are generated for each existing row "
      "(identity, serial or GENERATED ... STORED). {}",
      table_facts_sentence(op.table), copy_sentence(kUntilCommit));
  f.hint = fmt::format(
      "{}An identity or serial column can be added as a plain column with a sequence default "
      "for new rows, backfilled in batches, and made NOT NULL without a scan; otherwise run it "
      "in a maintenance window.",
      server_at_least(s, 18) ? "A GENERATED column can be VIRTUAL instead (the default since "
                               "PostgreSQL 18): it is computed when read, with no rewrite. "
                             : "");
}

// ADD COLUMN of a domain type with constraints: the server computes the
// domain's check for every existing row (as if the default were volatile)
// and writes the value into each, so the table is rewritten even without a
// default.
void domain_column_finding(const Operation& op, const Settings& s, Finding& f) {
  const AddColumnOp& ac = op.add_column;
  const TableFacts& t = op.table;
  f.message = fmt::format("adding column \"{}\" of constrained domain {} rewrites large table \"{}\"",
                          ac.column, ac.type_sql.empty() ? "<domain>" : ac.type_sql, f.relation);
  f.detail = fmt::format(
      "{} The rewrite is caused by a column of a domain type with constraints: the server "
      "checks the domain's constraints for every existing row and writes the value into it. {}",
      table_facts_sentence(t), copy_sentence(kUntilCommit));
  const std::string table = sql_name(t.name, s);
  const std::string col = ident(ac.column, s);
  f.hint = fmt::format(
      "Add the column with the domain's base type (no rewrite), backfill it in batches if it "
      "needs values, then change its type to the domain in a maintenance window (that checks "
      "every row under the same lock), or enforce the domain's rule with a CHECK constraint "
      "added NOT VALID and validated without blocking writes:\n"
      "ALTER TABLE {0} ADD COLUMN {1} <base type>;\n"
      "ALTER TABLE {0} ADD CONSTRAINT <name> CHECK (<the domain's check on {1}>) NOT VALID;\n"
      "ALTER TABLE {0} VALIDATE CONSTRAINT <name>;",
      table, col);
}

void persistence_finding(const Operation& op, const Settings& s, Finding& f) {
  std::string mode = "<LOGGED or UNLOGGED>";
  if (op.object_name == "LOGGED" || op.object_name == "UNLOGGED" ||
      op.object_name == "logged" || op.object_name == "unlogged")
    mode = op.object_name;
  f.message = fmt::format("changing the persistence of large table \"{}\" rewrites it", f.relation);
  f.detail = fmt::format(
      "{} The rewrite is caused by SET LOGGED or SET UNLOGGED{}. {}",
      table_facts_sentence(op.table),
      " (SET LOGGED also writes the whole table to the WAL)", copy_sentence(kUntilCommit));
  f.safe_sql = lock_timeout_sql(
      fmt::format("ALTER TABLE {} SET {};", sql_name(op.table.name, s), mode));
  f.hint = "SET LOGGED and SET UNLOGGED always rewrite the table: run it in a maintenance "
           "window, with a lock timeout so that it does not queue in front of the application:\n" +
           f.safe_sql;
}

void access_method_finding(const Operation& op, const Settings& s, Finding& f) {
  const std::string am = op.object_name.empty() ? "<access method>" : ident(op.object_name, s);
  f.message = fmt::format("changing the access method of large table \"{}\" rewrites it", f.relation);
  f.detail = fmt::format("{} The rewrite is caused by SET ACCESS METHOD. {}",
                         table_facts_sentence(op.table), copy_sentence(kUntilCommit));
  f.safe_sql = lock_timeout_sql(
      fmt::format("ALTER TABLE {} SET ACCESS METHOD {};", sql_name(op.table.name, s), am));
  f.hint = "SET ACCESS METHOD always rewrites the table: run it in a maintenance window, with a "
           "lock timeout so that it does not queue in front of the application:\n" +
           f.safe_sql;
}

// SET TABLESPACE to another tablespace: no rewrite in the server's sense
// (no table_rewrite event, the rows are not read one by one), but the same
// downtime: ATExecSetTableSpace copies every block of the table, of its free
// space and visibility maps and of its TOAST table to new files under ACCESS
// EXCLUSIVE (PostgreSQL 15 and 18); the table's indexes stay where they are.
void tablespace_finding(const Operation& op, const Settings& s, Finding& f) {
  const std::string table = sql_name(op.table.name, s);
  const std::string ts = ident(op.object_name, s);
  f.message = fmt::format("SET TABLESPACE copies large table \"{}\"", f.relation);
  f.detail = fmt::format(
      "{} SET TABLESPACE {} copies every block of the table and of its TOAST table to new files "
      "in the new tablespace (its indexes stay where they are, each moved by its own ALTER "
      "INDEX ... SET TABLESPACE) under an {} lock, which blocks {}, until the end of the "
      "transaction; the copy is written to the WAL too.",
      table_facts_sentence(op.table), ts, lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));
  f.hint = fmt::format(
      "Move it online with the pg_repack extension, which copies the table into the new "
      "tablespace while reads and writes go on and needs ACCESS EXCLUSIVE only for a moment at "
      "the end (the table needs a primary key or a unique index on NOT NULL columns; --moveidx "
      "moves its indexes too); from a shell:\n"
      "pg_repack --no-order --tablespace={0} --moveidx --table={1} --dbname=<database>\n"
      "or run the statement in a maintenance window, with a lock timeout so that it does not "
      "queue in front of the application:\n{2}",
      shell_word(op.object_name), shell_table(op.table.name, s),
      lock_timeout_sql(fmt::format("ALTER TABLE {} SET TABLESPACE {};", table, ts)));
  f.safe_sql = sql_comment(fmt::format(
      "from a shell, instead of SET TABLESPACE: pg_repack --no-order --tablespace={} --moveidx "
      "--table={} --dbname=<database>",
      shell_word(op.object_name), shell_table(op.table.name, s)));
}

void vacuum_full_finding(const Operation& op, const Settings& s, Finding& f) {
  const std::string table = sql_name(op.table.name, s);
  f.message = fmt::format("VACUUM FULL rewrites large table \"{}\"", f.relation);
  f.detail = fmt::format("{} VACUUM FULL copies the live rows into a new file. {}",
                         table_facts_sentence(op.table), copy_sentence("for the whole copy"));
  f.hint = fmt::format(
      "To give the space back to the operating system without blocking, rebuild the table "
      "online with the pg_repack extension (it needs ACCESS EXCLUSIVE only for a moment at the "
      "end); from a shell:\n"
      "pg_repack --no-order --table={0} --dbname=<database>\n"
      "or, if the free space may stay in the table for reuse, a plain VACUUM blocks nothing:\n"
      "VACUUM (VERBOSE) {1};",
      shell_table(op.table.name, s), table);
  // pg_repack is a shell command: in a script it can only be a comment.
  f.safe_sql = sql_comment(fmt::format(
      "from a shell, instead of VACUUM FULL: pg_repack --no-order --table={} --dbname=<database>",
      shell_table(op.table.name, s)));
}

void cluster_finding(const Operation& op, const Settings& s, Finding& f) {
  f.message = fmt::format("CLUSTER rewrites large table \"{}\"", f.relation);
  f.detail = fmt::format("{} CLUSTER copies the rows into a new file in index order. {}",
                         table_facts_sentence(op.table), copy_sentence("for the whole copy"));
  f.hint = fmt::format(
      "Reorder the table online with the pg_repack extension (it orders by the clustered index, "
      "or by --order-by, and needs ACCESS EXCLUSIVE only for a moment at the end); from a "
      "shell:\n"
      "pg_repack --table={0} --dbname=<database>\n"
      "or run CLUSTER in a maintenance window:\n"
      "{1}",
      shell_table(op.table.name, s),
      lock_timeout_sql(fmt::format("CLUSTER {};", sql_name(op.table.name, s))));
  f.safe_sql = sql_comment(
      fmt::format("from a shell, instead of CLUSTER: pg_repack --table={} --dbname=<database>",
                  shell_table(op.table.name, s)));
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  void (*predicted)(const Operation&, const Settings&, Finding&) = nullptr;
  switch (op.kind) {
    case OpKind::TableRewrite:
      // Already reported from the statement by the hook: once is enough.
      if (op.table_rewrite.predicted) return;
      break;
    case OpKind::AlterColumnType:
      if (!op.alter_type.rewrite && op.effect != Effect::Rewrite) return;
      predicted = alter_type_finding;
      break;
    case OpKind::AddColumn:
      if (op.add_column.volatile_default)
        predicted = volatile_default_finding;
      else if (op.add_column.fills_values)
        predicted = generated_values_finding;
      else if (op.effect == Effect::Rewrite)
        // The model says rewrite for no reason above: a constrained domain.
        predicted = domain_column_finding;
      else
        return;
      break;
    case OpKind::SetPersistence:
      predicted = persistence_finding;
      break;
    case OpKind::SetAccessMethod:
      predicted = access_method_finding;
      break;
    case OpKind::VacuumFull:
      predicted = vacuum_full_finding;
      break;
    case OpKind::Cluster:
      predicted = cluster_finding;
      break;
    case OpKind::SetTablespace:
      predicted = tablespace_finding;
      break;
    default:
      return;
  }
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;
  if (!predicted) {
    event_finding(op, out);
    return;
  }
  Finding f = make_finding(table_rewrite, t.name);
  predicted(op, s, f);
  out.push_back(std::move(f));
}

}  // namespace

const Rule table_rewrite = {
    "table_rewrite",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::Rewrite),
    // summary
    "a rewrite of a large table holds ACCESS EXCLUSIVE until the table and all its indexes "
    "have been written again",
    // explanation
    "Some statements write a whole new copy of the table and rebuild every index on it: a "
    "column type change that is not binary coercible (or has USING), a column added with a "
    "volatile default, an identity, serial, GENERATED ... STORED or constrained-domain column, "
    "SET LOGGED or SET UNLOGGED, SET ACCESS METHOD, VACUUM FULL and CLUSTER; SET TABLESPACE to "
    "another tablespace copies the table's files block by block, with the same lock. The copy is made under an ACCESS EXCLUSIVE lock, which blocks every read and "
    "write of the table until the end of the transaction, and needs free disk space for the "
    "new copy and its WAL. The rule fires both on the prediction made from the statement and "
    "on the server's own table_rewrite event.",
    // recipe
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
    "-- VACUUM FULL / CLUSTER: pg_repack --table=<table> <database>",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::AddColumn) | kind_bit(OpKind::AlterColumnType) |
        kind_bit(OpKind::TableRewrite) | kind_bit(OpKind::SetPersistence) |
        kind_bit(OpKind::SetAccessMethod) | kind_bit(OpKind::VacuumFull) |
        kind_bit(OpKind::Cluster) | kind_bit(OpKind::SetTablespace),
};

}  // namespace mg::rules
