/*
 * The migration history's table: every judged DDL statement that ran, with
 * its findings, the decision, and the SQL that undoes it (history_undo.cpp).
 *
 * The row is written after the statement succeeded, in its transaction: a
 * rolled-back migration leaves no row.  It is written by the extension
 * itself, directly (heap insert and index entries), so that roles which may
 * run DDL need no privilege on it.  Here: where the table is (cached), the
 * ids, the insertion and the pruning.
 */
#include "glue/history.hpp"
#include "glue/settings.hpp"
#include "glue/statement_state.hpp"
#include "glue/tool_settings.hpp"
#include "glue/undo_facts.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heaptoast.h"
#include "access/toast_compression.h"
#include "access/toast_internals.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/xid8.h"
}

static const char *
qualified_name(const MgName *n)
{
	return quote_qualified_identifier(n->schema, n->name);
}

/*
 * qualified_name() for the relations of one statement in turn: the schema's
 * quoting is kept for the next relation of the same schema (the 1 000
 * partitions of a table share theirs; issue 19).
 */
typedef struct QuotedSchema
{
	const char *schema;
	const char *quoted;
	size_t		len;
} QuotedSchema;

static const char *
qualified_name_in(const MgName *n, QuotedSchema *qs)
{
	const char *name = quote_identifier(n->name);
	size_t		len = strlen(name);
	char	   *out;

	if (n->schema == NULL)
		return qualified_name(n);
	if (qs->schema == NULL || strcmp(qs->schema, n->schema) != 0)
	{
		qs->schema = n->schema;
		qs->quoted = quote_identifier(n->schema);
		qs->len = strlen(qs->quoted);
	}
	out = (char *) palloc(qs->len + 1 + len + 1);
	memcpy(out, qs->quoted, qs->len);
	out[qs->len] = '.';
	memcpy(out + qs->len + 1, name, len + 1);
	return out;
}

static Datum
text_array(List *strings)
{
	int			n = list_length(strings);
	Datum	   *elems = (Datum *) palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;
	Datum		array;

	foreach(lc, strings)
		elems[i++] = CStringGetTextDatum((char *) lfirst(lc));
	array = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
#ifdef USE_LZ4

	/*
	 * A long array (the 1 000 partitions of a table) would be compressed by
	 * the insertion with pglz, which costs some 800 instructions a name;
	 * LZ4 costs a fraction of that and is read back the same way (the
	 * compression method is in the value).  Issue 19.
	 */
	if (VARSIZE(DatumGetPointer(array)) > TOAST_TUPLE_THRESHOLD)
	{
		Datum		compressed = toast_compress_datum(array, TOAST_LZ4_COMPRESSION);

		if (DatumGetPointer(compressed) != NULL)
			array = compressed;
	}
#endif
	return array;
}

/*
 * Where the history table is and what it looks like, looked up once per
 * backend (the look-ups cost more than writing the row) and forgotten when
 * the server invalidates any relation's cache entry for it (ALTER, DROP and
 * re-CREATE of the extension).
 */
enum
{
	COL_ID, COL_EXECUTED_AT, COL_TRANSACTION_ID, COL_USERNAME, COL_APPLICATION_NAME,
	COL_STATEMENT, COL_COMMAND, COL_RELATIONS, COL_FINDINGS, COL_DECISION,
	COL_ROLLBACK_SQL, COL_REVERSIBLE, COL_IRREVERSIBLE_REASON, COL_MIGRATION_ID, NCOLS
};
static const char *const column_names_of_history[NCOLS] = {
	"id", "executed_at", "transaction_id", "username", "application_name", "statement",
	"command", "relations", "findings", "decision", "rollback_sql", "reversible",
	"irreversible_reason", "migration_id"
};
static struct
{
	bool		valid;
	Oid			relid;			/* InvalidOid: the extension is not installed */
	AttrNumber	attnum[NCOLS];	/* 0: the table has no such column */
	bool		callback_registered;
	uint64		invalidations;	/* counted, to see one that arrives during the look-ups */
} history_table;

