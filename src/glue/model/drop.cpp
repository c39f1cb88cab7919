/*
 * The model of a DDL statement (see dispatch.cpp): DROP, TRUNCATE, RENAME.
 */
#include "glue/model/builder.hpp"

/* ---------- DROP, TRUNCATE, RENAME and the rest ---------- */

/*
 * The tables a constraint row references (foreign keys to other tables)
 * through triggers of their own: the foreign key of a partition, cloned from
 * its parent's, has its action triggers on the referenced table only through
 * the parent's (addFkRecurseReferencing), so dropping the partition leaves
 * the referenced table alone.
 */
void
collect_referenced(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **fks = (List **) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

	(void) desc;
	if (con->contype == CONSTRAINT_FOREIGN && con->confrelid != con->conrelid &&
		!OidIsValid(con->conparentid))
		*fks = list_append_unique_oid(*fks, con->confrelid);
}

/*
 * The tables whose foreign keys reference relid (pg_constraint has no index
 * on confrelid: a scan of the catalog), the foreign keys of other tables to
 * the partitions of a referenced partitioned table included.
 */
static List *
referencing_tables(Oid relid, List **roots)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	List	   *result = NIL;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

		if (con->contype == CONSTRAINT_FOREIGN && con->confrelid == relid && con->conrelid != relid)
		{
			result = list_append_unique_oid(result, con->conrelid);
			/*
			 * The clone of a foreign key to a partitioned table, for this
			 * partition: dropping it drops the whole foreign key, with its
			 * triggers on every partition of the referenced table.
			 */
			if (OidIsValid(con->conparentid) && roots)
			{
				Oid			parent = con->conparentid;
				Oid			root = InvalidOid;

				for (int depth = 0; OidIsValid(parent) && depth < 32; depth++)
				{
					HeapTuple	pt = SearchSysCache1(CONSTROID, ObjectIdGetDatum(parent));

					if (!HeapTupleIsValid(pt))
						break;
					root = ((Form_pg_constraint) GETSTRUCT(pt))->confrelid;
					parent = ((Form_pg_constraint) GETSTRUCT(pt))->conparentid;
					ReleaseSysCache(pt);
				}
				if (OidIsValid(root))
					*roots = list_append_unique_oid(*roots, root);
			}
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/* The views and materialized views whose query reads relid (their _RETURN rule depends on it). */
static List *
dependent_views(Oid relid)
{
	Relation	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *result = NIL;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(RelationRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		Oid			view;

		if (dep->classid != RewriteRelationId || dep->deptype != DEPENDENCY_NORMAL)
			continue;
		view = get_rewrite_relation(dep->objid);
		if (OidIsValid(view) && view != relid)
			result = list_append_unique_oid(result, view);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/* The relation a rule belongs to (pg_rewrite.ev_class), or InvalidOid. */
Oid
get_rewrite_relation(Oid ruleid)
{
	Relation	rel = table_open(RewriteRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			result = InvalidOid;

	ScanKeyInit(&key, Anum_pg_rewrite_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ruleid));
	scan = systable_beginscan(rel, RewriteOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		result = ((Form_pg_rewrite) GETSTRUCT(tup))->ev_class;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

static void add_drop_table_depth(MgModel *m, Oid relid, bool cascade, int depth);
static void drop_dependent_views(MgModel *m, Oid relid, int depth);

void
add_drop_table(MgModel *m, Oid relid, bool cascade)
{
	add_drop_table_depth(m, relid, cascade, 0);
}

static void
add_drop_table_depth(MgModel *m, Oid relid, bool cascade, int depth)
{
	MgOperation *op;
	List	   *fks;
	ListCell   *lc;

	if (depth > 8 || !add_rel(m, relid, AccessExclusiveLock, EFFECT_DROP, NULL))
		return;
	op = add_op(m, MG_OP_DROP_TABLE, relid);
	op->cascade = cascade;
	add_partitions(m, relid, AccessExclusiveLock, EFFECT_DROP, NULL);

	/* A partition: heap_drop_with_catalog locks its parent. */
	if (get_rel_relispartition(relid))
	{
		Oid			parent = get_partition_parent(relid, true);

		if (OidIsValid(parent))
			add_rel(m, parent, AccessExclusiveLock, EFFECT_METADATA, NULL);
	}

	/* Its foreign keys' triggers on the referenced tables go too. */
	fks = NIL;
	mg_foreach_constraint(relid, collect_referenced, &fks);
	foreach(lc, fks)
		add_rel(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL);

	if (!cascade)
		return;
	/*
	 * CASCADE: the foreign keys of other tables that reference it are
	 * dropped (RemoveConstraintById locks their table), the children of
	 * plain inheritance and the views and materialized views that read it
	 * go with it.
	 */
	{
		List	   *roots = NIL;

		foreach(lc, referencing_tables(relid, &roots))
			add_rel(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL);
		foreach(lc, roots)
			if (add_rel(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL))
				add_partitions(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL);
	}
	if (get_rel_relkind(relid) == RELKIND_RELATION && has_subclass(relid))
		foreach(lc, find_inheritance_children(relid, NoLock))
			add_drop_table_depth(m, lfirst_oid(lc), true, depth + 1);
	drop_dependent_views(m, relid, depth);
}

/* The views and materialized views that read relid, dropped by a CASCADE. */
static void
drop_dependent_views(MgModel *m, Oid relid, int depth)
{
	ListCell   *lc;

	if (depth > 8)
		return;
	foreach(lc, dependent_views(relid))
	{
		Oid			view = lfirst_oid(lc);
		char		relkind = get_rel_relkind(view);

		if (relkind == RELKIND_MATVIEW)
			add_drop_table_depth(m, view, true, depth + 1);
		else if (relkind == RELKIND_VIEW && add_rel(m, view, AccessExclusiveLock, EFFECT_DROP, NULL))
			drop_dependent_views(m, view, depth + 1);
	}
}

/*
 * The table of a trigger, rule, policy or table constraint named by names
 * (the table's qualified name, then the object's), or InvalidOid.
 */
Oid
relation_of_object(MgModel *m, List *names)
{
	if (list_length(names) < 2)
		return InvalidOid;
	/* Through the script state: a table renamed earlier in a reviewed script. */
	return mg_script_relid(m->script,
						   makeRangeVarFromNameList(list_truncate(list_copy(names),
																  list_length(names) - 1)));
}

/* Whether relid has a row-level trigger named name (cloned onto partitions). */
static bool
is_row_trigger(Oid relid, const char *name)
{
	Relation	rel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		result = false;

	ScanKeyInit(&key[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum(name));
	scan = systable_beginscan(rel, TriggerRelidNameIndexId, true, NULL, 2, key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		result = TRIGGER_FOR_ROW(((Form_pg_trigger) GETSTRUCT(tup))->tgtype);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * DROP TRIGGER, DROP RULE, DROP POLICY: RemoveTriggerById,
 * RemoveRewriteRuleById and RemovePolicyById lock the table in ACCESS
 * EXCLUSIVE mode; a row-level trigger of a partitioned table has clones on
 * every partition, dropped with it.
 */
static void
model_drop_table_object(MgModel *m, DropStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		List	   *names = (List *) lfirst(lc);
		Oid			relid = relation_of_object(m, names);

		if (!OidIsValid(relid) || !add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL))
			continue;
		if (stmt->removeType == OBJECT_TRIGGER &&
			get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE &&
			is_row_trigger(relid, strVal(llast(names))))
			add_partitions(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
	}
}

void
model_drop(MgModel *m, DropStmt *stmt)
{
	ListCell   *lc;
	bool		cascade = stmt->behavior == DROP_CASCADE;

	switch (stmt->removeType)
	{
		case OBJECT_INDEX:
			model_drop_index(m, stmt);
			break;
		case OBJECT_TRIGGER:
		case OBJECT_RULE:
		case OBJECT_POLICY:
			model_drop_table_object(m, stmt);
			break;
		case OBJECT_TABLE:
		case OBJECT_MATVIEW:
			foreach(lc, stmt->objects)
			{
				RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
				Oid			relid = mg_script_relid(m->script, rv);

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

void
model_truncate(MgModel *m, TruncateStmt *stmt)
{
	ListCell   *lc;
	List	   *relids = NIL;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);
		Oid			relid = mg_script_relid(m->script, rv);
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

void
model_rename(MgModel *m, RenameStmt *stmt)
{
	Oid			relid;
	MgOperation *op;

	if (stmt->relation == NULL)
		return;
	relid = mg_script_relid(m->script, stmt->relation);
	if (!OidIsValid(relid))
		return;
	switch (stmt->renameType)
	{
		case OBJECT_TRIGGER:
			/*
			 * renametrig: ACCESS EXCLUSIVE; from PostgreSQL 15 on, the clones
			 * of a row-level trigger of a partitioned table are renamed too.
			 */
			if (!add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL))
				return;
#if PG_VERSION_NUM >= 150000
			if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE &&
				is_row_trigger(relid, stmt->subname))
				add_partitions(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
#endif
			break;
		case OBJECT_RULE:
		case OBJECT_POLICY:
			/* RenameRewriteRule, rename_policy: ACCESS EXCLUSIVE. */
			add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			break;
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
			if (get_attnum(relid, mg_script_column(m->script, relid, stmt->subname)) ==
				InvalidAttrNumber)
				return;
			op = add_op(m, MG_OP_RENAME_COLUMN, relid);
			op->column = stmt->subname;
			op->new_name = stmt->newname;
			{
				Oid			typid;
				int32		typmod;
				Oid			coll;

				get_atttypetypmodcoll(relid,
									  get_attnum(relid, mg_script_column(m->script, relid, stmt->subname)),
									  &typid, &typmod, &coll);
				op->type_sql = format_type_with_typemod(typid, typmod);
			}
			/* renameatt_internal: every inheritor, ACCESS EXCLUSIVE. */
			if (stmt->relation->inh)
				add_inheritors(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			break;
		case OBJECT_TABCONSTRAINT:
			if (!add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL))
				return;
			/* rename_constraint_internal recurses for an inheritable CHECK. */
			if (stmt->relation->inh)
			{
				Oid			conid = get_relation_constraint_oid(relid, stmt->subname, true);
				HeapTuple	tup = OidIsValid(conid)
					? SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid)) : NULL;

				if (HeapTupleIsValid(tup))
				{
					Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

					if (con->contype == CONSTRAINT_CHECK && !con->connoinherit)
						add_inheritors(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
					ReleaseSysCache(tup);
				}
			}
			break;
		default:
			break;
	}
}
