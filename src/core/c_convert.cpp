#include "core/c_convert.hpp"

#include <stdexcept>

namespace mg::capi {

// The core's side of the codes defined in c_api.h (the glue's side, against
// PostgreSQL's, is in glue/pg.hpp).
namespace {
template <typename E>
constexpr int code(E e) {
  return static_cast<int>(e);
}
}  // namespace

static_assert(code(LockMode::None) == MG_LOCK_NONE);
static_assert(code(LockMode::AccessShare) == MG_LOCK_ACCESS_SHARE);
static_assert(code(LockMode::RowShare) == MG_LOCK_ROW_SHARE);
static_assert(code(LockMode::RowExclusive) == MG_LOCK_ROW_EXCLUSIVE);
static_assert(code(LockMode::ShareUpdateExclusive) == MG_LOCK_SHARE_UPDATE_EXCLUSIVE);
static_assert(code(LockMode::Share) == MG_LOCK_SHARE);
static_assert(code(LockMode::ShareRowExclusive) == MG_LOCK_SHARE_ROW_EXCLUSIVE);
static_assert(code(LockMode::Exclusive) == MG_LOCK_EXCLUSIVE);
static_assert(code(LockMode::AccessExclusive) == MG_LOCK_ACCESS_EXCLUSIVE);

static_assert(code(Effect::None) == MG_EFFECT_NONE);
static_assert(code(Effect::Metadata) == MG_EFFECT_METADATA);
static_assert(code(Effect::Scan) == MG_EFFECT_SCAN);
static_assert(code(Effect::IndexBuild) == MG_EFFECT_INDEX_BUILD);
static_assert(code(Effect::Rewrite) == MG_EFFECT_REWRITE);
static_assert(code(Effect::Truncate) == MG_EFFECT_TRUNCATE);
static_assert(code(Effect::Drop) == MG_EFFECT_DROP);

static_assert(code(Mode::Off) == MG_MODE_OFF);
static_assert(code(Mode::Log) == MG_MODE_LOG);
static_assert(code(Mode::Warn) == MG_MODE_WARN);
static_assert(code(Mode::Enforce) == MG_MODE_ENFORCE);

static_assert(code(Severity::Info) == MG_SEVERITY_INFO);
static_assert(code(Severity::Warning) == MG_SEVERITY_WARNING);
static_assert(code(Severity::Error) == MG_SEVERITY_ERROR);

static_assert(code(Action::Ignore) == MG_ACTION_IGNORE);
static_assert(code(Action::Log) == MG_ACTION_LOG);
static_assert(code(Action::Warn) == MG_ACTION_WARN);
static_assert(code(Action::Reject) == MG_ACTION_REJECT);
static_assert(code(Action::Acknowledge) == MG_ACTION_ACKNOWLEDGE);

static_assert(code(kRewritePersistence) == MG_REWRITE_PERSISTENCE);
static_assert(code(kRewriteDefault) == MG_REWRITE_DEFAULT);
static_assert(code(kRewriteColumn) == MG_REWRITE_COLUMN);
static_assert(code(kRewriteAccessMethod) == MG_REWRITE_ACCESS_METHOD);
static_assert(MG_REWRITE_SET_EXPRESSION == kRewriteSetExpression,
              "the rewrite reason of our own is the same on both sides");

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

QualifiedName name_of(const MgName& n) { return {str(n.schema), str(n.name)}; }

TableFacts table_of(const MgTable& in) {
  TableFacts t;
  t.name = name_of(in.name);
  t.kind = in.kind ? in.kind : 'r';
  t.rows = in.rows;
  t.bytes = in.bytes;
  t.created_in_transaction = in.created_in_transaction;
  t.temporary = in.temporary;
  for (int i = 0; i < in.npartitions; i++) t.partitions.push_back(name_of(in.partitions[i]));
  t.partition_count = in.partition_count;
  t.leaf_count = in.leaf_count;
  t.leaves_affected = in.leaves_affected;
  for (int i = 0; i < in.ninvalid_indexes; i++) t.invalid_indexes.push_back(str(in.invalid_indexes[i]));
  return t;
}

LockMode lock_mode_of(int mode) {
  if (mode < MG_LOCK_NONE || mode > MG_LOCK_ACCESS_EXCLUSIVE)
    throw std::invalid_argument("lock mode out of range");
  return static_cast<LockMode>(mode);
}

Effect effect_of(int effect) {
  if (effect < MG_EFFECT_NONE || effect > MG_EFFECT_DROP)
    throw std::invalid_argument("unknown effect");
  return static_cast<Effect>(effect);
}

OpKind kind_of(MgOpKind k) {
  switch (k) {
    case MG_OP_CREATE_INDEX: return OpKind::CreateIndex;
    case MG_OP_ADD_COLUMN: return OpKind::AddColumn;
    case MG_OP_TABLE_REWRITE: return OpKind::TableRewrite;
    case MG_OP_DROP_INDEX: return OpKind::DropIndex;
    case MG_OP_REINDEX: return OpKind::Reindex;
    case MG_OP_ALTER_COLUMN_TYPE: return OpKind::AlterColumnType;
    case MG_OP_SET_NOT_NULL: return OpKind::SetNotNull;
    case MG_OP_ADD_CONSTRAINT: return OpKind::AddConstraint;
    case MG_OP_VALIDATE_CONSTRAINT: return OpKind::ValidateConstraint;
    case MG_OP_ATTACH_PARTITION: return OpKind::AttachPartition;
    case MG_OP_DETACH_PARTITION: return OpKind::DetachPartition;
    case MG_OP_REFRESH_MATVIEW: return OpKind::RefreshMatview;
    case MG_OP_DROP_TABLE: return OpKind::DropTable;
    case MG_OP_DROP_COLUMN: return OpKind::DropColumn;
    case MG_OP_TRUNCATE: return OpKind::Truncate;
    case MG_OP_RENAME_COLUMN: return OpKind::RenameColumn;
    case MG_OP_RENAME_TABLE: return OpKind::RenameTable;
    case MG_OP_VACUUM_FULL: return OpKind::VacuumFull;
    case MG_OP_CLUSTER: return OpKind::Cluster;
    case MG_OP_SET_PERSISTENCE: return OpKind::SetPersistence;
    case MG_OP_SET_ACCESS_METHOD: return OpKind::SetAccessMethod;
    case MG_OP_SET_TABLESPACE: return OpKind::SetTablespace;
    case MG_OP_DEFAULT_PARTITION_SCAN: return OpKind::DefaultPartitionScan;
    case MG_OP_LOCK_REQUEST: return OpKind::LockRequest;
    case MG_OP_HELD_LOCK: return OpKind::HeldLock;
  }
  throw std::invalid_argument("unknown operation kind");
}

Operation operation_of(const MgOperation& in) {
  Operation op;
  op.kind = kind_of(in.kind);
  op.table = table_of(in.table);
  op.effect = effect_of(in.effect);
  op.concurrently = in.concurrently;
  op.object_name = str(in.object_name);
  op.cascade = in.cascade;
  op.dependent = in.dependent;
  if (in.dependent) op.command = str(in.command);
  op.in_transaction_block = in.in_transaction_block;
  op.lock = lock_mode_of(in.lock_mode);
  if (in.kind == MG_OP_HELD_LOCK) {
    op.held_lock.held = lock_mode_of(in.lock_mode);
    op.held_lock.command = str(in.held_command);
    op.held_lock.target = table_of(in.held_target);
    op.held_lock.rows = in.held_rows;
    op.held_lock.is_dml = in.held_is_dml;
    op.held_lock.no_where = in.held_no_where;
    op.held_lock.reported = in.held_reported;
  }
  if (in.kind == MG_OP_LOCK_REQUEST) {
    op.lock_request.probed = in.lock_probed;
    op.lock_request.blockers = in.lock_blockers;
    op.lock_request.blocker_list = str(in.lock_blocker_list);
  }

  if (in.kind == MG_OP_REFRESH_MATVIEW) {
    op.refresh.sources = in.nsources;
    op.refresh.rows = in.nsources > 0 ? in.source_rows : -1;
    op.refresh.bytes = in.nsources > 0 ? in.source_bytes : -1;
    op.refresh.populated = !in.unpopulated;
  }

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
  op.alter_type.using_sql = str(in.using_sql);
  op.alter_type.using_row_sql = str(in.using_row_sql);
  op.alter_type.narrowing = in.narrowing;
  op.alter_type.narrowing_reason = str(in.narrowing_reason);
  op.alter_type.rebuilt_indexes = in.rebuilt_indexes;

  op.constraint.type = in.contype ? in.contype : 'c';
  op.constraint.name = str(in.constraint_name);
  op.constraint.domain = str(in.domain);
  op.constraint.domain_columns = str(in.domain_columns);
  op.constraint.added_column = str(in.added_column);
  op.constraint.definition = str(in.definition);
  op.constraint.not_valid = in.not_valid;
  op.constraint.using_index = in.using_index;
  op.constraint.columns = str(in.columns);
  for (int i = 0; i < in.nkey_columns; i++) op.constraint.key_columns.push_back(str(in.key_columns[i]));
  op.constraint.chosen_name = str(in.chosen_name);
  if (in.referenced.name.name) op.constraint.referenced = table_of(in.referenced);
  op.constraint.referenced_lock = lock_mode_of(in.referenced_lock);

  if (in.partition.name.name) op.partition.partition = table_of(in.partition);
  op.partition.concurrently = in.concurrently;
  op.partition.scan_needed = in.scan_needed;
  op.partition.default_partition = str(in.default_partition);
  op.partition.built_indexes = in.built_indexes;
  op.partition.built_index_names = str(in.built_index_names);
  op.partition.built_index_sql = str(in.built_index_sql);
  op.partition.bound = str(in.bound);

  op.column.column = str(in.column);
  op.column.new_name = str(in.new_name);
  op.column.type_sql = str(in.type_sql);
  op.column.empty = in.column_empty;
  op.column.added_in_transaction = in.column_new;

  op.undo.existed = in.undo_existed;
  op.undo.was_not_null = in.undo_was_not_null;
  op.undo.old_definition = str(in.undo_old_definition);
  op.undo.column_width = in.undo_column_width;
  return op;
}

LockedRelation locked_relation_of(const MgLockedRelation& in) {
  if (in.lock < MG_LOCK_NONE || in.lock > MG_LOCK_ACCESS_EXCLUSIVE)
    throw std::invalid_argument("unknown lock mode");
  if (in.effect < MG_EFFECT_NONE || in.effect > MG_EFFECT_DROP)
    throw std::invalid_argument("unknown effect");
  LockedRelation r;
  r.table = table_of(in.table);
  r.lock = static_cast<LockMode>(in.lock);
  r.effect = static_cast<Effect>(in.effect);
  r.cause = str(in.cause);
  return r;
}

Settings settings_of(const MgSettings& in) {
  Settings s;
  if (in.mode < MG_MODE_OFF || in.mode > MG_MODE_ENFORCE)
    throw std::invalid_argument("mode out of range");
  s.mode = static_cast<Mode>(in.mode);
  s.large_table_rows = in.large_table_rows;
  s.large_table_bytes = in.large_table_bytes;
  s.quote_all_identifiers = in.quote_all_identifiers;
  s.in_extension_script = in.in_extension_script;
  s.scan_rate = in.scan_rate > 0 ? in.scan_rate : 0;
  s.rewrite_rate = in.rewrite_rate > 0 ? in.rewrite_rate : 0;
  s.index_build_rate = in.index_build_rate > 0 ? in.index_build_rate : 0;
  s.session_lock_timeout_ms = in.session_lock_timeout_ms;
  s.session_statement_timeout_ms = in.session_statement_timeout_ms;
  s.auto_lock_timeout_ms = in.auto_lock_timeout_ms;
  s.rule_overrides = str(in.rule_overrides);
  s.allow = str(in.allow);
  s.outside_transaction_block = in.outside_transaction_block;
  s.error_format = in.error_format == 1 ? ErrorFormat::Inline : ErrorFormat::Standard;
  if (in.server_version_num > 0) s.server_version_num = in.server_version_num;
  return s;
}

UndoFact undo_fact_of(const MgUndoFact& in) {
  UndoFact f;
  switch (in.kind) {
    case MG_UNDO_COLUMN_DEFAULT: f.kind = UndoFactKind::ColumnDefault; break;
    case MG_UNDO_DROP_NOT_NULL: f.kind = UndoFactKind::DropNotNull; break;
    case MG_UNDO_DROP_CONSTRAINT: f.kind = UndoFactKind::DropConstraint; break;
    case MG_UNDO_RENAME_INDEX: f.kind = UndoFactKind::RenameIndex; break;
    case MG_UNDO_RENAME_CONSTRAINT: f.kind = UndoFactKind::RenameConstraint; break;
    case MG_UNDO_CREATED: f.kind = UndoFactKind::Created; break;
    case MG_UNDO_SET_SCHEMA: f.kind = UndoFactKind::SetSchema; break;
    case MG_UNDO_RELOPTION: f.kind = UndoFactKind::RelOption; break;
    case MG_UNDO_VIEW_REPLACED: f.kind = UndoFactKind::ViewReplaced; break;
    case MG_UNDO_CREATED_OBJECT: f.kind = UndoFactKind::CreatedObject; break;
    case MG_UNDO_CASCADE_DROPPED: f.kind = UndoFactKind::CascadeDropped; break;
    case MG_UNDO_DEFINITION_UNREAD: f.kind = UndoFactKind::DefinitionUnread; break;
    case MG_UNDO_DROPPED_UNKNOWN: f.kind = UndoFactKind::DroppedUnknown; break;
    default: throw std::invalid_argument("unknown undo fact");
  }
  f.table = name_of(in.table);
  f.name = str(in.name);
  f.new_name = str(in.new_name);
  f.has_old = in.old_sql != nullptr;
  f.old_sql = str(in.old_sql);
  f.was_not_null = in.was_not_null;
  f.keyword = str(in.keyword);
  f.same_columns = in.same_columns;
  f.cascade = in.cascade;
  f.column_empty = in.column_empty;
  f.rows = in.rows;
  f.bytes = in.bytes;
  return f;
}

ScriptStatement script_statement_of(const MgScriptStatement& in) {
  ScriptStatement st;
  st.no = in.stmt_no;
  st.text = str(in.text);
  st.command = str(in.command);
  st.tx = in.tx;
  st.transaction_control = in.transaction_control;
  st.modelled = in.modelled;
  for (int i = 0; i < in.nrels; i++) st.rels.push_back(locked_relation_of(in.rels[i]));
  for (int i = 0; i < in.nops; i++) st.ops.push_back(operation_of(in.ops[i]));
  for (int i = 0; i < in.nundo_facts; i++) st.undo_facts.push_back(undo_fact_of(in.undo_facts[i]));
  return st;
}

}  // namespace mg::capi
