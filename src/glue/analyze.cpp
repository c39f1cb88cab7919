/*
 * The model of a DDL statement, read from its parse tree and the catalogs
 * before it runs: every relation it will lock, in which mode, what it will do
 * to each (metadata, scan, index build, rewrite, truncate, drop), and the
 * operations the rules judge.
 *
 * Wherever the server exposes its own decision we call it instead of restating
 * it: AlterTableGetLockLevel() for ALTER TABLE, the coercion machinery and the
 * planner's simplification for "does this type change rewrite?", the
 * predicate prover for "does a CHECK constraint prove NOT NULL?", and
 * PartConstraintImpliedByRelConstraint() for "does ATTACH PARTITION scan?".
 * The rest follows the commands of PostgreSQL 15 and 18 (docs/versions.md),
 * checked against pg_locks, relfilenode and seq_scan by the accuracy test
 * (sql/accuracy.sql) on both.
 *
 * Nothing here takes a lock that could wait: a relation we must open to ask
 * the server is locked with a conditional AccessShareLock that is released
 * at once, and when that is refused the answer is the conservative one.
 * Catalog look-ups use missing-ok variants: a statement about an object that
 * does not exist is left to fail with the server's own message.
 */
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
#include "commands/tablecmds.h"
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

/* ---------- building the model ---------- */

static void add_view_sources(MgModel *m, Oid viewid, int depth);

static void
mg_model_init(MgModel *m, const char *command)
{
	const char *query = m->query;
	const char *text = m->text;
	bool		use_overrides = m->use_overrides;
	const MgScript *script = m->script;

	memset(m, 0, sizeof(*m));
	m->command = command;
	m->query = query;
	m->text = text;
	m->use_overrides = use_overrides;
	m->script = script;
	m->in_transaction_block = IsTransactionBlock();
}

/*
 * Records that the statement locks relid in mode lock with the given effect.
 * A relation met twice keeps the strongest lock and the costliest effect
 * (with its cause).
 */
static MgLockedRelation *add_rel_ex(MgModel *m, Oid relid, LOCKMODE lock, int effect,
									 const char *cause, bool known_new);

static MgLockedRelation *
add_rel(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause)
{
	return add_rel_ex(m, relid, lock, effect, cause, false);
}

/* known_new: the caller knows relid is not in the model yet (no need to look). */
static MgLockedRelation *
add_rel_ex(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause, bool known_new)
{
	/*
	 * A partitioned table or index has no storage of its own: what is
	 * scanned, built, rewritten or truncated are its partitions, which are
	 * added on their own.
	 */
	if (effect >= EFFECT_SCAN && effect <= EFFECT_TRUNCATE)
	{
		char		relkind = get_rel_relkind(relid);

		if (relkind == RELKIND_PARTITIONED_TABLE || relkind == RELKIND_PARTITIONED_INDEX)
		{
			effect = EFFECT_METADATA;
			cause = NULL;
		}
	}
	for (int i = 0; i < (known_new ? 0 : m->nrels); i++)
	{
		if (m->relids[i] != relid)
			continue;
		if (lock > m->rels[i].lock)
			m->rels[i].lock = lock;
		if (effect > m->rels[i].effect)
		{
			m->rels[i].effect = effect;
			m->rels[i].cause = cause;
		}
		return &m->rels[i];
	}
	if (m->nrels == m->maxrels)
	{
		int			newmax = m->maxrels ? m->maxrels * 2 : 8;

		m->rels = (MgLockedRelation *) (m->rels
										? repalloc(m->rels, sizeof(MgLockedRelation) * newmax)
										: palloc(sizeof(MgLockedRelation) * newmax));
		m->relids = (Oid *) (m->relids ? repalloc(m->relids, sizeof(Oid) * newmax)
							 : palloc(sizeof(Oid) * newmax));
		m->maxrels = newmax;
	}
	{
		MgLockedRelation *r = &m->rels[m->nrels];

		memset(r, 0, sizeof(*r));
		if (!mg_table_facts_with(relid, &r->table, m->use_overrides))
			return NULL;
		r->lock = lock;
		r->effect = effect;
		r->cause = cause;
		m->relids[m->nrels] = relid;
		m->nrels++;
		return r;
	}
}

/* The facts already gathered for relid (it must have been added). */
static const MgTable *
facts_of(MgModel *m, Oid relid)
{
	for (int i = 0; i < m->nrels; i++)
		if (m->relids[i] == relid)
			return &m->rels[i].table;
	return NULL;
}

