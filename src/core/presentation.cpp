#include "core/presentation.hpp"

#include <fmt/format.h>

#include "core/quote.hpp"

namespace mg {

std::string acknowledgement_sql(const std::string& rule, bool outside_transaction_block) {
  const std::string value = quote_literal(rule);
  if (outside_transaction_block)
    return fmt::format(
        "To run it as it is, acknowledge the rule around it (needs the SET privilege on "
        "migration_guard.allow; outside a transaction block SET LOCAL has no effect):\n"
        "SET migration_guard.allow = {};\n"
        "-- the statement\n"
        "RESET migration_guard.allow;",
        value);
  return fmt::format(
      "To run it as it is, acknowledge the rule for this transaction (needs the SET privilege "
      "on migration_guard.allow):\n"
      "SET LOCAL migration_guard.allow = {};",
      value);
}

void present_rejection(Finding& f, const Settings& s) {
  if (s.outside_transaction_block)
    f.detail +=
        " No transaction block is open: what the statements before this one did is committed "
        "already, and this rejection does not undo it.";
  point_to_tool_docs(f);
  const std::string rule_hint = f.hint;
  const std::string ack = acknowledgement_sql(f.rule, s.outside_transaction_block);
  f.hint = rule_hint.empty() ? ack : rule_hint + "\n" + ack;
  if (s.error_format != ErrorFormat::Inline) return;
  // One message for clients that show nothing else: the rule id, the facts,
  // the SQL that replaces the statement (or the hint's prose when the rule
  // has none), and the acknowledgement.
  std::string message =
      fmt::format("{} (migration_guard rule {})\n{}", f.message, f.rule, f.detail);
  if (!f.safe_sql.empty())
    message += "\nSafe SQL:\n" + f.safe_sql;
  else if (!rule_hint.empty())
    message += "\n" + rule_hint;
  message += "\n" + ack;
  f.message = std::move(message);
}

void point_to_tool_docs(Finding& f) {
  if (f.safe_sql.find("CONCURRENTLY") == std::string::npos &&
      f.rule != "concurrently_in_transaction")
    return;
  f.hint +=
      "\nMigration tools that wrap each migration in a transaction each have a switch to run "
      "one without: migration_guard's docs/tools.md names them.";
}

}  // namespace mg
