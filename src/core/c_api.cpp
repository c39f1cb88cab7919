// The core side of the door described in c_api.h.  Everything C++ lives and
// dies inside these functions; what leaves them is malloc'd plain C.
#include "core/c_api.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/c_convert.hpp"
#include "core/name_list.hpp"
#include "core/overrides.hpp"
#include "core/presentation.hpp"
#include "core/quote.hpp"
#include "core/review.hpp"
#include "core/rules.hpp"
#include "core/undo.hpp"

namespace {

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

void free_findings(MgFinding* f, int n) {
  for (int i = 0; i < n; i++) {
    std::free(f[i].rule);
    std::free(f[i].relation);
    std::free(f[i].message);
    std::free(f[i].detail);
    std::free(f[i].hint);
  }
  std::free(f);
}

// Returned when even the copy of the error message cannot be allocated.
char g_out_of_memory[] = "out of memory";

char* error_copy(const char* what) {
  char* copy = strdup(what);
  return copy ? copy : g_out_of_memory;
}

void set_error(MgResult* out, const char* what) { out->error = error_copy(what); }

void free_rows(MgReviewRow* rows, int n) {
  for (int i = 0; i < n; i++) {
    std::free(rows[i].rule);
    std::free(rows[i].severity);
    std::free(rows[i].relation);
    std::free(rows[i].message);
    std::free(rows[i].detail);
    std::free(rows[i].hint);
  }
  std::free(rows);
}

}  // namespace

void mg_evaluate(const MgOperation* ops, int nops, const MgSettings* settings,
                 MgResult* out) noexcept {
  out->findings = nullptr;
  out->nfindings = 0;
  out->error = nullptr;
  MgFinding* findings = nullptr;
  int n = 0;
  try {
    mg::Settings s = mg::capi::settings_of(*settings);

    std::vector<mg::Finding> all;
    for (int i = 0; i < nops; i++) {
      std::vector<mg::Finding> found = mg::evaluate(mg::capi::operation_of(ops[i]), s);
      for (auto& f : found) {
        // Several operations of one statement may carry the same fact (an
        // INVALID index on the table): report it once.
        bool seen = false;
        for (const mg::Finding& g : all)
          if (g.rule == f.rule && g.relation == f.relation && g.message == f.message) seen = true;
        if (!seen) all.push_back(std::move(f));
      }
    }
    if (all.empty()) return;
    findings = static_cast<MgFinding*>(std::calloc(all.size(), sizeof(MgFinding)));
    if (!findings) throw std::bad_alloc();
    for (mg::Finding& f : all) {
      MgFinding& c = findings[n++];
      const mg::Action action = mg::decide_finding(f.rule, f.severity, s);
      if (action == mg::Action::Reject) mg::present_rejection(f, s);
      c.severity = static_cast<int>(f.severity);
      c.action = static_cast<int>(action);
      c.rule = dup(f.rule);
      c.relation = dup(f.relation);
      c.message = dup(f.message);
      if (s.in_extension_script && s.mode == mg::Mode::Enforce &&
          f.severity == mg::Severity::Error)
        c.detail = dup(f.detail +
                       " Not rejected: the statement runs in an extension's install or update "
                       "script, which cannot be edited.");
      else
        c.detail = dup(f.detail);
      c.hint = dup(f.hint);
    }
    out->findings = findings;
    out->nfindings = n;
  } catch (const std::exception& e) {
    free_findings(findings, n);
    set_error(out, e.what());
  } catch (...) {
    free_findings(findings, n);
    set_error(out, "unknown C++ exception");
  }
}

void mg_result_free(MgResult* result) noexcept {
  free_findings(result->findings, result->nfindings);
  if (result->error != g_out_of_memory) std::free(result->error);
  result->findings = nullptr;
  result->nfindings = 0;
  result->error = nullptr;
}

