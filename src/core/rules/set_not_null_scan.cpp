// set_not_null_scan: ALTER TABLE ... ALTER COLUMN ... SET NOT NULL on a large
// table with no valid CHECK constraint that proves the column holds no NULL.
// SET NOT NULL takes ACCESS EXCLUSIVE (AlterTableGetLockLevel) and, in phase 3
// of ALTER TABLE, reads every row to check it: no one can read or write the
// table for the whole scan, and if a NULL turns up the statement fails after
// all that waiting.
//
// Since PostgreSQL 12, ATExecSetNotNull skips the scan when a valid CHECK
// (col IS NOT NULL) constraint implies it (NotNullImpliedByRelConstraints).
// Such a constraint can be added NOT VALID (instant) and validated under
// SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.  The glue sets
// partition.scan_needed when no such constraint exists.
//
// PostgreSQL 18 stores NOT NULL constraints in pg_constraint and lets them be
// added NOT VALID (no scan, new rows checked) and validated later under SHARE
// UPDATE EXCLUSIVE (QueueNNConstraintValidation): two statements, nothing to
// drop afterwards.  The hint names that recipe on 18 (docs/versions.md).  On
// 18, ADD CONSTRAINT ... NOT NULL without NOT VALID is the same operation as
// SET NOT NULL (the glue models it as one), and SET NOT NULL of a column
// whose NOT NULL constraint is NOT VALID validates it under ACCESS EXCLUSIVE
// (constraint.name is then that constraint): VALIDATE CONSTRAINT is the
// recipe.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::SetNotNull || !op.partition.scan_needed) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const std::string& column = op.column.column;
  Finding f = make_finding(set_not_null_scan, t.name);
  if (!op.constraint.domain.empty()) {
    // ALTER DOMAIN ... SET NOT NULL: every table that uses the domain is
    // checked under a SHARE lock; a NOT VALID CHECK (VALUE IS NOT NULL) on
    // the domain enforces it for new values without the scan.
    const std::string& domain = op.constraint.domain;
    f.message = fmt::format(
        "setting domain {} NOT NULL scans large table \"{}\" under a SHARE lock", domain,
        f.relation);
    f.detail = fmt::format(
        "{} Its column{} {} of domain {}. ALTER DOMAIN reads every row of each table that uses "
        "the domain while it holds a {} lock on that table, which blocks {}. If a NULL is "
        "found, the statement fails after the scan.",
        table_facts_sentence(t),
        op.constraint.domain_columns.find(',') == std::string::npos ? " is" : "s are",
        op.constraint.domain_columns, domain, lock_sql_name(LockMode::Share),
        lock_blocks(LockMode::Share));
    f.safe_sql = fmt::format("ALTER DOMAIN {} ADD CONSTRAINT {} CHECK (VALUE IS NOT NULL) NOT VALID;",
                             domain, ident(truncate_identifier(op.constraint.name.empty() ? "<name>" : op.constraint.name), s));
    f.hint = fmt::format(
        "Enforce it for new and updated values without the scan, with a NOT VALID CHECK "
        "constraint on the domain (validating it later takes the same {} lock on every table):\n{}",
        lock_sql_name(LockMode::Share), f.safe_sql);
    out.push_back(std::move(f));
    return;
  }
  f.message = fmt::format(
      "setting column \"{}\" NOT NULL scans large table \"{}\" under an ACCESS EXCLUSIVE lock",
      column, f.relation);
  f.detail = fmt::format(
      "{} No valid {} proves that \"{}\" holds no NULL, so ALTER TABLE reads every row to "
      "check it while holding an {} lock, which blocks {}. If a NULL is found, the statement "
      "fails after the whole scan.",
      table_facts_sentence(t),
      has_not_valid_not_null(s) ? "CHECK or NOT NULL constraint" : "CHECK constraint", column,
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));
  const std::string& pending = op.constraint.name;
  if (has_not_valid_not_null(s) && !pending.empty()) {
    f.detail = fmt::format(
        "{} Its NOT NULL constraint \"{}\" is NOT VALID, so ALTER TABLE validates it by reading "
        "every row while holding an {} lock, which blocks {}. If a NULL is found, the statement "
        "fails after the whole scan.",
        table_facts_sentence(t), pending, lock_sql_name(LockMode::AccessExclusive),
        lock_blocks(LockMode::AccessExclusive));
    f.safe_sql = fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {};", sql_name(t.name, s),
                             ident(pending, s));
    f.hint = fmt::format(
        "Validate the constraint instead, under a {} lock that lets reads and writes go on; the "
        "column is then NOT NULL:\n{}",
        lock_sql_name(LockMode::ShareUpdateExclusive), f.safe_sql);
    out.push_back(std::move(f));
    return;
  }
  f.safe_sql = not_null_without_scan_sql(sql_name(t.name, s), ident(column, s),
                                         ident(not_null_check_name(t, column), s), s);
  if (has_not_valid_not_null(s))
    f.hint = fmt::format(
        "Add the NOT NULL constraint NOT VALID, which needs no scan and checks new rows at once, "
        "then validate it under a {} lock that lets reads and writes go on (PostgreSQL 18+):\n{}",
        lock_sql_name(LockMode::ShareUpdateExclusive), f.safe_sql);
  else
    f.hint = fmt::format(
        "Prove it first with a CHECK constraint, validated under a {} lock that lets reads and "
        "writes go on; SET NOT NULL then needs no scan (PostgreSQL 12+):\n{}",
        lock_sql_name(LockMode::ShareUpdateExclusive), f.safe_sql);
  out.push_back(std::move(f));
}

}  // namespace

const Rule set_not_null_scan = {
    "set_not_null_scan",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::Scan),
    // summary
    "SET NOT NULL scans a large table under ACCESS EXCLUSIVE unless a valid CHECK constraint "
    "proves it",
    // explanation
    "ALTER COLUMN ... SET NOT NULL takes an ACCESS EXCLUSIVE lock and, unless a valid CHECK "
    "(column IS NOT NULL) constraint already proves there is no NULL, reads every row to "
    "check it while holding that lock: no one can read or write the table for the whole "
    "scan. Since PostgreSQL 12 the proof by a CHECK constraint skips the scan, and such a "
    "constraint can be validated under SHARE UPDATE EXCLUSIVE, which lets reads and writes "
    "go on. On PostgreSQL 18 the NOT NULL constraint itself can be added NOT VALID and "
    "validated under SHARE UPDATE EXCLUSIVE, and the hint gives that recipe there.",
    // recipe
    "ALTER TABLE <table> ADD CONSTRAINT <check> CHECK (<column> IS NOT NULL) NOT VALID;\n"
    "ALTER TABLE <table> VALIDATE CONSTRAINT <check>;\n"
    "ALTER TABLE <table> ALTER COLUMN <column> SET NOT NULL;\n"
    "ALTER TABLE <table> DROP CONSTRAINT <check>;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::SetNotNull),
};

}  // namespace mg::rules