static MgOperation *
add_op(MgModel *m, MgOpKind kind, Oid relid)
{
	const MgTable *t = facts_of(m, relid);
	MgOperation *op;

	if (t == NULL)
		return NULL;
	if (m->nops == m->maxops)
	{
		int			newmax = m->maxops ? m->maxops * 2 : 4;

		m->ops = (MgOperation *) (m->ops ? repalloc(m->ops, sizeof(MgOperation) * newmax)
								  : palloc(sizeof(MgOperation) * newmax));
		m->op_relids = (Oid *) (m->op_relids ? repalloc(m->op_relids, sizeof(Oid) * newmax)
								: palloc(sizeof(Oid) * newmax));
		m->maxops = newmax;
	}
	m->op_relids[m->nops] = relid;
	op = &m->ops[m->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->table = *t;
	/*
	 * What the operation does to the table: what the kind always does, or
	 * metadata, set by the caller where it costs more.
	 */
	switch (kind)
	{
		case MG_OP_TRUNCATE:
			op->effect = EFFECT_TRUNCATE;
			break;
		case MG_OP_DROP_TABLE:
		case MG_OP_DROP_INDEX:
			op->effect = EFFECT_DROP;
			break;
		case MG_OP_VACUUM_FULL:
		case MG_OP_CLUSTER:
			op->effect = EFFECT_REWRITE;
			break;
		default:
			op->effect = EFFECT_METADATA;
			break;
	}
	op->in_transaction_block = m->in_transaction_block;
	op->concurrently_at = -1;
	op->relation_end = -1;
	return op;
}

/* Every partition below relid (leaves and intermediate levels), with the same lock and effect. */
static void
add_partitions(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause)
{
	List	   *all;
	ListCell   *lc;
	int			nbefore;

	if (get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		return;
	all = mg_partition_tree(relid, m->use_overrides);
	/*
	 * The tree lists each relation once: only those already in the model need
	 * looking for (a search per partition is quadratic on 1 000 partitions).
	 */
	nbefore = m->nrels;
	foreach(lc, all)
	{
		Oid			child = lfirst_oid(lc);
		bool		known_new = true;

		if (child == relid)
			continue;
		for (int i = 0; i < nbefore && known_new; i++)
			known_new = m->relids[i] != child;
		add_rel_ex(m, child, lock, effect, cause, known_new);
	}
}

/*
 * Plain inheritance: a statement on a parent that recurses (no ONLY) acts on
 * every child's rows too: TRUNCATE empties them, SET NOT NULL and ADD
 * CONSTRAINT ... CHECK scan them.  A partitioned table's facts are the sum of
 * its leaves; the children of plain inheritance are judged each on its own:
 * each operation of kind MG_OP_TRUNCATE, MG_OP_SET_NOT_NULL or
 * MG_OP_ADD_CONSTRAINT (a CHECK, when with_checks) made on the parent since
 * first_op is repeated on every child, with the child's facts and the same
 * lock.
 */
static void
repeat_on_inheritance_children(MgModel *m, Oid parent, int first_op, LOCKMODE lock,
							   bool with_checks)
{
	List	   *all;
	ListCell   *lc;
	int			nops = m->nops;

	if (get_rel_relkind(parent) != RELKIND_RELATION || !has_subclass(parent))
		return;
	all = find_all_inheritors(parent, NoLock, NULL);
	foreach(lc, all)
	{
		Oid			child = lfirst_oid(lc);

		if (child == parent)
			continue;
		for (int i = first_op; i < nops; i++)
		{
			MgOperation copy = m->ops[i];
			MgOperation *op;
			MgTable		facts;

			if (m->op_relids[i] != parent)
				continue;
			if (!(copy.kind == MG_OP_TRUNCATE || copy.kind == MG_OP_SET_NOT_NULL ||
				  (with_checks && copy.kind == MG_OP_ADD_CONSTRAINT && copy.contype == 'c')))
				continue;
			if (!add_rel(m, child, lock,
						 copy.kind == MG_OP_TRUNCATE ? EFFECT_TRUNCATE : EFFECT_SCAN,
						 "inherited from the parent"))
				break;
			op = add_op(m, copy.kind, child);
			if (op == NULL)
				break;
			facts = op->table;
			*op = copy;
			op->table = facts;
		}
	}
}

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

static void
begin_as_owner(Oid owner, OwnerContext *c)
{
	GetUserIdAndSecContext(&c->save_userid, &c->save_sec_context);
	SetUserIdAndSecContext(owner, c->save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	c->save_nestlevel = NewGUCNestLevel();
#if PG_VERSION_NUM >= 170000
	RestrictSearchPath();
#endif
}

static void
end_as_owner(OwnerContext *c)
{
	AtEOXact_GUC(false, c->save_nestlevel);
	SetUserIdAndSecContext(c->save_userid, c->save_sec_context);
}

/*
 * Takes AccessShareLock on relid if nobody is in the way, so that the
 * relation may be opened; never waits.  Pair with release_peek().
 */
static Relation
peek_relation(Oid relid)
{
	Relation	rel;

	if (!ConditionalLockRelationOid(relid, AccessShareLock))
		return NULL;
	rel = try_relation_open(relid, NoLock);
	if (rel == NULL)
		UnlockRelationOid(relid, AccessShareLock);	/* dropped meanwhile */
	return rel;
}

static void
release_peek(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);

	relation_close(rel, NoLock);
	UnlockRelationOid(relid, AccessShareLock);
}

/* ---------- statement text ---------- */

/* Marks keyword tokens in our own scans; no grammar token uses this code. */
#define MG_KEYWORD_TOKEN 1

/*
 * Where a CREATE INDEX statement starts (its first token, past any leading
 * comment), where CONCURRENTLY goes (just after the INDEX keyword), and where
 * the column list starts (just after the table name), found with the server's
 * own scanner, so that comments, quoted names and odd spacing cannot mislead
 * us.  The statement already parsed, so the scan cannot fail.
 */
/* Token codes for our scans: every keyword is MG_KEYWORD_TOKEN. */
static const uint16 *
mg_keyword_tokens(void)
{
	static uint16 *keyword_tokens = NULL;

	if (keyword_tokens == NULL)
	{
		uint16	   *tokens = (uint16 *) MemoryContextAlloc(TopMemoryContext,
														   sizeof(uint16) * ScanKeywords.num_keywords);

		for (int i = 0; i < ScanKeywords.num_keywords; i++)
			tokens[i] = MG_KEYWORD_TOKEN;
		keyword_tokens = tokens;
	}
	return keyword_tokens;
}

/*
 * Text of the source of a statement, cut with the server's own scanner so
 * that it always holds whole tokens: a quote, a comment or a dollar quote in
 * it can never be left open (the text goes into a recipe a person runs).
 * src starts at a token of an already parsed statement.
 *
 * to_close: the text up to the parenthesis that closes one opened before src
 * ("a > 0) NOT VALID" gives "a > 0").  Otherwise: up to the end of the last
 * parenthesized group at depth 0 before a ';' or the end, or of the first
 * token when there is no group ("IN (1, 2) -- note" gives "IN (1, 2)",
 * "DEFAULT" gives "DEFAULT").  NULL when no such text is found.
 */
static char *
whole_tokens(const char *src, bool to_close)
{
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc;
	int			tok;
	int			depth = 0;
	int			end = -1;
	int			first_end = -1;
	char	   *result = NULL;

	scanner = scanner_init(src, &yyextra, &ScanKeywords, mg_keyword_tokens());
	while ((tok = core_yylex(&yylval, &yylloc, scanner)) != 0)
	{
		if (first_end < 0 && tok == MG_KEYWORD_TOKEN)
			first_end = yylloc + (int) strlen(yylval.keyword);
		if (tok == '(')
			depth++;
		else if (tok == ')')
		{
			if (depth == 0 && to_close)
			{
				end = yylloc;
				break;
			}
			if (--depth == 0)
				end = yylloc + 1;
		}
		else if (tok == ';' && depth == 0)
			break;
	}
	scanner_finish(scanner);
	if (end < 0 && !to_close)
		end = first_end;
	if (end > 0)
	{
		while (end > 0 && isspace((unsigned char) src[end - 1]))
			end--;
		result = pnstrdup(src, end);
	}
	return result;
}

static void
locate_index_parts(const char *stmt, int *first_token, int *concurrently_at, int *relation_end)
{
	const uint16 *keyword_tokens = mg_keyword_tokens();
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc;
	int			tok;
	int			state = 0;		/* 0: before INDEX, 1: before ON, 2: table name */
	int			depth = 0;

	*first_token = -1;
	*concurrently_at = -1;
	*relation_end = -1;

	scanner = scanner_init(stmt, &yyextra, &ScanKeywords, keyword_tokens);
	while ((tok = core_yylex(&yylval, &yylloc, scanner)) != 0)
	{
		bool		is_kw = (tok == MG_KEYWORD_TOKEN);

		if (*first_token < 0)
			*first_token = yylloc;
		if (state == 0)
		{
			if (is_kw && strcmp(yylval.keyword, "index") == 0)
			{
				*concurrently_at = yylloc + (int) strlen("index");
				state = 1;
			}
		}
		else if (state == 1)
		{
			if (tok == '(')
				depth++;
			else if (tok == ')')
				depth--;
			else if (depth == 0 && is_kw && strcmp(yylval.keyword, "on") == 0)
				state = 2;
		}
		else if (state == 2)
		{
			if (is_kw && strcmp(yylval.keyword, "only") == 0)
				continue;
			/* The first part of the table name; now follow the dots. */
			state = 3;
		}
		else if (state == 3)
		{
			if (tok == '.')
				state = 2;
			else
			{
				*relation_end = yylloc;
				break;
			}
		}
	}
	scanner_finish(scanner);
}

/* The statement's text from its first token on. */
const char *
mg_trim_leading(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return text;
}

/* ---------- CREATE INDEX, DROP INDEX, REINDEX ---------- */

/* The key columns of a simple index (plain column names, no expressions), or NULL. */
static int
simple_index_columns(Oid relid, IndexStmt *stmt, AttrNumber *attnums, int max)
{
	ListCell   *lc;
	int			n = 0;

	if (stmt->whereClause || stmt->indexIncludingParams)
		return -1;
	foreach(lc, stmt->indexParams)
	{
		IndexElem  *e = (IndexElem *) lfirst(lc);

		if (e->name == NULL || n >= max)
			return -1;
		attnums[n] = get_attnum(relid, e->name);
		if (attnums[n] == InvalidAttrNumber)
			return -1;
		n++;
	}
	return n;
}

/* INVALID indexes of relid that have stmt's name, or its (simple) definition. */
typedef struct TwinSearch
{
	IndexStmt  *stmt;
	MgOperation *op;
	AttrNumber	attnums[INDEX_MAX_KEYS];
	int			ncols;
} TwinSearch;

static void
check_twin(HeapTuple tup, void *arg)
{
	TwinSearch *ts = (TwinSearch *) arg;
	Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
	char	   *name;

	if (idx->indisvalid || (name = get_rel_name(idx->indexrelid)) == NULL)
		return;
	if (ts->stmt->idxname && strcmp(name, ts->stmt->idxname) == 0)
		ts->op->invalid_same_name = name;
	else if (ts->ncols > 0 && idx->indnkeyatts == ts->ncols && idx->indnatts == ts->ncols &&
			 idx->indisunique == ts->stmt->unique &&
			 heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			 heap_attisnull(tup, Anum_pg_index_indpred, NULL))
	{
		for (int i = 0; i < ts->ncols; i++)
			if (idx->indkey.values[i] != ts->attnums[i])
				return;
		ts->op->invalid_same_definition = name;
	}
}

static void
find_invalid_twins(Oid relid, IndexStmt *stmt, MgOperation *op)
{
	TwinSearch	ts;

	ts.stmt = stmt;
	ts.op = op;
	ts.ncols = simple_index_columns(relid, stmt, ts.attnums, INDEX_MAX_KEYS);
	mg_foreach_index(relid, check_twin, &ts);
}

static void
model_create_index(MgModel *m, IndexStmt *stmt, const char *text)
{
	Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	LOCKMODE	lock = stmt->concurrent ? ShareUpdateExclusiveLock : ShareLock;
	bool		only_parent;
	MgOperation *op;
	int			first;

	if (!OidIsValid(relid))
		return;
	only_parent = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE && !stmt->relation->inh;

	/*
	 * ON ONLY a partitioned table builds nothing: an invalid index on the
	 * parent alone, the first step of the safe recipe.
	 */
	if (!add_rel(m, relid, lock, only_parent ? EFFECT_METADATA : EFFECT_INDEX_BUILD,
				 only_parent ? NULL : "index build"))
		return;
	if (!only_parent)
		add_partitions(m, relid, lock, EFFECT_INDEX_BUILD, "index build");
	else
		return;

	op = add_op(m, MG_OP_CREATE_INDEX, relid);
	op->effect = EFFECT_INDEX_BUILD;
	locate_index_parts(text, &first, &op->concurrently_at, &op->relation_end);
	if (first > 0)
	{
		text += first;
		op->concurrently_at -= op->concurrently_at >= 0 ? first : 0;
		op->relation_end -= op->relation_end >= 0 ? first : 0;
	}
	op->statement = text;
	op->index_name = stmt->idxname;
	op->concurrently = stmt->concurrent;
	op->unique = stmt->unique;
	if (stmt->concurrent)
		find_invalid_twins(relid, stmt, op);
}

static void
model_drop_index(MgModel *m, DropStmt *stmt)
{
	ListCell   *lc;
	LOCKMODE	lock = stmt->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;

	foreach(lc, stmt->objects)
	{
		RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
		Oid			indexid = RangeVarGetRelid(rv, NoLock, true);
		Oid			tableid;
		MgOperation *op;

		if (!OidIsValid(indexid))
			continue;
		tableid = IndexGetRelation(indexid, true);
		if (!OidIsValid(tableid))
			continue;
		if (!add_rel(m, tableid, lock, EFFECT_METADATA, NULL) ||
			!add_rel(m, indexid, lock, EFFECT_DROP, NULL))
			continue;
		op = add_op(m, MG_OP_DROP_INDEX, tableid);
		op->object_name = get_rel_name(indexid);
		op->concurrently = stmt->concurrent;
		op->cascade = stmt->behavior == DROP_CASCADE;
	}
}

typedef struct IndexLockCtx
{
	MgModel    *m;
	LOCKMODE	lock;
} IndexLockCtx;

static void
add_index_rel(HeapTuple tup, void *arg)
{
	IndexLockCtx *ctx = (IndexLockCtx *) arg;

	add_rel(ctx->m, ((Form_pg_index) GETSTRUCT(tup))->indexrelid, ctx->lock, EFFECT_INDEX_BUILD,
			"index rebuild");
}

/* ---------- statements that act on many tables ---------- */

/*
 * REINDEX SCHEMA/DATABASE/SYSTEM, VACUUM FULL and CLUSTER without a table
 * act on every table that qualifies, one transaction each: each is modelled
 * as the single-table form on every such table, so that each large one gets
 * its finding (and, in enforce, the whole command is rejected).  Which
 * tables qualify, and which the current role may act on, follows the
 * server's own loops (ReindexMultipleTables, get_all_vacuum_rels,
 * get_tables_to_cluster) of the running version.
 */
static bool
owns_relation(Oid relid)
{
#if PG_VERSION_NUM >= 160000
	return object_ownercheck(RelationRelationId, relid, GetUserId());
#else
	return pg_class_ownercheck(relid, GetUserId());
#endif
}

static bool
owns_database(void)
{
#if PG_VERSION_NUM >= 160000
	return object_ownercheck(DatabaseRelationId, MyDatabaseId, GetUserId());
#else
	return pg_database_ownercheck(MyDatabaseId, GetUserId());
#endif
}

bool
mg_relation_visible(Oid relid)
{
	AclMode		any = ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE |
		ACL_REFERENCES | ACL_TRIGGER;

#if PG_VERSION_NUM >= 170000
	any |= ACL_MAINTAIN;
#endif
	Oid			owner;

	/* The owner (or a member of its role, or a superuser) of a relation whose facts we have. */
	if (mg_cached_owner(relid, &owner) && has_privs_of_role(GetUserId(), owner))
		return true;
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return false;
	/* Ownership counts even when the owner revoked its own privileges. */
	return owns_relation(relid) || pg_class_aclcheck(relid, GetUserId(), any) == ACLCHECK_OK;
}

/* Whether the role may VACUUM or CLUSTER relid (owner, or MAINTAIN from 17 on). */
static bool
may_maintain(Oid relid)
{
#if PG_VERSION_NUM >= 170000
	return pg_class_aclcheck(relid, GetUserId(), ACL_MAINTAIN) == ACLCHECK_OK;
#else
	return owns_relation(relid);
#endif
}

typedef enum ManyKind
{
	MANY_VACUUM_FULL,
	MANY_REINDEX_SCHEMA,
	MANY_REINDEX_SYSTEM,
	MANY_REINDEX_DATABASE
} ManyKind;

/*
 * The tables and materialized views kind processes, as a list of OIDs (in
 * pg_class order).  nspid: the schema of REINDEX SCHEMA.
 */
static List *
tables_processed(ManyKind kind, Oid nspid, bool concurrently)
{
	Relation	rel = table_open(RelationRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;
	List	   *result = NIL;
	bool		db_owner = owns_database();

	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);
		Oid			relid = cls->oid;

		if (cls->relkind != RELKIND_RELATION && cls->relkind != RELKIND_MATVIEW)
			continue;
		/* Other sessions' temporary tables are skipped by the server. */
		if (cls->relpersistence == RELPERSISTENCE_TEMP && !isTempNamespace(cls->relnamespace))
			continue;
		switch (kind)
		{
			case MANY_VACUUM_FULL:
				if (!((db_owner && !cls->relisshared) || may_maintain(relid)))
					continue;
				break;
			case MANY_REINDEX_SCHEMA:
			case MANY_REINDEX_SYSTEM:
			case MANY_REINDEX_DATABASE:
				if (kind == MANY_REINDEX_SCHEMA && cls->relnamespace != nspid)
					continue;
#if PG_VERSION_NUM >= 160000
				/* From 16 on, DATABASE leaves the catalogs to SYSTEM. */
				if (kind == MANY_REINDEX_SYSTEM && !IsCatalogRelationOid(relid))
					continue;
				if (kind == MANY_REINDEX_DATABASE && IsCatalogRelationOid(relid))
					continue;
#else
				if (kind == MANY_REINDEX_SYSTEM && !IsSystemClass(relid, cls))
					continue;
#endif
				if (concurrently && IsCatalogRelationOid(relid))
					continue;	/* skipped with a WARNING */
				if (cls->relisshared && !may_maintain(relid))
					continue;
				break;
		}
		result = lappend_oid(result, relid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

static void model_reindex_table(MgModel *m, Oid tableid, bool concurrent);

/* REINDEX SCHEMA, SYSTEM or DATABASE: REINDEX TABLE of each table it processes. */
static void
model_reindex_many(MgModel *m, ReindexStmt *stmt, bool concurrent)
{
	ManyKind	kind;
	Oid			nspid = InvalidOid;
	ListCell   *lc;
	List	   *tables;

	switch (stmt->kind)
	{
		case REINDEX_OBJECT_SCHEMA:
			kind = MANY_REINDEX_SCHEMA;
			nspid = get_namespace_oid(stmt->name, true);
			if (!OidIsValid(nspid))
				return;			/* the server says it does not exist */
#if PG_VERSION_NUM >= 160000
			if (!object_ownercheck(NamespaceRelationId, nspid, GetUserId())
#if PG_VERSION_NUM >= 170000
				&& !has_privs_of_role(GetUserId(), ROLE_PG_MAINTAIN)
#endif
				)
				return;			/* refused by the server */
#else
			if (!pg_namespace_ownercheck(nspid, GetUserId()))
				return;
#endif
			break;
		case REINDEX_OBJECT_SYSTEM:
			kind = MANY_REINDEX_SYSTEM;
			if (concurrent)
				return;			/* refused by the server */
			goto database_owner;
		case REINDEX_OBJECT_DATABASE:
			kind = MANY_REINDEX_DATABASE;
	database_owner:
			if (!owns_database()
#if PG_VERSION_NUM >= 170000
				&& !has_privs_of_role(GetUserId(), ROLE_PG_MAINTAIN)
#endif
				)
				return;
			break;
		default:
			return;
	}
	tables = tables_processed(kind, nspid, concurrent);
	m->acts_by_right = true;
	foreach(lc, tables)
		model_reindex_table(m, lfirst_oid(lc), concurrent);
	list_free(tables);
}

/* VACUUM FULL without a table: every table the role may vacuum. */
static void
model_vacuum_full_all(MgModel *m)
{
	List	   *tables = tables_processed(MANY_VACUUM_FULL, InvalidOid, false);
	ListCell   *lc;

	m->acts_by_right = true;

	foreach(lc, tables)
	{
		Oid			relid = lfirst_oid(lc);

		if (add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "VACUUM FULL"))
			add_op(m, MG_OP_VACUUM_FULL, relid);
	}
	list_free(tables);
}

/* CLUSTER without a table: every table clustered before that the role may cluster. */
static void
model_cluster_all(MgModel *m)
{
	Relation	rel = table_open(IndexRelationId, AccessShareLock);
	ScanKeyData key;
	TableScanDesc scan;
	HeapTuple	tup;
	List	   *tables = NIL;
	ListCell   *lc;

	ScanKeyInit(&key, Anum_pg_index_indisclustered, BTEqualStrategyNumber, F_BOOLEQ,
				BoolGetDatum(true));
	scan = table_beginscan_catalog(rel, 1, &key);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Oid			relid = ((Form_pg_index) GETSTRUCT(tup))->indrelid;

		if (may_maintain(relid))
			tables = list_append_unique_oid(tables, relid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	m->acts_by_right = true;
	foreach(lc, tables)
	{
		Oid			relid = lfirst_oid(lc);

		if (add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "CLUSTER"))
			add_op(m, MG_OP_CLUSTER, relid);
	}
	list_free(tables);
}

/* ---------- ALTER DOMAIN ---------- */

typedef struct DomainUse
{
	Oid			relid;
	StringInfoData columns;		/* "a, b", quoted */
} DomainUse;

/*
 * The relations with columns of domain domainoid or of a domain over it, as
 * the server finds them (get_rels_with_domain: pg_depend, recursively).
 */
static List *
domain_uses(Oid domainoid, List *uses, int depth)
{
	Relation	dep;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;

	if (depth > 16)
		return uses;
	dep = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(TypeRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(domainoid));
	scan = systable_beginscan(dep, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend d = (Form_pg_depend) GETSTRUCT(tup);
		DomainUse  *use = NULL;
		ListCell   *lc;
		char	   *attname;

		if (d->classid == TypeRelationId && get_typtype(d->objid) == TYPTYPE_DOMAIN)
		{
			uses = domain_uses(d->objid, uses, depth + 1);
			continue;
		}
		if (d->classid != RelationRelationId || d->objsubid <= 0)
			continue;
		attname = get_attname(d->objid, (AttrNumber) d->objsubid, true);
		if (attname == NULL)
			continue;
		foreach(lc, uses)
			if (((DomainUse *) lfirst(lc))->relid == d->objid)
				use = (DomainUse *) lfirst(lc);
		if (use == NULL)
		{
			use = (DomainUse *) palloc0(sizeof(DomainUse));
			use->relid = d->objid;
			initStringInfo(&use->columns);
			uses = lappend(uses, use);
		}
		else
			appendStringInfoString(&use->columns, ", ");
		appendStringInfoString(&use->columns, quote_identifier(attname));
	}
	systable_endscan(scan);
	table_close(dep, AccessShareLock);
	return uses;
}

/*
 * The constraint of ALTER DOMAIN ... ADD as written: "CHECK (...)", from the
 * statement's text (the raw expression has no deparser), whole tokens only.
 */
static char *
domain_constraint_text(const char *text, Constraint *con)
{
	int			loc = con->raw_expr ? exprLocation(con->raw_expr) : -1;
	char	   *inner;

	if (text == NULL || loc < 0 || (size_t) loc >= strlen(text))
		return NULL;
	inner = whole_tokens(text + loc, true);
	return inner ? psprintf("CHECK (%s)", inner) : NULL;
}

/*
 * ALTER DOMAIN ... ADD CONSTRAINT ... CHECK (without NOT VALID) and SET NOT
 * NULL check every row of every table that uses the domain, each under a
 * SHARE lock: modelled as the single-table forms on each such table.
 */
static void
model_alter_domain(MgModel *m, AlterDomainStmt *stmt)
{
	TypeName   *tn = makeTypeNameFromNameList(stmt->typeName);
	Oid			domainoid = LookupTypeNameOid(NULL, tn, true);
	Constraint *con = NULL;
	bool		not_null;
	List	   *uses;
	ListCell   *lc;
	char	   *domain;
	char	   *typname;

	if (!OidIsValid(domainoid) || get_typtype(domainoid) != TYPTYPE_DOMAIN)
		return;
	if (stmt->subtype == 'O')
		not_null = true;
	else if (stmt->subtype == 'C' && stmt->def && IsA(stmt->def, Constraint))
	{
		con = (Constraint *) stmt->def;
		if (con->skip_validation)
			return;				/* NOT VALID: no scan */
		if (con->contype == CONSTR_CHECK)
			not_null = false;
		else if (con->contype == CONSTR_NOTNULL)
			not_null = true;
		else
			return;
	}
	else
		return;
	domain = format_type_be_qualified(domainoid);
	{
		HeapTuple	tt = SearchSysCache1(TYPEOID, ObjectIdGetDatum(domainoid));

		if (!HeapTupleIsValid(tt))
			return;
		typname = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(tt))->typname));
		ReleaseSysCache(tt);
	}
	uses = domain_uses(domainoid, NIL, 0);
	/* The server checks the domain's ownership, not the tables'. */
	m->acts_by_right = true;
	foreach(lc, uses)
	{
		DomainUse  *use = (DomainUse *) lfirst(lc);
		char		relkind = get_rel_relkind(use->relid);
		MgOperation *op;

		if (!add_rel(m, use->relid, ShareLock,
					 relkind == RELKIND_RELATION || relkind == RELKIND_MATVIEW
					 ? EFFECT_SCAN : EFFECT_METADATA,
					 "checked for the domain's new constraint"))
			continue;
		if (relkind != RELKIND_RELATION && relkind != RELKIND_MATVIEW)
			continue;
		op = add_op(m, not_null ? MG_OP_SET_NOT_NULL : MG_OP_ADD_CONSTRAINT, use->relid);
		if (op == NULL)
			continue;
		op->effect = EFFECT_SCAN;
		op->domain = domain;
		op->domain_columns = use->columns.data;
		if (not_null)
		{
			op->scan_needed = true;
			op->constraint_name = psprintf("%s_not_null", typname);
		}
		else
		{
			op->contype = 'c';
			op->constraint_name = con->conname;
			op->definition = domain_constraint_text(m->query, con);
		}
	}
}