void mg_review(const MgScriptStatement* stmts, int nstmts, const MgSettings* settings,
               MgReviewFormat format, MgReviewResult* out) noexcept {
  out->rows = nullptr;
  out->nrows = 0;
  out->text = nullptr;
  out->error = nullptr;
  MgReviewRow* rows = nullptr;
  int n = 0;
  char* text = nullptr;
  try {
    mg::Settings s = mg::capi::settings_of(*settings);
    std::vector<mg::ScriptStatement> script;
    script.reserve(nstmts > 0 ? static_cast<std::size_t>(nstmts) : 0);
    for (int i = 0; i < nstmts; i++) script.push_back(mg::capi::script_statement_of(stmts[i]));
    // Rows in statement order, whatever order the glue passed them in.
    std::stable_sort(script.begin(), script.end(),
                     [](const mg::ScriptStatement& a, const mg::ScriptStatement& b) {
                       return a.no < b.no;
                     });
    mg::ScriptReview review = mg::review_script(std::move(script), s);

    std::size_t total = 0;
    for (const mg::ReviewedStatement& rs : review.statements) total += rs.findings.size();
    if (total > 0) {
      rows = static_cast<MgReviewRow*>(std::calloc(total, sizeof(MgReviewRow)));
      if (!rows) throw std::bad_alloc();
      for (const mg::ReviewedStatement& rs : review.statements)
        for (const mg::Finding& f : rs.findings) {
          MgReviewRow& r = rows[n++];
          r.stmt_no = rs.stmt.no;
          r.rule = dup(f.rule);
          r.severity = dup(std::string(mg::severity_name(f.severity)));
          r.relation = dup(f.relation);
          r.message = dup(f.message);
          r.detail = dup(f.detail);
          r.hint = dup(f.hint);
        }
    }
    if (format == MG_REVIEW_MARKDOWN)
      text = dup(mg::render_markdown(review, s));
    else if (format == MG_REVIEW_JSON)
      text = dup(mg::render_json(review, s));
    out->rows = rows;
    out->nrows = n;
    out->text = text;
  } catch (const std::exception& e) {
    free_rows(rows, n);
    std::free(text);
    out->error = error_copy(e.what());
  } catch (...) {
    free_rows(rows, n);
    std::free(text);
    out->error = error_copy("unknown C++ exception");
  }
}

void mg_review_free(MgReviewResult* result) noexcept {
  free_rows(result->rows, result->nrows);
  std::free(result->text);
  if (result->error != g_out_of_memory) std::free(result->error);
  result->rows = nullptr;
  result->nrows = 0;
  result->text = nullptr;
  result->error = nullptr;
}

void mg_undo(const MgOperation* ops, int nops, const MgUndoFact* facts, int nfacts,
             const char* command, const MgSettings* settings, MgUndoResult* out) noexcept {
  out->sql = nullptr;
  out->reason = nullptr;
  out->covered = false;
  out->error = nullptr;
  try {
    mg::Settings s = mg::capi::settings_of(*settings);
    std::vector<mg::Operation> operations;
    for (int i = 0; i < nops; i++) operations.push_back(mg::capi::operation_of(ops[i]));
    std::vector<mg::UndoFact> undo_facts;
    for (int i = 0; i < nfacts; i++) undo_facts.push_back(mg::capi::undo_fact_of(facts[i]));
    mg::StatementUndo u =
        mg::undo_statement(operations, undo_facts, command ? command : "", 0, s);
    std::string sql;
    for (const mg::UndoStep& step : u.steps) {
      if (step.sql.empty()) continue;
      if (!sql.empty()) sql += "\n";
      sql += step.sql;
    }
    char* sql_copy = sql.empty() ? nullptr : dup(sql);
    try {
      out->reason = u.reasons.empty() ? nullptr : dup(u.reasons);
    } catch (...) {
      std::free(sql_copy);
      throw;
    }
    out->sql = sql_copy;
    out->covered = u.covered;
  } catch (const std::exception& e) {
    out->error = error_copy(e.what());
  } catch (...) {
    out->error = error_copy("unknown C++ exception");
  }
}

namespace {
void clear(MgUndoResult* out) {
  out->sql = nullptr;
  out->reason = nullptr;
  out->covered = false;
  out->error = nullptr;
}
std::string str_or_empty(const char* s) { return s ? s : ""; }
}  // namespace

void mg_recreate_sequence(const MgSequenceFacts* seq, const MgSettings* settings,
                          MgUndoResult* out) noexcept {
  clear(out);
  try {
    mg::SequenceFacts f;
    f.name = {str_or_empty(seq->name.schema), str_or_empty(seq->name.name)};
    f.type_sql = str_or_empty(seq->type_sql);
    f.increment = seq->increment;
    f.min = seq->min;
    f.max = seq->max;
    f.start = seq->start;
    f.cache = seq->cache;
    f.cycle = seq->cycle;
    f.owner = str_or_empty(seq->owner);
    for (int i = 0; i < seq->ngrants; i++)
      f.grants.push_back({str_or_empty(seq->grants[i].privilege),
                          str_or_empty(seq->grants[i].grantee), seq->grants[i].grant_option});
    f.position_readable = seq->position_readable;
    f.has_position = seq->has_position;
    f.position = seq->position;
    out->sql = dup(mg::recreate_sequence(f, mg::capi::settings_of(*settings)));
  } catch (const std::exception& e) {
    out->error = error_copy(e.what());
  } catch (...) {
    out->error = error_copy("unknown C++ exception");
  }
}

