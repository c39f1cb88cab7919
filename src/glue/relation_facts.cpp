/*
 * Live facts about a table: how many rows and bytes it holds now, and whether
 * anyone but us can see it.
 *
 * The estimate is the planner's (table_block_relation_estimate_size): the
 * density reltuples/relpages from the last VACUUM or ANALYZE, scaled to the
 * number of blocks the table has *now*, so a table bulk-loaded since its last
 * ANALYZE is still seen as large.  When the density is unknown (never
 * analyzed, or reset to -1/0 by a rewrite or TRUNCATE) it comes from the
 * width of a row, as the planner does: unknown is not empty.  Unlike the
 * planner we do not pretend that an empty, never-vacuumed table has 10 pages.
 *
 * Nothing here takes a lock or scans the table.  The statement we are judging
 * has not taken its lock yet, and taking a weaker one first, then upgrading
 * it, invites deadlocks.  pg_class comes from the syscache, and the current
 * size from stat() of the segment files (relation_size.cpp), which tolerates
 * a file that a concurrent DROP or rewrite removed: the result is then merely
 * stale.
 */
#include "glue/glue.hpp"
#include "glue/relation_size.hpp"
#include "glue/relation_tree.hpp"

#include <math.h>

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "pgstat.h"
#include "storage/proc.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
}

/* Leaf partitions listed by name in a recipe. */
#define MG_MAX_LISTED_PARTITIONS 50

/* The rows of a large partition tree read in one pass (relation_tree.hpp). */
HTAB	   *mg_batch_class = NULL;

/* The pg_class row of relid: from the batch when there is one, else the syscache. */
typedef struct ClassLookup
{
	HeapTuple	tp;				/* to release, or NULL */
	Form_pg_class cls;
	TransactionId xmin;
} ClassLookup;

static bool
class_lookup(Oid relid, ClassLookup *l)
{
	if (mg_batch_class != NULL)
	{
		ClassRow   *row = (ClassRow *) hash_search(mg_batch_class, &relid, HASH_FIND, NULL);

		if (row != NULL)
		{
			l->tp = NULL;
			l->cls = &row->cls;
			l->xmin = row->xmin;
			return true;
		}
	}
	l->tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(l->tp))
		return false;
	l->cls = (Form_pg_class) GETSTRUCT(l->tp);
	l->xmin = HeapTupleHeaderGetXmin(l->tp->t_data);
	return true;
}

static void
class_release(ClassLookup *l)
{
	if (l->tp != NULL)
		ReleaseSysCache(l->tp);
	l->tp = NULL;
}

/* Rows and bytes of one relation with storage (cls: its pg_class row). */
static void
estimate_leaf(Oid relid, Form_pg_class cls, int64 *rows, int64 *bytes, bool use_overrides)
{
	int64		main_bytes;
	double		blocks;
	double		density;

	if (use_overrides && mg_overridden_table_facts(relid, rows, bytes))
		return;
	*rows = 0;
	*bytes = 0;
	main_bytes = mg_main_fork_bytes(cls, relid);
	if (main_bytes < 0)
	{
		/* No storage we can see: fall back on the last statistics. */
		*rows = cls->reltuples > 0 ? (int64) cls->reltuples : 0;
		*bytes = (int64) cls->relpages * BLCKSZ;
		return;
	}
	blocks = (double) (main_bytes / BLCKSZ);
	if (cls->reltuples >= 0 && cls->relpages > 0)
		density = cls->reltuples / cls->relpages;
	else if (blocks == 0)
		density = 0;			/* no block, no row: the width does not matter */
	else
	{
		int32		width = mg_row_width(relid, cls->relnatts);
		int			usable = BLCKSZ - SizeOfPageHeaderData;

		density = (usable + width / 2) / width;
	}
	*rows = (int64) rint(density * blocks);
	*bytes = main_bytes;

	/*
	 * pg_class's density can be lowered without removing a row: ANALYZE in a
	 * transaction that deleted every row and then rolled back leaves
	 * reltuples = 0 behind (its catalog update is in place, not rolled back).
	 * The cumulative statistics' live rows cannot: every commit and abort
	 * keeps them (an aborted DELETE removes none), and resetting them needs
	 * privilege.  The larger of the two counts; a table full of dead rows
	 * that no VACUUM or ANALYZE has seen yet may look populated (the safe
	 * side).  See docs/security.md.
	 */
	{
		PgStat_StatTabEntry *tab = pgstat_fetch_stat_tabentry(relid);

		if (tab != NULL)
		{
#if PG_VERSION_NUM >= 160000
			int64		live = (int64) tab->live_tuples;
#else
			int64		live = (int64) tab->n_live_tuples;
#endif

			if (live > *rows)
				*rows = live;
		}
	}

	/* The TOAST table's data is part of what a rewrite copies. */
	if (OidIsValid(cls->reltoastrelid))
	{
		ClassLookup tl;

		if (class_lookup(cls->reltoastrelid, &tl))
		{
			int64		toast = mg_main_fork_bytes(tl.cls, cls->reltoastrelid);

			if (toast > 0)
				*bytes += toast;
			class_release(&tl);
		}
	}
}

