/*
 * The model of a DDL statement (see dispatch.cpp): what ALTER COLUMN ... TYPE
 * does to what depends on the column: its constraints and indexes checked or
 * built again, and the foreign keys on it (their tables locked, read again).
 */
#include "glue/model/builder.hpp"

/*
 * The foreign keys whose constraint goes with relid's column attnum (its own
 * foreign keys on the column: their action triggers on the referenced table
 * go, under ACCESS EXCLUSIVE) and, when cascade, those of other tables that
 * reference the column (RemoveConstraintById locks their table).  The clone
 * of a partition has no trigger of its own on the referenced table.
 */
typedef struct ColumnFkCtx
{
	AttrNumber	attnum;
	List	   *tables;
} ColumnFkCtx;

static bool
attnum_in(Datum arr, AttrNumber attnum)
{
	ArrayType  *a = DatumGetArrayTypeP(arr);
	int16	   *keys = (int16 *) ARR_DATA_PTR(a);
	int			n = ARR_DIMS(a)[0];

	for (int i = 0; i < n; i++)
		if (keys[i] == attnum)
			return true;
	return false;
}

static void
collect_column_fk(HeapTuple tup, TupleDesc desc, void *arg)
{
	ColumnFkCtx *ctx = (ColumnFkCtx *) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	bool		isnull;
	Datum		keys;

	if (con->contype != CONSTRAINT_FOREIGN || con->confrelid == con->conrelid ||
		OidIsValid(con->conparentid))
		return;
	keys = heap_getattr(tup, Anum_pg_constraint_conkey, desc, &isnull);
	if (!isnull && attnum_in(keys, ctx->attnum))
		ctx->tables = list_append_unique_oid(ctx->tables, con->confrelid);
}

