/*
 * The model of a DDL statement (see dispatch.cpp): VACUUM, LOCK, CREATE TABLE, COMMENT.
 */
#include "glue/model/builder.hpp"

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

void
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
		relid = mg_script_relid(m->script, vr->relation);
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
		{
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA,
					"ANALYZE reads a sample of the table");

			/*
			 * A partitioned table: expand_vacuum_rel adds every partition,
			 * each analyzed under its own SHARE UPDATE EXCLUSIVE lock; from
			 * PostgreSQL 18 on, the children of plain inheritance too
			 * (without ONLY).  Before, acquire_inherited_sample_rows samples
			 * them under ACCESS SHARE.
			 */
#if PG_VERSION_NUM >= 180000
			if (vr->relation->inh)
				add_inheritors(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA,
							   "ANALYZE reads a sample of the table");
			else
#endif
			if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
				add_partitions(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA,
							   "ANALYZE reads a sample of the table");
			else
				add_inheritors(m, relid, AccessShareLock, EFFECT_METADATA,
							   "ANALYZE reads a sample of the table");
		}
	}
}

void
model_lock(MgModel *m, LockStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);
		Oid			relid = mg_script_relid(m->script, rv);

		if (!OidIsValid(relid))
			continue;
		add_rel(m, relid, stmt->mode, EFFECT_NONE, NULL);
		/* LockTableRecurse: every inheritor, partitions and plain children. */
		if (rv->inh)
			add_inheritors(m, relid, stmt->mode, EFFECT_NONE, NULL);
	}
}

/*
 * The table a foreign key of a new table references: SHARE ROW EXCLUSIVE,
 * on each of its partitions too (addFkRecurseReferenced).
 */
static void
add_referenced(MgModel *m, Constraint *con)
{
	Oid			refid = mg_script_relid(m->script, con->pktable);

	if (OidIsValid(refid) && add_rel(m, refid, ShareRowExclusiveLock, EFFECT_METADATA, NULL))
		add_partitions(m, refid, ShareRowExclusiveLock, EFFECT_METADATA, NULL);
}

void
model_create_table(MgModel *m, CreateStmt *stmt)
{
	ListCell   *lc;

	/* A partition: the parent is locked, a default partition scanned. */
	if (stmt->partbound && stmt->inhRelations)
	{
		Oid			parentid = mg_script_relid(m->script, (RangeVar *) linitial(stmt->inhRelations));

		if (OidIsValid(parentid))
		{
			Oid			defaultid = get_default_partition_oid(parentid);

			add_rel(m, parentid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			if (OidIsValid(defaultid) &&
				!default_partition_proven(m, parentid, defaultid, stmt->partbound))
			{
				/* check_default_partition_contents: each leaf of a partitioned default too */
				MgTable		part;
				char	   *bound = NULL;

				add_rel(m, defaultid, AccessExclusiveLock, EFFECT_SCAN, "default partition check");
				add_partitions(m, defaultid, AccessExclusiveLock, EFFECT_SCAN,
							   "default partition check");
				/* The new partition by its name, and its bound as written. */
				memset(&part, 0, sizeof(part));
				part.name.schema = stmt->relation->schemaname;
				if (part.name.schema == NULL)
				{
					/* Where CREATE puts it: the first schema of search_path. */
					List	   *path = fetch_search_path(false);

					if (path != NIL)
						part.name.schema = get_namespace_name(linitial_oid(path));
				}
				part.name.name = stmt->relation->relname;
				if (stmt->partbound->location >= 0 && m->query)
				{
					char	   *text = whole_tokens(m->query + stmt->partbound->location, false, m);

					if (text)
						bound = pg_strncasecmp(text, "DEFAULT", 7) == 0
							? text : psprintf("FOR VALUES %s", text);
				}
				model_default_partition_scan(m, defaultid, &part, bound);
			}
			/* The parent's foreign keys, and those to it, extend to the new partition. */
			if (get_rel_relkind(parentid) == RELKIND_PARTITIONED_TABLE)
				model_partition_fks(m, parentid, InvalidOid, false);
		}
	}
	else
	{
		foreach(lc, stmt->inhRelations)
		{
			Oid			parentid = mg_script_relid(m->script, (RangeVar *) lfirst(lc));

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

		/* LIKE: transformTableLikeClause reads it under ACCESS SHARE. */
		if (IsA(elt, TableLikeClause))
		{
			Oid			likeid = mg_script_relid(m->script, ((TableLikeClause *) elt)->relation);

			if (OidIsValid(likeid))
				add_rel(m, likeid, AccessShareLock, EFFECT_METADATA, NULL);
			continue;
		}
		if (IsA(elt, ColumnDef))
			cons = ((ColumnDef *) elt)->constraints;
		else if (IsA(elt, Constraint))
			cons = list_make1(elt);
		foreach(cc, cons)
		{
			Constraint *con = (Constraint *) lfirst(cc);

			if (IsA(con, Constraint) && con->contype == CONSTR_FOREIGN && con->pktable)
				add_referenced(m, con);
		}
	}
	foreach(lc, stmt->constraints)
	{
		Constraint *con = (Constraint *) lfirst(lc);

		if (IsA(con, Constraint) && con->contype == CONSTR_FOREIGN && con->pktable)
			add_referenced(m, con);
	}
}

void
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
		Oid			relid = mg_script_relid(m->script, rv);

		if (OidIsValid(relid))
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA, NULL);
	}
	else if (stmt->objtype == OBJECT_TABCONSTRAINT || stmt->objtype == OBJECT_TRIGGER ||
			 stmt->objtype == OBJECT_RULE || stmt->objtype == OBJECT_POLICY)
	{
		/*
		 * get_object_address_relobject opens the table in ACCESS SHARE mode;
		 * COMMENT's own lock is on the object, not the table.
		 */
		Oid			relid = relation_of_object(m, castNode(List, stmt->object));

		if (OidIsValid(relid))
			add_rel(m, relid, AccessShareLock, EFFECT_METADATA, NULL);
	}
}
