/*
 * The migration history: every judged DDL statement that ran, with its
 * findings, the decision, and the SQL that undoes it.
 *
 * The undo SQL is built before the statement runs, from the model and the
 * catalogs as they are then (an index's definition before DROP INDEX, a
 * column's type before ALTER COLUMN TYPE, whether it was already NOT NULL),
 * and the row is written after the statement succeeded, in its transaction:
 * a rolled-back migration leaves no row.  The row is written by the
 * extension itself, so that roles which may run DDL need no privilege on it.
 */
#include "glue/glue.hpp"

extern "C" {
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "commands/sequence.h"
#include "utils/xid8.h"
#include "utils/array.h"
#include "utils/ruleutils.h"
}

/* Filled by mg_report_findings() for the statement being judged. */
List	   *mg_last_findings = NIL;
int			mg_last_decision = 0;	/* 0 allowed, 1 warned, 2 acknowledged */

static const char *
qualified_name(const MgName *n)
{
	return quote_qualified_identifier(n->schema, n->name);
}

/* The undo of one operation, prepended to sql (undo runs last first). */
static void
undo_op(const MgOperation *op, StringInfo sql, StringInfo reason, bool *reversible)
{
	const char *table = qualified_name(&op->table.name);
	StringInfoData one;

	initStringInfo(&one);
	switch (op->kind)
	{
		case MG_OP_ADD_COLUMN:
			appendStringInfo(&one, "ALTER TABLE %s DROP COLUMN %s;", table,
							 quote_identifier(op->column));
			break;
		case MG_OP_CREATE_INDEX:
			if (op->index_name == NULL)
			{
				*reversible = false;
				appendStringInfoString(reason, "the index was created without a name; ");
			}
			else
				appendStringInfo(&one, "DROP INDEX %s%s;",
								 op->table.kind == RELKIND_PARTITIONED_TABLE ? "" : "CONCURRENTLY ",
								 quote_qualified_identifier(op->table.name.schema, op->index_name));
			break;
		case MG_OP_DROP_INDEX:
			{
				Oid			nsp = get_namespace_oid(op->table.name.schema, true);
				Oid			idx = OidIsValid(nsp) && op->object_name
					? get_relname_relid(op->object_name, nsp) : InvalidOid;

				if (OidIsValid(idx))
					appendStringInfo(&one, "%s;", pg_get_indexdef_string(idx));
				else
				{
					*reversible = false;
					appendStringInfoString(reason, "the dropped index's definition is unknown; ");
				}
			}
			break;
		case MG_OP_ADD_CONSTRAINT:
			if (op->constraint_name == NULL)
			{
				*reversible = false;
				appendStringInfoString(reason, "the constraint was added without a name; ");
			}
			else
				appendStringInfo(&one, "ALTER TABLE %s DROP CONSTRAINT %s;", table,
								 quote_identifier(op->constraint_name));
			break;
		case MG_OP_SET_NOT_NULL:
			{
				HeapTuple	tp = op->column
					? SearchSysCacheAttName(get_relname_relid(op->table.name.name,
															  get_namespace_oid(op->table.name.schema, true)),
											op->column)
					: NULL;
				bool		already = false;

				if (tp && HeapTupleIsValid(tp))
				{
					already = ((Form_pg_attribute) GETSTRUCT(tp))->attnotnull;
					ReleaseSysCache(tp);
				}
				if (!already)
					appendStringInfo(&one, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", table,
									 quote_identifier(op->column));
			}
			break;
		case MG_OP_ALTER_COLUMN_TYPE:
			appendStringInfo(&one, "ALTER TABLE %s ALTER COLUMN %s TYPE %s;%s", table,
							 quote_identifier(op->column), op->old_type,
							 op->narrowing ? "  -- lossy: values the first change altered are not restored" : "");
			break;
		case MG_OP_RENAME_COLUMN:
			appendStringInfo(&one, "ALTER TABLE %s RENAME COLUMN %s TO %s;", table,
							 quote_identifier(op->new_name), quote_identifier(op->column));
			break;
		case MG_OP_RENAME_TABLE:
			appendStringInfo(&one, "ALTER TABLE %s RENAME TO %s;",
							 quote_qualified_identifier(op->table.name.schema, op->object_name),
							 quote_identifier(op->table.name.name));
			break;
		case MG_OP_DROP_TABLE:
			*reversible = false;
			appendStringInfo(reason, "DROP TABLE %s lost about " INT64_FORMAT " rows (" INT64_FORMAT " bytes); ",
							 table, op->table.rows, op->table.bytes);
			break;
		case MG_OP_DROP_COLUMN:
			*reversible = false;
			appendStringInfo(reason, "DROP COLUMN %s.%s lost the values of about " INT64_FORMAT " rows; ",
							 table, quote_identifier(op->column), op->table.rows);
			break;
		case MG_OP_TRUNCATE:
			*reversible = false;
			appendStringInfo(reason, "TRUNCATE %s lost about " INT64_FORMAT " rows; ", table,
							 op->table.rows);
			break;
		case MG_OP_LOCK_REQUEST:
		case MG_OP_HELD_LOCK:
		case MG_OP_TABLE_REWRITE:
			break;
		default:
			*reversible = false;
			appendStringInfoString(reason, "no inverse is recorded for this kind of statement; ");
			break;
	}
	if (one.len > 0)
	{
		if (sql->len > 0)
			appendStringInfoChar(&one, '\n');
		appendStringInfoString(&one, sql->data);
		resetStringInfo(sql);
		appendStringInfoString(sql, one.data);
	}
}

