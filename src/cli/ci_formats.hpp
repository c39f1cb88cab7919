// CI output of the migration-guard program: SARIF 2.1.0 (code scanning
// annotations) and GitHub Actions workflow commands.  PostgreSQL-free, so
// that it is unit-tested (test/unit/test_ci_formats.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mg::cli {

// One finding, placed on its statement in the migration file.
struct CiFinding {
  std::string file;  // the FILE argument ("<stdin>" for standard input)
  int stmt_no = 0;
  long line = 0;  // 1-based; 0: unknown (the file's first line is used)
  long column = 0;
  long end_line = 0;    // 0: unknown
  long end_column = 0;  // exclusive
  std::string rule;
  std::string severity;  // "error", "warning", "info"
  std::string relation;
  std::string message;
  std::string detail;
  std::string hint;
};

// One entry of the rule catalog (migration_guard.rule_catalog()).
struct CiRule {
  std::string id;
  std::string severity;
  std::string summary;
  std::string explanation;
  std::string recipe;
};

// The SARIF log: one run, the rules of the catalog, every file given as an
// artifact (files without findings too), columns in Unicode code points.
std::string render_sarif(const std::vector<CiFinding>& findings, const std::vector<CiRule>& rules,
                         const std::vector<std::string>& files, std::string_view tool_version);

// One workflow command per finding:
//   ::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::MESSAGE
// ("warning" for warnings, "notice" for info), each ending with a newline.
std::string render_github(const std::vector<CiFinding>& findings);

// GitHub's escaping of workflow command data (% CR LF) and of property
// values (the same, and : ,).
std::string github_escape_data(std::string_view s);
std::string github_escape_property(std::string_view s);

// The SARIF level of a severity: "error", "warning" or "note".
std::string_view sarif_level(std::string_view severity);

// A URI reference for a file argument: a relative path stays relative (its
// segments percent-encoded, "/" kept), an absolute one becomes file:///...
std::string file_uri(std::string_view path);

// The text of a finding as one message: the message, the detail, the hint.
std::string finding_text(const CiFinding& f);

}  // namespace mg::cli
