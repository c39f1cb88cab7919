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
 * size from stat() of the segment files, which tolerates a file that a
 * concurrent DROP or rewrite removed: the result is then merely stale.
 */
#include "glue/glue.hpp"

#include <math.h>
#include <sys/stat.h>

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_tablespace_d.h"
#include "pgstat.h"
#include "utils/fmgroids.h"
}

/* Leaf partitions listed by name in a recipe. */
#define MG_MAX_LISTED_PARTITIONS 50

/* Size in bytes of the main fork of a relation, or -1 if it has no storage we can see. */
static int64
main_fork_bytes(Form_pg_class cls, Oid relid)
{
	Oid			spc = cls->reltablespace ? cls->reltablespace : MyDatabaseTableSpace;
	Oid			db = (spc == GLOBALTABLESPACE_OID) ? InvalidOid : MyDatabaseId;
	Oid			filenode = cls->relfilenode;
	int			backend;
	char	   *path;
	int64		total = 0;

	if (!RELKIND_HAS_STORAGE(cls->relkind))
		return -1;
	if (filenode == InvalidOid)
#if PG_VERSION_NUM >= 160000
		filenode = RelationMapOidToFilenumber(relid, cls->relisshared);
#else
		filenode = RelationMapOidToFilenode(relid, cls->relisshared);
#endif
	if (filenode == InvalidOid)
		return -1;

	if (cls->relpersistence == RELPERSISTENCE_TEMP)
	{
		/* Another session's temporary table has files we cannot name. */
		if (!isTempOrTempToastNamespace(cls->relnamespace))
			return -1;
#if PG_VERSION_NUM >= 170000
		backend = ProcNumberForTempRelations();
#else
		backend = BackendIdForTempRelations();
#endif
	}
	else
		backend = -1;			/* InvalidBackendId / INVALID_PROC_NUMBER */

#if PG_VERSION_NUM >= 180000
	path = pstrdup(GetRelationPath(db, spc, filenode, backend, MAIN_FORKNUM).str);
#else
	path = GetRelationPath(db, spc, filenode, backend, MAIN_FORKNUM);
#endif

	for (int segno = 0;; segno++)
	{
		struct stat st;
		char	   *segpath = segno == 0 ? path : psprintf("%s.%d", path, segno);
		int			rc = stat(segpath, &st);

		if (segpath != path)
			pfree(segpath);
		if (rc != 0)
			break;				/* no more segments, or the file is gone */
		total += st.st_size;
		if (st.st_size < (off_t) RELSEG_SIZE * BLCKSZ)
			break;
	}
	pfree(path);
	return total;
}

/* Estimated width of a row on disk, as the planner computes it. */
static int32
row_width(Oid relid, int natts)
{
	int32		width = 0;

	for (AttrNumber attnum = 1; attnum <= natts; attnum++)
	{
		HeapTuple	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
		Form_pg_attribute att;
		int32		w;

		if (!HeapTupleIsValid(tp))
			continue;
		att = (Form_pg_attribute) GETSTRUCT(tp);
		if (!att->attisdropped)
		{
			if (att->attlen > 0)
				w = att->attlen;
			else
			{
				w = get_attavgwidth(relid, attnum);
				if (w <= 0)
					w = get_typavgwidth(att->atttypid, att->atttypmod);
			}
			width += w;
		}
		ReleaseSysCache(tp);
	}
	return width + MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData);
}

