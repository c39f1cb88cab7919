// migration-guard findings: its arguments (PostgreSQL-free, unit-tested).
//
//   migration-guard findings [--dsn DSN] [--since TIMESTAMP] [--fail-on warning|error]
//                            [--format text|json] [--all-databases]
#pragma once

#include <string>
#include <vector>

namespace mg::cli {

enum class FindingsFormat { Text, Json };
enum class FailOn { Warning, Error };

struct FindingsOptions {
  bool help = false;
  std::string dsn;
  std::string since;  // empty: every finding kept
  FailOn fail_on = FailOn::Error;
  FindingsFormat format = FindingsFormat::Text;
  bool all_databases = false;
};

struct FindingsParse {
  bool ok = false;
  FindingsOptions options;
  std::string error;
};

// Whether the command line names the findings command (its first word that
// is not an option or an option's value).
bool is_findings_command(const std::vector<std::string>& args);

FindingsParse parse_findings_args(const std::vector<std::string>& args);

std::string findings_usage();

// Whether a finding of this severity ("info", "warning", "error") and decision
// reaches the --fail-on level.  Acknowledged findings never do: someone with
// the privilege accepted them.
bool reaches(FailOn level, const std::string& severity, const std::string& decision);

}  // namespace mg::cli

namespace mg::cli {
// The command itself (findings_cmd.cpp, libpq): the exit status.
int run_findings(const std::vector<std::string>& args);
}  // namespace mg::cli