static void
forget_history_table(Datum arg, Oid relid)
{
	(void) arg;
	history_table.invalidations++;
	if (!OidIsValid(relid) || relid == history_table.relid || !OidIsValid(history_table.relid))
		history_table.valid = false;
}

static bool
find_history_table(void)
{
	if (!history_table.callback_registered)
	{
		CacheRegisterRelcacheCallback(forget_history_table, (Datum) 0);
		history_table.callback_registered = true;
	}

	/*
	 * The look-ups may process invalidations themselves: the result is kept
	 * only if none arrived meanwhile (else they run again), and only once
	 * complete (an ERROR half-way leaves the cache invalid).
	 */
	while (!history_table.valid)
	{
		uint64		seen = history_table.invalidations;
		Oid			relid = mg_relation_in("migration_guard", "history");
		AttrNumber	attnum[NCOLS];

		for (int i = 0; i < NCOLS; i++)
		{
			AttrNumber	a = OidIsValid(relid)
				? get_attnum(relid, column_names_of_history[i]) : InvalidAttrNumber;

			attnum[i] = a > 0 ? a : 0;
		}
		if (history_table.invalidations != seen)
			continue;
		history_table.relid = relid;
		memcpy(history_table.attnum, attnum, sizeof(attnum));
		history_table.valid = true;
	}
	return OidIsValid(history_table.relid);
}

/* Whether this database has the history table (the extension is installed): cached. */
bool
mg_history_available(void)
{
	return find_history_table();
}

/*
 * The id of the next row: (transaction id << 24) + its number in the
 * transaction, -1 past 16 777 215 statements in one transaction.  In
 * execution order within a transaction; not unique across a dump and restore
 * into another cluster (whose transaction ids start again), so the table has
 * no unique index on it.  Not from a sequence: nextval() would set what
 * lastval() returns in the session.
 */
static int64
next_history_id(void)
{
	static FullTransactionId xid;
	static uint32 n = 0;
	FullTransactionId top = GetTopFullTransactionId();

	if (!FullTransactionIdEquals(top, xid))
	{
		xid = top;
		n = 0;
	}
	if (n >= 0xFFFFFF)
		return -1;				/* 16 777 215 statements in one transaction: not numbered */
	return (int64) (((U64FromFullTransactionId(top) & ((UINT64CONST(1) << 39) - 1)) << 24) | ++n);
}

/* Sets column col of the history row, if the table has it. */
static void
set_column(Datum *values, bool *nulls, int natts, int col, Datum value, bool isnull)
{
	AttrNumber	attnum = history_table.attnum[col];

	if (attnum <= 0 || attnum > natts)
		return;
	values[attnum - 1] = value;
	nulls[attnum - 1] = isnull;
}

/*
 * Deletes the rows older than migration_guard.history_retention, at most
 * every ten minutes per backend, in the transaction of the DDL statement
 * that was just recorded (rolled back with it).  Runs as the table's owner:
 * the role running the DDL may not delete history rows.
 */
static Oid
table_owner(Oid relid)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner = BOOTSTRAP_SUPERUSERID;

	if (HeapTupleIsValid(tp))
	{
		owner = ((Form_pg_class) GETSTRUCT(tp))->relowner;
		ReleaseSysCache(tp);
	}
	return owner;
}

bool		mg_running_internal_sql = false;

static void prune_rows(Datum *args);

/* The access method of an index (get_rel_relam() is not in every version). */
static Oid
index_am(Oid indexoid)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(indexoid));
	Oid			am = InvalidOid;

	if (HeapTupleIsValid(tp))
	{
		am = ((Form_pg_class) GETSTRUCT(tp))->relam;
		ReleaseSysCache(tp);
	}
	return am;
}

/*
 * Whether the history may hold a row older than cutoff: false only when an
 * index on executed_at says that none is.  The DELETE (parsed and planned
 * through SPI) cost some 1.2 million instructions on the first DDL statement
 * of every backend, with nothing to delete (issue 19).
 */