/* REINDEX TABLE of one table: the table, and each of its indexes. */
static void
model_reindex_table(MgModel *m, Oid tableid, bool concurrent)
{
	LOCKMODE	table_lock = concurrent ? ShareUpdateExclusiveLock : ShareLock;
	LOCKMODE	index_lock = concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;
	IndexLockCtx reindex_ctx = {m, index_lock};
	MgOperation *op;

	if (!add_rel(m, tableid, table_lock, EFFECT_INDEX_BUILD, "index rebuild"))
		return;
	/* Each index is locked too, ACCESS EXCLUSIVE unless concurrently. */
	mg_foreach_index(tableid, add_index_rel, &reindex_ctx);
	op = add_op(m, MG_OP_REINDEX, tableid);
	if (op)
	{
		op->effect = EFFECT_INDEX_BUILD;
		op->concurrently = concurrent;
	}
}

static void
model_reindex(MgModel *m, ReindexStmt *stmt)
{
	bool		concurrent = mg_option_is_set(stmt->params, "concurrently");
	LOCKMODE	table_lock = concurrent ? ShareUpdateExclusiveLock : ShareLock;
	LOCKMODE	index_lock = concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;
	Oid			relid,
				tableid;
	MgOperation *op;

	if (stmt->relation == NULL)
	{
		model_reindex_many(m, stmt, concurrent);
		return;
	}
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return;
	if (stmt->kind == REINDEX_OBJECT_INDEX)
	{
		tableid = IndexGetRelation(relid, true);
		if (!OidIsValid(tableid))
			return;
		if (!add_rel(m, tableid, table_lock, EFFECT_SCAN, "read to rebuild the index") ||
			!add_rel(m, relid, index_lock, EFFECT_INDEX_BUILD, "index rebuild"))
			return;
		op = add_op(m, MG_OP_REINDEX, tableid);
		op->effect = EFFECT_INDEX_BUILD;
		op->object_name = get_rel_name(relid);
	}
	else
	{
		model_reindex_table(m, relid, concurrent);
		return;
	}
	op->concurrently = concurrent;
}

/* ---------- ALTER TABLE ---------- */

static bool
is_serial_type(TypeName *tn)
{
	const char *name;

	if (tn == NULL || list_length(tn->names) != 1 || tn->pct_type)
		return false;
	name = strVal(linitial(tn->names));
	return strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0 ||
		strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0 ||
		strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0;
}

/*
 * cookDefault(), the server's own transformation of a column default.  In a
 * reviewed script the default may name objects the script creates earlier
 * (a sequence, a function) that do not exist yet: there, the attempt runs in
 * a subtransaction and a failure is reported in *failed instead of ending
 * the review.  At execution time, an error here is the statement's own.
 */
static Node *
cook_default(const MgScript *script, Node *raw, Oid typid, int32 typmod, const char *colname,
			 bool *failed)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Node	   *volatile result = NULL;

	*failed = false;
	if (script == NULL)
		return cookDefault(make_parsestate(NULL), (Node *) copyObjectImpl(raw), typid, typmod,
						   colname, 0);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		result = cookDefault(make_parsestate(NULL), (Node *) copyObjectImpl(raw), typid, typmod,
							 colname, 0);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		/* A cancel (statement_timeout) or a termination ends the review. */
		if (mg_error_must_propagate(edata->sqlerrcode))
			ReThrowError(edata);
		FreeErrorData(edata);
		result = NULL;
		*failed = true;
	}
	PG_END_TRY();
	return result;
}

/* 's' of a raw nextval('s'), or NULL. */
static const char *
nextval_argument(Node *raw)
{
	FuncCall   *fc;
	Node	   *arg;

	if (raw == NULL || !IsA(raw, FuncCall))
		return NULL;
	fc = (FuncCall *) raw;
	if (list_length(fc->args) != 1 ||
		strcmp(strVal(llast(fc->funcname)), "nextval") != 0)
		return NULL;
	arg = (Node *) linitial(fc->args);
	if (IsA(arg, TypeCast))
		arg = ((TypeCast *) arg)->arg;
	if (!IsA(arg, A_Const) || ((A_Const *) arg)->isnull || !IsA(&((A_Const *) arg)->val, String))
		return NULL;
	return strVal(&((A_Const *) arg)->val);
}

/*
 * Fills the ADD COLUMN part of op and returns the effect on the table: a
 * rewrite when every row needs its own value (a volatile default, identity,
 * serial, GENERATED ... STORED, a domain with constraints), otherwise
 * metadata.  -1 when the type does not exist: the statement fails by itself.
 */
