/*
 * The model of a DDL statement (see dispatch.cpp): the indexes ATTACH
 * PARTITION builds on the partition.
 *
 * AttachPartitionEnsureIndexes (tablecmds.c, PostgreSQL 15 and 18): for
 * each partitioned index of the parent, the first index of the partition
 * that has no parent index yet, is valid, and matches it (CompareIndexInfo
 * with the columns mapped by name; for a PRIMARY KEY, UNIQUE or EXCLUDE
 * constraint's index, one that backs a constraint too) is attached; when
 * none matches, DefineIndex builds a copy on the partition, reading every
 * row under the partition's ACCESS EXCLUSIVE lock.
 */
#include "glue/model/builder.hpp"

extern "C" {
#include "access/attmap.h"
}

/* Opens an index without waiting: NULL when someone is in the way. */
static Relation
peek_index(Oid indexid)
{
	Relation	rel;

	if (!ConditionalLockRelationOid(indexid, AccessShareLock))
		return NULL;
	rel = try_relation_open(indexid, NoLock);
	if (rel == NULL)
		UnlockRelationOid(indexid, AccessShareLock);
	return rel;
}

static void
release_index(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);

	relation_close(rel, NoLock);
	UnlockRelationOid(relid, AccessShareLock);
}

/*
 * The parent index's definition as CREATE INDEX CONCURRENTLY on the
 * partition (the server names it): NULL when the definition is not in the
 * expected form, or the index backs a constraint (the partition then needs
 * the constraint too: ADD CONSTRAINT ... USING INDEX, said in the hint).
 */
static char *
concurrent_twin_sql(Oid parent_index, Oid parentid, Relation part)
{
	char	   *def = TextDatumGetCString(DirectFunctionCall1(pg_get_indexdef,
															   ObjectIdGetDatum(parent_index)));
	char	   *name = get_rel_name(parent_index);
	char	   *nsp = get_namespace_name(get_rel_namespace(parentid));
	char	   *parent_name = get_rel_name(parentid);
	const char *unique = "";
	const char *rest;
	char	   *prefix;

	if (name == NULL || nsp == NULL || parent_name == NULL)
		return NULL;
	prefix = psprintf("CREATE INDEX %s ON ONLY %s ", quote_identifier(name),
					  quote_qualified_identifier(nsp, parent_name));
	if (strncmp(def, prefix, strlen(prefix)) != 0)
	{
		prefix = psprintf("CREATE UNIQUE INDEX %s ON ONLY %s ", quote_identifier(name),
						  quote_qualified_identifier(nsp, parent_name));
		if (strncmp(def, prefix, strlen(prefix)) != 0)
			return NULL;
		unique = "UNIQUE ";
	}
	rest = def + strlen(prefix);
	return psprintf("CREATE %sINDEX CONCURRENTLY ON %s %s;", unique,
					quote_qualified_identifier(get_namespace_name(RelationGetNamespace(part)),
											   RelationGetRelationName(part)),
					rest);
}

/*
 * Fills op's built_indexes, built_index_names and built_index_sql for ATTACH
 * PARTITION of part to parent; returns the number of indexes built.  An
 * index we cannot open without waiting counts as built (the safe side).
 */
int
attach_partition_indexes(Relation parent, Relation part, MgOperation *op)
{
	List	   *parent_indexes = RelationGetIndexList(parent);
	List	   *part_indexes;
	Relation   *part_rels;
	IndexInfo **part_infos;
	bool	   *used;
	int			npart;
	int			i;
	int			built = 0;
	ListCell   *lc;
	StringInfoData names;
	StringInfoData sql;
	AttrMap    *attmap;

	if (parent_indexes == NIL || part->rd_rel->relkind != RELKIND_RELATION)
		return 0;
	part_indexes = RelationGetIndexList(part);
	npart = list_length(part_indexes);
	part_rels = (Relation *) palloc0(sizeof(Relation) * Max(1, npart));
	part_infos = (IndexInfo **) palloc0(sizeof(IndexInfo *) * Max(1, npart));
	used = (bool *) palloc0(sizeof(bool) * Max(1, npart));
	i = 0;
	foreach(lc, part_indexes)
	{
		part_rels[i] = peek_index(lfirst_oid(lc));
		if (part_rels[i])
			part_infos[i] = BuildIndexInfo(part_rels[i]);
		i++;
	}
#if PG_VERSION_NUM >= 160000
	attmap = build_attrmap_by_name(RelationGetDescr(part), RelationGetDescr(parent), false);
#else
	attmap = build_attrmap_by_name(RelationGetDescr(part), RelationGetDescr(parent));
#endif
	initStringInfo(&names);
	initStringInfo(&sql);
	foreach(lc, parent_indexes)
	{
		Oid			idx = lfirst_oid(lc);
		Relation	idxrel = peek_index(idx);
		bool		found = false;
		Oid			constraint;
		char	   *twin;

		if (idxrel != NULL && idxrel->rd_rel->relkind != RELKIND_PARTITIONED_INDEX)
		{
			release_index(idxrel);
			continue;
		}
		constraint = get_relation_idx_constraint_oid(RelationGetRelid(parent), idx);
		if (idxrel != NULL)
		{
			IndexInfo  *info = BuildIndexInfo(idxrel);

			for (i = 0; i < npart && !found; i++)
			{
				if (part_rels[i] == NULL || used[i] ||
					part_rels[i]->rd_rel->relispartition || !part_rels[i]->rd_index->indisvalid)
					continue;
				if (!CompareIndexInfo(part_infos[i], info, part_rels[i]->rd_indcollation,
									  idxrel->rd_indcollation, part_rels[i]->rd_opfamily,
									  idxrel->rd_opfamily, attmap))
					continue;
				if (OidIsValid(constraint) &&
					!OidIsValid(get_relation_idx_constraint_oid(RelationGetRelid(part),
																 RelationGetRelid(part_rels[i]))))
					continue;
				used[i] = true;
				found = true;
			}
		}
		if (!found)
		{
			built++;
			appendStringInfo(&names, "%s%s", names.len ? ", " : "",
							 quote_identifier(get_rel_name(idx) ? get_rel_name(idx) : "?"));
			twin = OidIsValid(constraint) ? NULL
				: concurrent_twin_sql(idx, RelationGetRelid(parent), part);
			if (twin)
				appendStringInfo(&sql, "%s%s", sql.len ? "\n" : "", twin);
		}
		if (idxrel != NULL)
			release_index(idxrel);
	}
	for (i = 0; i < npart; i++)
		if (part_rels[i])
			release_index(part_rels[i]);
	op->built_indexes = built;
	op->built_index_names = built ? names.data : NULL;
	op->built_index_sql = sql.len ? sql.data : NULL;
	return built;
}
