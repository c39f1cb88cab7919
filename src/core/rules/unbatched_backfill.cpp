// unbatched_backfill: an UPDATE or DELETE of every row of a large table (no
// WHERE clause) in a transaction that already did DDL.  It holds row locks on
// every row until COMMIT, writes the whole table again at once (bloat, WAL
// burst, replication lag), and keeps the DDL's strong lock for all that time.
// The backfill belongs in batches of a few thousand rows, each in its own
// transaction, after the DDL has committed.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::HeldLock) return;
  const HeldLockOp& h = op.held_lock;
  if (!h.is_dml || !h.no_where) return;
  const TableFacts& t = h.target;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s) && !(h.rows >= 0 && h.rows >= s.large_table_rows)) return;

  const std::string table = sql_name(t.name, s);
  Finding f = make_finding(unbatched_backfill, t.name);
  f.message = fmt::format("{} of every row of large table \"{}\" in a transaction that did DDL",
                          h.command, f.relation);
  f.detail = fmt::format(
      "{} The statement locks every row it touches until COMMIT and writes them all at once "
      "(table bloat, a burst of WAL, replication lag), and the transaction keeps the {} lock "
      "its DDL took on \"{}\" for all that time.",
      table_facts_sentence(t), lock_sql_name(h.held), display_name(op.table.name));
  const bool is_delete = h.command == "DELETE";
  f.hint = fmt::format(
      "Commit the DDL, then work in batches, each in a transaction of its own, until a batch "
      "touches no row:\n"
      "COMMIT;\n"
      "{} {} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {} WHERE {} LIMIT 10000));  -- repeat",
      is_delete ? "DELETE FROM" : "UPDATE", is_delete ? table : table + " SET <column> = <value>",
      table, is_delete ? "<rows to delete>" : "<column> IS DISTINCT FROM <value>");
  // Before the statement, which stays (in a review, the recommended migration
  // keeps every statement): the DDL commits first.
  f.safe_sql = "COMMIT;\nBEGIN;";
  f.safe_sql_before = true;
  out.push_back(std::move(f));
}

}  // namespace

const Rule unbatched_backfill = {
    "unbatched_backfill",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "an UPDATE or DELETE of every row of a large table runs in a transaction that did DDL",
    // explanation
    "A backfill written as one UPDATE of the whole table locks every row until COMMIT, "
    "writes the whole table again at once (bloat, a burst of WAL, replication lag) and, "
    "inside the migration's transaction, keeps the strong lock of its DDL for all that "
    "time. Commit the DDL first, then update in batches of a few thousand rows, each in a "
    "transaction of its own.",
    // recipe
    "COMMIT;  -- the DDL\n"
    "UPDATE <table> SET <column> = <value> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> "
    "WHERE <column> IS NULL LIMIT 10000));  -- repeat until 0 rows",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
