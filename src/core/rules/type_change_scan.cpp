// type_change_scan: ALTER COLUMN ... TYPE that needs no rewrite still reads
// every row of a large table under ACCESS EXCLUSIVE when what depends on the
// column is checked again.  ATPostAlterTypeCleanup drops and re-creates the
// constraints and indexes on the column: a validated CHECK constraint (or a
// foreign key whose types change) is validated again in phase 3 of ALTER
// TABLE, a scan; an index whose collation changes cannot be kept
// (CheckIndexCompatible) and is built again, a scan too.  The glue gives the
// operation the effect Scan or IndexBuild (a rewrite is table_rewrite's).
//
// The safe forms: drop the CHECK constraint in the statement of the type
// change, add it back NOT VALID and validate it under SHARE UPDATE EXCLUSIVE;
// for a collation change, a new column (expand and contract) with its index
// built concurrently.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::AlterColumnType) return;
  if (op.effect != Effect::Scan && op.effect != Effect::IndexBuild) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const AlterColumnTypeOp& at = op.alter_type;
  const std::string column = at.column.empty() ? "<column>" : at.column;
  const std::string new_type = at.new_type.empty() ? "<new type>" : at.new_type;
  const std::string table = sql_name(t.name, s);
  const std::string col = ident(column, s);
  Finding f = make_finding(type_change_scan, t.name);
  if (op.effect == Effect::IndexBuild) {
    f.message = fmt::format(
        "changing the type of column \"{}\" builds the indexes on it again on large table \"{}\"",
        column, f.relation);
    f.detail = fmt::format(
        "{} The type change needs no rewrite, but it changes the collation of \"{}\": its "
        "indexes cannot be kept and are built again, each reading every row, while ALTER TABLE "
        "holds an {} lock, which blocks {}.",
        table_facts_sentence(t), column, lock_sql_name(LockMode::AccessExclusive),
        lock_blocks(LockMode::AccessExclusive));
    f.hint = fmt::format(
        "Keep the collation, or change it through a new column: add it with the new type and "
        "collation, backfill it in batches, build its indexes with CREATE INDEX CONCURRENTLY, "
        "swap the names in one short transaction and drop the old column:\n"
        "ALTER TABLE {0} ADD COLUMN {1} {2};",
        table, ident(truncate_identifier(column + "_new"), s), new_type);
    out.push_back(std::move(f));
    return;
  }
  f.message = fmt::format(
      "changing the type of column \"{}\" validates its constraints again on large table \"{}\" "
      "under an ACCESS EXCLUSIVE lock",
      column, f.relation);
  f.detail = fmt::format(
      "{} The type change needs no rewrite, but the CHECK constraints (and foreign keys) on "
      "\"{}\" are dropped and created again, and validated again by reading every row while "
      "ALTER TABLE holds an {} lock, which blocks {}.",
      table_facts_sentence(t), column, lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} DROP CONSTRAINT <check>, ALTER COLUMN {1} TYPE {2};\n"
      "ALTER TABLE {0} ADD CONSTRAINT <check> CHECK (<its expression>) NOT VALID;\n"
      "ALTER TABLE {0} VALIDATE CONSTRAINT <check>;",
      table, col, new_type);
  f.hint = fmt::format(
      "Drop each CHECK constraint on the column in the statement of the type change, add it "
      "back NOT VALID (new rows are checked at once) and validate it under a {} lock, which "
      "lets reads and writes go on:\n{}",
      lock_sql_name(LockMode::ShareUpdateExclusive), f.safe_sql);
  out.push_back(std::move(f));
}

}  // namespace

const Rule type_change_scan = {
    "type_change_scan",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::Scan) | effect_bit(Effect::IndexBuild),
    // summary
    "a column type change without a rewrite still reads a large table under ACCESS EXCLUSIVE "
    "to validate its CHECK constraints again or to build its indexes again",
    // explanation
    "ALTER COLUMN ... TYPE drops and re-creates what depends on the column. Even when the "
    "table is not rewritten (varchar to text, numeric to a larger precision), a validated "
    "CHECK constraint on the column is validated again, and an index whose collation changes "
    "is built again: both read every row while the ACCESS EXCLUSIVE lock of ALTER TABLE "
    "blocks every read and write of the table.",
    // recipe
    "ALTER TABLE <table> DROP CONSTRAINT <check>, ALTER COLUMN <column> TYPE <new_type>;\n"
    "ALTER TABLE <table> ADD CONSTRAINT <check> CHECK (<expression>) NOT VALID;\n"
    "ALTER TABLE <table> VALIDATE CONSTRAINT <check>;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::AlterColumnType),
};

}  // namespace mg::rules
