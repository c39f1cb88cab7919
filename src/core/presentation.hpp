// What a live finding says beyond the rule's own text, for the session it
// happens in: how to acknowledge a rejection there, what a rejection outside
// a transaction block leaves behind, where the migration tools' switches for
// CONCURRENTLY are documented, and the inline error format (everything in
// the primary message, for clients that print nothing else).
#pragma once
#include "core/no_pg.hpp"

#include "core/policy.hpp"
#include "core/rules.hpp"

namespace mg {

// The acknowledgement that works in the session: SET LOCAL inside a
// transaction block; SET, the statement, RESET outside one (where SET LOCAL
// has no effect).  Lines of runnable SQL after one line of prose.
std::string acknowledgement_sql(const std::string& rule, bool outside_transaction_block);

// Completes a finding the policy rejects: the DETAIL says that statements
// already committed stay (outside a transaction block), the HINT points to
// the tools' switches when its SQL uses CONCURRENTLY and ends with the
// acknowledgement, and under ErrorFormat::Inline the primary message
// carries the rule id, the facts, the safe SQL and the acknowledgement.
void present_rejection(Finding& f, const Settings& s);

// A hint whose SQL uses CONCURRENTLY points to the migration tools' switch
// for a migration without a transaction (docs/tools.md).
void point_to_tool_docs(Finding& f);

}  // namespace mg