static int
describe_new_column(const MgScript *script, ColumnDef *def, MgOperation *op, const char **cause)
{
	ListCell   *lc;
	Type		typ;
	int32		typmod = -1;
	Node	   *raw_default = def->raw_default;
	bool		has_constraints = false;
	Oid			typid;
	int			effect = EFFECT_METADATA;

	op->column = def->colname;
	op->not_null = def->is_not_null;
	op->has_default = raw_default != NULL;
	op->fills_values = def->identity != 0 || def->generated != 0 || is_serial_type(def->typeName);
	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);

		if (!IsA(c, Constraint))
			continue;
		switch (c->contype)
		{
			case CONSTR_NOTNULL:
			case CONSTR_PRIMARY:
				op->not_null = true;
				break;
			case CONSTR_DEFAULT:
				op->has_default = true;
				raw_default = c->raw_expr;
				break;
			case CONSTR_GENERATED:
#if PG_VERSION_NUM >= 180000
				/* A virtual generated column (18) is computed when read: no rewrite. */
				if (c->generated_kind == ATTRIBUTE_GENERATED_VIRTUAL)
				{
					op->has_default = true;
					break;
				}
#endif
				op->fills_values = true;
				break;
			case CONSTR_IDENTITY:
				op->fills_values = true;
				break;
			default:
				break;
		}
	}
	if (op->fills_values)
	{
		*cause = "a column whose values are generated row by row (identity, serial or GENERATED)";
		effect = EFFECT_REWRITE;
	}

	op->type_sql = def->typeName ? TypeNameToString(def->typeName) : "";
	if (def->typeName == NULL)
		return effect;
	if (is_serial_type(def->typeName))
		return effect;
	typ = LookupTypeName(NULL, def->typeName, &typmod, true);
	if (typ == NULL)
		return -1;
	{
		Form_pg_type t = (Form_pg_type) GETSTRUCT(typ);

		typid = t->oid;
		if (t->typtype == TYPTYPE_DOMAIN)
		{
			if (t->typnotnull)
				op->not_null = true;
			if (!heap_attisnull(typ, Anum_pg_type_typdefaultbin, NULL))
				op->has_default = true;
			has_constraints = true;
		}
		ReleaseSysCache(typ);
	}
	op->type_sql = format_type_with_typemod(typid, typmod);
	if (has_constraints && DomainHasConstraints(typid))
	{
		*cause = "a column of a domain type with constraints";
		effect = EFFECT_REWRITE;
	}

	/*
	 * Is the default volatile?  The server cooks it exactly like this
	 * (cookDefault) and rewrites when contain_volatile_functions() says so.
	 */
	if (raw_default != NULL && def->generated == 0)
	{
		bool		failed = false;
		Node	   *cooked = cook_default(script, raw_default, typid, typmod, def->colname, &failed);

		if (failed)
		{
			/*
			 * In a reviewed script the default may use objects the script
			 * creates first: nextval() of a new sequence is volatile.
			 */
			const char *seq = nextval_argument(raw_default);

			if (seq)
			{
				op->volatile_default = true;
				op->default_sql = psprintf("nextval(%s)", quote_literal_cstr(seq));
				*cause = "a column added with a volatile default";
				effect = EFFECT_REWRITE;
			}
		}
		else if (cooked && contain_volatile_functions(cooked))
		{
			op->volatile_default = true;
			op->default_sql = deparse_expression(cooked, NIL, false, false);
			*cause = "a column added with a volatile default";
			effect = EFFECT_REWRITE;
		}
	}
	return effect;
}

/*
 * The server's own test (ATColumnChangeRequiresRewrite) on the planned
 * coercion expression: anything but relabelling the column, a
 * constraint-free domain coercion, or a timestamp <-> timestamptz cast in
 * a UTC session means a rewrite.
 */
static bool
coercion_requires_rewrite(Node *expr, AttrNumber attnum)
{
	for (;;)
	{
		if (IsA(expr, Var) && ((Var *) expr)->varattno == attnum)
			return false;
		else if (IsA(expr, RelabelType))
			expr = (Node *) ((RelabelType *) expr)->arg;
		else if (IsA(expr, CoerceToDomain))
		{
			CoerceToDomain *d = (CoerceToDomain *) expr;

			if (DomainHasConstraints(d->resulttype))
				return true;
			expr = (Node *) d->arg;
		}
		else if (IsA(expr, FuncExpr))
		{
			FuncExpr   *f = (FuncExpr *) expr;

			if ((f->funcid == F_TIMESTAMPTZ_TIMESTAMP || f->funcid == F_TIMESTAMP_TIMESTAMPTZ) &&
				!TimestampTimestampTzRequiresRewrite())
				expr = (Node *) linitial(f->args);
			else
				return true;
		}
		else
			return true;
	}
}

static bool
is_string_type(Oid t)
{
	return t == TEXTOID || t == VARCHAROID || t == BPCHAROID || t == NAMEOID;
}

static int
integer_rank(Oid t)
{
	return t == INT2OID ? 2 : t == INT4OID ? 4 : t == INT8OID ? 8 : 0;
}

/* Whether values of (oldt, oldmod) may not fit in (newt, newmod), and why. */
static const char *
narrowing_reason(Oid oldt, int32 oldmod, Oid newt, int32 newmod)
{
	if ((newt == VARCHAROID || newt == BPCHAROID) && newmod >= 0 && is_string_type(oldt))
	{
		int			newlen = newmod - VARHDRSZ;

		if (oldmod < 0 || oldmod - VARHDRSZ > newlen)
			return psprintf("values longer than %d characters make it fail", newlen);
		return NULL;
	}
	if (integer_rank(oldt) && integer_rank(newt) && integer_rank(newt) < integer_rank(oldt))
		return psprintf("values outside the range of %s make it fail", format_type_be(newt));
	if ((integer_rank(oldt) || oldt == NUMERICOID) && newt == NUMERICOID && newmod >= 0)
	{
		int			newprec = ((newmod - VARHDRSZ) >> 16) & 0xffff;
		int			newscale = (newmod - VARHDRSZ) & 0xffff;

		if (oldt == NUMERICOID && oldmod < 0)
			return psprintf("values with more than %d digits before the decimal point make it fail, and values with more than %d decimals are rounded",
							newprec - newscale, newscale);
		if (oldt == NUMERICOID)
		{
			int			oldprec = ((oldmod - VARHDRSZ) >> 16) & 0xffff;
			int			oldscale = (oldmod - VARHDRSZ) & 0xffff;

			if (newprec - newscale < oldprec - oldscale)
				return psprintf("values with more than %d digits before the decimal point make it fail",
								newprec - newscale);
			if (newscale < oldscale)
				return psprintf("values are rounded from %d to %d decimals: data is lost",
								oldscale, newscale);
		}
		else if (newprec - newscale < 19)
			return psprintf("integers with more than %d digits make it fail", newprec - newscale);
		return NULL;
	}
	if (oldt == FLOAT8OID && newt == FLOAT4OID)
		return pstrdup("values lose precision (float8 to float4)");
	if (oldt == NUMERICOID && integer_rank(newt))
		return psprintf("decimals are rounded away and values outside the range of %s make it fail",
						format_type_be(newt));
	if (is_string_type(oldt) && !is_string_type(newt) && newt != TEXTOID)
		return psprintf("values that do not convert to %s make it fail", format_type_be(newt));
	if ((oldt == TIMESTAMPTZOID || oldt == TIMESTAMPOID) && newt == DATEOID)
		return pstrdup("the time of day is lost");
	return NULL;
}

/* Number of indexes of relid that include column attnum. */
typedef struct ColumnIndexCount
{
	AttrNumber	attnum;
	int			n;
} ColumnIndexCount;

static void
count_if_on_column(HeapTuple tup, void *arg)
{
	ColumnIndexCount *c = (ColumnIndexCount *) arg;
	Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);

	for (int i = 0; i < idx->indnatts; i++)
		if (idx->indkey.values[i] == c->attnum)
		{
			c->n++;
			return;
		}
}

static int
indexes_on_column(Oid relid, AttrNumber attnum)
{
	ColumnIndexCount c = {attnum, 0};

	mg_foreach_index(relid, count_if_on_column, &c);
	return c.n;
}

/*
 * ALTER COLUMN ... TYPE ... USING: the server's own test, as
 * transformAlterTableStmt and ATPrepAlterColumnType make it: the USING
 * expression transformed against the table, coerced to the new type,
 * planned, and asked ATColumnChangeRequiresRewrite's question, so that
 * "USING c::bigint" of a binary-coercible change (what Django and knex
 * write) is no rewrite.  Also gives the USING expression as SQL, for the
 * recipes: on the table's columns, and on NEW's (a trigger).  A rewrite when
 * the table cannot be opened without waiting, or, in a reviewed script, when
 * the expression cannot be transformed yet (it may use what the script
 * creates first); at execution time such an error is the statement's own.
 */
