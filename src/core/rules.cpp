#include "core/rules.hpp"

#include <fmt/format.h>

#include "core/quote.hpp"

namespace mg {

const std::vector<RuleInfo>& rule_catalog() {
  static const std::vector<RuleInfo> catalog = {
      {"index_not_concurrent", Severity::Error,
       "CREATE INDEX without CONCURRENTLY on a large table blocks every write for the whole "
       "build",
       rules::index_not_concurrent},
      {"add_column_not_null_no_default", Severity::Error,
       "ADD COLUMN ... NOT NULL without a default fails on a table that has rows, after taking "
       "an ACCESS EXCLUSIVE lock",
       rules::add_column_not_null_no_default},
      {"table_rewrite", Severity::Error,
       "a rewrite of a large table holds ACCESS EXCLUSIVE until the table and all its indexes "
       "have been written again",
       rules::table_rewrite},
  };
  return catalog;
}

std::vector<Finding> evaluate(const Operation& op, const Settings& settings) {
  std::vector<Finding> out;
  for (const RuleInfo& rule : rule_catalog()) rule.check(op, settings, out);
  return out;
}

std::string display_name(const QualifiedName& n) {
  return n.schema.empty() ? n.name : fmt::format("{}.{}", n.schema, n.name);
}

std::string sql_name(const QualifiedName& n, const Settings& s) {
  return quote_qualified(n.schema, n.name, s.quote_all_identifiers);
}

std::string table_facts_sentence(const TableFacts& t) {
  std::string size = pretty_bytes(t.bytes);
  if (t.kind == 'p')
    return fmt::format(
        "Partitioned table \"{}\" holds about {} rows ({}) in {} partition{}.",
        display_name(t.name), pretty_count(t.rows), size, t.partition_count,
        t.partition_count == 1 ? "" : "s");
  const char* what = t.kind == 'm' ? "Materialized view" : "Table";
  if (t.rows < 0) return fmt::format("{} \"{}\" has {} of data.", what, display_name(t.name), size);
  return fmt::format("{} \"{}\" holds about {} rows ({}).", what, display_name(t.name),
                     pretty_count(t.rows), size);
}

}  // namespace mg
