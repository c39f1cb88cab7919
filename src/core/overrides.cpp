#include "core/overrides.hpp"

#include <cctype>

#include <fmt/format.h>

#include "core/rules.hpp"

namespace mg {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Calls item(text) for each comma-separated, non-empty item; false stops.
template <typename F>
bool for_each_item(std::string_view text, F item) {
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view part = trim(text.substr(0, comma));
    if (!part.empty() && !item(part)) return false;
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

RuleLevel level_of(Severity s) {
  switch (s) {
    case Severity::Info:
      return RuleLevel::Info;
    case Severity::Warning:
      return RuleLevel::Warning;
    case Severity::Error:
      return RuleLevel::Error;
  }
  return RuleLevel::Error;
}

}  // namespace

std::optional<std::map<std::string, RuleLevel>> parse_overrides(std::string_view text,
                                                                std::string* error) {
  std::map<std::string, RuleLevel> out;
  bool ok = for_each_item(text, [&](std::string_view item) {
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      *error = fmt::format("\"{}\" is not of the form rule=level", item);
      return false;
    }
    std::string id = lower(trim(item.substr(0, eq)));
    std::string level = lower(trim(item.substr(eq + 1)));
    if (find_rule(id) == nullptr) {
      *error = fmt::format("unknown rule \"{}\"", id);
      return false;
    }
    RuleLevel l;
    if (level == "off")
      l = RuleLevel::Off;
    else if (level == "info")
      l = RuleLevel::Info;
    else if (level == "warning")
      l = RuleLevel::Warning;
    else if (level == "error")
      l = RuleLevel::Error;
    else {
      *error = fmt::format("unknown level \"{}\" for rule \"{}\" (off, info, warning, error)",
                           level, id);
      return false;
    }
    out[id] = l;
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::set<std::string>> parse_allow(std::string_view text, std::string* error) {
  std::set<std::string> out;
  bool ok = for_each_item(text, [&](std::string_view item) {
    std::string id = lower(item);
    if (id != "*" && find_rule(id) == nullptr) {
      *error = fmt::format("unknown rule \"{}\"", id);
      return false;
    }
    out.insert(id);
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

RuleLevel effective_level(const std::string& rule, const std::map<std::string, RuleLevel>& ov) {
  auto it = ov.find(rule);
  if (it != ov.end()) return it->second;
  const Rule* info = find_rule(rule);
  return info ? level_of(info->severity) : RuleLevel::Error;
}

bool overrides_weaken(const std::map<std::string, RuleLevel>& from,
                      const std::map<std::string, RuleLevel>& to) {
  for (const Rule* rule : rule_catalog())
    if (effective_level(rule->id, to) < effective_level(rule->id, from)) return true;
  return false;
}

bool allow_weakens(const std::set<std::string>& from, const std::set<std::string>& to) {
  if (from.count("*")) return false;
  for (const std::string& id : to)
    if (!from.count(id)) return true;
  return false;
}

Action decide_finding(const std::string& rule, Severity severity, const Settings& settings) {
  Action action = decide(severity, settings);
  if (action != Action::Warn && action != Action::Reject) return action;
  if (settings.allow.empty()) return action;
  std::string error;
  auto allowed = parse_allow(settings.allow, &error);
  if (allowed && (allowed->count("*") || allowed->count(rule))) return Action::Acknowledge;
  return action;
}

}  // namespace mg