static bool
using_requires_rewrite(Oid relid, AttrNumber attnum, Node *raw, Oid newtype, int32 newmod,
					   MgOperation *op, bool reviewing)
{
	Relation	rel = peek_relation(relid);
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool rewrite = true;

	if (rel == NULL)
		return true;
	if (reviewing)
	{
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(oldcxt);
	}
	PG_TRY();
	{
		ParseState *pstate = make_parsestate(NULL);
		ParseNamespaceItem *nsitem;
		Node	   *expr;
		Node	   *coerced;

		nsitem = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, NULL, false, true);
		addNSItemToQuery(pstate, nsitem, false, true, true);
		expr = transformExpr(pstate, (Node *) copyObjectImpl(raw), EXPR_KIND_ALTER_COL_TRANSFORM);
		assign_expr_collations(pstate, expr);
		coerced = coerce_to_target_type(pstate, expr, exprType(expr), newtype, newmod,
										COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
		if (coerced != NULL)
		{
			/* The value assigned, casts shown: a runnable expression of the new type. */
			assign_expr_collations(pstate, coerced);
			op->using_sql = deparse_expression(coerced,
											   deparse_context_for(RelationGetRelationName(rel),
																   relid),
											   false, true);
			op->using_row_sql = deparse_expression(coerced, deparse_context_for("new", relid),
												   true, true);
			/*
			 * Planning folds constant calls (an immutable function of the
			 * author's): as the table's owner, in a security-restricted
			 * operation, never with a reviewer's rights.
			 */
			{
				OwnerContext as_owner;

				begin_as_owner(RelationGetForm(rel)->relowner, &as_owner);
				coerced = (Node *) expression_planner((Expr *) coerced);
				end_as_owner(&as_owner);
			}
			rewrite = coercion_requires_rewrite(coerced, attnum);
		}
		free_parsestate(pstate);
		if (reviewing)
		{
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(oldcxt);
			CurrentResourceOwner = oldowner;
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		if (!reviewing)
			PG_RE_THROW();
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (mg_error_must_propagate(edata->sqlerrcode))
			PG_RE_THROW();
		FreeErrorData(edata);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		rewrite = true;
		op->using_sql = NULL;
		op->using_row_sql = NULL;
	}
	PG_END_TRY();
	release_peek(rel);
	return rewrite;
}

/* Returns the effect, or -1 when the statement will fail by itself. */
static int
describe_type_change(Oid relid, AlterTableCmd *cmd, MgOperation *op, bool reviewing)
{
	ColumnDef  *def = (ColumnDef *) cmd->def;
	AttrNumber	attnum = get_attnum(relid, cmd->name);
	Oid			oldtype,
				newtype,
				oldcoll;
	int32		oldmod,
				newmod = -1;
	Type		typ;
	const char *why;

	if (attnum == InvalidAttrNumber || def == NULL || !IsA(def, ColumnDef))
		return -1;
	get_atttypetypmodcoll(relid, attnum, &oldtype, &oldmod, &oldcoll);
	typ = LookupTypeName(NULL, def->typeName, &newmod, true);
	if (typ == NULL)
		return -1;
	newtype = ((Form_pg_type) GETSTRUCT(typ))->oid;
	ReleaseSysCache(typ);

	op->column = cmd->name;
	op->old_type = format_type_with_typemod(oldtype, oldmod);
	op->new_type = format_type_with_typemod(newtype, newmod);
	op->has_using = def->raw_default != NULL;
	if (op->has_using)
		op->rewrite = using_requires_rewrite(relid, attnum, def->raw_default, newtype, newmod,
											 op, reviewing);
	else
	{
		Node	   *transform;

		if (!can_coerce_type(1, &oldtype, &newtype, COERCION_ASSIGNMENT))
			return -1;
		transform = (Node *) makeVar(1, attnum, oldtype, oldmod, oldcoll, 0);
		transform = coerce_to_target_type(NULL, transform, oldtype, newtype, newmod,
										  COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
		if (transform == NULL)
			return -1;
		transform = (Node *) expression_planner((Expr *) transform);
		op->rewrite = coercion_requires_rewrite(transform, attnum);
	}
	why = narrowing_reason(getBaseType(oldtype), oldmod, getBaseType(newtype), newmod);
	if (why)
	{
		op->narrowing = true;
		op->narrowing_reason = why;
	}
	op->rebuilt_indexes = indexes_on_column(relid, attnum);
	/*
	 * Without a rewrite the server keeps the indexes whose definition stays
	 * compatible (TryReuseIndex), which is the case for the binary-coercible
	 * changes: catalog work only.
	 */
	return op->rewrite ? EFFECT_REWRITE : EFFECT_METADATA;
}

/* Valid CHECK constraints of relid, as expressions on varno 1. */
static void
collect_valid_check(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **result = (List **) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	bool		isnull;
	Datum		bin;

	if (con->contype != CONSTRAINT_CHECK || !con->convalidated)
		return;
	bin = heap_getattr(tup, Anum_pg_constraint_conbin, desc, &isnull);
	if (!isnull)
		*result = list_concat(*result,
							  make_ands_implicit((Expr *) stringToNode(TextDatumGetCString(bin))));
}

static List *
valid_check_constraints(Oid relid)
{
	List	   *result = NIL;

	mg_foreach_constraint(relid, collect_valid_check, &result);
	return result;
}

/*
 * SET NOT NULL scans the table unless the column already is NOT NULL or a
 * valid CHECK constraint proves it (PG 12+), the same proof the server runs.
 * On PostgreSQL 18, *invalid_nn is set to the name of the column's NOT NULL
 * constraint when it is NOT VALID (SET NOT NULL validates it by a scan).
 */
static bool
set_not_null_needs_scan(const MgScript *script, Oid relid, const char *colname,
						const char **invalid_nn)
{
	HeapTuple	tp = SearchSysCacheAttName(relid, colname);
	Form_pg_attribute att;
	NullTest   *nt;
	bool		needed;

	/*
	 * A column the script under review added earlier is scanned, unless the
	 * script also proved it NOT NULL with a validated CHECK constraint.
	 */
	if (!HeapTupleIsValid(tp))
		return mg_script_added_column(script, relid, colname) &&
			!mg_script_proves_not_null(script, relid, colname);
	att = (Form_pg_attribute) GETSTRUCT(tp);
	if (mg_script_proves_not_null(script, relid, colname))
	{
		ReleaseSysCache(tp);
		return false;
	}
	if (att->attnotnull)
	{
		bool		invalid = false;
#if PG_VERSION_NUM >= 180000

		/*
		 * PostgreSQL 18 sets attnotnull for a NOT NULL constraint added NOT
		 * VALID too; SET NOT NULL then validates it by a scan.
		 */
		HeapTuple	ct = findNotNullConstraintAttnum(relid, att->attnum);

		if (HeapTupleIsValid(ct))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(ct);

			invalid = !con->convalidated;
			if (invalid && invalid_nn)
				*invalid_nn = pstrdup(NameStr(con->conname));
			heap_freetuple(ct);
		}
#else
		(void) invalid_nn;
#endif
		ReleaseSysCache(tp);
		return invalid;
	}
	nt = makeNode(NullTest);
	nt->arg = (Expr *) makeVar(1, att->attnum, att->atttypid, att->atttypmod, att->attcollation, 0);
	nt->nulltesttype = IS_NOT_NULL;
	nt->argisrow = false;
	nt->location = -1;
	ReleaseSysCache(tp);
	needed = !predicate_implied_by(list_make1(nt), valid_check_constraints(relid), false);
	return needed;
}

/* "FOREIGN KEY (a) REFERENCES b (id)": the constraint as SQL, for hints. */
static char *
constraint_sql(Constraint *con)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	switch (con->contype)
	{
		case CONSTR_FOREIGN:
			appendStringInfoString(&buf, "FOREIGN KEY (");
			foreach(lc, con->fk_attrs)
				appendStringInfo(&buf, "%s%s", lc == list_head(con->fk_attrs) ? "" : ", ",
								 quote_identifier(strVal(lfirst(lc))));
			appendStringInfo(&buf, ") REFERENCES %s",
							 quote_qualified_identifier(con->pktable->schemaname,
														con->pktable->relname));
			if (con->pk_attrs)
			{
				appendStringInfoString(&buf, " (");
				foreach(lc, con->pk_attrs)
					appendStringInfo(&buf, "%s%s", lc == list_head(con->pk_attrs) ? "" : ", ",
									 quote_identifier(strVal(lfirst(lc))));
				appendStringInfoChar(&buf, ')');
			}
			break;
		default:
			break;
	}
	return buf.data;
}

static char *
column_list_sql(List *keys)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	foreach(lc, keys)
		appendStringInfo(&buf, "%s%s", lc == list_head(keys) ? "" : ", ",
						 quote_identifier(strVal(lfirst(lc))));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/* The text of the statement's CHECK expression, as written (whole tokens). */
static char *
check_expression_text(Constraint *con, const char *text)
{
	/* The raw expression's location points into the source string. */
	int			loc = con->raw_expr ? exprLocation(con->raw_expr) : -1;

	if (text && loc >= 0 && (size_t) loc < strlen(text))
	{
		char	   *inner = whole_tokens(text + loc, true);

		if (inner)
			return psprintf("CHECK (%s)", inner);
	}
	return pstrdup("CHECK (...)");
}

static void
model_add_constraint(MgModel *m, Oid relid, Constraint *con)
{
	MgOperation *op = add_op(m, MG_OP_ADD_CONSTRAINT, relid);

	if (op == NULL)
		return;
	op->constraint_name = con->conname;
	op->not_valid = con->skip_validation;
	mg_constraint_key_facts(op, relid, con);
	switch (con->contype)
	{
		case CONSTR_CHECK:
			op->contype = 'c';
			op->effect = con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN;
			op->definition = check_expression_text(con, m->query);
			add_rel(m, relid, NoLock, con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN,
					con->skip_validation ? NULL : "CHECK constraint validation");
			break;
		case CONSTR_FOREIGN:
			{
				Oid			refid = RangeVarGetRelid(con->pktable, NoLock, true);

				op->contype = 'f';
				op->effect = con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN;
				op->definition = constraint_sql(con);
				add_rel(m, relid, NoLock, con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN,
						con->skip_validation ? NULL : "FOREIGN KEY validation");
				if (OidIsValid(refid))
				{
					/* The validation query reads the referenced table too. */
					MgLockedRelation *r = add_rel(m, refid, ShareRowExclusiveLock,
												  con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN,
												  con->skip_validation ? NULL : "FOREIGN KEY validation");

					if (r)
					{
						op->referenced = r->table;
						op->referenced_lock = ShareRowExclusiveLock;
					}
				}
				break;
			}
		case CONSTR_PRIMARY:
		case CONSTR_UNIQUE:
		case CONSTR_EXCLUSION:
			op->contype = con->contype == CONSTR_PRIMARY ? 'p'
				: con->contype == CONSTR_UNIQUE ? 'u' : 'x';
			op->using_index = con->indexname != NULL;
			if (con->keys)
				op->columns = column_list_sql(con->keys);
			if (!op->using_index)
			{
				op->effect = EFFECT_INDEX_BUILD;
				add_rel(m, relid, NoLock, EFFECT_INDEX_BUILD, "index build for the constraint");
			}
			break;
#if PG_VERSION_NUM >= 180000
		case CONSTR_NOTNULL:

			/*
			 * PostgreSQL 18: ADD CONSTRAINT name NOT NULL col is SET NOT NULL
			 * with a name (a scan under ACCESS EXCLUSIVE unless proven);
			 * NOT VALID, a catalog row only, validated later.
			 */
			op->contype = 'n';
			if (list_length(con->keys) == 1 && IsA(linitial(con->keys), String))
			{
				char	   *col = strVal(linitial(con->keys));
				const char *invalid_nn = NULL;

				op->column = col;
				op->definition = psprintf("NOT NULL %s", quote_identifier(col));
				if (!con->skip_validation && set_not_null_needs_scan(m->script, relid, col, &invalid_nn))
				{
					op->kind = MG_OP_SET_NOT_NULL;
					op->effect = EFFECT_SCAN;
					op->constraint_name = invalid_nn;
					op->scan_needed = true;
					add_rel(m, relid, NoLock, EFFECT_SCAN, "NOT NULL check");
				}
			}
			break;
#endif
		default:
			op->contype = 'n';
			break;
	}
}

/* A constraint of a column definition that ALTER TABLE adds on its own. */
static bool
is_table_level_constraint(ConstrType t)
{
	return t == CONSTR_CHECK || t == CONSTR_UNIQUE || t == CONSTR_PRIMARY ||
		t == CONSTR_FOREIGN || t == CONSTR_ATTR_DEFERRABLE ||
		t == CONSTR_ATTR_NOT_DEFERRABLE || t == CONSTR_ATTR_DEFERRED ||
		t == CONSTR_ATTR_IMMEDIATE;
}

/*
 * The text of an ADD COLUMN column definition without the constraints that
 * ALTER TABLE adds on their own (CHECK, UNIQUE, PRIMARY KEY, REFERENCES and
 * their attributes): "qty integer NOT NULL DEFAULT 0".  Each constraint runs
 * from its location to the next one's, the last one to the end of the
 * definition (a comma or semicolon outside parentheses and quotes).  NULL
 * when the locations are unknown.
 */
static char *
column_without_constraints(ColumnDef *def, const char *query)
{
	StringInfoData buf;
	const char *start;
	const char *end;
	const char *from;
	ListCell   *lc;
	int			depth = 0;
	char		quote = 0;

	if (query == NULL || def->location < 0)
		return NULL;
	start = query + def->location;
	for (end = start; *end; end++)
	{
		if (quote)
		{
			if (*end == quote)
				quote = 0;
		}
		else if (*end == '\'' || *end == '"')
			quote = *end;
		else if (*end == '(')
			depth++;
		else if (*end == ')')
			depth--;
		else if (depth == 0 && (*end == ',' || *end == ';'))
			break;
		if (depth < 0)
			break;
	}
	initStringInfo(&buf);
	from = start;
	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);
		const char *at;
		const char *next = end;

		if (!IsA(c, Constraint) || !is_table_level_constraint(c->contype))
			continue;
		if (c->location < 0)
			return NULL;
		at = query + c->location;
		if (at < from || at > end)
			return NULL;
		appendBinaryStringInfo(&buf, from, at - from);
		for (ListCell *lc2 = lnext(def->constraints, lc); lc2; lc2 = lnext(def->constraints, lc2))
		{
			Constraint *n = (Constraint *) lfirst(lc2);

			if (IsA(n, Constraint) && n->location >= 0)
			{
				next = query + n->location;
				break;
			}
		}
		from = next;
	}
	appendBinaryStringInfo(&buf, from, end - from);
	/* Squeeze the spaces left where the constraints were. */
	{
		char	   *out = buf.data;
		char	   *w = out;
		bool		space = false;

		for (char *r = out; *r; r++)
		{
			if (isspace((unsigned char) *r))
				space = w != out;
			else
			{
				if (space)
					*w++ = ' ';
				space = false;
				*w++ = *r;
			}
		}
		*w = '\0';
	}
	return buf.data;
}

