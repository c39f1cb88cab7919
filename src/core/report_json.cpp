// The JSON report of a script review, for tools: the statements, their
// relations and findings, the rollback plan and the recommended migration.
#include "core/review.hpp"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "core/lock.hpp"

namespace mg {

namespace {

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  return fmt::format("{}", std::round(x * 10) / 10);
}
std::string json_int(int64_t x) { return x < 0 ? "null" : fmt::format("{}", x); }

}  // namespace

std::string json_string(std::string_view s) {
  std::string out = "\"";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
          else
            out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence, copied when valid (no overlong form, no surrogate).
    std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xc0) == 0x80;
    if (ok && len == 3) {
      if (c == 0xe0 && p[i + 1] < 0xa0) ok = false;
      if (c == 0xed && p[i + 1] >= 0xa0) ok = false;
    }
    if (ok && len == 4) {
      if (c == 0xf0 && p[i + 1] < 0x90) ok = false;
      if (c == 0xf4 && p[i + 1] >= 0x90) ok = false;
    }
    if (!ok) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    out.append(reinterpret_cast<const char*>(p + i), len);
    i += len;
  }
  return out + "\"";
}

std::string render_json(const ScriptReview& review, const Settings& s) {
  std::string j = "{";
  j += fmt::format("\"risk\":{},\"type\":{},", json_string(risk_name(review.risk)),
                   json_string(review.type));
  j += fmt::format("\"errors\":{},\"warnings\":{},", review.errors, review.warnings);
  j += "\"statements\":[";
  for (std::size_t i = 0; i < review.statements.size(); ++i) {
    const ReviewedStatement& rs = review.statements[i];
    const ScriptStatement& st = rs.stmt;
    if (i > 0) j += ",";
    j += fmt::format(
        "{{\"stmt_no\":{},\"statement\":{},\"command\":{},\"transaction\":{},\"modelled\":{},"
        "\"estimated_seconds\":{},\"relations\":[",
        st.no, json_string(st.text), json_string(st.command), st.tx,
        st.modelled ? "true" : "false", json_number(rs.seconds));
    for (std::size_t k = 0; k < st.rels.size(); ++k) {
      const LockedRelation& r = st.rels[k];
      if (k > 0) j += ",";
      j += fmt::format(
          "{{\"relation\":{},\"lock_mode\":{},\"effect\":{},\"rows\":{},\"bytes\":{},"
          "\"estimated_seconds\":{}}}",
          json_string(display_name(r.table.name)),
          r.lock == LockMode::None ? std::string("null") : json_string(lock_server_name(r.lock)),
          json_string(effect_name(r.effect)), json_int(r.table.rows), json_int(r.table.bytes),
          json_number(seconds_on(st, r.table.name, s)));
    }
    j += "],\"findings\":[";
    for (std::size_t k = 0; k < rs.findings.size(); ++k) {
      const Finding& f = rs.findings[k];
      if (k > 0) j += ",";
      j += fmt::format(
          "{{\"rule\":{},\"severity\":{},\"relation\":{},\"message\":{},\"detail\":{},"
          "\"hint\":{},\"safe_sql\":{}}}",
          json_string(f.rule), json_string(severity_name(f.severity)), json_string(f.relation),
          json_string(f.message), json_string(f.detail), json_string(f.hint),
          json_string(f.safe_sql));
    }
    j += "]}";
  }
  j += "],\"rollback\":[";
  std::vector<RollbackStep> steps = rollback_plan(review, s);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    if (k > 0) j += ",";
    j += fmt::format("{{\"stmt_no\":{},\"sql\":{}}}", steps[k].stmt_no, json_string(steps[k].sql));
  }
  j += fmt::format("],\"recommended_sql\":{}}}", json_string(recommended_sql(review)));
  return j;
}

}  // namespace mg
