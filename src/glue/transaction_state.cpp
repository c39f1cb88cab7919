/*
 * The columns the current transaction added.
 *
 * Dropping a column that the same transaction added loses nothing anyone
 * else wrote (BEGIN; ADD COLUMN; backfill; DROP COLUMN: the migration
 * changed its mind).  The catalogs do not say it plainly: the xmin of the
 * column's pg_attribute row is the current transaction after an ADD COLUMN,
 * but also after any update of that row (SET DEFAULT, SET STATISTICS...), and
 * ADD COLUMN ... DEFAULT updates the row it inserted.  So the hook notes each
 * column an ADD COLUMN created, after the statement ran, keyed by the local
 * transaction id: nothing needs resetting at the end of the transaction, and
 * the list lives in TopTransactionContext, which goes with it.  A column
 * added in a subtransaction rolled back is gone: it cannot be dropped, and
 * an attribute number given again belongs to a column added again.
 */
#include "glue/transaction_state.hpp"
#include "glue/held_locks.hpp"

extern "C" {
#include "catalog/pg_attribute.h"
}

typedef struct AddedColumn
{
	Oid			relid;
	AttrNumber	attnum;
	char	   *name;			/* before the statement: the name to look up */
} AddedColumn;

static LocalTransactionId added_lxid = InvalidLocalTransactionId;
static List *added = NIL;		/* AddedColumn *, in TopTransactionContext */

List *
mg_columns_to_add(const MgModel *m)
{
	List	   *result = NIL;

	for (int i = 0; i < m->nops; i++)
	{
		AddedColumn *c;

		if (m->ops[i].kind != MG_OP_ADD_COLUMN || m->ops[i].column == NULL ||
			get_attnum(m->op_relids[i], m->ops[i].column) != InvalidAttrNumber)
			continue;
		c = (AddedColumn *) palloc0(sizeof(AddedColumn));
		c->relid = m->op_relids[i];
		c->name = pstrdup(m->ops[i].column);
		result = lappend(result, c);
	}
	return result;
}

void
mg_note_added_columns(List *columns)
{
	ListCell   *lc;

	if (columns == NIL)
		return;
	if (added_lxid != mg_current_lxid())
	{
		added_lxid = mg_current_lxid();
		added = NIL;			/* the last transaction's list went with its memory */
	}
	foreach(lc, columns)
	{
		AddedColumn *c = (AddedColumn *) lfirst(lc);
		AttrNumber	attnum = get_attnum(c->relid, c->name);
		MemoryContext old;
		AddedColumn *kept;

		if (attnum == InvalidAttrNumber)
			continue;
		old = MemoryContextSwitchTo(TopTransactionContext);
		kept = (AddedColumn *) palloc0(sizeof(AddedColumn));
		kept->relid = c->relid;
		kept->attnum = attnum;
		added = lappend(added, kept);
		MemoryContextSwitchTo(old);
	}
}

bool
mg_column_added_in_transaction(Oid relid, AttrNumber attnum)
{
	ListCell   *lc;

	if (added_lxid != mg_current_lxid())
		return false;
	foreach(lc, added)
	{
		AddedColumn *c = (AddedColumn *) lfirst(lc);

		if (c->relid == relid && c->attnum == attnum)
			return true;
	}
	return false;
}

/* Added by this transaction with no default: NULL in every row until the transaction writes it. */
static bool
null_in_every_row(Oid relid, AttrNumber attnum)
{
	HeapTuple	tp;
	bool		filled;

	if (!mg_column_added_in_transaction(relid, attnum))
		return false;
	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
	if (!HeapTupleIsValid(tp))
		return false;
	{
		Form_pg_attribute att = (Form_pg_attribute) GETSTRUCT(tp);

		filled = att->atthasdef || att->atthasmissing || att->attidentity || att->attgenerated;
	}
	ReleaseSysCache(tp);
	return !filled;
}

bool
mg_quals_select_every_row(Oid relid, Index scanrelid, List *quals)
{
	ListCell   *lc;

	if (quals == NIL || added_lxid != mg_current_lxid() || added == NIL)
		return false;
	foreach(lc, quals)
	{
		NullTest   *nt = (NullTest *) lfirst(lc);
		Var		   *var;

		if (!IsA(nt, NullTest) || nt->nulltesttype != IS_NULL || nt->arg == NULL ||
			!IsA(nt->arg, Var))
			return false;
		var = (Var *) nt->arg;
		if (var->varno != (int) scanrelid || var->varlevelsup != 0 ||
			!null_in_every_row(relid, var->varattno))
			return false;
	}
	return true;
}
