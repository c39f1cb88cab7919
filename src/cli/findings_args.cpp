// See findings_args.hpp.
#include "findings_args.hpp"

namespace mg::cli {

namespace {

bool takes_value(const std::string& a) {
  return a == "--dsn" || a == "--since" || a == "--fail-on" || a == "--format";
}

bool with_value(const std::vector<std::string>& args, std::size_t& i, const std::string& name,
                std::string& value, std::string& error) {
  const std::string& a = args[i];
  if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=') {
    value = a.substr(name.size() + 1);
    return true;
  }
  if (i + 1 >= args.size()) {
    error = "option " + name + " needs a value";
    return false;
  }
  value = args[++i];
  return true;
}

bool is(const std::string& a, const std::string& name) {
  return a == name || (a.size() > name.size() && a.compare(0, name.size(), name) == 0 &&
                       a[name.size()] == '=');
}

}  // namespace

bool is_findings_command(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return i + 1 < args.size() && args[i + 1] == "findings";
    if (!a.empty() && a[0] == '-' && a != "-") {
      if (takes_value(a)) ++i;
      continue;
    }
    return a == "findings";
  }
  return false;
}

FindingsParse parse_findings_args(const std::vector<std::string>& args) {
  FindingsParse r;
  FindingsOptions& o = r.options;
  bool seen_command = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      r.ok = true;
      return r;
    }
    if (a == "--") continue;
    if (a.empty() || a[0] != '-') {
      if (!seen_command && a == "findings") {
        seen_command = true;
        continue;
      }
      r.error = "unexpected argument \"" + a + "\" (findings takes no FILE)";
      return r;
    }
    std::string v;
    if (is(a, "--dsn")) {
      if (!with_value(args, i, "--dsn", o.dsn, r.error)) return r;
    } else if (is(a, "--since")) {
      if (!with_value(args, i, "--since", o.since, r.error)) return r;
      if (o.since.empty()) {
        r.error = "option --since needs a timestamp";
        return r;
      }
    } else if (is(a, "--fail-on")) {
      if (!with_value(args, i, "--fail-on", v, r.error)) return r;
      if (v == "warning") {
        o.fail_on = FailOn::Warning;
      } else if (v == "error") {
        o.fail_on = FailOn::Error;
      } else {
        r.error = "unknown level \"" + v + "\" for --fail-on (expected warning or error)";
        return r;
      }
    } else if (is(a, "--format")) {
      if (!with_value(args, i, "--format", v, r.error)) return r;
      if (v == "text") {
        o.format = FindingsFormat::Text;
      } else if (v == "json") {
        o.format = FindingsFormat::Json;
      } else {
        r.error = "unknown format \"" + v + "\" (expected text or json)";
        return r;
      }
    } else if (a == "--all-databases") {
      o.all_databases = true;
    } else {
      r.error = "unknown option \"" + a + "\"";
      return r;
    }
  }
  r.ok = true;
  return r;
}

std::string findings_usage() {
  return "Usage: migration-guard findings [--dsn DSN] [--since TIMESTAMP] "
         "[--fail-on warning|error] [--format text|json] [--all-databases]\n"
         "\n"
         "Lists the findings the server raised while migrations ran (the view\n"
         "migration_guard.findings: warned, logged, acknowledged and rejected ones,\n"
         "those of rolled-back transactions included), oldest first, for the database\n"
         "of the connection.  Run it after any migration tool, e.g. in CI after the\n"
         "tool's migrate command against a copy of production.\n"
         "\n"
         "Options:\n"
         "  --dsn DSN          libpq connection string or URI (default: the PG* environment)\n"
         "  --since TIMESTAMP  only findings from then on (any timestamptz input, e.g.\n"
         "                     '2024-05-01 12:00', or the output of date -Iseconds)\n"
         "  --fail-on LEVEL    exit 1 when a finding of this severity or higher was raised\n"
         "                     and not acknowledged: warning, or error (default)\n"
         "  --format FORMAT    text (default) or json (an array of objects)\n"
         "  --all-databases    every database's findings, not only the connection's\n"
         "  --help             show this help and exit\n"
         "\n"
         "A role sees its own findings; superusers and members of pg_read_all_stats see\n"
         "everyone's.  Needs migration_guard 0.3.0 in the database and the library in\n"
         "shared_preload_libraries.\n"
         "\n"
         "Exit status: 0 nothing reaches the --fail-on level, 1 something does, 2 usage\n"
         "error, connection failure, extension missing or too old, or any other failure.\n";
}

bool reaches(FailOn level, const std::string& severity, const std::string& decision) {
  if (decision == "acknowledged") return false;
  if (severity == "error") return true;
  return level == FailOn::Warning && severity == "warning";
}

}  // namespace mg::cli