static bool
may_hold_rows_before(Oid relid, TimestampTz cutoff)
{
	AttrNumber	attnum = history_table.attnum[COL_EXECUTED_AT];
	Relation	rel;
	List	   *indexes;
	ListCell   *lc;
	bool		found = true;

	if (attnum <= 0)
		return true;
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		return true;
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tp = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		bool		usable;

		if (!HeapTupleIsValid(tp))
			continue;
		{
			Form_pg_index idx = (Form_pg_index) GETSTRUCT(tp);

			usable = idx->indisvalid && idx->indisready && idx->indnkeyatts >= 1 &&
				idx->indkey.values[0] == attnum &&
				heap_attisnull(tp, Anum_pg_index_indpred, NULL) &&
				heap_attisnull(tp, Anum_pg_index_indexprs, NULL) &&
				index_am(indexoid) == BTREE_AM_OID;
		}
		ReleaseSysCache(tp);
		if (!usable)
			continue;
		{
			ScanKeyData key;
			SysScanDesc scan;
			Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());

			ScanKeyInit(&key, attnum, BTLessStrategyNumber, F_TIMESTAMPTZ_LT,
						TimestampTzGetDatum(cutoff));
			scan = systable_beginscan(rel, indexoid, true, snapshot, 1, &key);
			found = HeapTupleIsValid(systable_getnext(scan));
			systable_endscan(scan);
			UnregisterSnapshot(snapshot);
		}
		break;
	}
	list_free(indexes);
	relation_close(rel, AccessShareLock);
	return found;
}

