// not_valid_validated_in_same_transaction: ADD CONSTRAINT ... NOT VALID and
// VALIDATE CONSTRAINT of the same constraint inside one transaction.  A lock
// is held until the end of the transaction: ADD CONSTRAINT's ACCESS EXCLUSIVE
// (SHARE ROW EXCLUSIVE for a foreign key) is still held while VALIDATE scans
// every row, so the recipe gains nothing.  COMMIT between them and the scan
// runs under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.
//
// A script-level rule: review_script() runs its script_check over the
// statements; it has no check for a single operation.  Silent for a table
// nobody else can see and for a small one, like the blocking rules.
#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/lock.hpp"
#include "core/review.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void script_check(const std::vector<ScriptStatement>& statements, const Settings& s,
                  std::vector<std::vector<Finding>>& findings) {
  for (std::size_t j = 0; j < statements.size(); ++j) {
    const ScriptStatement& later = statements[j];
    if (later.tx <= 0) continue;
    for (const Operation& validate : later.ops) {
      if (validate.kind != OpKind::ValidateConstraint || validate.constraint.name.empty())
        continue;
      const TableFacts& t = validate.table;
      if (!visible_to_others(t) || !is_large(t.rows, t.bytes, s)) continue;
      const std::string relation = display_name(t.name);
      bool reported = false;
      for (std::size_t i = 0; i < j && !reported; ++i) {
        const ScriptStatement& earlier = statements[i];
        if (earlier.tx != later.tx) continue;
        for (const Operation& add : earlier.ops) {
          if (add.kind != OpKind::AddConstraint || !add.constraint.not_valid ||
              add.constraint.name != validate.constraint.name ||
              display_name(add.table.name) != relation)
            continue;
          LockMode lock = add.constraint.type == 'f' ? LockMode::ShareRowExclusive
                                                     : LockMode::AccessExclusive;
          for (const LockedRelation& r : earlier.rels)
            if (display_name(r.table.name) == relation && r.lock != LockMode::None) lock = r.lock;

          Finding f = make_finding(not_valid_validated_in_same_transaction, relation);
          f.message = fmt::format(
              "validating constraint \"{}\" in the transaction that added it NOT VALID "
              "(statement {}) keeps the {} lock on \"{}\" through the whole scan",
              validate.constraint.name, earlier.no, lock_sql_name(lock), relation);
          f.detail = fmt::format(
              "{} Statement {} adds \"{}\" NOT VALID under an {} lock, which blocks {}, and the "
              "lock is held until the transaction ends: VALIDATE CONSTRAINT in statement {} "
              "reads every row while it is still held, as if NOT VALID had not been written.",
              table_facts_sentence(t), earlier.no, validate.constraint.name, lock_sql_name(lock),
              lock_blocks(lock), later.no);
          const std::string duration = duration_sentence(estimate(validate, s));
          if (!duration.empty()) f.detail += " " + duration;
          const std::string sql = fmt::format(
              "COMMIT;\nBEGIN;\nALTER TABLE {} VALIDATE CONSTRAINT {};", sql_name(t.name, s),
              ident(validate.constraint.name, s));
          f.hint = fmt::format(
              "Commit between them, so that the validation runs in its own transaction under a "
              "{} lock, which lets reads and writes go on:\n{}",
              lock_sql_name(LockMode::ShareUpdateExclusive), sql);
          f.safe_sql = "COMMIT;\nBEGIN;\n" + with_semicolon(later.text);
          findings[j].push_back(std::move(f));
          reported = true;
          break;
        }
      }
    }
  }
}

}  // namespace

const Rule not_valid_validated_in_same_transaction = {
    "not_valid_validated_in_same_transaction",
    Severity::Warning,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "VALIDATE CONSTRAINT in the same transaction as ADD CONSTRAINT ... NOT VALID keeps the "
    "strong lock through the validation scan",
    // explanation
    "ADD CONSTRAINT ... NOT VALID followed by VALIDATE CONSTRAINT avoids a long lock only "
    "when the two run in separate transactions: ADD CONSTRAINT takes an ACCESS EXCLUSIVE "
    "lock (SHARE ROW EXCLUSIVE for a foreign key) and keeps it until the end of its "
    "transaction. Validated in the same transaction, the scan of every row runs while that "
    "lock is still held, exactly as if NOT VALID had not been written. Committed in between, "
    "the validation takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.",
    // recipe
    "ALTER TABLE <table> ADD CONSTRAINT <name> <definition> NOT VALID;\n"
    "COMMIT;  -- release the lock before the validation\n"
    "ALTER TABLE <table> VALIDATE CONSTRAINT <name>;",
    nullptr,  // nothing to judge in a single statement
    script_check,
};

}  // namespace mg::rules
