// add_column_not_null_no_default: ALTER TABLE ... ADD COLUMN ... NOT NULL with
// no default on a table that has rows.  Every existing row would hold NULL in
// the new column, so the statement fails in phase 3 of ALTER TABLE, after it
// has queued for and taken ACCESS EXCLUSIVE: the deploy stops half-way and the
// queue behind the lock was paid for nothing.  A PRIMARY KEY column and a
// column of a NOT NULL domain without a default fail the same way.
//
// The statement is harmless when the column gets values: a DEFAULT (constant
// defaults need no rewrite since PostgreSQL 11), identity, GENERATED or
// serial, or the domain's own default.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::AddColumn) return;
  const AddColumnOp& ac = op.add_column;
  if (!ac.not_null || ac.has_default || ac.fills_values) return;
  const TableFacts& t = op.table;
  if (!has_rows(t)) return;

  Finding f = make_finding(add_column_not_null_no_default, t.name);
  f.message = fmt::format(
      "adding NOT NULL column \"{}\" without a default fails on table \"{}\", which has rows",
      ac.column, f.relation);
  f.detail = fmt::format(
      "{} Every existing row would hold NULL in \"{}\", so ALTER TABLE fails with a not-null "
      "violation after it has queued for and taken an {} lock, which blocks {}.",
      table_facts_sentence(t), ac.column, lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));

  const std::string table = sql_name(t.name, s);
  const std::string col = quote_ident(ac.column, s.quote_all_identifiers);
  const std::string check =
      quote_ident(truncate_identifier(fmt::format("{}_{}_not_null", t.name.name, ac.column)),
                  s.quote_all_identifiers);
  f.hint = fmt::format(
      "Give the column a constant default (no table rewrite since PostgreSQL 11), replacing "
      "<value>:\n"
      "ALTER TABLE {0} ADD COLUMN {1} {2} NOT NULL DEFAULT <value>;\n"
      "or add it nullable, backfill it in batches, and enforce NOT NULL {3}:\n"
      "ALTER TABLE {0} ADD COLUMN {1} {2};\n"
      "UPDATE {0} SET {1} = <value> WHERE ctid = ANY (ARRAY(SELECT ctid FROM {0} WHERE {1} IS "
      "NULL LIMIT 10000));  -- repeat until it updates 0 rows\n"
      "{4}",
      table, col, ac.type_sql,
      has_not_valid_not_null(s)
          ? "with a NOT NULL constraint added NOT VALID and validated without blocking writes"
          : "with a validated CHECK constraint so that SET NOT NULL needs no scan",
      not_null_without_scan_sql(table, col, check, s));
  f.safe_sql = fmt::format("ALTER TABLE {} ADD COLUMN {} {} NOT NULL DEFAULT <value>;", table, col,
                           ac.type_sql);
  out.push_back(std::move(f));
}

}  // namespace

const Rule add_column_not_null_no_default = {
    "add_column_not_null_no_default",
    Severity::Error,
    kNoFlags,
    effect_bit(Effect::Scan),
    // summary
    "ADD COLUMN ... NOT NULL without a default fails on a table that has rows, after taking "
    "an ACCESS EXCLUSIVE lock",
    // explanation
    "A NOT NULL column added without a default would hold NULL in every existing row, so "
    "ALTER TABLE fails with a not-null violation, but only after it has queued for and taken "
    "an ACCESS EXCLUSIVE lock: the deploy stops half-way and every query that queued behind "
    "the lock waited for nothing. A constant default needs no rewrite since PostgreSQL 11.",
    // recipe
    "ALTER TABLE <table> ADD COLUMN <column> <type> NOT NULL DEFAULT <value>;\n"
    "-- or:\n"
    "ALTER TABLE <table> ADD COLUMN <column> <type>;\n"
    "UPDATE <table> SET <column> = <value> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> "
    "WHERE <column> IS NULL LIMIT 10000));  -- repeat\n"
    "ALTER TABLE <table> ADD CONSTRAINT <check> CHECK (<column> IS NOT NULL) NOT VALID;\n"
    "ALTER TABLE <table> VALIDATE CONSTRAINT <check>;\n"
    "ALTER TABLE <table> ALTER COLUMN <column> SET NOT NULL;\n"
    "ALTER TABLE <table> DROP CONSTRAINT <check>;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::AddColumn),
};

}  // namespace mg::rules
