/*
 * What the files of src/glue/model share: the PostgreSQL headers, the short
 * names of the effects, the small types passed between them, and the
 * functions one file calls in another.  The model is built by mg_analyze()
 * (dispatch.cpp), one file per family of statements.
 */
#pragma once

#include "glue/glue.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/catalog.h"
#include "catalog/heap.h"
#include "catalog/index.h"
#include "catalog/partition.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_database.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_inherits.h"
#include "commands/tablecmds.h"
#include "commands/tablespace.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_relation.h"
#include "parser/parse_utilcmd.h"
#include "partitioning/partbounds.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/resowner.h"
#include "utils/ruleutils.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
}

/* Short names for the effects of c_api.h (MgEffect). */
enum
{
	EFFECT_NONE = MG_EFFECT_NONE,
	EFFECT_METADATA = MG_EFFECT_METADATA,
	EFFECT_SCAN = MG_EFFECT_SCAN,
	EFFECT_INDEX_BUILD = MG_EFFECT_INDEX_BUILD,
	EFFECT_REWRITE = MG_EFFECT_REWRITE,
	EFFECT_TRUNCATE = MG_EFFECT_TRUNCATE,
	EFFECT_DROP = MG_EFFECT_DROP
};

/*
 * Runs what follows as owner, in a security-restricted operation (no SET
 * ROLE, no temporary objects; a restricted search_path from PostgreSQL 17 on),
 * until end_as_owner().  An error in between is cleaned up by the
 * (sub)transaction's abort, which restores the user and the settings.
 */
typedef struct OwnerContext
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} OwnerContext;

#define MG_KEYWORD_TOKEN 1
/* INVALID indexes of relid that have stmt's name, or its (simple) definition. */
typedef struct TwinSearch
{
	IndexStmt  *stmt;
	MgOperation *op;
	AttrNumber	attnums[INDEX_MAX_KEYS];
	int			ncols;
} TwinSearch;

typedef struct IndexLockCtx
{
	MgModel    *m;
	LOCKMODE	lock;
} IndexLockCtx;

typedef enum ManyKind
{
	MANY_VACUUM_FULL,
	MANY_REINDEX_SCHEMA,
	MANY_REINDEX_SYSTEM,
	MANY_REINDEX_DATABASE
} ManyKind;

typedef struct DomainUse
{
	Oid			relid;
	StringInfoData columns;		/* "a, b", quoted */
} DomainUse;

/* Number of indexes of relid that include column attnum. */
typedef struct ColumnIndexCount
{
	AttrNumber	attnum;
	int			n;
} ColumnIndexCount;

/* ---------- functions shared between the files of the model ---------- */

