// rename_column: ALTER TABLE ... RENAME COLUMN on a table other sessions use.
// The rename is a catalog change under ACCESS EXCLUSIVE, held for a moment
// (views keep working: they refer to the column by number), but from COMMIT
// on every query that still names the old column fails with "column does not
// exist", and during a deploy the application version still running does
// exactly that.  The size of the table does not matter: an empty table is
// still queried by the application.
//
// The safe form is expand/contract: add the new column, write both, backfill,
// switch the reads, and drop the old column in a later release.  Silent for a
// table created in this transaction or temporary: nobody else uses it yet.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::RenameColumn) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;

  const ColumnOp& c = op.column;
  Finding f = make_finding(rename_column, t.name);
  f.message = fmt::format(
      "renaming column \"{}\" of table \"{}\" to \"{}\" breaks queries that use the old name",
      c.column, f.relation, c.new_name);
  f.detail = fmt::format(
      "{} The rename is instant, under an {} lock, but from COMMIT on every query that still "
      "names \"{}\" fails, including those of the application version still running during the "
      "deploy.",
      table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive), c.column);

  const std::string table = sql_name(t.name, s);
  const std::string old_col = ident(c.column, s);
  const std::string new_col = ident(c.new_name, s);
  f.hint = fmt::format(
      "Rename in steps the running application survives (expand and contract): add the new "
      "column, have the application (or a trigger) write both, backfill, switch the reads to "
      "the new column, and drop the old one in a later release:\n"
      "ALTER TABLE {0} ADD COLUMN {1} {2};\n"
      "{3}\n"
      "ALTER TABLE {0} DROP COLUMN {4};  -- once no application version uses it",
      table, new_col, c.type_sql.empty() ? "<type of " + old_col + ">" : c.type_sql,
      batch_update_sql(table, fmt::format("{} = {}", new_col, old_col),
                       fmt::format("{} IS NULL AND {} IS NOT NULL", new_col, old_col)),
      old_col);
  // The drop belongs to a later release: in a script it stays a comment.
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} ADD COLUMN {1} {2};\n"
      "{3}\n"
      "-- in a later release, once no application version uses it:\n"
      "{4}",
      table, new_col, c.type_sql.empty() ? "<type of " + old_col + ">" : c.type_sql,
      batch_update_sql(table, fmt::format("{} = {}", new_col, old_col),
                       fmt::format("{} IS NULL AND {} IS NOT NULL", new_col, old_col)),
      sql_comment(fmt::format("ALTER TABLE {} DROP COLUMN {};", table, old_col)));
  out.push_back(std::move(f));
}

}  // namespace

const Rule rename_column = {
    "rename_column",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "RENAME COLUMN breaks every running application version that uses the old name",
    // explanation
    "The rename itself is instant (an ACCESS EXCLUSIVE lock held for a moment), but from "
    "COMMIT on every query that still uses the old name fails, and the application version "
    "running during a deploy still does. The expand/contract recipe adds the new column, "
    "keeps both in step, switches the application, and drops the old one later.",
    // recipe
    "ALTER TABLE <table> ADD COLUMN <new> <type>;\n"
    "UPDATE <table> SET <new> = <old> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> WHERE "
    "<new> IS NULL AND <old> IS NOT NULL LIMIT 10000));  -- repeat\n"
    "ALTER TABLE <table> DROP COLUMN <old>;  -- after the application uses <new>",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
