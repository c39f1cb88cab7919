#include "core/rules.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/overrides.hpp"
#include "core/quote.hpp"

namespace mg {

const std::vector<const Rule*>& rule_catalog() {
  static const std::vector<const Rule*> catalog = {
#define MG_RULE(id) &rules::id,
#include "core/rules/list.def"
#undef MG_RULE
  };
  return catalog;
}

const Rule* find_rule(std::string_view id) {
  for (const Rule* rule : rule_catalog())
    if (id == rule->id) return rule;
  return nullptr;
}

Finding make_finding(const Rule& rule, std::string relation) {
  Finding f;
  f.rule = rule.id;
  f.severity = rule.severity;
  f.relation = std::move(relation);
  return f;
}

Finding make_finding(const Rule& rule, const QualifiedName& relation) {
  return make_finding(rule, display_name(relation));
}

std::vector<Finding> evaluate(const Operation& op, const Settings& settings) {
  std::vector<Finding> out;
  for (const Rule* rule : rule_catalog())
    if (rule->check) rule->check(op, settings, out);
  // Per-rule overrides (migration_guard.rules): a new severity, or off.
  if (!out.empty() && !settings.rule_overrides.empty()) {
    std::string error;
    auto ov = parse_overrides(settings.rule_overrides, &error);
    if (ov) {
      std::vector<Finding> kept;
      for (Finding& f : out) {
        auto it = ov->find(f.rule);
        if (it == ov->end()) {
          kept.push_back(std::move(f));
          continue;
        }
        if (it->second == RuleLevel::Off) continue;
        f.severity = it->second == RuleLevel::Info      ? Severity::Info
                     : it->second == RuleLevel::Warning ? Severity::Warning
                                                        : Severity::Error;
        kept.push_back(std::move(f));
      }
      out = std::move(kept);
    }
  }
  // The server's own table_rewrite event comes while the rewrite starts: the
  // hook already gave the estimate with its prediction.
  if (out.empty() || op.kind == OpKind::TableRewrite) return out;
  const std::string sentence = duration_sentence(estimate(op, settings));
  if (sentence.empty()) return out;
  for (Finding& f : out) {
    const Rule* rule = find_rule(f.rule);
    if (rule && rule->reports_duration()) f.detail += " " + sentence;
  }
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
  if (t.kind == 'p' && t.leaves_affected >= 0 && t.leaves_affected < t.leaf_count)
    return fmt::format(
        "Partitioned table \"{}\": the {} of its {} leaf partitions that the statement works on "
        "hold about {} row{} ({}).",
        display_name(t.name), t.leaves_affected, t.leaf_count, pretty_count(t.rows),
        t.rows == 1 ? "" : "s", size);
  // Plain inheritance: the statement recurses to the tables that inherit.
  if (t.kind == 'r' && t.leaf_count > 0 && t.leaves_affected > 0)
    return fmt::format(
        "Table \"{}\" and {} table{} that inherit from it hold about {} row{} ({}).",
        display_name(t.name),
        t.leaves_affected == t.leaf_count
            ? fmt::format("the {}", t.leaf_count)
            : fmt::format("{} of the {}", t.leaves_affected, t.leaf_count),
        t.leaf_count == 1 ? "" : "s", pretty_count(t.rows), t.rows == 1 ? "" : "s", size);
  if (t.kind == 'p')
    return fmt::format(
        "Partitioned table \"{}\" holds about {} row{} ({}) in {} partition{}.",
        display_name(t.name), pretty_count(t.rows), t.rows == 1 ? "" : "s", size,
        t.partition_count,
        t.partition_count == 1 ? "" : "s");
  if (t.kind == 'v')
    return fmt::format(
        "View \"{}\" holds no rows: every query on it reads the relations behind it.",
        display_name(t.name));
  const char* what = t.kind == 'm' ? "Materialized view" : "Table";
  if (t.rows < 0) return fmt::format("{} \"{}\" has {} of data.", what, display_name(t.name), size);
  return fmt::format("{} \"{}\" holds about {} row{} ({}).", what, display_name(t.name),
                     pretty_count(t.rows), t.rows == 1 ? "" : "s", size);
}

bool has_rows(const TableFacts& t) {
  if (t.rows > 0) return true;
  return t.rows < 0 && t.bytes > 0;  // never analyzed, but not empty
}

bool visible_to_others(const TableFacts& t) { return !t.created_in_transaction && !t.temporary; }

std::string ident(std::string_view name, const Settings& s) {
  return quote_ident(name, s.quote_all_identifiers);
}

std::string_view relation_kind_word(char kind) {
  switch (kind) {
    case 'i':
    case 'I':
      return "index";
    case 'm':
      return "materialized view";
    case 'p':
      return "partitioned table";
    case 'S':
      return "sequence";
    case 'v':
      return "view";
    case 'f':
      return "foreign table";
    default:
      return "table";
  }
}

void first_add_the_column(const Operation& op, const Settings& s, Finding& f) {
  const std::string add =
      fmt::format("ALTER TABLE {} ADD COLUMN {};", sql_name(op.table.name, s),
                  op.constraint.added_column);
  f.detail += " The constraint is written inline in ADD COLUMN, which adds it like ALTER TABLE "
              "... ADD CONSTRAINT.";
  f.hint = "Add the column without the constraint first (no scan, no index build):\n" + add +
           "\nthen the constraint on its own. " + f.hint;
  f.safe_sql = f.safe_sql.empty() ? add : add + "\n" + f.safe_sql;
}

std::string not_null_check_name(const TableFacts& t, std::string_view column) {
  return truncate_identifier(fmt::format("{}_{}_not_null", t.name.name, column));
}

std::string batch_update_sql(const std::string& table_sql, const std::string& set_clause,
                             const std::string& where) {
  return fmt::format(
      "UPDATE {0} SET {1} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {0} WHERE {2} LIMIT "
      "10000));  -- repeat until it updates 0 rows",
      table_sql, set_clause, where);
}

bool has_not_valid_not_null(const Settings& s) { return server_at_least(s, 18); }

std::string not_null_without_scan_sql(const std::string& table_sql, const std::string& column_sql,
                                      const std::string& check_sql, const Settings& s) {
  if (has_not_valid_not_null(s))
    return fmt::format(
        "ALTER TABLE {0} ADD CONSTRAINT {2} NOT NULL {1} NOT VALID;\n"
        "ALTER TABLE {0} VALIDATE CONSTRAINT {2};",
        table_sql, column_sql, check_sql);
  return fmt::format(
      "ALTER TABLE {0} ADD CONSTRAINT {2} CHECK ({1} IS NOT NULL) NOT VALID;\n"
      "ALTER TABLE {0} VALIDATE CONSTRAINT {2};\n"
      "ALTER TABLE {0} ALTER COLUMN {1} SET NOT NULL;\n"
      "ALTER TABLE {0} DROP CONSTRAINT {2};",
      table_sql, column_sql, check_sql);
}

namespace {
bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}
}  // namespace

std::vector<std::string> split_column_list(std::string_view list) {
  std::vector<std::string> out;
  list = trim_blanks(list);
  if (list.size() < 2 || list.front() != '(' || list.back() != ')') return out;
  list = list.substr(1, list.size() - 2);
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    char c = i < list.size() ? list[i] : ',';
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      std::string_view item = trim_blanks(list.substr(start, i - start));
      if (!item.empty()) out.emplace_back(item);
      start = i + 1;
    }
  }
  return out;
}

std::string identifier_value(std::string_view written) {
  written = trim_blanks(written);
  std::string out;
  if (written.size() >= 2 && written.front() == '"' && written.back() == '"') {
    written = written.substr(1, written.size() - 2);
    for (std::size_t i = 0; i < written.size(); ++i) {
      out.push_back(written[i]);
      if (written[i] == '"' && i + 1 < written.size() && written[i + 1] == '"') ++i;
    }
    return out;
  }
  for (char c : written) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

std::string trim_sentence(std::string_view text) {
  text = trim_blanks(text);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return std::string(trim_blanks(text));
}

}  // namespace mg