/* Prepends one statement to sql (undo runs last first). */
static void
prepend(StringInfo sql, const char *stmt)
{
	StringInfoData one;

	initStringInfo(&one);
	appendStringInfoString(&one, stmt);
	if (sql->len > 0)
	{
		appendStringInfoChar(&one, '\n');
		appendStringInfoString(&one, sql->data);
	}
	resetStringInfo(sql);
	appendStringInfoString(sql, one.data);
}

/* The current default of a column, as SQL, or NULL. */
static char *
column_default_sql(Oid relid, AttrNumber attnum)
{
	Relation	rel = try_relation_open(relid, NoLock);
	char	   *result = NULL;
	TupleConstr *constr;

	if (rel == NULL)
		return NULL;
	constr = RelationGetDescr(rel)->constr;
	if (constr && constr->num_defval > 0)
		for (int i = 0; i < constr->num_defval; i++)
			if (constr->defval[i].adnum == attnum)
				result = deparse_expression((Node *) stringToNode(constr->defval[i].adbin),
											deparse_context_for(RelationGetRelationName(rel), relid),
											false, false);
	relation_close(rel, NoLock);
	return result;
}

/*
 * The inverses that need the parse tree: ALTER TABLE subcommands that are
 * no operation of the model (defaults, DROP CONSTRAINT, DROP NOT NULL) and
 * the renames of indexes and constraints.  The catalogs are read as they are
 * before the statement; the relation is one the statement is about to lock
 * (and we hold no lock: a concurrent change makes the inverse stale, which
 * the history says by its time).
 */
static void
undo_parse_tree(const MgModel *m, Node *parsetree, StringInfo sql, StringInfo reason,
				bool *reversible, bool *covered)
{
	if (m->nrels == 0)
		return;
	if (IsA(parsetree, AlterTableStmt))
	{
		Oid			relid = m->relids[0];
		const char *table = qualified_name(&m->rels[0].table.name);
		ListCell   *lc;

		foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
		{
			AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
			AttrNumber	attnum = cmd->name ? get_attnum(relid, cmd->name) : InvalidAttrNumber;

			switch (cmd->subtype)
			{
				case AT_ColumnDefault:
					if (attnum == InvalidAttrNumber)
						break;
					{
						char	   *prev = column_default_sql(relid, attnum);

						prepend(sql, prev
								? psprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;", table,
										   quote_identifier(cmd->name), prev)
								: psprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", table,
										   quote_identifier(cmd->name)));
						*covered = true;
					}
					break;
				case AT_DropNotNull:
					if (attnum == InvalidAttrNumber)
						break;
					{
						HeapTuple	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
														 Int16GetDatum(attnum));

						if (HeapTupleIsValid(tp))
						{
							if (((Form_pg_attribute) GETSTRUCT(tp))->attnotnull)
								prepend(sql, psprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;",
													  table, quote_identifier(cmd->name)));
							ReleaseSysCache(tp);
						}
						*covered = true;
					}
					break;
				case AT_DropConstraint:
					{
						Oid			conid = cmd->name
							? get_relation_constraint_oid(relid, cmd->name, true) : InvalidOid;

						if (!OidIsValid(conid))
							break;
						/* "ALTER TABLE t ADD CONSTRAINT name <definition>", from the server. */
						prepend(sql, psprintf("%s;", pg_get_constraintdef_command(conid)));
						*covered = true;
					}
					break;
				default:
					break;
			}
		}
	}
	else if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *rs = (RenameStmt *) parsetree;

		if (rs->renameType == OBJECT_INDEX)
		{
			prepend(sql, psprintf("ALTER INDEX %s RENAME TO %s;",
								  quote_qualified_identifier(m->rels[0].table.name.schema, rs->newname),
								  quote_identifier(m->rels[0].table.name.name)));
			*covered = true;
		}
		else if (rs->renameType == OBJECT_TABCONSTRAINT && rs->subname)
		{
			prepend(sql, psprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s;",
								  qualified_name(&m->rels[0].table.name),
								  quote_identifier(rs->newname), quote_identifier(rs->subname)));
			*covered = true;
		}
	}
	(void) reason;
	(void) reversible;
}

