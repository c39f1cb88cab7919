// The script review: every statement judged by the rule catalog, the
// script-level rules, the overall risk (review.hpp).  The recommended
// migration is in recommend.cpp, the rollback plan in undo.cpp, the two
// reports in report_markdown.cpp and report_json.cpp.
#include "core/review.hpp"

#include <algorithm>
#include <cstdint>

#include "core/duration.hpp"

namespace mg {

namespace {

bool same_finding(const Finding& a, const Finding& b) {
  return a.rule == b.rule && a.severity == b.severity && a.relation == b.relation &&
         a.message == b.message && a.detail == b.detail && a.hint == b.hint &&
         a.safe_sql == b.safe_sql;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trimmed(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return out;
}

bool data_loss(const Finding& f) {
  const Rule* rule = find_rule(f.rule);
  return rule && rule->data_loss();
}

}  // namespace

double seconds_on(const ScriptStatement& st, const QualifiedName& rel, const Settings& s) {
  double total = 0;
  const std::string name = display_name(rel);
  for (const Operation& op : st.ops) {
    DurationEstimate e = estimate(op, s);
    if (e.work != Work::None && display_name(e.table) == name) total += e.seconds;
  }
  return total;
}

std::string_view risk_name(Risk r) {
  switch (r) {
    case Risk::Low:
      return "LOW";
    case Risk::Medium:
      return "MEDIUM";
    case Risk::High:
      return "HIGH";
    case Risk::Critical:
      return "CRITICAL";
  }
  return "LOW";
}

bool is_dml(std::string_view command) {
  std::string c = upper(trimmed(command));
  for (const char* k : {"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"}) {
    std::string_view kw = k;
    if (c.compare(0, kw.size(), kw) == 0 && (c.size() == kw.size() || c[kw.size()] == ' '))
      return true;
  }
  return false;
}

double statement_seconds(const ScriptStatement& st, const Settings& s) {
  double total = 0;
  // A table rewritten by several subcommands of one statement is rewritten once.
  std::vector<std::pair<std::string, double>> rewrites;
  for (const Operation& op : st.ops) {
    if (op.kind == OpKind::TableRewrite) continue;
    DurationEstimate e = estimate(op, s);
    if (e.work != Work::Rewrite) {
      total += e.seconds;
      continue;
    }
    std::string name = display_name(e.table);
    auto it = std::find_if(rewrites.begin(), rewrites.end(),
                           [&](const auto& r) { return r.first == name; });
    if (it == rewrites.end())
      rewrites.emplace_back(name, e.seconds);
    else
      it->second = std::max(it->second, e.seconds);
  }
  for (const auto& r : rewrites) total += r.second;
  return total;
}

bool is_long_statement(const ScriptStatement& st, const Settings& s) {
  if (statement_seconds(st, s) >= 1) return true;
  for (const LockedRelation& r : st.rels)
    if ((r.effect == Effect::Scan || r.effect == Effect::IndexBuild ||
         r.effect == Effect::Rewrite) &&
        is_large(r.table.rows, r.table.bytes, s))
      return true;
  return false;
}

ScriptReview review_script(std::vector<ScriptStatement> statements, const Settings& settings) {
  std::vector<std::vector<Finding>> findings(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    for (const Operation& op : statements[i].ops) {
      for (Finding& f : evaluate(op, settings)) {
        bool dup = std::any_of(findings[i].begin(), findings[i].end(),
                               [&](const Finding& g) { return same_finding(f, g); });
        if (!dup) findings[i].push_back(std::move(f));
      }
    }
  }
  for (const Rule* rule : rule_catalog())
    if (rule->script_check) rule->script_check(statements, settings, findings);

  ScriptReview review;
  bool ddl = false, dml = false;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    ReviewedStatement rs;
    rs.seconds = statement_seconds(statements[i], settings);
    rs.stmt = std::move(statements[i]);
    rs.findings = std::move(findings[i]);
    if (rs.stmt.modelled) ddl = true;
    if (is_dml(rs.stmt.command)) dml = true;
    for (const Finding& f : rs.findings) {
      Risk r = Risk::Low;
      if (f.severity == Severity::Warning) {
        ++review.warnings;
        r = Risk::Medium;
      } else if (f.severity == Severity::Error) {
        ++review.errors;
        r = Risk::High;
        for (const LockedRelation& rel : rs.stmt.rels)
          if (display_name(rel.table.name) == f.relation &&
              (rel.effect == Effect::Rewrite || rel.effect == Effect::Drop ||
               rel.effect == Effect::Truncate))
            r = Risk::Critical;
      }
      if (data_loss(f)) r = Risk::Critical;
      review.risk = std::max(review.risk, r);
    }
    review.statements.push_back(std::move(rs));
  }
  review.type = ddl && dml ? "mixed" : ddl ? "schema change" : dml ? "data migration" : "no-op";
  return review;
}

}  // namespace mg
