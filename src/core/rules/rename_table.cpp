// rename_table: ALTER TABLE ... RENAME TO on a table other sessions use.  The
// rename is a catalog change under ACCESS EXCLUSIVE, held for a moment, but
// from COMMIT on every query that still names the old table fails with
// "relation does not exist", and during a deploy the application version
// still running does exactly that.  The size of the table does not matter.
//
// The safe form leaves a view with the old name, created in the same
// transaction: a view that is a plain SELECT * of one table is automatically
// updatable, so INSERT, UPDATE and DELETE through the old name keep working
// until no application version uses it and the view is dropped.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::RenameTable) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;

  const QualifiedName renamed{t.name.schema, op.object_name};
  Finding f = make_finding(rename_table, t.name);
  f.message = fmt::format(
      "renaming table \"{}\" to \"{}\" breaks queries that use the old name", f.relation,
      op.object_name);
  f.detail = fmt::format(
      "{} The rename is instant, under an {} lock, but from COMMIT on every query that still "
      "names \"{}\" fails, including those of the application version still running during the "
      "deploy.",
      table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive), f.relation);
  const std::string old_sql = sql_name(t.name, s);
  f.hint = fmt::format(
      "Leave a view with the old name in the same transaction; a plain SELECT * view is "
      "automatically updatable, so the old name keeps working for reads and writes until no "
      "application version uses it:\n"
      "BEGIN;\n"
      "ALTER TABLE {0} RENAME TO {1};\n"
      "CREATE VIEW {0} AS SELECT * FROM {2};\n"
      "COMMIT;\n"
      "-- in a later release:\n"
      "DROP VIEW {0};",
      old_sql, ident(op.object_name, s), sql_name(renamed, s));
  // The view goes in a later release: in a script it stays a comment.
  f.safe_sql = fmt::format(
      "BEGIN;\n"
      "ALTER TABLE {0} RENAME TO {1};\n"
      "CREATE VIEW {0} AS SELECT * FROM {2};\n"
      "COMMIT;\n"
      "{3}",
      old_sql, ident(op.object_name, s), sql_name(renamed, s),
      sql_comment(fmt::format("in a later release: DROP VIEW {};", old_sql)));
  out.push_back(std::move(f));
}

}  // namespace

const Rule rename_table = {
    "rename_table",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "RENAME TABLE breaks every running application version that uses the old name",
    // explanation
    "The rename itself is instant (an ACCESS EXCLUSIVE lock held for a moment), but from "
    "COMMIT on every query that still uses the old name fails. A simple view with the old "
    "name, created in the same transaction, is automatically updatable and keeps the old "
    "name working until no application version uses it.",
    // recipe
    "BEGIN;\n"
    "ALTER TABLE <old> RENAME TO <new>;\n"
    "CREATE VIEW <old> AS SELECT * FROM <new>;\n"
    "COMMIT;\n"
    "DROP VIEW <old>;  -- later",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