/* Rows and bytes of one relation with storage. */
static void
estimate_leaf(Oid relid, int64 *rows, int64 *bytes, bool use_overrides)
{
	HeapTuple	tp;
	Form_pg_class cls;
	int64		main_bytes;
	double		blocks;
	double		density;

	if (use_overrides && mg_overridden_table_facts(relid, rows, bytes))
		return;
	*rows = 0;
	*bytes = 0;
	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tp))
		return;
	cls = (Form_pg_class) GETSTRUCT(tp);
	main_bytes = main_fork_bytes(cls, relid);
	if (main_bytes < 0)
	{
		/* No storage we can see: fall back on the last statistics. */
		*rows = cls->reltuples > 0 ? (int64) cls->reltuples : 0;
		*bytes = (int64) cls->relpages * BLCKSZ;
		ReleaseSysCache(tp);
		return;
	}
	blocks = (double) (main_bytes / BLCKSZ);
	if (cls->reltuples >= 0 && cls->relpages > 0)
		density = cls->reltuples / cls->relpages;
	else
	{
		int32		width = row_width(relid, cls->relnatts);
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
		HeapTuple	ttp = SearchSysCache1(RELOID, ObjectIdGetDatum(cls->reltoastrelid));

		if (HeapTupleIsValid(ttp))
		{
			int64		toast = main_fork_bytes((Form_pg_class) GETSTRUCT(ttp), cls->reltoastrelid);

			if (toast > 0)
				*bytes += toast;
			ReleaseSysCache(ttp);
		}
	}
	ReleaseSysCache(tp);
}

/*
 * Whether the current transaction created relid.  Only a relation whose
 * pg_class row this transaction wrote can be: then we already hold a lock on
 * it, and the relcache entry tells for sure (rd_createSubid), unlike xmin
 * alone, which an earlier ALTER TABLE in the same transaction also sets.
 */
static bool
created_in_current_transaction(Oid relid, HeapTuple classtup)
{
	Relation	rel;
	bool		created;

	if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(classtup->t_data)))
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

bool
mg_table_facts(Oid relid, MgTable *table)
{
	return mg_table_facts_with(relid, table, false);
}

bool
mg_table_facts_with(Oid relid, MgTable *table, bool use_overrides)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class cls;

	memset(table, 0, sizeof(*table));
	if (!HeapTupleIsValid(tp))
		return false;
	cls = (Form_pg_class) GETSTRUCT(tp);
	table->name.name = pstrdup(NameStr(cls->relname));
	table->name.schema = get_namespace_name(cls->relnamespace);
	if (table->name.schema == NULL)
		table->name.schema = "";
	table->kind = cls->relkind;
	table->temporary = cls->relpersistence == RELPERSISTENCE_TEMP;
	table->created_in_transaction = created_in_current_transaction(relid, tp);
	ReleaseSysCache(tp);
	if (table->kind == RELKIND_RELATION || table->kind == RELKIND_MATVIEW)
		mg_foreach_index(relid, collect_invalid, table);

	if (table->kind == RELKIND_PARTITIONED_TABLE)
	{
		List	   *all = find_all_inheritors(relid, NoLock, NULL);
		List	   *children = find_inheritance_children(relid, NoLock);
		ListCell   *lc;
		MgName	   *names;
		bool		nested = false;
		int			n = 0;

		table->rows = 0;
		table->bytes = 0;
		foreach(lc, all)
		{
			Oid			child = lfirst_oid(lc);
			int64		rows,
						bytes;

			if (child == relid || get_rel_relkind(child) == RELKIND_PARTITIONED_TABLE)
				continue;
			estimate_leaf(child, &rows, &bytes, use_overrides);
			table->rows += rows;
			table->bytes += bytes;
		}
		table->partition_count = list_length(children);
		names = (MgName *) palloc0(sizeof(MgName) * Max(1, Min(list_length(children),
															MG_MAX_LISTED_PARTITIONS)));
		foreach(lc, children)
		{
			Oid			child = lfirst_oid(lc);
			char	   *relname = get_rel_name(child);

			if (get_rel_relkind(child) == RELKIND_PARTITIONED_TABLE)
				nested = true;
			if (relname == NULL || n >= MG_MAX_LISTED_PARTITIONS)
				continue;
			names[n].name = relname;
			names[n].schema = get_namespace_name(get_rel_namespace(child));
			n++;
		}
		/* Sub-partitions need their own ON ONLY level: the recipe then stays in prose. */
		table->partitions = names;
		table->npartitions = nested ? 0 : n;
	}
	else
		estimate_leaf(relid, &table->rows, &table->bytes, use_overrides);
	return true;
}
