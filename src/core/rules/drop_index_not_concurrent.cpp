// drop_index_not_concurrent: DROP INDEX without CONCURRENTLY on an index of a
// large table.  RemoveRelations() locks the index's table, then the index,
// with ACCESS EXCLUSIVE (RangeVarCallbackForDropRelation).  Dropping is quick,
// but the lock request queues behind every running query on the table, and
// every query that arrives after it, plain SELECT included, queues behind the
// request: one long report turns a harmless drop into an outage.
//
// DROP INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the table and waits
// for running transactions instead of blocking new ones.  It cannot run
// inside a transaction block, drops one index only, and takes no CASCADE.  In
// PostgreSQL 15 it cannot drop the index of a partitioned table.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::DropIndex || op.concurrently) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  Finding f = make_finding(drop_index_not_concurrent, t.name);
  f.message = fmt::format(
      "dropping index \"{}\" without CONCURRENTLY locks large table \"{}\" against all access",
      op.object_name, f.relation);
  f.detail = fmt::format(
      "{} DROP INDEX takes an {} lock on the table and on the index, which blocks {}. The drop "
      "itself is quick, but the lock request waits for every running query on the table, and "
      "every query that arrives after it waits behind it.",
      table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));

  const std::string index = sql_name(QualifiedName{t.name.schema, op.object_name}, s);
  if (t.kind == 'p') {
    f.hint = fmt::format(
        "DROP INDEX CONCURRENTLY cannot drop the index of a partitioned table: drop it with a "
        "lock timeout, so that it gives up instead of queueing in front of the application, and "
        "retry:\n"
        "SET lock_timeout = '5s';\n"
        "DROP INDEX {}{};",
        index, op.cascade ? " CASCADE" : "");
    f.safe_sql = fmt::format("SET lock_timeout = '5s';\nDROP INDEX {}{};", index,
                             op.cascade ? " CASCADE" : "");
  } else {
    f.hint = fmt::format(
        "Drop it without blocking other sessions; CONCURRENTLY cannot run inside a transaction "
        "block{}:\n"
        "DROP INDEX CONCURRENTLY {};",
        op.cascade ? " and does not support CASCADE: drop the objects that depend on the index "
                     "first"
                   : "",
        index);
    f.safe_sql = fmt::format("DROP INDEX CONCURRENTLY {};", index);
  }
  out.push_back(std::move(f));
}

}  // namespace

const Rule drop_index_not_concurrent = {
    "drop_index_not_concurrent",
    Severity::Warning,
    kNoFlags,
    effect_bit(Effect::Drop),
    // summary
    "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on a large table",
    // explanation
    "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index and on its table. The drop itself "
    "is quick, but the lock request waits for every running query on the table, and every "
    "query that arrives after it, plain SELECT included, waits behind it: one long report "
    "query turns a harmless drop into an outage. DROP INDEX CONCURRENTLY takes SHARE UPDATE "
    "EXCLUSIVE and waits for running transactions instead of blocking new ones.",
    // recipe
    "DROP INDEX CONCURRENTLY <schema>.<index>;  -- outside BEGIN/COMMIT, one index, no "
    "CASCADE",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::DropIndex),
};

}  // namespace mg::rules
