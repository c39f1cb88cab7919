// detach_partition_blocking: ALTER TABLE ... DETACH PARTITION without
// CONCURRENTLY on a large partitioned table.  AlterTableGetLockLevel gives
// plain DETACH an ACCESS EXCLUSIVE lock on the partitioned table, and the
// partition is locked ACCESS EXCLUSIVE too.  The detach itself is a catalog
// change, but the lock request queues behind every running query on the
// parent, and every query that arrives after it queues behind the request.
//
// DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) takes SHARE UPDATE
// EXCLUSIVE on the parent and runs in two transactions, waiting for the
// queries that still see the partition.  It cannot run inside a transaction
// block nor when the parent has a default partition; when interrupted, the
// partition stays "detach pending" until DETACH PARTITION ... FINALIZE.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::DetachPartition || op.concurrently) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const PartitionOp& p = op.partition;
  const std::string part_display =
      p.partition.name.name.empty() ? "<partition>" : display_name(p.partition.name);
  Finding f = make_finding(detach_partition_blocking, t.name);
  f.message = fmt::format(
      "detaching partition \"{}\" without CONCURRENTLY locks large partitioned table \"{}\" "
      "against all access",
      part_display, f.relation);
  f.detail = fmt::format(
      "{} DETACH PARTITION takes an {} lock on the partitioned table and on the partition, "
      "which blocks {}. The detach itself is quick, but the lock request waits for every "
      "running query on the table, and every query that arrives after it waits behind it.",
      table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));

  const std::string parent = sql_name(t.name, s);
  const std::string part =
      p.partition.name.name.empty() ? "<partition>" : sql_name(p.partition.name, s);
  if (!p.default_partition.empty()) {
    f.hint = fmt::format(
        "DETACH PARTITION CONCURRENTLY cannot be used while the table has a default partition "
        "(\"{}\"): detach with a lock timeout, so that it gives up instead of queueing in front "
        "of the application, and retry:\n"
        "SET lock_timeout = '5s';\n"
        "ALTER TABLE {} DETACH PARTITION {};",
        p.default_partition, parent, part);
    f.safe_sql = fmt::format("SET lock_timeout = '5s';\nALTER TABLE {} DETACH PARTITION {};",
                             parent, part);
  } else {
    f.hint = fmt::format(
        "Detach it without blocking queries on the partitioned table (PostgreSQL 14+); "
        "CONCURRENTLY cannot run inside a transaction block:\n"
        "ALTER TABLE {0} DETACH PARTITION {1} CONCURRENTLY;\n"
        "-- if it is interrupted, finish it with:\n"
        "ALTER TABLE {0} DETACH PARTITION {1} FINALIZE;",
        parent, part);
    // FINALIZE only when the detach was interrupted: a comment in a script.
    f.safe_sql = fmt::format(
        "ALTER TABLE {0} DETACH PARTITION {1} CONCURRENTLY;\n{2}", parent, part,
        sql_comment(fmt::format("if it is interrupted: ALTER TABLE {0} DETACH PARTITION {1} FINALIZE;",
                                parent, part)));
  }
  out.push_back(std::move(f));
}

}  // namespace

const Rule detach_partition_blocking = {
    "detach_partition_blocking",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on a large partitioned "
    "table",
    // explanation
    "DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table and on the "
    "partition. It is quick, but it waits for every running query on the parent, and every "
    "query that arrives after it waits behind it. DETACH PARTITION CONCURRENTLY (PostgreSQL "
    "14+) takes SHARE UPDATE EXCLUSIVE on the parent and runs in two transactions.",
    // recipe
    "ALTER TABLE <parent> DETACH PARTITION <partition> CONCURRENTLY;  -- outside BEGIN/COMMIT\n"
    "-- if it was interrupted:\n"
    "ALTER TABLE <parent> DETACH PARTITION <partition> FINALIZE;",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