/*
 * ADD COLUMN with constraints written inline: the server adds each CHECK,
 * UNIQUE, PRIMARY KEY and REFERENCES as a constraint of its own
 * (transformAlterTableStmt), exactly like ALTER TABLE ... ADD CONSTRAINT:
 * the CHECK is validated by a scan, UNIQUE and PRIMARY KEY build an index
 * under the table's ACCESS EXCLUSIVE lock, REFERENCES locks the referenced
 * table, and validates the new column only when fk_validates (a column of
 * the statement has a default, or the statement adds another foreign key:
 * otherwise every value is NULL and the server skips the check).
 */
static void
model_column_constraints(MgModel *m, Oid relid, ColumnDef *def, bool fk_validates)
{
	ListCell   *lc;
	char	   *column_sql = NULL;
	bool		column_sql_done = false;

	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);
		Constraint *con;
		int			first = m->nops;

		if (!IsA(c, Constraint) ||
			!(c->contype == CONSTR_CHECK || c->contype == CONSTR_UNIQUE ||
			  c->contype == CONSTR_PRIMARY || c->contype == CONSTR_FOREIGN))
			continue;
		if (!column_sql_done)
		{
			column_sql = column_without_constraints(def, m->query);
			if (column_sql == NULL || column_sql[0] == '\0')
				column_sql = psprintf("%s %s", quote_identifier(def->colname),
									  def->typeName ? TypeNameToString(def->typeName) : "");
			column_sql_done = true;
		}
		con = (Constraint *) copyObjectImpl(c);
		if (con->contype == CONSTR_UNIQUE || con->contype == CONSTR_PRIMARY)
			con->keys = list_make1(makeString(def->colname));
		else if (con->contype == CONSTR_FOREIGN)
		{
			con->fk_attrs = list_make1(makeString(def->colname));
			con->skip_validation = !fk_validates;
		}
		model_add_constraint(m, relid, con);
		if (m->nops > first)
			m->ops[first].added_column = column_sql;
	}
}

/*
 * The server's preconditions for ATTACH PARTITION that its bound
 * transformation relies on: an untyped plain table with exactly the parent's
 * columns and types, and a bound of the parent's strategy.
 */
static bool
attachable(Relation parent, Relation part, PartitionBoundSpec *bound)
{
	TupleDesc	pdesc = RelationGetDescr(parent);
	TupleDesc	cdesc = RelationGetDescr(part);
	PartitionKey key = RelationGetPartitionKey(parent);
	int			pcols = 0,
				ccols = 0;

	if (part->rd_rel->relkind != RELKIND_RELATION || OidIsValid(part->rd_rel->reloftype) ||
		part->rd_rel->relispartition || key == NULL)
		return false;
	if (!bound->is_default && bound->strategy != key->strategy)
		return false;
	for (int i = 0; i < cdesc->natts; i++)
		if (!TupleDescAttr(cdesc, i)->attisdropped)
			ccols++;
	for (int i = 0; i < pdesc->natts; i++)
	{
		Form_pg_attribute patt = TupleDescAttr(pdesc, i);
		bool		found = false;

		if (patt->attisdropped)
			continue;
		pcols++;
		for (int j = 0; j < cdesc->natts; j++)
		{
			Form_pg_attribute catt = TupleDescAttr(cdesc, j);

			if (!catt->attisdropped && strcmp(NameStr(catt->attname), NameStr(patt->attname)) == 0)
			{
				if (catt->atttypid != patt->atttypid || catt->atttypmod != patt->atttypmod ||
					catt->attcollation != patt->attcollation)
					return false;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return pcols == ccols;
}

static void
model_attach_partition(MgModel *m, Oid parentid, PartitionCmd *pc)
{
	Oid			partid = RangeVarGetRelid(pc->name, NoLock, true);
	Oid			defaultid;
	MgLockedRelation *r;
	MgOperation *op;
	Relation	parent,
				part;

	if (!OidIsValid(partid))
		return;
	r = add_rel(m, partid, AccessExclusiveLock, EFFECT_SCAN, "partition constraint check");
	if (r == NULL)
		return;
	op = add_op(m, MG_OP_ATTACH_PARTITION, parentid);
	op->partition = r->table;
	op->scan_needed = true;
	op->effect = EFFECT_SCAN;
	op->bound = NULL;
	if (pc->bound && pc->bound->location >= 0 &&
		(size_t) pc->bound->location < strlen(m->query))
	{
		const char *start = m->query + pc->bound->location;
		char	   *bound = whole_tokens(start, false);

		/* The bound's location is past FOR VALUES, except for DEFAULT. */
		if (bound)
			op->bound = pg_strncasecmp(bound, "DEFAULT", 7) == 0
				? bound : psprintf("FOR VALUES %s", bound);
	}

	/*
	 * Ask the server whether the partition's constraints already imply the
	 * bound -- but only for an attachment the server will accept, so that
	 * its own error (a missing column, a typed table, a wrong bound) is the
	 * one the user sees, in every mode.
	 */
	parent = peek_relation(parentid);
	part = parent ? peek_relation(partid) : NULL;
	if (parent && part && pc->bound && attachable(parent, part, pc->bound))
	{
		ParseState *pstate = make_parsestate(NULL);
		OwnerContext as_owner;

		/*
		 * The bound's expressions are evaluated (transformPartitionBound,
		 * eval_const_expressions): as the table's owner, in a security-
		 * restricted operation, as the server's own maintenance commands run
		 * an owner's code, so that plan() or review() run by a superuser
		 * never runs a function the migration's author wrote with the
		 * superuser's rights.
		 */
		begin_as_owner(RelationGetForm(parent)->relowner, &as_owner);

		pstate->p_sourcetext = m->query;
		PartitionBoundSpec *bound = transformPartitionBound(pstate, parent,
															(PartitionBoundSpec *) copyObjectImpl(pc->bound));
		List	   *qual = list_concat(get_qual_from_partbound(parent, bound),
									   RelationGetPartitionQual(parent));

		/* As ATExecAttachPartition: no canonicalize_qual (it takes no List). */
		qual = (List *) eval_const_expressions(NULL, (Node *) qual);
		qual = list_make1(make_ands_explicit(qual));
		qual = map_partition_varattnos(qual, 1, part, parent);
		if (PartConstraintImpliedByRelConstraint(part, qual))
		{
			op->scan_needed = false;
			op->effect = EFFECT_METADATA;
			r->effect = EFFECT_METADATA;
			r->cause = NULL;
		}
		end_as_owner(&as_owner);
		free_parsestate(pstate);
	}
	if (part)
		release_peek(part);
	if (parent)
		release_peek(parent);
	op->partition = r->table;

	/* A default partition is scanned for rows that now belong to the new one. */
	defaultid = get_default_partition_oid(parentid);
	if (OidIsValid(defaultid) && defaultid != partid)
	{
		MgLockedRelation *d = add_rel(m, defaultid, AccessExclusiveLock, EFFECT_SCAN,
									  "default partition check");

		op->effect = EFFECT_SCAN;
		if (d)
			op->default_partition = psprintf("%s.%s", d->table.name.schema, d->table.name.name);
	}
}

/*
 * transformAlterTableStmt: the foreign keys written inline in ADD COLUMN are
 * validated only when a column of the statement has a default (serial and
 * GENERATED count; identity does not) or the statement adds a foreign key
 * with ADD CONSTRAINT.
 */
static bool
fk_validates(List *cmds)
{
	ListCell   *lc;

	foreach(lc, cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd->subtype == AT_AddConstraint && cmd->def && IsA(cmd->def, Constraint) &&
			((Constraint *) cmd->def)->contype == CONSTR_FOREIGN)
			return true;
		if (cmd->subtype == AT_AddColumn && cmd->def && IsA(cmd->def, ColumnDef))
		{
			ColumnDef  *def = (ColumnDef *) cmd->def;
			ListCell   *lc2;

			if (def->raw_default || is_serial_type(def->typeName))
				return true;
			foreach(lc2, def->constraints)
			{
				Constraint *c = (Constraint *) lfirst(lc2);

				if (IsA(c, Constraint) &&
					(c->contype == CONSTR_DEFAULT || c->contype == CONSTR_GENERATED))
					return true;
			}
		}
	}
	return false;
}

static void
model_alter_table(MgModel *m, AlterTableStmt *stmt)
{
	Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	LOCKMODE	lock;
	ListCell   *lc;
	bool		partitioned;

	if (!OidIsValid(relid))
		return;

	/* The server's own answer for the main relation. */
	lock = AlterTableGetLockLevel(stmt->cmds);
	if (!add_rel(m, relid, lock, EFFECT_METADATA, NULL))
		return;
	partitioned = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
		MgOperation *op;
		int			effect;
		const char *cause = NULL;

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				if (!cmd->def || !IsA(cmd->def, ColumnDef))
					break;
				op = add_op(m, MG_OP_ADD_COLUMN, relid);
				effect = describe_new_column(m->script, (ColumnDef *) cmd->def, op, &cause);
				if (effect < 0)
				{
					m->nops--;
					break;
				}
				/* A NOT NULL column without a default is checked by a scan (and fails). */
				if (effect == EFFECT_METADATA && op->not_null && !op->has_default)
				{
					effect = EFFECT_SCAN;
					cause = "NOT NULL check of the new column";
				}
				op->effect = effect;
				add_rel(m, relid, NoLock, effect, cause);
				model_column_constraints(m, relid, (ColumnDef *) cmd->def,
										 fk_validates(stmt->cmds));
				break;
			case AT_AlterColumnType:
				op = add_op(m, MG_OP_ALTER_COLUMN_TYPE, relid);
				effect = describe_type_change(relid, cmd, op, m->script != NULL);
				if (effect < 0)
				{
					m->nops--;
					break;
				}
				op->effect = effect;
				add_rel(m, relid, NoLock, effect,
						effect == EFFECT_REWRITE ? "a column type change" : NULL);
				break;
			case AT_SetNotNull:
				op = add_op(m, MG_OP_SET_NOT_NULL, relid);
				op->column = cmd->name;
				op->scan_needed = set_not_null_needs_scan(m->script, relid, cmd->name, &op->constraint_name);
				if (op->scan_needed)
				{
					op->effect = EFFECT_SCAN;
					add_rel(m, relid, NoLock, EFFECT_SCAN, "NOT NULL check");
				}
				break;
			case AT_AddConstraint:
				if (cmd->def && IsA(cmd->def, Constraint))
					model_add_constraint(m, relid, (Constraint *) cmd->def);
				break;
			case AT_ValidateConstraint:
				{
					Oid			conid = get_relation_constraint_oid(relid, cmd->name, true);
					HeapTuple	tp;

					op = add_op(m, MG_OP_VALIDATE_CONSTRAINT, relid);
					op->constraint_name = cmd->name;
					if (!OidIsValid(conid))
					{
						Oid			refrelid = InvalidOid;

						/* Added NOT VALID earlier in the script under review. */
						if (mg_script_pending_constraint(m->script, relid, cmd->name, &refrelid))
						{
							op->effect = EFFECT_SCAN;
							add_rel(m, relid, NoLock, EFFECT_SCAN, "constraint validation");
							if (OidIsValid(refrelid))
								add_rel(m, refrelid, RowShareLock, EFFECT_SCAN,
										"FOREIGN KEY validation");
						}
						break;
					}
					tp = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
					if (!HeapTupleIsValid(tp))
						break;
					{
						Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);
						bool		already = con->convalidated;
						bool		fk = con->contype == CONSTRAINT_FOREIGN;
						Oid			confrelid = con->confrelid;

						ReleaseSysCache(tp);
						if (already)
							break;	/* nothing to check */
						op->effect = EFFECT_SCAN;
						add_rel(m, relid, NoLock, EFFECT_SCAN, "constraint validation");
						if (fk && OidIsValid(confrelid))
							add_rel(m, confrelid, RowShareLock, EFFECT_SCAN,
									"FOREIGN KEY validation");
					}
				}
				break;
			case AT_AttachPartition:
				if (cmd->def && IsA(cmd->def, PartitionCmd) && partitioned)
					model_attach_partition(m, relid, (PartitionCmd *) cmd->def);
				break;
			case AT_DetachPartition:
				if (cmd->def && IsA(cmd->def, PartitionCmd))
				{
					PartitionCmd *pc = (PartitionCmd *) cmd->def;
					Oid			partid = RangeVarGetRelid(pc->name, NoLock, true);
					MgLockedRelation *r;

					if (!OidIsValid(partid))
						break;
					r = add_rel(m, partid,
								pc->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock,
								EFFECT_METADATA, NULL);
					op = add_op(m, MG_OP_DETACH_PARTITION, relid);
					op->concurrently = pc->concurrent;
					if (r)
						op->partition = r->table;
				}
				break;
			case AT_DropColumn:
				{
					AttrNumber	attnum = get_attnum(relid, cmd->name);
					Oid			typid;
					int32		typmod;
					Oid			coll;

					if (attnum == InvalidAttrNumber)
						break;
					op = add_op(m, MG_OP_DROP_COLUMN, relid);
					op->column = cmd->name;
					get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &coll);
					op->type_sql = format_type_with_typemod(typid, typmod);
					op->cascade = cmd->behavior == DROP_CASCADE;
					{
						double		null_frac;

						if (m->use_overrides && mg_overridden_null_frac(relid, attnum, &null_frac))
							op->column_empty = null_frac >= 1.0;
						else
							op->column_empty = mg_column_all_null(relid, attnum);
					}
				}
				break;
			case AT_DropConstraint:
				{
					/* Dropping a foreign key drops its triggers on the referenced table. */
					Oid			conid = get_relation_constraint_oid(relid, cmd->name, true);
					HeapTuple	tp;

					if (!OidIsValid(conid))
						break;
					tp = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
					if (HeapTupleIsValid(tp))
					{
						Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);
						Oid			confrelid = con->confrelid;
						bool		fk = con->contype == CONSTRAINT_FOREIGN;

						ReleaseSysCache(tp);
						if (fk && OidIsValid(confrelid) && confrelid != relid)
							add_rel(m, confrelid, AccessExclusiveLock, EFFECT_METADATA, NULL);
					}
				}
				break;
			case AT_SetLogged:
			case AT_SetUnLogged:
				op = add_op(m, MG_OP_SET_PERSISTENCE, relid);
				op->object_name = cmd->subtype == AT_SetLogged ? "LOGGED" : "UNLOGGED";
				op->effect = EFFECT_REWRITE;
				add_rel(m, relid, NoLock, EFFECT_REWRITE,
						cmd->subtype == AT_SetLogged ? "SET LOGGED" : "SET UNLOGGED");
				break;
			case AT_SetAccessMethod:
				op = add_op(m, MG_OP_SET_ACCESS_METHOD, relid);
				op->object_name = cmd->name;
				op->effect = EFFECT_REWRITE;
				add_rel(m, relid, NoLock, EFFECT_REWRITE, "SET ACCESS METHOD");
				break;
			case AT_SetTableSpace:
				add_rel(m, relid, NoLock, EFFECT_REWRITE, "SET TABLESPACE copies the files");
				break;