MgUndo *
mg_prepare_undo(const MgModel *m, Node *parsetree)
{
	MgUndo	   *u = (MgUndo *) palloc0(sizeof(MgUndo));
	StringInfoData sql;
	StringInfoData reason;
	bool		covered = false;

	initStringInfo(&sql);
	initStringInfo(&reason);
	u->reversible = true;
	undo_parse_tree(m, parsetree, &sql, &reason, &u->reversible, &covered);
	for (int i = 0; i < m->nops; i++)
		undo_op(&m->ops[i], &sql, &reason, &u->reversible);
	if (covered && sql.len == 0)
		appendStringInfoString(&sql, "-- nothing to undo");
	if (u->reversible && sql.len == 0)
	{
		u->reversible = false;
		appendStringInfoString(&reason, "no inverse is recorded for this statement");
	}
	if (reason.len > 2 && reason.data[reason.len - 2] == ';')
		reason.data[reason.len - 2] = '\0';
	u->sql = sql.len > 0 ? sql.data : NULL;
	u->reason = reason.len > 0 ? reason.data : NULL;
	return u;
}

static Datum
text_array(List *strings)
{
	int			n = list_length(strings);
	Datum	   *elems = (Datum *) palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, strings)
		elems[i++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Sets the value of column `name` of the history row, if the table has it. */
static void
set_column(Oid relid, Datum *values, bool *nulls, int natts, const char *name, Datum value,
		   bool isnull)
{
	AttrNumber	attnum = get_attnum(relid, name);

	if (attnum <= 0 || attnum > natts)
		return;
	values[attnum - 1] = value;
	nulls[attnum - 1] = isnull;
}

/*
 * Writes the row directly (heap insert and index entries), as the server
 * writes its catalogs: no parse, plan or executor for every DDL statement.
 * The values of the defaults (identity, statement time, transaction id) are
 * computed here; the table's CHECK holds by construction.
 */
void
mg_record_history(const MgModel *m, const MgUndo *undo)
{
	Oid			nsp = get_namespace_oid("migration_guard", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid("history", nsp) : InvalidOid;
	static const char *const decisions[] = {"allowed", "warned", "acknowledged"};
	List	   *relations = NIL;
	Relation	rel;
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
	NameData	user;
	char	   *username;
	AttrNumber	id_attnum;
	HeapTuple	tup;

	if (!OidIsValid(relid))
		return;					/* the extension is not installed in this database */
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

	for (int i = 0; i < m->nrels; i++)
		relations = lappend(relations, (void *) qualified_name(&m->rels[i].table.name));
	username = GetUserNameFromId(GetUserId(), true);
	namestrcpy(&user, username ? username : "?");

	id_attnum = get_attnum(relid, "id");
	if (id_attnum > 0)
		set_column(relid, values, nulls, desc->natts, "id",
				   Int64GetDatum(nextval_internal(getIdentitySequence(relid, id_attnum, false),
												  false)),
				   false);
	set_column(relid, values, nulls, desc->natts, "executed_at",
			   TimestampTzGetDatum(GetCurrentStatementStartTimestamp()), false);
	set_column(relid, values, nulls, desc->natts, "transaction_id",
			   FullTransactionIdGetDatum(GetTopFullTransactionId()), false);
	set_column(relid, values, nulls, desc->natts, "username", NameGetDatum(&user), false);
	set_column(relid, values, nulls, desc->natts, "application_name",
			   CStringGetTextDatum(application_name ? application_name : ""), false);
	set_column(relid, values, nulls, desc->natts, "statement",
			   CStringGetTextDatum(m->text ? m->text : ""), false);
	set_column(relid, values, nulls, desc->natts, "command",
			   CStringGetTextDatum(m->command ? m->command : ""), false);
	set_column(relid, values, nulls, desc->natts, "relations", text_array(relations), false);
	set_column(relid, values, nulls, desc->natts, "findings", text_array(mg_last_findings), false);
	set_column(relid, values, nulls, desc->natts, "decision",
			   CStringGetTextDatum(decisions[mg_last_decision]), false);
	set_column(relid, values, nulls, desc->natts, "rollback_sql",
			   undo->sql ? CStringGetTextDatum(undo->sql) : (Datum) 0, undo->sql == NULL);
	set_column(relid, values, nulls, desc->natts, "reversible", BoolGetDatum(undo->reversible),
			   false);
	set_column(relid, values, nulls, desc->natts, "irreversible_reason",
			   undo->reason ? CStringGetTextDatum(undo->reason) : (Datum) 0, undo->reason == NULL);

	tup = heap_form_tuple(desc, values, nulls);
	CatalogTupleInsert(rel, tup);
	table_close(rel, RowExclusiveLock);
}