/*
 * Whether the current transaction created relid.  Only a relation whose
 * pg_class row this transaction wrote can be: then we already hold a lock on
 * it, and the relcache entry tells for sure (rd_createSubid), unlike xmin
 * alone, which an earlier ALTER TABLE in the same transaction also sets.
 */
static bool
created_in_current_transaction(Oid relid, TransactionId xmin)
{
	Relation	rel;
	bool		created;

	if (!TransactionIdIsCurrentTransactionId(xmin))
		return false;
	rel = RelationIdGetRelation(relid);
	if (!RelationIsValid(rel))
		return false;
	created = rel->rd_createSubid != InvalidSubTransactionId;
	RelationClose(rel);
	return created;
}

/*
 * Calls fn for every row of a catalog whose key column equals relid, through
 * the catalog index that starts with that column (the table itself is not
 * locked).
 */
static void
scan_catalog_by_relid(Oid catalog, Oid index, AttrNumber keycol, Oid relid,
					  void (*fn) (HeapTuple tup, TupleDesc desc, void *arg), void *arg)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&key, keycol, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, index, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		fn(tup, RelationGetDescr(rel), arg);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

typedef struct IndexCallback
{
	void		(*fn) (HeapTuple indextup, void *arg);
	void	   *arg;
} IndexCallback;

static void
call_index_callback(HeapTuple tup, TupleDesc desc, void *arg)
{
	IndexCallback *cb = (IndexCallback *) arg;

	(void) desc;
	cb->fn(tup, cb->arg);
}

/* Calls fn for the pg_index row of every index of relid. */
void
mg_foreach_index(Oid relid, void (*fn) (HeapTuple indextup, void *arg), void *arg)
{
	IndexCallback cb = {fn, arg};

	scan_catalog_by_relid(IndexRelationId, IndexIndrelidIndexId, Anum_pg_index_indrelid, relid,
						  call_index_callback, &cb);
}

/* Calls fn for the pg_constraint row of every constraint of relid. */
void
mg_foreach_constraint(Oid relid, void (*fn) (HeapTuple contup, TupleDesc desc, void *arg),
					  void *arg)
{
	scan_catalog_by_relid(ConstraintRelationId, ConstraintRelidTypidNameIndexId,
						  Anum_pg_constraint_conrelid, relid, fn, arg);
}

/*
 * INVALID indexes of relid: left by a failed CREATE INDEX CONCURRENTLY, never
 * used by the planner, still maintained by every write.
 */
