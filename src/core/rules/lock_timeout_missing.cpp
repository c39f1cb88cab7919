// lock_timeout_missing: a statement asks for a lock that blocks reads or
// writes of a table others use, and nothing bounds how long it may wait.
//
// The outage that surprises everyone is not the slow DDL but the quick one
// that waits: ALTER TABLE ... ADD COLUMN needs ACCESS EXCLUSIVE for a
// millisecond, but it queues behind one long transaction holding any lock on
// the table, and every query that arrives after it, plain SELECT included,
// queues behind the ALTER.  With lock_timeout set, the DDL gives up instead,
// and the migration can be retried.  statement_timeout bounds the wait too,
// but also the work; migration_guard.lock_timeout applies one automatically.
//
// In a review the rule judges the risk: a table with rows is in use.  At run
// time the glue looks at the lock manager just before the statement
// (LockRequestOp::probed): the rule speaks only when the statement will
// really wait, for sessions that hold or queue for a conflicting lock, and
// names them; a statement that gets its lock at once hears nothing.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::LockRequest) return;
  // SHARE and stronger block writes; SHARE UPDATE EXCLUSIVE and weaker block
  // neither reads nor writes.
  if (op.lock < LockMode::Share) return;
  const TableFacts& t = op.table;
  const LockRequestOp& probe = op.lock_request;
  if (!visible_to_others(t)) return;
  // Run time: nobody in the way, no wait.  Review: an empty table is not in
  // use; a view holds no rows to tell whether it is in use: one others can
  // see may be queried at any time (CREATE OR REPLACE VIEW, CREATE RULE, an
  // INSTEAD OF trigger take their lock on it).
  if (probe.probed ? probe.blockers <= 0 : !(has_rows(t) || t.kind == 'v')) return;
  if (s.session_lock_timeout_ms > 0 || s.session_statement_timeout_ms > 0 ||
      s.auto_lock_timeout_ms > 0)
    return;

  Finding f = make_finding(lock_timeout_missing, t.name);
  const char* what = t.kind == 'v' ? "view" : "table";
  if (probe.probed) {
    f.message = fmt::format(
        "{} lock on {} \"{}\" requested without a lock_timeout: it waits for {} other "
        "session{}",
        lock_sql_name(op.lock), relation_kind_word(t.kind), f.relation, probe.blockers,
        probe.blockers == 1 ? "" : "s");
    f.detail = fmt::format(
        "{} The {} lock blocks {}. This statement waits without limit for the sessions below, "
        "and every query on the {} that arrives meanwhile waits behind it:\n{}",
        table_facts_sentence(t), lock_sql_name(op.lock), lock_blocks(op.lock), what,
        probe.blocker_list);
  } else {
    f.message = fmt::format("{} lock on {} \"{}\" requested without a lock_timeout",
                            lock_sql_name(op.lock), relation_kind_word(t.kind), f.relation);
    f.detail = fmt::format(
        "{} The {} lock blocks {}. If another transaction holds any conflicting lock on the "
        "{}, this statement waits for it without limit, and every query on the {} that "
        "arrives meanwhile waits behind this statement.",
        table_facts_sentence(t), lock_sql_name(op.lock), lock_blocks(op.lock), what, what);
  }
  f.hint =
      "Give up quickly instead of queueing in front of the application, and retry later:\n"
      "SET lock_timeout = '5s';\n"
      "or set migration_guard.lock_timeout so that migration_guard applies one to such "
      "statements.";
  f.safe_sql = "SET lock_timeout = '5s';";
  // The SET goes before the statement, which it does not replace: the
  // recommended migration keeps every statement of the original.
  f.safe_sql_before = true;
  out.push_back(std::move(f));
}

}  // namespace

const Rule lock_timeout_missing = {
    "lock_timeout_missing",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "a lock that blocks reads or writes of a table in use is requested with no lock_timeout",
    // explanation
    "A DDL statement that needs a strong lock waits for every transaction that holds a "
    "conflicting lock on the table, however long, and while it waits every new query on the "
    "table queues behind it: a millisecond ALTER TABLE behind one long report freezes the "
    "table. With lock_timeout, the statement gives up after a few seconds and the migration "
    "can be retried; migration_guard.lock_timeout sets one automatically for such "
    "statements, and migration_guard.on_lock_conflict can refuse to queue at all. At run "
    "time the rule speaks only when the statement would really wait (another session holds "
    "or queues for a conflicting lock), and names those sessions; a review judges the risk, "
    "once per table and transaction.",
    // recipe
    "SET lock_timeout = '5s';\n"
    "<the DDL statement>;  -- retry it when it times out",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
