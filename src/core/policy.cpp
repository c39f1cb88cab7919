#include "core/policy.hpp"

namespace mg {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "unknown";
}

bool is_large(int64_t rows, int64_t bytes, const Settings& settings) {
  if (rows >= 0 && rows >= settings.large_table_rows) return true;
  if (bytes >= 0 && bytes >= settings.large_table_bytes) return true;
  return false;
}

Action decide(Severity severity, const Settings& settings) {
  switch (settings.mode) {
    case Mode::Off:
      return Action::Ignore;
    case Mode::Log:
      return Action::Log;
    case Mode::Warn:
      return severity == Severity::Info ? Action::Log : Action::Warn;
    case Mode::Enforce:
      if (severity == Severity::Info) return Action::Log;
      if (severity == Severity::Error && !settings.in_extension_script) return Action::Reject;
      return Action::Warn;
  }
  return Action::Ignore;
}

}  // namespace mg