static void
collect_invalid(HeapTuple tup, void *arg)
{
	MgTable    *table = (MgTable *) arg;
	Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
	char	   *name;
	const char **names;

	if (idx->indisvalid || (name = get_rel_name(idx->indexrelid)) == NULL)
		return;
	names = (const char **) (table->invalid_indexes
							 ? repalloc((void *) table->invalid_indexes,
										sizeof(char *) * (table->ninvalid_indexes + 1))
							 : palloc(sizeof(char *)));
	names[table->ninvalid_indexes++] = name;
	table->invalid_indexes = names;
}

/* ---------- the facts cache ---------- */

/*
 * The facts of a relation are gathered once per statement, not once per
 * question.  review() asks about the same tables for every statement of a
 * script; the hook models a statement twice (before and after it takes its
 * lock); a partitioned table's facts are the sum of its leaves, and every
 * leaf is then added to the model with its own facts.  The cache lives for
 * one scope: the same transaction (local id), the same top-level statement
 * (its start time) and the same command id, so anything the statement or a
 * function it calls has changed since (a command counter increment) is read
 * afresh, and sizes are as fresh as one statement needs.  Any relcache or
 * namespace invalidation empties it, so a concurrent rename, an ATTACH, a new
 * index or an ANALYZE is seen at once.  Callers get a copy in their own
 * memory context: what they change (a table the script created is marked
 * new) never reaches the cache.
 */
typedef struct FactsKey
{
	Oid			relid;
	bool		use_overrides;
} FactsKey;

typedef struct FactsEntry
{
	FactsKey	key;
	bool		exists;			/* false: the relation is gone */
	Oid			owner;			/* pg_class.relowner */
	MgTable		table;			/* in facts_cxt */
	List	   *inheritors;		/* partitioned: find_all_inheritors(), in facts_cxt */
} FactsEntry;

static HTAB *facts_cache = NULL;
static MemoryContext facts_cxt = NULL;
static bool facts_valid = false;
static LocalTransactionId facts_lxid = InvalidLocalTransactionId;
static TimestampTz facts_stmt_start = 0;
static CommandId facts_cid = InvalidCommandId;

HTAB	   *mg_batch_invalid = NULL;	/* while a partition tree is gathered */

/* Relcache and namespace invalidations processed by this backend so far. */
static uint64 facts_invalidations = 0;

static void
facts_invalidate(Datum arg, Oid relid)
{
	(void) arg;
	(void) relid;
	facts_valid = false;
	facts_invalidations++;
}

/* The last schema whose name compute_facts() looked up, in facts_cxt. */
static Oid	last_nsp = InvalidOid;
static char *last_nsp_name = NULL;

static void
facts_invalidate_syscache(Datum arg, int cacheid, uint32 hashvalue)
{
	(void) arg;
	(void) cacheid;
	(void) hashvalue;
	facts_valid = false;
	facts_invalidations++;
	last_nsp = InvalidOid;
}

void
mg_facts_cache_flush(void)
{
	facts_valid = false;
}

/* The context of the cache and the invalidation callbacks, made once per backend. */
static void
facts_callbacks(void)
{
	if (facts_cxt == NULL)
	{
		facts_cxt = AllocSetContextCreate(TopMemoryContext, "migration_guard facts",
										  ALLOCSET_DEFAULT_SIZES);
		CacheRegisterRelcacheCallback(facts_invalidate, (Datum) 0);
		CacheRegisterSyscacheCallback(NAMESPACEOID, facts_invalidate_syscache, (Datum) 0);
	}
}

/*
 * How many relcache and namespace invalidations this backend has processed
 * (any relation's, a sinval reset's included).  A name resolves to another
 * relation only after a change to pg_class or pg_namespace, and every such
 * change reaches this count before a lookup can see it: equal counts mean
 * that every name resolves as it did (the hook's rename race).
 */
uint64
mg_facts_invalidation_count(void)
{
	facts_callbacks();
	return facts_invalidations;
}