#if PG_VERSION_NUM >= 170000
			case AT_SetExpression:
				/* A stored generated column is computed again for every row. */
				if (get_attgenerated(relid, get_attnum(relid, cmd->name)) == ATTRIBUTE_GENERATED_STORED)
				{
					op = add_op(m, MG_OP_TABLE_REWRITE, relid);
					if (op)
					{
						op->command = "ALTER TABLE";
						op->rewrite_reason = MG_REWRITE_SET_EXPRESSION;
						op->effect = EFFECT_REWRITE;
					}
					add_rel(m, relid, NoLock, EFFECT_REWRITE,
							"SET EXPRESSION of a stored generated column");
				}
				break;
#endif
			default:
				break;
		}
	}

	/* ... and on an inheritance parent, to each child's rows (unless ONLY). */
	if (!partitioned && stmt->relation->inh)
	{
		bool		no_inherit = false;

		foreach(lc, stmt->cmds)
		{
			AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

			if (cmd->subtype == AT_AddConstraint && cmd->def && IsA(cmd->def, Constraint) &&
				((Constraint *) cmd->def)->is_no_inherit)
				no_inherit = true;
		}
		repeat_on_inheritance_children(m, relid, 0, lock, !no_inherit);
	}

	/* ALTER TABLE on a partitioned table recurses with the same lock, unless ONLY. */
	if (partitioned && stmt->relation->inh)
	{
		for (int i = 0; i < m->nrels; i++)
		{
			if (m->relids[i] != relid)
				continue;
			{
				int			effect = m->rels[i].effect;
				const char *cause = m->rels[i].cause;
				bool		recurses = true;

				/* Attaching or detaching concerns the parent and the one partition only. */
				foreach(lc, stmt->cmds)
				{
					AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

					if (cmd->subtype == AT_AttachPartition || cmd->subtype == AT_DetachPartition ||
						cmd->subtype == AT_DetachPartitionFinalize)
						recurses = false;
				}
				if (recurses)
					add_partitions(m, relid, lock, effect, cause);
			}
			break;
		}
	}
}

/* ---------- DROP, TRUNCATE, RENAME and the rest ---------- */

/*
 * The tables a view or materialized view reads (its _RETURN rule's range
 * table, subqueries and views included): a refresh scans them under
 * AccessShareLock.
 */
static void
add_query_sources(MgModel *m, Query *query, int depth)
{
	ListCell   *lc;

	if (query == NULL || depth > 8)
		return;
	foreach(lc, query->rtable)
	{
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);

		if (rte->rtekind == RTE_SUBQUERY)
			add_query_sources(m, rte->subquery, depth + 1);
		else if (rte->rtekind == RTE_RELATION)
		{
			char		relkind = get_rel_relkind(rte->relid);

			if (relkind == RELKIND_VIEW)
				add_view_sources(m, rte->relid, depth + 1);
			else if (relkind == RELKIND_RELATION || relkind == RELKIND_MATVIEW ||
					 relkind == RELKIND_PARTITIONED_TABLE)
			{
				add_rel(m, rte->relid, AccessShareLock, EFFECT_SCAN, "read by the refresh");
				if (rte->inh)
					add_partitions(m, rte->relid, AccessShareLock, EFFECT_SCAN,
								   "read by the refresh");
			}
		}
	}
	foreach(lc, query->cteList)
	{
		CommonTableExpr *cte = (CommonTableExpr *) lfirst(lc);

		if (cte->ctequery && IsA(cte->ctequery, Query))
			add_query_sources(m, (Query *) cte->ctequery, depth + 1);
	}
}

static void
add_view_sources(MgModel *m, Oid viewid, int depth)
{
	HeapTuple	tp = SearchSysCache2(RULERELNAME, ObjectIdGetDatum(viewid),
									 CStringGetDatum("_RETURN"));
	bool		isnull;
	Datum		action;
	List	   *actions;

	if (!HeapTupleIsValid(tp))
		return;
	action = SysCacheGetAttr(RULERELNAME, tp, Anum_pg_rewrite_ev_action, &isnull);
	if (!isnull)
	{
		actions = (List *) stringToNode(TextDatumGetCString(action));
		if (actions && IsA(actions, List) && list_length(actions) == 1)
			add_query_sources(m, linitial_node(Query, actions), depth);
	}
	ReleaseSysCache(tp);
}

/* The tables a constraint row references (foreign keys to other tables). */
static void
collect_referenced(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **fks = (List **) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

	(void) desc;
	if (con->contype == CONSTRAINT_FOREIGN && con->confrelid != con->conrelid)
		*fks = list_append_unique_oid(*fks, con->confrelid);
}

static void
add_drop_table(MgModel *m, Oid relid, bool cascade)
{
	MgOperation *op;
	List	   *fks;
	ListCell   *lc;

	if (!add_rel(m, relid, AccessExclusiveLock, EFFECT_DROP, NULL))
		return;
	op = add_op(m, MG_OP_DROP_TABLE, relid);
	op->cascade = cascade;
	add_partitions(m, relid, AccessExclusiveLock, EFFECT_DROP, NULL);

	/* Its foreign keys' triggers on the referenced tables go too. */
	fks = NIL;
	mg_foreach_constraint(relid, collect_referenced, &fks);
	foreach(lc, fks)
		add_rel(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL);
}

static void
model_drop(MgModel *m, DropStmt *stmt)
{
	ListCell   *lc;
	bool		cascade = stmt->behavior == DROP_CASCADE;

	switch (stmt->removeType)
	{
		case OBJECT_INDEX:
			model_drop_index(m, stmt);
			break;
		case OBJECT_TABLE:
		case OBJECT_MATVIEW:
			foreach(lc, stmt->objects)
			{
				RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
				Oid			relid = RangeVarGetRelid(rv, NoLock, true);

				if (OidIsValid(relid))
					add_drop_table(m, relid, cascade);
			}
			break;
		case OBJECT_SCHEMA:
			if (!cascade)
				break;
			foreach(lc, stmt->objects)
			{
				Oid			nsp = get_namespace_oid(strVal(lfirst(lc)), true);
				Relation	pg_class;
				TableScanDesc scan;
				ScanKeyData key;
				HeapTuple	tup;
				List	   *tables = NIL;
				ListCell   *tc;

				if (!OidIsValid(nsp))
					continue;
				pg_class = table_open(RelationRelationId, AccessShareLock);
				ScanKeyInit(&key, Anum_pg_class_relnamespace, BTEqualStrategyNumber, F_OIDEQ,
							ObjectIdGetDatum(nsp));
				scan = table_beginscan_catalog(pg_class, 1, &key);
				while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
				{
					Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);

					if (cls->relkind == RELKIND_RELATION || cls->relkind == RELKIND_MATVIEW ||
						(cls->relkind == RELKIND_PARTITIONED_TABLE))
						tables = lappend_oid(tables, cls->oid);
				}
				table_endscan(scan);
				table_close(pg_class, AccessShareLock);
				foreach(tc, tables)
				{
					Oid			relid = lfirst_oid(tc);

					if (!get_rel_relispartition(relid))
						add_drop_table(m, relid, true);
				}
			}
			break;
		default:
			break;
	}
}

static void
model_truncate(MgModel *m, TruncateStmt *stmt)
{
	ListCell   *lc;
	List	   *relids = NIL;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);
		MgOperation *op;

		if (!OidIsValid(relid) || !add_rel(m, relid, AccessExclusiveLock, EFFECT_TRUNCATE, NULL))
			continue;
		op = add_op(m, MG_OP_TRUNCATE, relid);
		op->cascade = stmt->behavior == DROP_CASCADE;
		relids = lappend_oid(relids, relid);
		if (rv->inh)
		{
			add_partitions(m, relid, AccessExclusiveLock, EFFECT_TRUNCATE, NULL);
			repeat_on_inheritance_children(m, relid, m->nops - 1, AccessExclusiveLock, false);
		}
	}
	if (stmt->behavior == DROP_CASCADE && relids != NIL)
	{
		/* Tables whose foreign keys reference the truncated ones are truncated too. */
		List	   *more = heap_truncate_find_FKs(relids);

		foreach(lc, more)
		{
			Oid			relid = lfirst_oid(lc);
			MgOperation *op;

			if (list_member_oid(relids, relid) ||
				!add_rel(m, relid, AccessExclusiveLock, EFFECT_TRUNCATE, NULL))
				continue;
			op = add_op(m, MG_OP_TRUNCATE, relid);
			op->cascade = true;
		}
	}
}

