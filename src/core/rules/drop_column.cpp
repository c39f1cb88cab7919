// drop_column: ALTER TABLE ... DROP COLUMN on a table that has rows.  The drop
// is a catalog change (the column is only marked dropped; its space comes
// back with the next rewrite), but after COMMIT its values cannot be read
// back: only a backup restores them.  An application version still running
// that reads or writes the column, or does SELECT * into a fixed structure,
// fails from that moment.  With CASCADE the indexes, constraints and views
// using the column go too.  DROP COLUMN takes ACCESS EXCLUSIVE, which queues
// behind running queries.
//
// The safe order is two releases: first one whose application no longer uses
// the column, then the drop, after keeping a copy of the values.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::DropColumn) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!has_rows(t)) return;
  const ColumnOp& c = op.column;
  if (c.empty) return;  // every value NULL: nothing is lost
  // Added by this transaction (or earlier in the script): its values are the
  // migration's own, nobody else ever wrote or read one.
  if (c.added_in_transaction) return;
  Finding f = make_finding(drop_column, t.name);
  f.message =
      op.dependent
          ? fmt::format("{} also drops column \"{}\" of table \"{}\", which destroys its values",
                        op.command, c.column, f.relation)
          : fmt::format("dropping column \"{}\" of table \"{}\" destroys its values", c.column,
                        f.relation);
  f.detail = fmt::format(
      "{} After COMMIT the values of \"{}\"{} are gone, and only a backup brings them back; an "
      "application version still running that reads or writes the column fails from that "
      "moment.{} DROP COLUMN takes an {} lock, which blocks {}.",
      table_facts_sentence(t), c.column,
      c.type_sql.empty() ? "" : fmt::format(" ({})", c.type_sql),
      op.cascade ? " CASCADE also drops the indexes, constraints and views that use it." : "",
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));

  const std::string table = sql_name(t.name, s);
  const std::string col = ident(c.column, s);
  const std::string backup = sql_name(
      QualifiedName{t.name.schema,
                    truncate_identifier(fmt::format("{}_{}_backup", t.name.name, c.column))},
      s);
  f.safe_sql = fmt::format(
      "CREATE TABLE {0} AS SELECT ctid AS source_ctid, {1} FROM {2};  -- better: the primary "
      "key instead of ctid\n"
      "SET lock_timeout = '5s';  -- give up rather than queue in front of the application\n"
      "ALTER TABLE {2} DROP COLUMN {1}{3};",
      backup, col, table, op.cascade ? " CASCADE" : "");
  f.hint =
      std::string(op.dependent
                      ? "Drop what the column depends on only after the column itself was dropped "
                        "on purpose, as below; then the statement needs no CASCADE. "
                      : "") +
      "Contract in two releases: first deploy an application version that no longer writes "
      "the column, then none that reads it (SELECT * included); if the values are still "
      "needed under another name or type, expand first (add the new column, write both, "
      "backfill in batches, switch reads). Then keep a copy of its values and drop it:\n" +
      f.safe_sql;
  out.push_back(std::move(f));
}

}  // namespace

const Rule drop_column = {
    "drop_column",
    Severity::Error,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "DROP COLUMN on a table that has rows destroys the column's values, and breaks "
    "application versions that still use it",
    // explanation
    "DROP COLUMN is quick, but the values of the column are gone once the transaction "
    "commits, and every application version still running that reads or writes the column "
    "fails from that moment. It also takes an ACCESS EXCLUSIVE lock, which queues behind "
    "running queries. The safe order is: release an application version that no longer uses "
    "the column, keep a copy of its values, then drop it.",
    // recipe
    "CREATE TABLE <table>_<column>_backup AS SELECT <key>, <column> FROM <table>;\n"
    "ALTER TABLE <table> DROP COLUMN <column>;  -- after the application stopped using it",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
