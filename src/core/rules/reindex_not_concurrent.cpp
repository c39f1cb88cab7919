// reindex_not_concurrent: REINDEX without CONCURRENTLY on a large table.
// reindex_index() opens the table with a SHARE lock, which blocks every
// INSERT, UPDATE, DELETE and MERGE, and the index with ACCESS EXCLUSIVE, for
// the whole rebuild.  The planner locks every index of a table when it plans
// a query on it (get_relation_info), so nearly every query on the table waits
// too, reads included, except some prepared statements with a cached plan.
//
// REINDEX CONCURRENTLY (PostgreSQL 12+) builds a new index next to the old
// one under SHARE UPDATE EXCLUSIVE and swaps them; it cannot run inside a
// transaction block, and if it fails it leaves an INVALID "<index>_ccnew" to
// drop.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::Reindex || op.concurrently) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const bool whole_table = op.object_name.empty();
  Finding f = make_finding(reindex_not_concurrent, t.name);
  f.message =
      whole_table
          ? fmt::format("reindexing large table \"{}\" without CONCURRENTLY blocks writes and "
                        "most reads",
                        f.relation)
          : fmt::format("reindexing \"{}\" on large table \"{}\" without CONCURRENTLY blocks "
                        "writes and most reads",
                        op.object_name, f.relation);
  f.detail = fmt::format(
      "{} REINDEX holds a {} lock on the table for the whole rebuild, which blocks {}, and an "
      "{} lock on {}, which blocks every query that would use it; since the planner locks every "
      "index of the table when it plans a query, nearly every query on the table waits too.",
      table_facts_sentence(t), lock_sql_name(LockMode::Share), lock_blocks(LockMode::Share),
      lock_sql_name(LockMode::AccessExclusive),
      whole_table ? "each index it rebuilds" : "the index");

  const std::string target =
      whole_table ? fmt::format("TABLE CONCURRENTLY {}", sql_name(t.name, s))
                  : fmt::format("INDEX CONCURRENTLY {}",
                                sql_name(QualifiedName{t.name.schema, op.object_name}, s));
  f.hint = fmt::format(
      "Rebuild without blocking (PostgreSQL 12+); CONCURRENTLY cannot run inside a transaction "
      "block, and if it fails it leaves an INVALID index ending in _ccnew to drop with DROP "
      "INDEX CONCURRENTLY:\n"
      "REINDEX {};",
      target);
  f.safe_sql = fmt::format("REINDEX {};", target);
  out.push_back(std::move(f));
}

}  // namespace

const Rule reindex_not_concurrent = {
    "reindex_not_concurrent",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::IndexBuild),
    // summary
    "REINDEX without CONCURRENTLY blocks writes, and nearly every read, of a large table for "
    "the whole rebuild",
    // explanation
    "REINDEX holds a SHARE lock on the table, which blocks every write, and an ACCESS "
    "EXCLUSIVE lock on each index it rebuilds. The planner locks every index of a table when "
    "it plans a query on it, so nearly every query on the table waits too, for the whole "
    "rebuild. REINDEX CONCURRENTLY (PostgreSQL 12+) builds a new copy of the index next to "
    "the old one under SHARE UPDATE EXCLUSIVE and swaps them.",
    // recipe
    "REINDEX INDEX CONCURRENTLY <index>;  -- outside BEGIN/COMMIT\n"
    "REINDEX TABLE CONCURRENTLY <table>;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::Reindex),
};

}  // namespace mg::rules
