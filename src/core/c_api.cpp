// The core side of the door described in c_api.h.  Everything C++ lives and
// dies inside these functions; what leaves them is malloc'd plain C.
#include "core/c_api.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
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

mg::TableFacts table_of(const MgTable& in) {
  mg::TableFacts t;
  t.name = name_of(in.name);
  t.kind = in.kind ? in.kind : 'r';
  t.rows = in.rows;
  t.bytes = in.bytes;
  t.created_in_transaction = in.created_in_transaction;
  t.temporary = in.temporary;
  for (int i = 0; i < in.npartitions; i++) t.partitions.push_back(name_of(in.partitions[i]));
  t.partition_count = in.partition_count;
  for (int i = 0; i < in.ninvalid_indexes; i++) t.invalid_indexes.push_back(str(in.invalid_indexes[i]));
  return t;
}

mg::OpKind kind_of(MgOpKind k) {
  switch (k) {
    case MG_OP_CREATE_INDEX: return mg::OpKind::CreateIndex;
    case MG_OP_ADD_COLUMN: return mg::OpKind::AddColumn;
    case MG_OP_TABLE_REWRITE: return mg::OpKind::TableRewrite;
    case MG_OP_DROP_INDEX: return mg::OpKind::DropIndex;
    case MG_OP_REINDEX: return mg::OpKind::Reindex;
    case MG_OP_ALTER_COLUMN_TYPE: return mg::OpKind::AlterColumnType;
    case MG_OP_SET_NOT_NULL: return mg::OpKind::SetNotNull;
    case MG_OP_ADD_CONSTRAINT: return mg::OpKind::AddConstraint;
    case MG_OP_VALIDATE_CONSTRAINT: return mg::OpKind::ValidateConstraint;
    case MG_OP_ATTACH_PARTITION: return mg::OpKind::AttachPartition;
    case MG_OP_DETACH_PARTITION: return mg::OpKind::DetachPartition;
    case MG_OP_REFRESH_MATVIEW: return mg::OpKind::RefreshMatview;
    case MG_OP_DROP_TABLE: return mg::OpKind::DropTable;
    case MG_OP_DROP_COLUMN: return mg::OpKind::DropColumn;
    case MG_OP_TRUNCATE: return mg::OpKind::Truncate;
    case MG_OP_RENAME_COLUMN: return mg::OpKind::RenameColumn;
    case MG_OP_RENAME_TABLE: return mg::OpKind::RenameTable;
    case MG_OP_VACUUM_FULL: return mg::OpKind::VacuumFull;
    case MG_OP_CLUSTER: return mg::OpKind::Cluster;
    case MG_OP_SET_PERSISTENCE: return mg::OpKind::SetPersistence;
    case MG_OP_SET_ACCESS_METHOD: return mg::OpKind::SetAccessMethod;
  }
  throw std::invalid_argument("unknown operation kind");
}

mg::Operation to_core(const MgOperation& in) {
  mg::Operation op;
  op.kind = kind_of(in.kind);
  op.table = table_of(in.table);
  op.concurrently = in.concurrently;
  op.object_name = str(in.object_name);
  op.cascade = in.cascade;
  op.in_transaction_block = in.in_transaction_block;

  op.create_index.statement = str(in.statement);
  op.create_index.concurrently_at =
      in.concurrently_at < 0 ? std::string::npos : static_cast<std::size_t>(in.concurrently_at);
  op.create_index.relation_end =
      in.relation_end < 0 ? std::string::npos : static_cast<std::size_t>(in.relation_end);
  op.create_index.index_name = str(in.index_name);
  op.create_index.concurrently = in.concurrently;
  op.create_index.unique = in.unique;
  op.create_index.invalid_same_name = str(in.invalid_same_name);
  op.create_index.invalid_same_definition = str(in.invalid_same_definition);

  op.add_column.column = str(in.column);
  op.add_column.type_sql = str(in.type_sql);
  op.add_column.not_null = in.not_null;
  op.add_column.has_default = in.has_default;
  op.add_column.fills_values = in.fills_values;
  op.add_column.volatile_default = in.volatile_default;
  op.add_column.default_sql = str(in.default_sql);

  op.table_rewrite.command = str(in.command);
  op.table_rewrite.reason = in.rewrite_reason;
  op.table_rewrite.predicted = in.rewrite_predicted;

  op.alter_type.column = str(in.column);
  op.alter_type.old_type = str(in.old_type);
  op.alter_type.new_type = str(in.new_type);
  op.alter_type.rewrite = in.rewrite;
  op.alter_type.has_using = in.has_using;
  op.alter_type.narrowing = in.narrowing;
  op.alter_type.narrowing_reason = str(in.narrowing_reason);
  op.alter_type.rebuilt_indexes = in.rebuilt_indexes;

  op.constraint.type = in.contype ? in.contype : 'c';
  op.constraint.name = str(in.constraint_name);
  op.constraint.definition = str(in.definition);
  op.constraint.not_valid = in.not_valid;
  op.constraint.using_index = in.using_index;
  op.constraint.columns = str(in.columns);
  if (in.referenced.name.name) op.constraint.referenced = table_of(in.referenced);
  op.constraint.referenced_lock = static_cast<mg::LockMode>(in.referenced_lock);

  if (in.partition.name.name) op.partition.partition = table_of(in.partition);
  op.partition.concurrently = in.concurrently;
  op.partition.scan_needed = in.scan_needed;
  op.partition.default_partition = str(in.default_partition);
  op.partition.bound = str(in.bound);

  op.column.column = str(in.column);
  op.column.new_name = str(in.new_name);
  op.column.type_sql = str(in.type_sql);
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
    const mg::RuleInfo& r = catalog[static_cast<std::size_t>(i)];
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
  if (effect < 0 || effect > static_cast<int>(mg::Effect::Drop)) return "none";
  return mg::effect_name(static_cast<mg::Effect>(effect)).data();
}
