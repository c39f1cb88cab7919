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

void
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

void
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
			{
				/* check_default_partition_contents: each leaf of a partitioned default too */
				add_rel(m, defaultid, AccessExclusiveLock, EFFECT_SCAN, "default partition check");
				add_partitions(m, defaultid, AccessExclusiveLock, EFFECT_SCAN,
							   "default partition check");
			}
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
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);

		if (OidIsValid(relid))
			add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA, NULL);
	}
}
