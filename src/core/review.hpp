// The review of a whole migration script: every statement judged by the rule
// catalog, the script-level rules (what one statement does to the next inside
// a transaction), the overall risk, and the reports (Markdown for a DBA, JSON
// for tools).  The glue parses the script and models each statement; the core
// only judges and renders.
#pragma once
#include "core/no_pg.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/duration.hpp"
#include "core/model.hpp"
#include "core/policy.hpp"
#include "core/rules.hpp"
#include "core/undo.hpp"

namespace mg {

struct ScriptStatement {
  int no = 0;            // 1-based position in the script
  std::string text;      // the statement alone
  std::string command;   // the command tag: "ALTER TABLE", "UPDATE", "BEGIN", ...
  int tx = 0;            // 0: runs in its own transaction; n > 0: the n-th BEGIN ... COMMIT
  bool transaction_control = false;  // BEGIN, COMMIT, ROLLBACK, ...
  bool modelled = false;             // false: not DDL we model (DML, SET, ...)
  std::vector<LockedRelation> rels;  // the main target first
  std::vector<Operation> ops;
  std::vector<UndoFact> undo_facts;  // its subcommands without an operation, for the undo
};

enum class Risk { Low = 0, Medium, High, Critical };
std::string_view risk_name(Risk r);  // "LOW", "MEDIUM", "HIGH", "CRITICAL"

struct ReviewedStatement {
  ScriptStatement stmt;
  std::vector<Finding> findings;  // de-duplicated; the statement's own first
  double seconds = 0;             // estimated time of its work under its locks
};

struct ScriptReview {
  std::vector<ReviewedStatement> statements;
  Risk risk = Risk::Low;
  std::string type;  // "schema change", "data migration", "mixed", "no-op"
  int errors = 0;
  int warnings = 0;
};

ScriptReview review_script(std::vector<ScriptStatement> statements, const Settings& settings);

// Estimated seconds of a statement's work: the sum over its operations, a
// table rewritten by several subcommands of one ALTER TABLE counted once.
double statement_seconds(const ScriptStatement& st, const Settings& settings);
// Long: estimated at one second or more, or a scan, index build or rewrite of
// a large relation.
bool is_long_statement(const ScriptStatement& st, const Settings& settings);
// Estimated seconds of a statement's work on one relation.
double seconds_on(const ScriptStatement& st, const QualifiedName& rel, const Settings& settings);
// INSERT, UPDATE, DELETE, MERGE, COPY.
bool is_dml(std::string_view command);

struct RollbackStep {
  int stmt_no = 0;
  std::string sql;  // one or more lines; a SQL comment when nothing can be run
};
// The undo of each modelled statement, last statement first (undo.cpp: the
// same generator as the history's rollback_sql).
std::vector<RollbackStep> rollback_plan(const ScriptReview& review, const Settings& settings);
// The script with each flagged statement replaced by its safe SQL (recommend.cpp).
std::string recommended_sql(const ScriptReview& review);

std::string render_markdown(const ScriptReview& review, const Settings& settings);
std::string render_json(const ScriptReview& review, const Settings& settings);

// A JSON string literal, quotes included: control characters escaped, bytes
// that are not valid UTF-8 replaced by U+FFFD.
std::string json_string(std::string_view s);
// A Markdown table cell: '|' escaped, line breaks as <br>.
std::string markdown_cell(std::string_view s);
// A Markdown code fence longer than any run of backticks in text.
std::string code_fence(std::string_view text);

}  // namespace mg
