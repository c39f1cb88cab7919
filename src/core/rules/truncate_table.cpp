// truncate_table: TRUNCATE on a table that has rows.  ExecuteTruncate takes
// ACCESS EXCLUSIVE on the table (and on every table CASCADE reaches), which
// blocks every read and write, and swaps in new empty files: after COMMIT
// every row is gone and only a backup brings them back.  With CASCADE every
// table with a foreign key to it is emptied too.
//
// The safe form deletes in small batches: each DELETE takes only ROW
// EXCLUSIVE and locks only the rows it deletes, so the application goes on,
// and each batch commits quickly.  Silent for an empty table and for a table
// nobody else can see (created in this transaction, or temporary).
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::Truncate) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!has_rows(t)) return;

  Finding f = make_finding(truncate_table, t.name);
  f.message = fmt::format("truncating table \"{}\" removes all its rows{}", f.relation,
                          op.cascade ? " and those of the tables referencing it" : "");
  f.detail = fmt::format(
      "{} After COMMIT every row is gone, and only a backup brings them back.{} TRUNCATE takes "
      "an {} lock, which blocks {}.",
      table_facts_sentence(t),
      op.cascade ? " CASCADE also empties every table that has a foreign key to it." : "",
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));
  const std::string table = sql_name(t.name, s);
  f.hint = fmt::format(
      "If the rows really must go, delete them in batches, which take only a {0} lock and let "
      "the application go on{2}:\n"
      "DELETE FROM {1} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {1} LIMIT 10000));  -- repeat "
      "until it deletes 0 rows",
      lock_sql_name(LockMode::RowExclusive),
      table,
      op.cascade ? "; delete the referencing rows of the other tables first, the same way" : "");
  f.safe_sql = fmt::format(
      "DELETE FROM {0} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {0} LIMIT 10000));  -- repeat "
      "until it deletes 0 rows",
      table);
  out.push_back(std::move(f));
}

}  // namespace

const Rule truncate_table = {
    "truncate_table",
    Severity::Error,
    kDataLoss,
    effect_bit(Effect::Truncate),
    // summary
    "TRUNCATE on a table that has rows removes them all under an ACCESS EXCLUSIVE lock",
    // explanation
    "TRUNCATE removes every row at once: after COMMIT only a backup brings them back, and "
    "with CASCADE the rows of every table referencing it go too. It takes an ACCESS "
    "EXCLUSIVE lock, which blocks every read and write of the table. Deleting in batches "
    "takes only ROW EXCLUSIVE and lets the application go on.",
    // recipe
    "DELETE FROM <table> WHERE ctid = ANY (ARRAY(SELECT ctid FROM <table> LIMIT 10000));  "
    "-- repeat",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::Truncate),
};

}  // namespace mg::rules
