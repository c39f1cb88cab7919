/*
 * The model of a DDL statement (see dispatch.cpp): DROP, TRUNCATE, RENAME.
 */
#include "glue/model/builder.hpp"

/* ---------- DROP, TRUNCATE, RENAME and the rest ---------- */

/* The tables a constraint row references (foreign keys to other tables). */
void
collect_referenced(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **fks = (List **) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

	(void) desc;
	if (con->contype == CONSTRAINT_FOREIGN && con->confrelid != con->conrelid)
		*fks = list_append_unique_oid(*fks, con->confrelid);
}

void
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

void
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

void
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
