/*
 * The DDL event triggers, complementing the hook.
 *
 * table_rewrite fires inside ALTER TABLE / ALTER TYPE just before the server
 * copies a table: it is the server's own ground truth that a rewrite happens,
 * so it catches the rewrites no prediction saw.  The statement already holds
 * its ACCESS EXCLUSIVE lock at that point; rejecting it still spares the
 * rewrite itself, which is the long part.
 *
 * sql_drop fires after objects were dropped: the objects a statement removed,
 * CASCADE included, go to the server log as an audit trail, and the tables
 * and columns that CASCADE took along are judged by the rules drop_table and
 * drop_column, from their facts noted just before the drop (dropped.cpp): in
 * enforce, a CASCADE that destroys rows is rejected, and the whole statement
 * rolls back.
 */
#include "glue/dropped.hpp"
#include "glue/messages.hpp"
#include "glue/settings.hpp"
#include "glue/relation_facts.hpp"
#include "glue/statement_state.hpp"

extern "C" {
#include "executor/spi.h"
#include "utils/fmgrprotos.h"
PG_FUNCTION_INFO_V1(mg_on_table_rewrite);
PG_FUNCTION_INFO_V1(mg_on_sql_drop);
}

/* Calls a built-in function that takes no argument. */
static Datum
call_noarg(PGFunction fn)
{
	LOCAL_FCINFO(fcinfo, 0);

	InitFunctionCallInfoData(*fcinfo, NULL, 0, InvalidOid, NULL, NULL);
	return fn(fcinfo);
}

static void
require_event_trigger(FunctionCallInfo fcinfo, const char *fname)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be called as an event trigger", fname)));
}

Datum
mg_on_table_rewrite(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	MgOperation op;
	MgSettings	settings;
	MgResult	result;
	Oid			relid;

	require_event_trigger(fcinfo, "migration_guard.on_table_rewrite()");
	if (mg_mode == MG_MODE_OFF || IsBinaryUpgrade)
		PG_RETURN_VOID();

	trigdata = (EventTriggerData *) fcinfo->context;
	relid = DatumGetObjectId(call_noarg(pg_event_trigger_table_rewrite_oid));
	memset(&op, 0, sizeof(op));
	op.kind = MG_OP_TABLE_REWRITE;
	op.effect = MG_EFFECT_REWRITE;
	if (!mg_table_facts(relid, &op.table))
		PG_RETURN_VOID();
	op.command = GetCommandTagName(trigdata->tag);
	op.rewrite_reason = DatumGetInt32(call_noarg(pg_event_trigger_table_rewrite_reason));
	op.rewrite_predicted = mg_rewrite_was_predicted(relid);

	mg_current_settings(&settings);
	mg_evaluate(&op, 1, &settings, &result);
	mg_report_findings(&result, mg_running_model() ? mg_running_model()->text : NULL);
	PG_RETURN_VOID();
}

Datum
mg_on_sql_drop(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	int			rc;
	MgOperation *ops;
	int			nops = 0;
	const char *command;

	require_event_trigger(fcinfo, "migration_guard.on_sql_drop()");
	if (mg_mode == MG_MODE_OFF || IsBinaryUpgrade)
		PG_RETURN_VOID();
	trigdata = (EventTriggerData *) fcinfo->context;
	command = GetCommandTagName(trigdata->tag);

	SPI_connect();
	rc = SPI_execute("SELECT object_type, object_identity, original, objid, objsubid "
					 "FROM pg_catalog.pg_event_trigger_dropped_objects() "
					 "WHERE NOT is_temporary "
					 "AND object_type IN ('table', 'table column', 'index', 'materialized view', "
					 "'view', 'sequence', 'schema')",
					 true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "migration_guard: could not read the dropped objects: %s",
			 SPI_result_code_string(rc));
	/* Outside SPI's memory, which SPI_finish() frees: judged after it. */
	ops = (MgOperation *) SPI_palloc(sizeof(MgOperation) * Max(SPI_processed, 1));
	memset(ops, 0, sizeof(MgOperation) * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *type = SPI_getvalue(tup, desc, 1);
		char	   *identity = SPI_getvalue(tup, desc, 2);
		char	   *original = SPI_getvalue(tup, desc, 3);
		bool		isnull;
		Oid			objid = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
		int32		objsubid = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
		bool		by_cascade = !(original && original[0] == 't');
		MgDropped  *d;

		ereport(LOG,
				(errmsg("migration_guard: %s dropped %s %s%s", command, type,
						identity ? identity : "?", by_cascade ? " (by CASCADE)" : "")));

		/*
		 * A table or column dropped because something it depends on was
		 * (CASCADE), or by a statement the hook does not model (DROP
		 * OWNED): judged here, by its facts just before the drop.  The
		 * targets the hook judged before the statement ran are not judged
		 * twice.
		 */
		if (strcmp(type, "table") != 0 && strcmp(type, "table column") != 0)
			continue;
		if (mg_model_covers(mg_running_model(), objid))
			continue;
		d = mg_find_dropped(objid, objsubid);
		if (d == NULL || !d->have_facts)
			continue;
		/* DROP EXTENSION migration_guard takes its own history: not a migration's data. */
		if (d->table.name.schema && strcmp(d->table.name.schema, "migration_guard") == 0)
			continue;
		ops[nops].kind = objsubid == 0 ? MG_OP_DROP_TABLE : MG_OP_DROP_COLUMN;
		ops[nops].table = d->table;
		ops[nops].cascade = by_cascade;
		ops[nops].dependent = by_cascade;
		ops[nops].command = command;
		ops[nops].in_transaction_block = IsTransactionBlock();
		if (objsubid != 0)
		{
			ops[nops].column = d->column;
			ops[nops].type_sql = d->type_sql;
			ops[nops].column_empty = d->column_empty;
		}
		nops++;
	}
	SPI_finish();

	if (nops > 0)
	{
		MgSettings	settings;
		MgResult	result;

		mg_current_settings(&settings);
		mg_evaluate(ops, nops, &settings, &result);
		mg_report_findings(&result, mg_running_model() ? mg_running_model()->text : NULL);
	}
	PG_RETURN_VOID();
}
