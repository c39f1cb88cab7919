/*
 * The facts of a large partition tree read in one pass over the catalogs
 * (relation_facts.cpp asks for it): pg_inherits, pg_class and pg_index read
 * once when they are small next to the tree, instead of one syscache probe
 * per partition.  The rows land in mg_batch_class and mg_batch_invalid, which
 * relation_facts.cpp reads while it computes each leaf's facts.
 */
#include "glue/glue.hpp"
#include "glue/relation_tree.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
}

/*
 * What gather_classes() saw of the relations of the last tree it read: all
 * of them (none vanished), and whether any has an index.
 */
static HTAB *gathered_classes = NULL;
static bool gathered_complete = false;
static bool gathered_any_index = false;

/*
 * Gathers the invalid indexes of every relation in relids (more than a few)
 * into mg_batch_invalid: one pass over pg_index when that is cheaper than one
 * index probe per relation (a probe costs about what reading some 80 rows
 * does), else one probe each.
 */
void
mg_gather_invalid_indexes(List *relids, HTAB *classes)
{
	HASHCTL		ctl;
	Relation	rel;
	TableScanDesc scan;	/* a heap scan: no slot per row (issue 19) */
	HeapTuple	tup;
	HTAB	   *wanted;
	ListCell   *lc;
	float4		nindexes;

	/* No pass at all when the batch shows that no relation of the tree has an index. */
	if (classes != NULL)
	{
		bool		any = false;

		if (classes == gathered_classes && gathered_complete)
			any = gathered_any_index;	/* seen while the rows were read */
		else
		{
			foreach(lc, relids)
			{
				Oid			relid = lfirst_oid(lc);
				ClassRow   *row = (ClassRow *) hash_search(classes, &relid, HASH_FIND, NULL);

				if (row == NULL || row->cls.relhasindex)
				{
					any = true;
					break;
				}
			}
		}
		if (!any)
		{
			memset(&ctl, 0, sizeof(ctl));
			ctl.keysize = sizeof(Oid);
			ctl.entrysize = sizeof(InvalidIndexes);
			ctl.hcxt = CurrentMemoryContext;
			mg_batch_invalid = hash_create("migration_guard invalid indexes", 16, &ctl,
										HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
			return;
		}
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(InvalidIndexes);
	ctl.hcxt = CurrentMemoryContext;
	wanted = hash_create("migration_guard relids", list_length(relids) * 2, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	mg_batch_invalid = hash_create("migration_guard invalid indexes", 64, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);

		(void) hash_search(wanted, &relid, HASH_ENTER, NULL);
	}
	rel = table_open(IndexRelationId, AccessShareLock);
	nindexes = rel->rd_rel->reltuples;
	if (nindexes < 0 || nindexes > 80.0 * list_length(relids))
	{
		/* A large pg_index: one probe per relation. */
		table_close(rel, AccessShareLock);
		hash_destroy(wanted);
		mg_batch_invalid = NULL;
		return;
	}
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
		InvalidIndexes *e;
		bool		found;
		char	   *name;

		if (idx->indisvalid || hash_search(wanted, &idx->indrelid, HASH_FIND, NULL) == NULL ||
			(name = get_rel_name(idx->indexrelid)) == NULL)
			continue;
		e = (InvalidIndexes *) hash_search(mg_batch_invalid, &idx->indrelid, HASH_ENTER, &found);
		if (!found)
			e->names = NIL;
		e->names = lappend(e->names, name);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	hash_destroy(wanted);
}


/* Whether a catalog of this many rows is cheaper to read whole than by n index probes. */
static bool
small_catalog(Relation rel, int n)
{
	float4		ntuples = rel->rd_rel->reltuples;

	/* an index probe costs about what reading some 80 rows does */
	return ntuples >= 0 && ntuples <= 80.0 * n;
}

/*
 * Every pg_class row of the relations in all and of every TOAST table, read
 * in one pass over pg_class, into a hash in the current context.  NULL when
 * pg_class is too large for one pass to pay.  *nested: whether a relation
 * of all other than the first is partitioned itself (its children are not
 * in all).
 */
static HTAB *
gather_classes(List *all, bool *nested)
{
	HASHCTL		ctl;
	Relation	rel;
	TableScanDesc scan;	/* a heap scan: no slot per row (issue 19) */
	HeapTuple	tup;
	HTAB	   *classes;
	ListCell   *lc;
	Oid			first = linitial_oid(all);
	Oid			lo = PG_UINT32_MAX;
	Oid			hi = 0;
	int			read = 0;
	bool		any_index = false;

	*nested = false;
	rel = table_open(RelationRelationId, AccessShareLock);
	if (!small_catalog(rel, list_length(all)))
	{
		table_close(rel, AccessShareLock);
		return NULL;
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(ClassRow);
	ctl.hcxt = CurrentMemoryContext;
	classes = hash_create("migration_guard classes", list_length(all) * 2, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	foreach(lc, all)
	{
		Oid			oid = lfirst_oid(lc);
		ClassRow   *row = (ClassRow *) hash_search(classes, &oid, HASH_ENTER, NULL);

		row->xmin = InvalidTransactionId;	/* not read (yet) */
		lo = Min(lo, oid);
		hi = Max(hi, oid);
	}
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);
		ClassRow   *row;

		/* an index, sequence, view or composite type is never in a partition tree */
		if (cls->relkind == RELKIND_INDEX || cls->relkind == RELKIND_PARTITIONED_INDEX ||
			cls->relkind == RELKIND_SEQUENCE || cls->relkind == RELKIND_VIEW ||
			cls->relkind == RELKIND_COMPOSITE_TYPE)
			continue;
		/*
		 * A TOAST table gets its OID after its table's (a rewrite makes a new
		 * one, later still): one older than every relation of the tree
		 * belongs to another table, but after an OID wraparound, when
		 * class_lookup() finds it in the syscache.
		 */
		if (cls->relkind == RELKIND_TOASTVALUE)
		{
			if (cls->oid < lo)
				continue;
			row = (ClassRow *) hash_search(classes, &cls->oid, HASH_ENTER, NULL);
		}
		else if (cls->oid < lo || cls->oid > hi)
			continue;			/* outside the tree's range of OIDs: not in it */
		else
		{
			row = (ClassRow *) hash_search(classes, &cls->oid, HASH_FIND, NULL);
			if (row == NULL)
				continue;
			read++;
			if (cls->relkind == RELKIND_PARTITIONED_TABLE && cls->oid != first)
				*nested = true;
			if (cls->relhasindex)
				any_index = true;
		}
		row->xmin = HeapTupleHeaderGetXmin(tup->t_data);
		memcpy(&row->cls, cls, sizeof(FormData_pg_class));
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	gathered_classes = classes;
	gathered_complete = read == list_length(all);
	gathered_any_index = any_index;
	/* a relation not found (dropped meanwhile) goes to the syscache, which says so */
	if (read < list_length(all))
	{
		foreach(lc, all)
		{
			Oid			oid = lfirst_oid(lc);
			ClassRow   *row = (ClassRow *) hash_search(classes, &oid, HASH_FIND, NULL);

			if (row != NULL && !TransactionIdIsValid(row->xmin))
				(void) hash_search(classes, &oid, HASH_REMOVE, NULL);
		}
	}
	return classes;
}

/*
 * The partition tree below relid, relid first, in find_all_inheritors()'s
 * order (breadth first, the children of each relation by OID, each relation
 * once), with every pg_class row of the tree and every TOAST table's read in
 * one pass over pg_class into mg_batch_class.  children: relid's own
 * (find_inheritance_children(), by OID, partitions being detached left
 * out).  A tree of 1 000 partitions otherwise costs 1 000 catalog-cache
 * misses for find_all_inheritors() (has_subclass()), and as many for their
 * TOAST tables (issue 19).  A tree of one level is relid and its children:
 * nothing more to read.  A deeper one comes from one pass over pg_inherits.
 * NIL when the catalogs are too large for one pass to pay: then the caller
 * asks the caches.
 */
List *
mg_gather_tree(Oid relid, List *direct)
{
	HASHCTL		ctl;
	Relation	rel;
	TableScanDesc scan;	/* a heap scan: no slot per row (issue 19) */
	HeapTuple	tup;
	HTAB	   *children;
	HTAB	   *classes;
	HTAB	   *seen;
	List	   *all;
	ListCell   *lc;
	int			n;
	bool		nested;
	typedef struct ChildList
	{
		Oid			parent;
		List	   *children;
	} ChildList;

	/* One level (the usual case): the tree is relid and its children. */
	all = lcons_oid(relid, list_copy(direct));
	classes = gather_classes(all, &nested);
	if (classes != NULL && !nested)
	{
		mg_batch_class = classes;
		return all;
	}
	if (classes != NULL)
		hash_destroy(classes);
	list_free(all);

	rel = table_open(InheritsRelationId, AccessShareLock);
	n = (int) Min(rel->rd_rel->reltuples, 1e6);
	if (!small_catalog(rel, list_length(direct)))
	{
		/* pg_inherits is large: a pass costs more than it saves unless the tree is too */
		table_close(rel, AccessShareLock);
		return NIL;
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(ChildList);
	ctl.hcxt = CurrentMemoryContext;
	children = hash_create("migration_guard inherits", Max(n, 64), &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_inherits inh = (Form_pg_inherits) GETSTRUCT(tup);
		ChildList  *e;
		bool		found;

		/* as find_inheritance_children(): a detach the active snapshot sees is done */
		if (inh->inhdetachpending && ActiveSnapshotSet() &&
			!XidInMVCCSnapshot(HeapTupleHeaderGetXmin(tup->t_data), GetActiveSnapshot()))
			continue;
		e = (ChildList *) hash_search(children, &inh->inhparent, HASH_ENTER, &found);
		if (!found)
			e->children = NIL;
		e->children = lappend_oid(e->children, inh->inhrelid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);

	/* breadth first, as find_all_inheritors() */
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(Oid);
	seen = hash_create("migration_guard seen", Max(n, 64), &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	all = list_make1_oid(relid);
	(void) hash_search(seen, &relid, HASH_ENTER, NULL);
	foreach(lc, all)
	{
		Oid			parent = lfirst_oid(lc);
		ChildList  *e = (ChildList *) hash_search(children, &parent, HASH_FIND, NULL);
		ListCell   *c;

		if (e == NULL)
			continue;
		list_sort(e->children, list_oid_cmp);
		foreach(c, e->children)
		{
			Oid			child = lfirst_oid(c);
			bool		found;

			(void) hash_search(seen, &child, HASH_ENTER, &found);
			if (!found)
				all = lappend_oid(all, child);
		}
	}
	hash_destroy(children);
	hash_destroy(seen);

	classes = gather_classes(all, &nested);
	if (classes != NULL)
		mg_batch_class = classes;
	return all;
}