void mg_recreate_view(const MgViewFacts* view, const MgSettings* settings,
                      MgUndoResult* out) noexcept {
  clear(out);
  try {
    mg::ViewFacts f;
    f.materialized = view->materialized;
    f.name = {str_or_empty(view->name.schema), str_or_empty(view->name.name)};
    for (int i = 0; i < view->noptions; i++) {
      f.options.emplace_back(str_or_empty(view->option_names[i]),
                             str_or_empty(view->option_values[i]));
      f.option_has_value.push_back(view->option_values[i] != nullptr);
    }
    f.definition = str_or_empty(view->definition);
    out->sql = dup(mg::recreate_view(f, mg::capi::settings_of(*settings)));
  } catch (const std::exception& e) {
    out->error = error_copy(e.what());
  } catch (...) {
    out->error = error_copy("unknown C++ exception");
  }
}

void mg_undo_free(MgUndoResult* result) noexcept {
  std::free(result->sql);
  std::free(result->reason);
  if (result->error != g_out_of_memory) std::free(result->error);
  result->sql = nullptr;
  result->reason = nullptr;
  result->error = nullptr;
}

void mg_set_keyword_predicate(bool (*is_keyword)(const char* word)) noexcept {
  try {
    mg::set_keyword_predicate(is_keyword);
  } catch (...) {
    // Not reached (it stores a function pointer); every entry point catches.
  }
}

int mg_rule_count(void) noexcept {
  try {
    return static_cast<int>(mg::rule_catalog().size());
  } catch (...) {
    return 0;
  }
}

bool mg_rule_get(int i, MgRuleInfo* out) noexcept {
  try {
    const auto& catalog = mg::rule_catalog();
    if (i < 0 || static_cast<std::size_t>(i) >= catalog.size()) return false;
    const mg::Rule& r = *catalog[static_cast<std::size_t>(i)];
    out->id = r.id;
    out->severity = mg::severity_name(r.severity).data();
    out->summary = r.summary;
    out->explanation = r.explanation;
    out->recipe = r.recipe;
    return true;
  } catch (...) {
    return false;
  }
}

const char* mg_effect_name(int effect) noexcept {
  try {
    if (effect < MG_EFFECT_NONE || effect > MG_EFFECT_DROP) return "none";
    return mg::effect_name(static_cast<mg::Effect>(effect)).data();
  } catch (...) {
    return "none";
  }
}

bool mg_check_rule_list(char kind, const char* from, const char* to, bool* weakens, char* errbuf,
                        int errbuflen) noexcept {
  try {
    std::string error;
    *weakens = false;
    if (kind == 'r') {
      auto new_ov = mg::parse_overrides(to ? to : "", &error);
      if (!new_ov) {
        std::snprintf(errbuf, static_cast<std::size_t>(errbuflen), "%s", error.c_str());
        return false;
      }
      auto old_ov = mg::parse_overrides(from ? from : "", &error);
      *weakens = mg::overrides_weaken(old_ov ? *old_ov : std::map<std::string, mg::RuleLevel>{},
                                      *new_ov);
    } else {
      auto new_allow = mg::parse_allow(to ? to : "", &error);
      if (!new_allow) {
        std::snprintf(errbuf, static_cast<std::size_t>(errbuflen), "%s", error.c_str());
        return false;
      }
      auto old_allow = mg::parse_allow(from ? from : "", &error);
      *weakens = mg::allow_weakens(old_allow ? *old_allow : std::set<std::string>{}, *new_allow);
    }
    return true;
  } catch (const std::exception& e) {
    std::snprintf(errbuf, static_cast<std::size_t>(errbuflen), "%s", e.what());
    return false;
  } catch (...) {
    std::snprintf(errbuf, static_cast<std::size_t>(errbuflen), "unknown C++ exception");
    return false;
  }
}

size_t mg_one_line(const char* in, char* out, size_t outsize) noexcept {
  if (outsize > 0) out[0] = '\0';
  try {
    const std::string line = mg::one_line(in ? in : "");
    if (outsize > 0) std::snprintf(out, outsize, "%s", line.c_str());
    return line.size();
  } catch (...) {
    return 0;
  }
}

bool mg_name_list_valid(const char* list, char* errbuf, int errbuflen) noexcept {
  try {
    std::string error;
    if (mg::parse_name_list(list ? list : "", &error)) return true;
    std::snprintf(errbuf, static_cast<std::size_t>(errbuflen), "%s", error.c_str());
    return false;
  } catch (...) {
    std::snprintf(errbuf, static_cast<std::size_t>(errbuflen), "out of memory");
    return false;
  }
}

bool mg_name_list_covers(const char* list, const char* qualified) noexcept {
  try {
    auto names = mg::parse_name_list(list ? list : "", nullptr);
    return names && qualified && mg::name_list_covers(*names, qualified);
  } catch (...) {
    return false;
  }
}