static void
prune_history(Oid relid)
{
	static TimestampTz last_prune = 0;
	TimestampTz now = GetCurrentTimestamp();
	Oid			save_userid;
	int			save_sec_context;
	Datum		args[1];

	if (mg_history_retention_min <= 0 ||
		(last_prune != 0 && !TimestampDifferenceExceeds(last_prune, now, 10 * 60 * 1000)))
		return;
	last_prune = now;
	args[0] = TimestampTzGetDatum(now - (TimestampTz) mg_history_retention_min * 60 * USECS_PER_SEC);
	if (!may_hold_rows_before(relid, DatumGetTimestampTz(args[0])))
		return;
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(table_owner(relid),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	mg_running_internal_sql = true;
	PG_TRY();
	{
		prune_rows(args);
	}
	PG_CATCH();
	{
		mg_running_internal_sql = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	mg_running_internal_sql = false;
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

static void
prune_rows(Datum *args)
{
	Oid			argtypes[1] = {TIMESTAMPTZOID};

	SPI_connect();

	/*
	 * Never wait for anyone: rows another migration is pruning right now are
	 * skipped (SKIP LOCKED), and at most 10 000 go per call, so a migration
	 * pays for pruning only a bounded amount.
	 */
	if (SPI_execute_with_args("DELETE FROM migration_guard.history WHERE ctid OPERATOR(pg_catalog.=) ANY "
							  "(ARRAY(SELECT ctid FROM migration_guard.history "
							  "WHERE executed_at OPERATOR(pg_catalog.<) $1 "
							  "LIMIT 10000 FOR UPDATE SKIP LOCKED))",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "migration_guard: could not prune the history");
	SPI_finish();
}

/*
 * Writes the row directly (heap insert and index entries), as the server
 * writes its catalogs: no parse, plan or executor for every DDL statement.
 * The values of the defaults (identity, statement time, transaction id) are
 * computed here; the table's CHECK holds by construction.
 */
void
mg_record_history(const MgStatementState *st)
{
	const MgModel *m = st->model;
	const MgUndo *undo = st->undo;
	Oid			relid;
	static const char *const decisions[] = {"allowed", "warned", "acknowledged"};
	List	   *relations = NIL;
	Relation	rel;
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
	NameData	user;
	char	   *username;
	HeapTuple	tup;
	bool		pushed = false;

	if (!find_history_table())
		return;					/* the extension is not installed in this database */
	relid = history_table.relid;
	/* Extension scripts (ours, or any other's) are not migrations. */
	if (creating_extension)
		return;
	/* The extension's own objects (its install script) are not migrations. */
	if (m->nrels > 0 && m->rels[0].table.name.schema &&
		strcmp(m->rels[0].table.name.schema, "migration_guard") == 0)
		return;
	rel = try_relation_open(relid, RowExclusiveLock);
	if (rel == NULL)
		return;
	desc = RelationGetDescr(rel);
	values = (Datum *) palloc0(sizeof(Datum) * desc->natts);
	nulls = (bool *) palloc(sizeof(bool) * desc->natts);
	memset(nulls, true, sizeof(bool) * desc->natts);

	{
		QuotedSchema qs = {NULL, NULL, 0};

		for (int i = 0; i < m->nrels; i++)
			relations = lappend(relations, (void *) qualified_name_in(&m->rels[i].table.name, &qs));
	}
	{
		ListCell   *lc;

		foreach(lc, undo->extra_relations)
		{
			ListCell   *seen;
			bool		dup = false;

			foreach(seen, relations)
				dup = dup || strcmp((const char *) lfirst(seen), (const char *) lfirst(lc)) == 0;
			if (!dup)
				relations = lappend(relations, lfirst(lc));
		}
	}
	/* Tool bookkeeping (migration_guard.history_exclude) is not a migration. */
	if (mg_history_excludes(relations))
	{
		table_close(rel, RowExclusiveLock);
		return;
	}
	username = GetUserNameFromId(GetUserId(), true);
	namestrcpy(&user, username ? username : "?");

	set_column(values, nulls, desc->natts, COL_ID, Int64GetDatum(next_history_id()), false);
	set_column(values, nulls, desc->natts, COL_EXECUTED_AT,
			   TimestampTzGetDatum(GetCurrentStatementStartTimestamp()), false);
	set_column(values, nulls, desc->natts, COL_TRANSACTION_ID,
			   FullTransactionIdGetDatum(GetTopFullTransactionId()), false);
	set_column(values, nulls, desc->natts, COL_USERNAME, NameGetDatum(&user), false);
	set_column(values, nulls, desc->natts, COL_APPLICATION_NAME,
			   CStringGetTextDatum(application_name ? application_name : ""), false);
	set_column(values, nulls, desc->natts, COL_MIGRATION_ID,
			   mg_migration_id && mg_migration_id[0] ? CStringGetTextDatum(mg_migration_id) : (Datum) 0,
			   !(mg_migration_id && mg_migration_id[0]));
	set_column(values, nulls, desc->natts, COL_STATEMENT,
			   CStringGetTextDatum(m->text ? m->text : ""), false);
	set_column(values, nulls, desc->natts, COL_COMMAND,
			   CStringGetTextDatum(m->command ? m->command : ""), false);
	set_column(values, nulls, desc->natts, COL_RELATIONS, text_array(relations), false);
	set_column(values, nulls, desc->natts, COL_FINDINGS, text_array(st->findings), false);
	set_column(values, nulls, desc->natts, COL_DECISION,
			   CStringGetTextDatum(decisions[st->decision]), false);
	set_column(values, nulls, desc->natts, COL_ROLLBACK_SQL,
			   undo->sql ? CStringGetTextDatum(undo->sql) : (Datum) 0, undo->sql == NULL);
	set_column(values, nulls, desc->natts, COL_REVERSIBLE, BoolGetDatum(undo->reversible),
			   false);
	set_column(values, nulls, desc->natts, COL_IRREVERSIBLE_REASON,
			   undo->reason ? CStringGetTextDatum(undo->reason) : (Datum) 0, undo->reason == NULL);

	tup = heap_form_tuple(desc, values, nulls);

	/*
	 * CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY... end in a transaction
	 * of their own with no snapshot: the insertion (and its TOAST) needs one
	 * (an assertion-enabled server checks it).
	 */
	if (!ActiveSnapshotSet())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		pushed = true;
	}
	CatalogTupleInsert(rel, tup);
	if (pushed)
		PopActiveSnapshot();
	table_close(rel, RowExclusiveLock);
	prune_history(relid);
}

