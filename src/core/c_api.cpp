// The core side of the door described in c_api.h.  Everything C++ lives and
// dies inside these functions; what leaves them is malloc'd plain C.
#include "core/c_api.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "core/quote.hpp"
#include "core/rules.hpp"

namespace {

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

mg::QualifiedName name_of(const MgName& n) { return {str(n.schema), str(n.name)}; }

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

mg::Operation to_core(const MgOperation& in) {
  mg::Operation op;
  switch (in.kind) {
    case MG_OP_CREATE_INDEX:
      op.kind = mg::OpKind::CreateIndex;
      break;
    case MG_OP_ADD_COLUMN:
      op.kind = mg::OpKind::AddColumn;
      break;
    case MG_OP_TABLE_REWRITE:
      op.kind = mg::OpKind::TableRewrite;
      break;
  }
  op.table.name = name_of(in.table.name);
  op.table.kind = in.table.kind;
  op.table.rows = in.table.rows;
  op.table.bytes = in.table.bytes;
  op.table.created_in_transaction = in.table.created_in_transaction;
  op.table.temporary = in.table.temporary;
  for (int i = 0; i < in.table.npartitions; i++)
    op.table.partitions.push_back(name_of(in.table.partitions[i]));
  op.table.partition_count = in.table.partition_count;

  op.create_index.statement = str(in.statement);
  op.create_index.concurrently_at =
      in.concurrently_at < 0 ? std::string::npos : static_cast<std::size_t>(in.concurrently_at);
  op.create_index.relation_end =
      in.relation_end < 0 ? std::string::npos : static_cast<std::size_t>(in.relation_end);
  op.create_index.index_name = str(in.index_name);
  op.create_index.concurrently = in.concurrently;
  op.create_index.unique = in.unique;

  op.add_column.column = str(in.column);
  op.add_column.type_sql = str(in.type_sql);
  op.add_column.not_null = in.not_null;
  op.add_column.has_default = in.has_default;
  op.add_column.fills_values = in.fills_values;

  op.table_rewrite.command = str(in.command);
  op.table_rewrite.reason = in.rewrite_reason;
  return op;
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

void set_error(MgResult* out, const char* what) {
  char* copy = strdup(what);
  out->error = copy ? copy : g_out_of_memory;
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
    mg::Settings s;
    s.mode = static_cast<mg::Mode>(settings->mode);
    s.large_table_rows = settings->large_table_rows;
    s.large_table_bytes = settings->large_table_bytes;
    s.quote_all_identifiers = settings->quote_all_identifiers;
    s.in_extension_script = settings->in_extension_script;

    std::vector<mg::Finding> all;
    for (int i = 0; i < nops; i++) {
      std::vector<mg::Finding> found = mg::evaluate(to_core(ops[i]), s);
      for (auto& f : found) all.push_back(std::move(f));
    }
    if (all.empty()) return;
    findings = static_cast<MgFinding*>(std::calloc(all.size(), sizeof(MgFinding)));
    if (!findings) throw std::bad_alloc();
    for (const mg::Finding& f : all) {
      MgFinding& c = findings[n++];
      c.severity = static_cast<int>(f.severity);
      c.action = static_cast<int>(mg::decide(f.severity, s));
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

void mg_set_keyword_predicate(bool (*is_keyword)(const char* word)) noexcept {
  mg::set_keyword_predicate(is_keyword);
}
