// Per-rule severity overrides (migration_guard.rules) and acknowledged
// exceptions (migration_guard.allow): parsing, validation against the rule
// catalog, and the comparisons that tell whether a change weakens the policy.
#pragma once
#include "core/no_pg.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/policy.hpp"

namespace mg {

// A rule's level: its severity, or off.
enum class RuleLevel { Off = 0, Info, Warning, Error };

// "drop_column=error, rename_column=warning, refresh_matview_blocking=off".
// Returns the map, or nothing with *error naming the offending item.
std::optional<std::map<std::string, RuleLevel>> parse_overrides(std::string_view text,
                                                                std::string* error);
// "index_not_concurrent, drop_column" (or "*" for every rule).
std::optional<std::set<std::string>> parse_allow(std::string_view text, std::string* error);

// The level of a rule under the overrides (its catalog severity otherwise).
RuleLevel effective_level(const std::string& rule, const std::map<std::string, RuleLevel>& ov);

// True when going from `from` to `to` lowers some rule's level.
bool overrides_weaken(const std::map<std::string, RuleLevel>& from,
                      const std::map<std::string, RuleLevel>& to);
// True when `to` acknowledges a rule that `from` did not.
bool allow_weakens(const std::set<std::string>& from, const std::set<std::string>& to);

// decide() for one finding, with migration_guard.allow: a finding of an
// acknowledged rule that the mode would report or reject is Acknowledge.
Action decide_finding(const std::string& rule, Severity severity, const Settings& settings);

}  // namespace mg