/* The cache of the current scope, emptied when the scope changed. */
static HTAB *
facts_scope(void)
{
#if PG_VERSION_NUM >= 170000
	LocalTransactionId lxid = MyProc->vxid.lxid;
#else
	LocalTransactionId lxid = MyProc->lxid;
#endif
	TimestampTz start = GetCurrentStatementStartTimestamp();
	CommandId	cid = GetCurrentCommandId(false);

	facts_callbacks();
	if (facts_cache == NULL || !facts_valid || lxid != facts_lxid ||
		start != facts_stmt_start || cid != facts_cid)
	{
		HASHCTL		ctl;

		MemoryContextReset(facts_cxt);
		last_nsp = InvalidOid;
		last_nsp_name = NULL;
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(FactsKey);
		ctl.entrysize = sizeof(FactsEntry);
		ctl.hcxt = facts_cxt;
		facts_cache = hash_create("migration_guard facts", 256, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		facts_valid = true;
		facts_lxid = lxid;
		facts_stmt_start = start;
		facts_cid = cid;
	}
	return facts_cache;
}

static const char *
copy_string(const char *s, MemoryContext cxt)
{
	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/* A copy of a name in cxt, its two strings in one allocation. */
static void
copy_name(MgName *dst, const MgName *src, MemoryContext cxt)
{
	size_t		nlen;
	size_t		slen;
	char	   *buf;

	if (src->name == NULL || src->schema == NULL)
	{
		dst->name = copy_string(src->name, cxt);
		dst->schema = copy_string(src->schema, cxt);
		return;
	}
	nlen = strlen(src->name) + 1;
	slen = strlen(src->schema) + 1;
	buf = (char *) MemoryContextAlloc(cxt, nlen + slen);
	memcpy(buf, src->name, nlen);
	memcpy(buf + nlen, src->schema, slen);
	dst->name = buf;
	dst->schema = buf + nlen;
}

/* A deep copy of *src in cxt. */
static void
copy_table(MgTable *dst, const MgTable *src, MemoryContext cxt)
{
	*dst = *src;
	copy_name(&dst->name, &src->name, cxt);
	if (src->partitions)
	{
		int			n = Max(1, src->npartitions);
		MgName	   *names = (MgName *) MemoryContextAllocZero(cxt, sizeof(MgName) * n);

		for (int i = 0; i < src->npartitions; i++)
		{
			names[i].name = copy_string(src->partitions[i].name, cxt);
			names[i].schema = copy_string(src->partitions[i].schema, cxt);
		}
		dst->partitions = names;
	}
	if (src->invalid_indexes)
	{
		const char **names = (const char **)
			MemoryContextAlloc(cxt, sizeof(char *) * Max(1, src->ninvalid_indexes));

		for (int i = 0; i < src->ninvalid_indexes; i++)
			names[i] = copy_string(src->invalid_indexes[i], cxt);
		dst->invalid_indexes = names;
	}
}

/* Invalid indexes of relid from the batch gathered for its partition tree. */
static void
invalid_from_batch(Oid relid, MgTable *table)
{
	InvalidIndexes *e = (InvalidIndexes *) hash_search(mg_batch_invalid, &relid, HASH_FIND, NULL);
	ListCell   *lc;
	int			n = 0;
	const char **names;

	if (e == NULL)
		return;
	names = (const char **) palloc(sizeof(char *) * list_length(e->names));
	foreach(lc, e->names)
		names[n++] = (const char *) lfirst(lc);
	table->invalid_indexes = names;
	table->ninvalid_indexes = n;
}

/* The facts of one relation, computed (no cache); leaves of a partition tree use theirs. */
static bool compute_facts(Oid relid, MgTable *table, bool use_overrides, List **inheritors,
						  Oid *owner);

/* The cached facts of relid, computed on first use in this scope (in facts_cxt). */
static FactsEntry *
cached_facts(Oid relid, bool use_overrides)
{
	HTAB	   *cache = facts_scope();
	FactsKey	key;
	FactsEntry *e;
	bool		found;
	MgTable		computed;
	List	   *inheritors = NIL;
	bool		exists;
	Oid			owner = InvalidOid;
	uint32		hash;

	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.use_overrides = use_overrides;
	hash = get_hash_value(cache, &key);
	e = (FactsEntry *) hash_search_with_hash_value(cache, &key, hash, HASH_FIND, NULL);
	if (e != NULL)
		return e;

	/* Computed in the caller's context, then copied: an error leaves no half entry. */
	exists = compute_facts(relid, &computed, use_overrides, &inheritors, &owner);

	/* The computation may have run invalidations: the scope may have been renewed. */
	cache = facts_scope();
	e = (FactsEntry *) hash_search_with_hash_value(cache, &key, hash, HASH_ENTER, &found);
	e->exists = exists;
	e->owner = owner;
	if (exists)
		copy_table(&e->table, &computed, facts_cxt);
	else
		memset(&e->table, 0, sizeof(e->table));
	{
		MemoryContext old = MemoryContextSwitchTo(facts_cxt);

		e->inheritors = list_copy(inheritors);
		MemoryContextSwitchTo(old);
	}
	return e;
}

/*
 * Every relation of the partition tree below relid, relid first
 * (find_all_inheritors(relid, NoLock)), from the cache of this scope.
 */
List *
mg_partition_tree(Oid relid, bool use_overrides)
{
	FactsEntry *e = cached_facts(relid, use_overrides);

	if (e->exists && e->table.kind == RELKIND_PARTITIONED_TABLE && e->inheritors != NIL)
		return list_copy(e->inheritors);
	return find_all_inheritors(relid, NoLock, NULL);
}

/*
 * The owner of relid if this statement already gathered its facts (without
 * reading anything), so that a check on each of 1 000 partitions does not
 * read their pg_class rows one by one again.
 */
bool
mg_cached_owner(Oid relid, Oid *owner)
{
	HTAB	   *cache = facts_scope();
	FactsKey	key;
	FactsEntry *e;

	for (int ov = 0; ov <= 1; ov++)
	{
		memset(&key, 0, sizeof(key));
		key.relid = relid;
		key.use_overrides = ov != 0;
		e = (FactsEntry *) hash_search(cache, &key, HASH_FIND, NULL);
		if (e != NULL && e->exists)
		{
			*owner = e->owner;
			return true;
		}
	}
	return false;
}

bool
mg_table_facts(Oid relid, MgTable *table)
{
	return mg_table_facts_with(relid, table, false);
}

bool
mg_table_facts_with(Oid relid, MgTable *table, bool use_overrides)
{
	FactsEntry *e = cached_facts(relid, use_overrides);

	memset(table, 0, sizeof(*table));
	if (!e->exists)
		return false;
	copy_table(table, &e->table, CurrentMemoryContext);
	return true;
}

static bool
compute_facts(Oid relid, MgTable *table, bool use_overrides, List **inheritors, Oid *owner)
{
	ClassLookup cl;
	Form_pg_class cls;
	bool		hasindex;

	memset(table, 0, sizeof(*table));
	*inheritors = NIL;
	if (!class_lookup(relid, &cl))
		return false;
	cls = cl.cls;
	table->name.name = pstrdup(NameStr(cls->relname));
	/* The leaves of a partition tree mostly share their schema: its name is looked up once. */
	if (OidIsValid(last_nsp) && cls->relnamespace == last_nsp)
		table->name.schema = pstrdup(last_nsp_name);
	else
	{
		char	   *schema = get_namespace_name(cls->relnamespace);

		table->name.schema = schema ? schema : "";
		if (schema != NULL && facts_cxt != NULL)
		{
			last_nsp_name = MemoryContextStrdup(facts_cxt, schema);
			last_nsp = cls->relnamespace;
		}
	}
	table->kind = cls->relkind;
	table->temporary = cls->relpersistence == RELPERSISTENCE_TEMP;
	table->created_in_transaction = created_in_current_transaction(relid, cl.xmin);
	hasindex = cls->relhasindex;
	*owner = cls->relowner;
	if (table->kind != RELKIND_PARTITIONED_TABLE)
		estimate_leaf(relid, cls, &table->rows, &table->bytes, use_overrides);
	class_release(&cl);
	/* relhasindex: true if the relation has (or once had) an index */
	if ((table->kind == RELKIND_RELATION || table->kind == RELKIND_MATVIEW) && hasindex)
	{
		if (mg_batch_invalid != NULL)
			invalid_from_batch(relid, table);
		else
			mg_foreach_index(relid, collect_invalid, table);
	}

	if (table->kind == RELKIND_PARTITIONED_TABLE)
	{
		List	   *children = find_inheritance_children(relid, NoLock);
		bool		batching = mg_batch_invalid == NULL && mg_batch_class == NULL &&
			list_length(children) > 16;
		List	   *volatile all = NIL;
		ListCell   *lc;
		MgName	   *names;
		bool		nested = false;
		bool		one_level = false;
		int			n = 0;

		table->rows = 0;
		table->bytes = 0;
		names = (MgName *) palloc0(sizeof(MgName) * Max(1, Min(list_length(children),
															MG_MAX_LISTED_PARTITIONS)));
		/* mg_batch_class and mg_batch_invalid live in this context: never left set on an error */
		PG_TRY();
		{
			List	   *tree = batching ? mg_gather_tree(relid, children) : NIL;

			if (tree == NIL)
				tree = find_all_inheritors(relid, NoLock, NULL);
			all = tree;
			if (batching)
				mg_gather_invalid_indexes(tree, mg_batch_class);

			/*
			 * Every leaf's facts go into the cache: the model adds each
			 * partition with its own facts right after (add_partitions).
			 * A tree of one level lists relid's children in their order:
			 * their names are taken on the way.
			 */
			one_level = list_length(tree) == list_length(children) + 1;
			foreach(lc, tree)
			{
				Oid			child = lfirst_oid(lc);
				FactsEntry *leaf;

				if (child == relid)
					continue;
				leaf = cached_facts(child, use_overrides);
				if (one_level && leaf->exists)
				{
					if (leaf->table.kind == RELKIND_PARTITIONED_TABLE)
						nested = true;
					if (n < MG_MAX_LISTED_PARTITIONS)
					{
						names[n].name = pstrdup(leaf->table.name.name);
						names[n].schema = pstrdup(leaf->table.name.schema);
						n++;
					}
				}
				if (!leaf->exists || leaf->table.kind == RELKIND_PARTITIONED_TABLE)
					continue;
				table->rows += leaf->table.rows;
				table->bytes += leaf->table.bytes;
			}
		}
		PG_FINALLY();
		{
			if (batching)
			{
				mg_batch_invalid = NULL;
				mg_batch_class = NULL;
			}
		}
		PG_END_TRY();
		table->partition_count = list_length(children);
		/* A deeper tree: relid's children are among the others. */
		for (int i = 0; !one_level && i < list_length(children); i++)
		{
			FactsEntry *c = cached_facts(list_nth_oid(children, i), use_overrides);

			if (!c->exists)
				continue;
			if (c->table.kind == RELKIND_PARTITIONED_TABLE)
				nested = true;
			if (n >= MG_MAX_LISTED_PARTITIONS)
				continue;
			names[n].name = pstrdup(c->table.name.name);
			names[n].schema = pstrdup(c->table.name.schema);
			n++;
		}
		/* Sub-partitions need their own ON ONLY level: the recipe then stays in prose. */
		table->partitions = names;
		table->npartitions = nested ? 0 : n;
		*inheritors = all;
	}
	return true;
}
