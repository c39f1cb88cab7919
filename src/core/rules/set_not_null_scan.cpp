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
#include "core/rules.hpp"

namespace mg::rules {

void set_not_null_scan(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::SetNotNull || !op.partition.scan_needed) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const std::string& column = op.column.column;
  Finding f;
  f.rule = "set_not_null_scan";
  f.severity = Severity::Error;
  f.relation = display_name(t.name);
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

}  // namespace mg::rules