void mg_model_init(MgModel *m, const char *command);
MgLockedRelation *add_rel(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause);
MgLockedRelation *add_rel_ex(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause, bool known_new);
const MgTable *facts_of(MgModel *m, Oid relid);
MgOperation *add_op(MgModel *m, MgOpKind kind, Oid relid);
MgOperation *add_op_with_facts(MgModel *m, MgOpKind kind, Oid relid, const MgTable *t);
void add_partitions(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause);
void add_inheritors(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause);
Oid relation_of_object(MgModel *m, List *names);
Oid get_rewrite_relation(Oid ruleid);
void repeat_on_inheritance_children(MgModel *m, Oid parent, int first_op, LOCKMODE lock, bool with_checks);
void begin_as_owner(Oid owner, OwnerContext *c);
void end_as_owner(OwnerContext *c);
Relation peek_relation(Oid relid);
void release_peek(Relation rel);
void add_lock_request(MgModel *m);
const uint16 *mg_keyword_tokens(void);
char *whole_tokens(const char *src, bool to_close, const MgModel *m);
void locate_index_parts(const char *stmt, int *first_token, int *concurrently_at, int *relation_end);
int simple_index_columns(Oid relid, IndexStmt *stmt, AttrNumber *attnums, int max);
void check_twin(HeapTuple tup, void *arg);
void find_invalid_twins(Oid relid, IndexStmt *stmt, MgOperation *op);
void model_create_index(MgModel *m, IndexStmt *stmt, const char *text);
void model_drop_index(MgModel *m, DropStmt *stmt);
void add_index_rel(HeapTuple tup, void *arg);
void model_reindex_table(MgModel *m, Oid tableid, bool concurrent);
void model_reindex(MgModel *m, ReindexStmt *stmt);
bool owns_relation(Oid relid);
bool owns_database(void);
bool may_maintain(Oid relid);
List *tables_processed(ManyKind kind, Oid nspid, bool concurrently);
void model_reindex_many(MgModel *m, ReindexStmt *stmt, bool concurrent);
void model_vacuum_full_all(MgModel *m);
void model_cluster_all(MgModel *m);
List *domain_uses(Oid domainoid, List *uses, int depth);
char *domain_constraint_text(const MgModel *m, Constraint *con);
void model_alter_domain(MgModel *m, AlterDomainStmt *stmt);
bool is_serial_type(TypeName *tn);
Node *cook_default(const MgScript *script, Node *raw, Oid typid, int32 typmod, const char *colname, bool *failed);
const char *nextval_argument(Node *raw);
int describe_new_column(const MgScript *script, ColumnDef *def, MgOperation *op, const char **cause);
bool coercion_requires_rewrite(Node *expr, AttrNumber attnum);
bool is_string_type(Oid t);
int integer_rank(Oid t);
const char *narrowing_reason(Oid oldt, int32 oldmod, Oid newt, int32 newmod);
void count_if_on_column(HeapTuple tup, void *arg);
int indexes_on_column(Oid relid, AttrNumber attnum);
bool using_requires_rewrite(Oid relid, AttrNumber attnum, Node *raw, Oid newtype, int32 newmod, MgOperation *op, bool reviewing);
int describe_type_change(Oid relid, AlterTableCmd *cmd, MgOperation *op, bool reviewing);
void collect_valid_check(HeapTuple tup, TupleDesc desc, void *arg);
List *valid_check_constraints(Oid relid);
bool set_not_null_needs_scan(const MgScript *script, Oid relid, const char *colname, const char **invalid_nn);
char *constraint_sql(Constraint *con);
char *column_list_sql(List *keys);
char *check_expression_text(Constraint *con, const MgModel *m);
void model_add_constraint(MgModel *m, Oid relid, Constraint *con);
bool is_table_level_constraint(ConstrType t);
char *column_without_constraints(ColumnDef *def, const char *query);
void model_column_constraints(MgModel *m, Oid relid, ColumnDef *def, bool fk_validates);
bool table_is_empty(MgModel *m, Oid relid);
Oid relation_am(Oid relid);
List *referencing_column(Oid relid, AttrNumber attnum, Oid indexid);
void lock_column_fks(MgModel *m, Oid relid, AttrNumber attnum, bool cascade);
void model_type_change_dependents(MgModel *m, Oid relid, AlterTableCmd *cmd, MgOperation *op, bool rewrite, List *cmds);
bool attachable(Relation parent, Relation part, PartitionBoundSpec *bound);
void model_attach_partition(MgModel *m, Oid parentid, PartitionCmd *pc);
int attach_partition_indexes(Relation parent, Relation part, MgOperation *op);
void model_partition_fks(MgModel *m, Oid parentid, Oid partid, bool detach);
bool fk_validates(List *cmds);
void model_alter_table(MgModel *m, AlterTableStmt *stmt);
void model_create_view(MgModel *m, ViewStmt *stmt);
void model_create_table_as(MgModel *m, IntoClause *into, Node *query);
void model_refresh(MgModel *m, RefreshMatViewStmt *stmt);
void model_alter_recursion(MgModel *m, Oid relid, LOCKMODE lock, int first_op, List *cmds, const int *cmd_first_op, bool only);
bool partitions_untouched(MgModel *m, Oid relid, AlterTableCmd *cmd);
void model_default_partition_scan(MgModel *m, Oid defaultid, const MgTable *partition, const char *bound);
bool default_partition_proven(MgModel *m, Oid parentid, Oid defaultid, PartitionBoundSpec *spec);
void collect_referenced(HeapTuple tup, TupleDesc desc, void *arg);
void add_drop_table(MgModel *m, Oid relid, bool cascade);
void model_drop(MgModel *m, DropStmt *stmt);
void model_truncate(MgModel *m, TruncateStmt *stmt);
void model_rename(MgModel *m, RenameStmt *stmt);
void model_vacuum(MgModel *m, VacuumStmt *stmt);
void model_lock(MgModel *m, LockStmt *stmt);
void model_create_table(MgModel *m, CreateStmt *stmt);
void model_comment(MgModel *m, CommentStmt *stmt);
