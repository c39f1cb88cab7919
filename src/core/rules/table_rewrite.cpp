// table_rewrite: the server is about to write a new copy of a large table and
// of all its indexes, under an ACCESS EXCLUSIVE lock held to the end of the
// transaction.  This rule is fed by the table_rewrite event trigger, the
// server's own ground truth that a rewrite happens (ATRewriteTables calls it
// just before the copy starts), so it also catches what no prediction saw.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

struct Cause {
  int bit;
  const char* what;
  const char* advice;
};

constexpr Cause kCauses[] = {
    {kRewriteColumn, "a column type change",
     "Change the type without a rewrite where the server allows it (varchar(n) to a longer "
     "varchar or to text, numeric to a larger precision with the same scale), or add a new "
     "column of the new type, backfill it in batches, switch the application to it, then drop "
     "the old one."},
    {kRewriteDefault, "a column added with a volatile default",
     "Add the column with no default or a constant one (no rewrite), set the volatile default "
     "with ALTER COLUMN ... SET DEFAULT for new rows, and fill the existing rows in batches."},
    {kRewritePersistence, "SET LOGGED or SET UNLOGGED",
     "SET LOGGED/UNLOGGED always rewrites the table: run it in a maintenance window."},
    {kRewriteAccessMethod, "SET ACCESS METHOD",
     "SET ACCESS METHOD always rewrites the table: run it in a maintenance window."},
};

}  // namespace

void table_rewrite(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::TableRewrite) return;
  const TableFacts& t = op.table;
  if (t.created_in_transaction || t.temporary) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  std::string causes;
  std::string advice;
  for (const Cause& c : kCauses) {
    if (!(op.table_rewrite.reason & c.bit)) continue;
    if (!causes.empty()) causes += " and ";
    causes += c.what;
    if (!advice.empty()) advice += "\n";
    advice += c.advice;
  }
  if (causes.empty()) causes = "a change the server cannot make in place";

  Finding f;
  f.rule = "table_rewrite";
  f.severity = Severity::Error;
  f.relation = display_name(t.name);
  f.message = fmt::format("{} rewrites large table \"{}\"",
                          op.table_rewrite.command.empty() ? "ALTER TABLE"
                                                           : op.table_rewrite.command,
                          f.relation);
  f.detail = fmt::format(
      "{} The rewrite is caused by {}. It writes a new copy of the table and of all its indexes "
      "under an {} lock, which blocks {}, until the end of the transaction.",
      table_facts_sentence(t), causes, lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));
  f.hint = advice.empty() ? "Run the statement in a maintenance window." : advice;
  out.push_back(std::move(f));
}

}  // namespace mg::rules