/* Other tables whose foreign keys reference relid's column attnum, or the index indexid. */
List *
referencing_column(Oid relid, AttrNumber attnum, Oid indexid)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	List	   *result = NIL;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		bool		isnull;
		Datum		keys;

		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != relid || con->conrelid == relid)
			continue;
		if (OidIsValid(indexid))
		{
			if (con->conindid == indexid)
				result = list_append_unique_oid(result, con->conrelid);
			continue;
		}
		keys = heap_getattr(tup, Anum_pg_constraint_confkey, RelationGetDescr(rel), &isnull);
		if (!isnull && attnum_in(keys, attnum))
			result = list_append_unique_oid(result, con->conrelid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

void
lock_column_fks(MgModel *m, Oid relid, AttrNumber attnum, bool cascade)
{
	ColumnFkCtx ctx = {attnum, NIL};
	ListCell   *lc;

	mg_foreach_constraint(relid, collect_column_fk, &ctx);
	foreach(lc, ctx.tables)
		add_rel(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL);
	if (cascade)
		foreach(lc, referencing_column(relid, attnum, InvalidOid))
			add_rel(m, lfirst_oid(lc), AccessExclusiveLock, EFFECT_METADATA, NULL);
}

/* What a column type change does to the constraints and indexes on the column. */
typedef struct TypeChangeCtx
{
	AttrNumber	attnum;
	List	   *dropped;		/* constraints the statement drops first */
	bool		valid_check;	/* a validated CHECK constraint uses it */
	List	   *fks;			/* its foreign keys: pg_constraint oids */
} TypeChangeCtx;

static void
collect_type_change(HeapTuple tup, TupleDesc desc, void *arg)
{
	TypeChangeCtx *ctx = (TypeChangeCtx *) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	bool		isnull;
	Datum		keys = heap_getattr(tup, Anum_pg_constraint_conkey, desc, &isnull);

	ListCell   *lc;

	if (isnull || !attnum_in(keys, ctx->attnum))
		return;
	/* DROP CONSTRAINT runs in an earlier pass of the same ALTER TABLE. */
	foreach(lc, ctx->dropped)
		if (strcmp(strVal(lfirst(lc)), NameStr(con->conname)) == 0)
			return;
	if (con->contype == CONSTRAINT_CHECK && con->convalidated)
		ctx->valid_check = true;
	else if (con->contype == CONSTRAINT_FOREIGN && con->confrelid != con->conrelid)
		ctx->fks = lappend_oid(ctx->fks, con->oid);
}

/*
 * ALTER COLUMN TYPE drops and re-creates what depends on the column
 * (ATPostAlterTypeCleanup), and what it re-creates is checked again:
 * - a validated CHECK constraint is validated again: a scan of the table,
 *   when it is not rewritten anyway;
 * - an index whose collation changes cannot be kept (CheckIndexCompatible):
 *   it is built again;
 * - a foreign key on the column, or of another table to it: its triggers on
 *   the other table go (ACCESS EXCLUSIVE there), and the key is validated
 *   again (the other table read) unless it was NOT VALID, or neither table
 *   is rewritten and the column keeps its type (TryReuseForeignKey);
 *   reading the referenced side stops at an empty referencing table.
 */
void
model_type_change_dependents(MgModel *m, Oid relid, AlterTableCmd *cmd, MgOperation *op,
							 bool rewrite, List *cmds)
{
	ColumnDef  *def = (ColumnDef *) cmd->def;
	AttrNumber	attnum = get_attnum(relid, cmd->name);
	TypeChangeCtx ctx;
	Oid			oldtype,
				newtype,
				oldcoll,
				newcoll;
	int32		oldmod,
				newmod;
	bool		same_type;
	ListCell   *lc;
	Relation	crel;
	SysScanDesc scan;
	HeapTuple	tup;

	if (attnum == InvalidAttrNumber || def == NULL || !IsA(def, ColumnDef))
		return;
	get_atttypetypmodcoll(relid, attnum, &oldtype, &oldmod, &oldcoll);
	{
		Type		typ = LookupTypeName(NULL, def->typeName, &newmod, true);

		if (typ == NULL)
			return;
		newtype = ((Form_pg_type) GETSTRUCT(typ))->oid;
		ReleaseSysCache(typ);
	}
	same_type = getBaseType(newtype) == getBaseType(oldtype);
	newcoll = def->collClause ? get_collation_oid(def->collClause->collname, true)
		: get_typcollation(newtype);

	ctx.attnum = attnum;
	ctx.dropped = NIL;
	ctx.valid_check = false;
	ctx.fks = NIL;
	foreach(lc, cmds)
	{
		AlterTableCmd *c = (AlterTableCmd *) lfirst(lc);

		if (c->subtype == AT_DropConstraint && c->name)
			ctx.dropped = lappend(ctx.dropped, makeString(c->name));
	}
	mg_foreach_constraint(relid, collect_type_change, &ctx);
	/* The operation carries the costliest to the rules (type_change_scan). */
	if (!rewrite && ctx.valid_check)
	{
		add_rel(m, relid, NoLock, EFFECT_SCAN, "CHECK constraint validated again");
		if (op->effect < EFFECT_SCAN)
			op->effect = EFFECT_SCAN;
	}
	if (!rewrite && OidIsValid(newcoll) && newcoll != oldcoll && indexes_on_column(relid, attnum) > 0)
	{
		add_rel(m, relid, NoLock, EFFECT_INDEX_BUILD, "index built again for the new collation");
		if (op->effect < EFFECT_INDEX_BUILD)
			op->effect = EFFECT_INDEX_BUILD;
	}

	/* Its foreign keys: the referenced tables. */
	foreach(lc, ctx.fks)
	{
		HeapTuple	ct = SearchSysCache1(CONSTROID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_constraint con;
		bool		reads;

		if (!HeapTupleIsValid(ct))
			continue;
		con = (Form_pg_constraint) GETSTRUCT(ct);
		reads = con->convalidated && (rewrite || !same_type) && !table_is_empty(m, relid);
		add_rel(m, con->confrelid, AccessExclusiveLock, reads ? EFFECT_SCAN : EFFECT_METADATA,
				reads ? "FOREIGN KEY validated again" : NULL);
		ReleaseSysCache(ct);
	}

	/* The foreign keys of other tables to the column. */
	crel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(crel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		bool		isnull;
		Datum		keys;
		bool		again;

		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != relid ||
			con->conrelid == relid || OidIsValid(con->conparentid))
			continue;
		keys = heap_getattr(tup, Anum_pg_constraint_confkey, RelationGetDescr(crel), &isnull);
		if (isnull || !attnum_in(keys, attnum))
			continue;
		again = con->convalidated && (rewrite || !same_type);
		if (!add_rel(m, con->conrelid, AccessExclusiveLock, again ? EFFECT_SCAN : EFFECT_METADATA,
					 again ? "FOREIGN KEY validated again" : NULL))
			continue;
		if (again && !rewrite && !table_is_empty(m, con->conrelid))
		{
			add_rel(m, relid, NoLock, EFFECT_SCAN, "FOREIGN KEY validated again");
			if (op->effect < EFFECT_SCAN)
				op->effect = EFFECT_SCAN;
		}
	}
	systable_endscan(scan);
	table_close(crel, AccessShareLock);
}
