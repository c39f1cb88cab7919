// lock_held_across_statements: inside one transaction, a statement takes an
// ACCESS EXCLUSIVE lock on a relation others can see, and a later statement
// of the same transaction is long (an index build, a rewrite, a scan of a
// large table).  A lock is held until the end of the transaction, so the
// first relation stays locked against every read and write for the whole of
// the long statement: a quick ALTER TABLE becomes an outage as long as the
// slowest statement after it.  Committing before the long statement releases
// the lock first.
//
// Judged twice: over a reviewed script by script_check (review_script()),
// and at execution time by check, on the HeldLock operation the hook makes
// (review() makes them too, for an UPDATE or DELETE of every row).  Reported
// on the first long statement, once per locked relation and transaction
// (naming the earliest statement that locked it), not again on every later
// one.  Not reported when the long statement itself takes ACCESS EXCLUSIVE on
// that relation (its own rules speak for it), nor when
// not_valid_validated_in_same_transaction already did.
#include <algorithm>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/review.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

// At execution time the hook sees one statement at a time; it reports, as a
// HeldLock operation, a statement touching many rows in a transaction that
// earlier DDL left holding a strong lock on a large table.
void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::HeldLock) return;
  const HeldLockOp& h = op.held_lock;
  const TableFacts& locked = op.table;
  if (!visible_to_others(locked)) return;
  // Said once per lock and transaction, not again for every later statement.
  if (h.reported) return;
  // DML is long when its plan touches many rows; DDL when its table is large.
  bool long_statement = h.is_dml ? (h.rows >= 0 && h.rows >= s.large_table_rows)
                                 : is_large(h.target.rows, h.target.bytes, s);
  if (!long_statement) return;

  Finding f = make_finding(lock_held_across_statements, locked.name);
  f.message = fmt::format(
      "{} runs while this transaction holds {} lock on \"{}\"", h.command,
      lock_with_article(h.held), f.relation);
  f.detail = fmt::format(
      "{} An earlier statement of this transaction took the {} lock, which blocks {}, and it is "
      "held until COMMIT. This {} works on \"{}\"{}, so \"{}\" stays locked for all that "
      "time.",
      table_facts_sentence(locked), lock_sql_name(h.held), lock_blocks(h.held), h.command,
      display_name(h.target.name),
      h.rows >= 0 ? fmt::format(" (about {} rows)", pretty_count(h.rows)) : std::string(),
      f.relation);
  f.hint =
      "Commit the DDL first, then run the long statement in transactions of its own (in "
      "batches for a backfill):\n"
      "COMMIT;";
  // Before the statement, which stays (in a review, the recommended migration
  // keeps every statement): the DDL commits first.
  f.safe_sql = "COMMIT;\nBEGIN;";
  f.safe_sql_before = true;
  out.push_back(std::move(f));
}

// "rewrites \"public.big\" (2146 MB)": the longest work of the statement.
std::string work_phrase(const ScriptStatement& st, const Settings& s) {
  DurationEstimate best;
  for (const Operation& op : st.ops) {
    DurationEstimate e = estimate(op, s);
    if (e.work != Work::None && (best.work == Work::None || e.seconds > best.seconds)) best = e;
  }
  if (best.work == Work::None) {
    // No operation says it: the costliest effect on a relation.
    const LockedRelation* rel = nullptr;
    for (const LockedRelation& r : st.rels)
      if (!rel || r.effect > rel->effect) rel = &r;
    if (rel) {
      best.table = rel->table.name;
      best.bytes = rel->table.bytes;
      best.work = rel->effect == Effect::Rewrite      ? Work::Rewrite
                  : rel->effect == Effect::IndexBuild ? Work::IndexBuild
                                                      : Work::Scan;
    }
  }
  const char* verb = best.work == Work::Rewrite      ? "rewrites"
                     : best.work == Work::IndexBuild ? "builds an index on"
                                                     : "scans";
  std::string size = best.bytes > 0 ? fmt::format(" ({})", pretty_bytes(best.bytes)) : "";
  return fmt::format("{} \"{}\"{}", verb, display_name(best.table), size);
}

bool has_finding(const std::vector<Finding>& findings, const char* rule,
                 const std::string& relation) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return f.rule == rule && f.relation == relation;
  });
}

