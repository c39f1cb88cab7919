// refresh_matview_blocking: REFRESH MATERIALIZED VIEW without CONCURRENTLY
// whose query reads a lot.  ExecRefreshMatView takes ACCESS EXCLUSIVE on the
// view and holds it while the defining query runs and the new contents are
// written into a new file: every SELECT on the view waits for the whole
// refresh.  How long that is depends on what the query reads -- the tables,
// materialized views and partitions it names, through the views it names
// (the model sums them: Operation::refresh) -- not on the view's own size:
// an empty view over a large table is a long refresh.  A view that is itself
// large takes long to write too, so either counts.
//
// REFRESH MATERIALIZED VIEW CONCURRENTLY takes EXCLUSIVE instead, which lets
// reads go on (it blocks only other refreshes and writes, and a materialized
// view has no other writers): it computes the new contents aside and applies
// the difference.  It needs a unique index on the view that uses only column
// names and covers all rows (no WHERE clause), and a view that is already
// populated.  It may run inside a transaction block.
//
// Silent for a view nobody else can read: created in this transaction,
// temporary, or not populated yet (WITH NO DATA: a SELECT on it fails, and
// CONCURRENTLY is refused).
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

// "its query reads 3 relations holding about 2 million rows (180 MB)".
std::string sources_phrase(const RefreshOp& r) {
  std::string what = r.sources == 1 ? "1 relation" : fmt::format("{} relations", r.sources);
  if (r.rows >= 0)
    return fmt::format("{} holding about {} row{} ({})", what, pretty_count(r.rows),
                       r.rows == 1 ? "" : "s", pretty_bytes(r.bytes));
  return fmt::format("{} of {}", what, pretty_bytes(r.bytes));
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::RefreshMatview || op.concurrently) return;
  const TableFacts& t = op.table;
  if (t.kind != 'm') return;
  if (!visible_to_others(t) || !op.refresh.populated) return;
  const RefreshOp& r = op.refresh;
  const bool reads_much = r.sources > 0 && is_large(r.rows, r.bytes, s);
  if (!reads_much && !is_large(t.rows, t.bytes, s)) return;

  Finding f = make_finding(refresh_matview_blocking, t.name);
  f.message = fmt::format(
      "refreshing materialized view \"{}\" without CONCURRENTLY blocks its readers for the "
      "whole refresh",
      f.relation);
  f.detail = fmt::format(
      "{}{} REFRESH MATERIALIZED VIEW holds an {} lock on it while the query runs and the new "
      "contents are written, which blocks {}.",
      // A view the script under review created has no size of its own yet.
      t.rows < 0 && t.bytes < 0
          ? fmt::format("Materialized view \"{}\" was created by an earlier transaction of "
                        "this script: others can read it.",
                        display_name(t.name))
          : table_facts_sentence(t),
      r.sources > 0 ? fmt::format(" Its query reads {}.", sources_phrase(r)) : std::string(),
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));
  const std::string view = sql_name(t.name, s);
  f.safe_sql = fmt::format(
      "CREATE UNIQUE INDEX CONCURRENTLY {} ON {} (<columns>);\n"
      "REFRESH MATERIALIZED VIEW CONCURRENTLY {};",
      ident(truncate_identifier(t.name.name + "_key"), s), view, view);
  f.hint = fmt::format(
      "Refresh it without blocking reads: CONCURRENTLY takes an {} lock, which lets SELECT go "
      "on, and needs a unique index on the view that uses only column names and covers all rows "
      "(create it once, replacing <columns> with columns that are unique in every row):\n{}",
      lock_sql_name(LockMode::Exclusive), f.safe_sql);
  out.push_back(std::move(f));
}

}  // namespace

const Rule refresh_matview_blocking = {
    "refresh_matview_blocking",
    Severity::Warning,
    kReportsDuration,
    effect_bit(Effect::Rewrite),
    // summary
    "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the materialized view "
    "while its query reads large tables",
    // explanation
    "REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the materialized view and "
    "holds it while the query runs and the new contents are written: every read of the view "
    "waits for the whole refresh, whose length is set by what the query reads (the tables "
    "behind the views it names), not by the view's own size. REFRESH ... CONCURRENTLY takes an EXCLUSIVE lock, which "
    "lets reads go on, and needs a unique index on the view covering all rows.",
    // recipe
    "CREATE UNIQUE INDEX CONCURRENTLY <view>_key ON <view> (<unique columns>);  -- once\n"
    "REFRESH MATERIALIZED VIEW CONCURRENTLY <view>;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::RefreshMatview),
};

}  // namespace mg::rules