static void
model_rename(MgModel *m, RenameStmt *stmt)
{
	Oid			relid;
	MgOperation *op;

	if (stmt->relation == NULL)
		return;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return;
	switch (stmt->renameType)
	{
		case OBJECT_TABLE:
		case OBJECT_VIEW:
		case OBJECT_MATVIEW:
		case OBJECT_SEQUENCE:
		case OBJECT_FOREIGN_TABLE:
			if (!add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL))
				return;
			if (stmt->renameType == OBJECT_TABLE)
			{
				op = add_op(m, MG_OP_RENAME_TABLE, relid);
				op->object_name = stmt->newname;
			}
			break;
		case OBJECT_INDEX:
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA, NULL);
			break;
		case OBJECT_COLUMN:
			if (!add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL))
				return;
			if (get_attnum(relid, stmt->subname) == InvalidAttrNumber)
				return;
			op = add_op(m, MG_OP_RENAME_COLUMN, relid);
			op->column = stmt->subname;
			op->new_name = stmt->newname;
			{
				Oid			typid;
				int32		typmod;
				Oid			coll;

				get_atttypetypmodcoll(relid, get_attnum(relid, stmt->subname), &typid, &typmod,
									  &coll);
				op->type_sql = format_type_with_typemod(typid, typmod);
			}
			if (stmt->relation->inh)
				add_partitions(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			break;
		case OBJECT_TABCONSTRAINT:
			add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			break;
		default:
			break;
	}
}

/* Whether a DefElem option (FULL, CONCURRENTLY...) is given and true. */
bool
mg_option_is_set(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		if (strcmp(opt->defname, name) == 0)
			return opt->arg == NULL || defGetBoolean(opt);
	}
	return false;
}

static void
model_vacuum(MgModel *m, VacuumStmt *stmt)
{
	bool		full = stmt->is_vacuumcmd && mg_option_is_set(stmt->options, "full");
	ListCell   *lc;

	if (full && stmt->rels == NIL)
	{
		model_vacuum_full_all(m);
		return;
	}
	foreach(lc, stmt->rels)
	{
		VacuumRelation *vr = (VacuumRelation *) lfirst(lc);
		Oid			relid;

		if (vr->relation == NULL)
			continue;
		relid = RangeVarGetRelid(vr->relation, NoLock, true);
		if (!OidIsValid(relid))
			continue;
		if (full)
		{
			if (add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "VACUUM FULL"))
				add_op(m, MG_OP_VACUUM_FULL, relid);
		}
		else if (stmt->is_vacuumcmd)
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_SCAN, "VACUUM");
		else
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA,
					"ANALYZE reads a sample of the table");
	}
}

static void
model_lock(MgModel *m, LockStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);

		if (!OidIsValid(relid))
			continue;
		add_rel(m, relid, stmt->mode, EFFECT_NONE, NULL);
		if (rv->inh)
			add_partitions(m, relid, stmt->mode, EFFECT_NONE, NULL);
	}
}

static void
model_create_table(MgModel *m, CreateStmt *stmt)
{
	ListCell   *lc;

	/* A partition: the parent is locked, a default partition scanned. */
	if (stmt->partbound && stmt->inhRelations)
	{
		Oid			parentid = RangeVarGetRelid((RangeVar *) linitial(stmt->inhRelations),
												NoLock, true);

		if (OidIsValid(parentid))
		{
			Oid			defaultid = get_default_partition_oid(parentid);

			add_rel(m, parentid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			if (OidIsValid(defaultid))
				add_rel(m, defaultid, AccessExclusiveLock, EFFECT_SCAN, "default partition check");
		}
	}
	else
	{
		foreach(lc, stmt->inhRelations)
		{
			Oid			parentid = RangeVarGetRelid((RangeVar *) lfirst(lc), NoLock, true);

			if (OidIsValid(parentid))
				add_rel(m, parentid, ShareUpdateExclusiveLock, EFFECT_METADATA, NULL);
		}
	}

	/* Foreign keys lock the referenced tables. */
	foreach(lc, stmt->tableElts)
	{
		Node	   *elt = (Node *) lfirst(lc);
		List	   *cons = NIL;
		ListCell   *cc;

		if (IsA(elt, ColumnDef))
			cons = ((ColumnDef *) elt)->constraints;
		else if (IsA(elt, Constraint))
			cons = list_make1(elt);
		foreach(cc, cons)
		{
			Constraint *con = (Constraint *) lfirst(cc);

			if (IsA(con, Constraint) && con->contype == CONSTR_FOREIGN && con->pktable)
			{
				Oid			refid = RangeVarGetRelid(con->pktable, NoLock, true);

				if (OidIsValid(refid))
					add_rel(m, refid, ShareRowExclusiveLock, EFFECT_METADATA, NULL);
			}
		}
	}
	foreach(lc, stmt->constraints)
	{
		Constraint *con = (Constraint *) lfirst(lc);

		if (IsA(con, Constraint) && con->contype == CONSTR_FOREIGN && con->pktable)
		{
			Oid			refid = RangeVarGetRelid(con->pktable, NoLock, true);

			if (OidIsValid(refid))
				add_rel(m, refid, ShareRowExclusiveLock, EFFECT_METADATA, NULL);
		}
	}
}

static void
model_comment(MgModel *m, CommentStmt *stmt)
{
	RangeVar   *rv = NULL;

	if (stmt->objtype == OBJECT_TABLE || stmt->objtype == OBJECT_INDEX ||
		stmt->objtype == OBJECT_VIEW || stmt->objtype == OBJECT_MATVIEW)
		rv = makeRangeVarFromNameList(castNode(List, stmt->object));
	else if (stmt->objtype == OBJECT_COLUMN)
	{
		List	   *names = castNode(List, stmt->object);

		if (list_length(names) >= 2)
			rv = makeRangeVarFromNameList(list_truncate(list_copy(names), list_length(names) - 1));
	}
	if (rv)
	{
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);

		if (OidIsValid(relid))
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA, NULL);
	}
}

/*
 * The strongest lock the statement requests that blocks reads or writes
 * (SHARE and up), as one operation: what lock_timeout_missing and
 * migration_guard.lock_timeout look at.  Ties go to the larger relation.
 */
static void
add_lock_request(MgModel *m)
{
	int			best = -1;
	MgOperation *op;

	for (int i = 0; i < m->nrels; i++)
	{
		const MgLockedRelation *r = &m->rels[i];

		if (r->lock < ShareLock)
			continue;
		if (best < 0 || r->lock > m->rels[best].lock ||
			(r->lock == m->rels[best].lock && r->table.bytes > m->rels[best].table.bytes))
			best = i;
	}
	if (best < 0)
		return;
	op = add_op(m, MG_OP_LOCK_REQUEST, m->relids[best]);
	if (op)
		op->lock_mode = m->rels[best].lock;
}

/*
 * The model of one statement.  Returns false for statements that are not
 * modelled (no DDL on existing relations).
 */
bool
mg_analyze(Node *parsetree, const char *query, const char *text, MgModel *m)
{
	text = text ? mg_trim_leading(text) : "";
	m->query = query ? query : text;
	m->text = text;
	switch (nodeTag(parsetree))
	{
		case T_IndexStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_create_index(m, (IndexStmt *) parsetree, text);
			break;
		case T_AlterTableStmt:
			{
				AlterTableStmt *stmt = (AlterTableStmt *) parsetree;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				model_alter_table(m, stmt);
			}
			break;
		case T_DropStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_drop(m, (DropStmt *) parsetree);
			break;
		case T_TruncateStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_truncate(m, (TruncateStmt *) parsetree);
			break;
		case T_RenameStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_rename(m, (RenameStmt *) parsetree);
			break;
		case T_ReindexStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_reindex(m, (ReindexStmt *) parsetree);
			break;
		case T_RefreshMatViewStmt:
			{
				RefreshMatViewStmt *stmt = (RefreshMatViewStmt *) parsetree;
				Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (OidIsValid(relid) &&
					add_rel(m, relid, stmt->concurrent ? ExclusiveLock : AccessExclusiveLock,
							stmt->concurrent ? EFFECT_SCAN : EFFECT_REWRITE,
							stmt->concurrent ? "concurrent refresh" : "refresh"))
				{
					MgOperation *op = add_op(m, MG_OP_REFRESH_MATVIEW, relid);

					op->concurrently = stmt->concurrent;
					op->effect = stmt->concurrent ? EFFECT_SCAN : EFFECT_REWRITE;
					if (!stmt->skipData)
						add_view_sources(m, relid, 0);
				}
			}
			break;
		case T_ClusterStmt:
			{
				ClusterStmt *stmt = (ClusterStmt *) parsetree;
				Oid			relid;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (stmt->relation == NULL)
				{
					model_cluster_all(m);
					break;
				}
				relid = RangeVarGetRelid(stmt->relation, NoLock, true);
				if (OidIsValid(relid) &&
					add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "CLUSTER"))
					add_op(m, MG_OP_CLUSTER, relid);
			}
			break;
		case T_VacuumStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_vacuum(m, (VacuumStmt *) parsetree);
			break;
		case T_LockStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_lock(m, (LockStmt *) parsetree);
			break;
		case T_AlterDomainStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_alter_domain(m, (AlterDomainStmt *) parsetree);
			break;
		case T_CreateStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_create_table(m, (CreateStmt *) parsetree);
			break;
		case T_CreateTrigStmt:
			{
				CreateTrigStmt *stmt = (CreateTrigStmt *) parsetree;
				Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (OidIsValid(relid))
					add_rel(m, relid, ShareRowExclusiveLock, EFFECT_METADATA, NULL);
			}
			break;
		case T_CommentStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_comment(m, (CommentStmt *) parsetree);
			break;
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (stmt->relation)
				{
					Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);

					if (OidIsValid(relid))
						add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
				}
			}
			break;
		case T_AlterEnumStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			break;
		case T_GrantStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
#if PG_VERSION_NUM >= 180000

			/*
			 * PostgreSQL 18 locks each table or sequence a GRANT or REVOKE
			 * names in ACCESS SHARE mode (objectNamesToOids); ALL TABLES IN
			 * SCHEMA locks nothing.
			 */
			{
				GrantStmt  *g = (GrantStmt *) parsetree;
				ListCell   *lc;

				if (g->targtype == ACL_TARGET_OBJECT &&
					(g->objtype == OBJECT_TABLE || g->objtype == OBJECT_SEQUENCE))
					foreach(lc, g->objects)
					{
						Oid			relid = RangeVarGetRelid((RangeVar *) lfirst(lc), NoLock, true);

						if (OidIsValid(relid))
							add_rel(m, relid, AccessShareLock, EFFECT_METADATA, NULL);
					}
			}
#endif
			break;
		default:
			return false;
	}
	add_lock_request(m);
	return true;
}

/* ---------- rewrites predicted by the hook ---------- */

/*
 * Only a rewrite that an operation carried to the rules counts as foreseen:
 * a relation the model marks rewritten without such an operation keeps the
 * server's own table_rewrite event, so that no rewrite runs unjudged.
 */
void
mg_note_predicted_rewrites(MgStatementState *st, const MgModel *m)
{
	st->npredicted = 0;
	for (int i = 0; i < m->nops && st->npredicted < MG_MAX_PREDICTED; i++)
	{
		bool		seen = false;

		if (m->ops[i].effect != EFFECT_REWRITE)
			continue;
		for (int j = 0; j < st->npredicted; j++)
			seen = seen || st->predicted[j] == m->op_relids[i];
		if (!seen)
			st->predicted[st->npredicted++] = m->op_relids[i];
	}
}

/*
 * Whether the table_rewrite event for relid was foreseen by the hook for the
 * statement now running (a partition counts when its partitioned table was).
 */
bool
mg_rewrite_was_predicted(Oid relid)
{
	const MgStatementState *st = mg_judged_statement();
	List	   *ancestors;
	ListCell   *lc;

	if (st == NULL)
		return false;
	for (int i = 0; i < st->npredicted; i++)
		if (st->predicted[i] == relid)
			return true;
	if (st->npredicted == 0 || !get_rel_relispartition(relid))
		return false;
	ancestors = get_partition_ancestors(relid);
	foreach(lc, ancestors)
		for (int i = 0; i < st->npredicted; i++)
			if (st->predicted[i] == lfirst_oid(lc))
				return true;
	return false;
}