// Over a whole script (review_script).  The lock held is reported once per
// relation and transaction: on the first long statement after the one that
// took it (whether that statement is DDL, judged here, or DML, judged by check
// on its HeldLock operation), not again on every later one.
void script_check(const std::vector<ScriptStatement>& statements, const Settings& s,
                  std::vector<std::vector<Finding>>& findings) {
  // (transaction, relation) already reported.
  std::vector<std::pair<int, std::string>> reported;
  auto was_reported = [&](int tx, const std::string& relation) {
    return std::find(reported.begin(), reported.end(), std::make_pair(tx, relation)) !=
           reported.end();
  };
  for (std::size_t j = 0; j < statements.size(); ++j) {
    const ScriptStatement& later = statements[j];
    if (later.tx <= 0 || later.transaction_control) continue;
    // What check said on this statement's HeldLock operations (DML): kept
    // the first time only.
    std::vector<Finding>& here = findings[j];
    for (auto it = here.begin(); it != here.end();) {
      if (it->rule != "lock_held_across_statements") {
        ++it;
        continue;
      }
      if (was_reported(later.tx, it->relation)) {
        it = here.erase(it);
        continue;
      }
      reported.emplace_back(later.tx, it->relation);
      ++it;
    }
    if (!is_long_statement(later, s)) continue;
    for (std::size_t i = 0; i < j; ++i) {
      const ScriptStatement& earlier = statements[i];
      if (earlier.tx != later.tx) continue;
      for (const LockedRelation& r : earlier.rels) {
        if (r.lock != LockMode::AccessExclusive || !visible_to_others(r.table)) continue;
        const std::string relation = display_name(r.table.name);
        if (was_reported(later.tx, relation)) continue;
        const bool locks_it_itself =
            std::any_of(later.rels.begin(), later.rels.end(), [&](const LockedRelation& l) {
              return l.lock == LockMode::AccessExclusive &&
                     display_name(l.table.name) == relation;
            });
        if (locks_it_itself) continue;
        reported.emplace_back(later.tx, relation);
        if (has_finding(findings[j], "not_valid_validated_in_same_transaction", relation))
          continue;

        // The lock is held from statement i to the end of the transaction.
        double total = 0;
        int last = earlier.no;
        for (std::size_t k = i; k < statements.size(); ++k) {
          if (statements[k].tx != later.tx) continue;
          total += statement_seconds(statements[k], s);
          last = statements[k].no;
        }

        Finding f = make_finding(lock_held_across_statements, relation);
        f.message = fmt::format(
            "statement {} runs while the ACCESS EXCLUSIVE lock on \"{}\" taken by statement {} "
            "is held",
            later.no, relation, earlier.no);
        f.detail = fmt::format(
            "Statement {} ({}) locks \"{}\" ACCESS EXCLUSIVE, which blocks {}, until the end of "
            "the transaction. Statement {} ({}) {} in the same transaction, so \"{}\" stays "
            "locked for all that time.",
            earlier.no, earlier.command, relation, lock_blocks(LockMode::AccessExclusive),
            later.no, later.command, work_phrase(later, s), relation);
        if (total >= 1)
          f.detail += fmt::format(
              " Estimated time the lock is held (statements {} to {}): {}; the figure is an "
              "estimate.",
              earlier.no, last, pretty_duration(total));
        const std::string next = with_semicolon(later.text);
        f.hint = fmt::format(
            "Commit before the long statement, so that the lock on \"{}\" is released before it "
            "starts, or split the migration into several transactions:\n"
            "COMMIT;\n"
            "BEGIN;\n"
            "{}",
            relation, next);
        f.safe_sql = "COMMIT;\nBEGIN;\n" + next;
        findings[j].push_back(std::move(f));
      }
    }
  }
}

}  // namespace

const Rule lock_held_across_statements = {
    "lock_held_across_statements",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "inside a transaction, a long statement runs while an earlier statement's ACCESS "
    "EXCLUSIVE lock is still held",
    // explanation
    "A lock is held until the end of the transaction that took it, not of the statement. "
    "When a migration takes an ACCESS EXCLUSIVE lock on a table (ALTER TABLE, DROP, RENAME, "
    "even a quick one) and then, in the same transaction, runs a long statement (an index "
    "build, a rewrite, a scan of a large table, on any table), the first table stays locked "
    "against every read and write for the whole of the long statement: a harmless catalog "
    "change becomes an outage as long as the slowest statement after it. Committing before "
    "the long statement releases the lock first. Said once per lock and transaction, on the "
    "first long statement.",
    // recipe
    "BEGIN;\n"
    "ALTER TABLE <table> ...;  -- takes ACCESS EXCLUSIVE\n"
    "COMMIT;  -- releases it before the long statement\n"
    "BEGIN;\n"
    "<long statement>;\n"
    "COMMIT;",
    check,
    script_check,
};

}  // namespace mg::rules
