// The rule catalog and the evaluation of an operation against it.
//
// Each rule lives in src/core/rules/<id>.cpp: its check, its message and its
// recipe side by side.  A rule reports nothing when the facts make the
// statement harmless (a small or empty table, a table nobody else can see):
// a false positive teaches people to ignore the tool.
#pragma once
#include "core/no_pg.hpp"

#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/policy.hpp"

namespace mg {

struct Finding {
  std::string rule;
  Severity severity = Severity::Warning;
  std::string relation;  // schema.name of the table concerned, unquoted
  std::string message;   // primary message: lower case, no period
  std::string detail;    // facts: complete sentences
  std::string hint;      // the safe alternative, as runnable SQL
};

struct RuleInfo {
  const char* id;
  Severity severity;
  const char* summary;
  // Appends its findings for op, if any.
  void (*check)(const Operation& op, const Settings& settings, std::vector<Finding>& out);
};

const std::vector<RuleInfo>& rule_catalog();

std::vector<Finding> evaluate(const Operation& op, const Settings& settings);

// Shared wording, so every rule states the facts the same way.
std::string display_name(const QualifiedName& n);  // public.orders, unquoted
std::string sql_name(const QualifiedName& n, const Settings& s);  // quoted for SQL
// "Table "public.orders" holds about 250 thousand rows (11 MB)."
std::string table_facts_sentence(const TableFacts& t);

namespace rules {
void index_not_concurrent(const Operation&, const Settings&, std::vector<Finding>&);
void add_column_not_null_no_default(const Operation&, const Settings&, std::vector<Finding>&);
void table_rewrite(const Operation&, const Settings&, std::vector<Finding>&);
}  // namespace rules

}  // namespace mg
