// refresh_matview_blocking: REFRESH MATERIALIZED VIEW without CONCURRENTLY on
// a large materialized view.  ExecRefreshMatView takes ACCESS EXCLUSIVE on the
// view and holds it while the defining query runs and the new contents are
// written into a new file: every SELECT on the view waits for the whole
// refresh.
//
// REFRESH MATERIALIZED VIEW CONCURRENTLY takes EXCLUSIVE instead, which lets
// reads go on (it blocks only other refreshes and writes, and a materialized
// view has no other writers): it computes the new contents aside and applies
// the difference.  It needs a unique index on the view that uses only column
// names and covers all rows (no WHERE clause), and a view that is already
// populated.  It may run inside a transaction block.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::RefreshMatview || op.concurrently) return;
  const TableFacts& t = op.table;
  if (t.kind != 'm') return;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  Finding f = make_finding(refresh_matview_blocking, t.name);
  f.message = fmt::format(
      "refreshing large materialized view \"{}\" without CONCURRENTLY blocks its readers",
      f.relation);
  f.detail = fmt::format(
      "{} REFRESH MATERIALIZED VIEW holds an {} lock on it while the query runs and the new "
      "contents are written, which blocks {}.",
      table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));
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
    "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of a large "
    "materialized view for the whole refresh",
    // explanation
    "REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the materialized view and "
    "holds it while the query runs and the new contents are written: every read of the view "
    "waits for the whole refresh. REFRESH ... CONCURRENTLY takes an EXCLUSIVE lock, which "
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
