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
#include "access/genam.h"
#include "catalog/indexing.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/partition.h"
#include "executor/spi.h"
#include "catalog/pg_authid.h"
#include "utils/xid8.h"
#include "utils/array.h"
#include "utils/inval.h"
#include "utils/ruleutils.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

/*
 * Filled by mg_report_findings() for the statement being judged, from the
 * hook and from the event triggers it fires (which run in a memory context
 * of their own, deleted when they return): kept in a context of ours.
 */
List	   *mg_last_findings = NIL;
int			mg_last_decision = 0;	/* 0 allowed, 1 warned, 2 acknowledged */
static MemoryContext findings_cxt = NULL;

/*
 * A statement starts being judged.  A nested one (DDL run by a function or
 * an event trigger inside another judged statement) keeps the memory of the
 * outer statement's findings, which the hook gives back to it afterwards.
 */
void
mg_start_findings(bool nested)
{
	if (findings_cxt == NULL)
		findings_cxt = AllocSetContextCreate(TopMemoryContext, "migration_guard findings",
											 ALLOCSET_SMALL_SIZES);
	if (!nested)
		MemoryContextReset(findings_cxt);
	mg_last_findings = NIL;
	mg_last_decision = 0;
}

void
mg_note_finding(const char *rule)
{
	MemoryContext old;

	if (findings_cxt == NULL)
		mg_start_findings(false);
	old = MemoryContextSwitchTo(findings_cxt);
	mg_last_findings = lappend(mg_last_findings, pstrdup(rule));
	MemoryContextSwitchTo(old);
}

static const char *
qualified_name(const MgName *n)
{
	return quote_qualified_identifier(n->schema, n->name);
}

/* The relation named name in schema, as the catalogs say now, or InvalidOid. */
static Oid
relation_in(const char *schema, const char *name)
{
	Oid			nsp = schema ? get_namespace_oid(schema, true) : InvalidOid;

	return OidIsValid(nsp) && name ? get_relname_relid(name, nsp) : InvalidOid;
}

/*
 * Calls fn(oid) in an internal subtransaction and returns its result, or
 * NULL if it raised an error.  The undo SQL of a DROP INDEX, DROP
 * CONSTRAINT or CREATE OR REPLACE VIEW is read from the catalogs before the
 * statement takes its locks: another session may drop the object in the
 * meantime, and the server's deparsers then fail ("could not open
 * relation").  Such a statement then fails with the server's own error, or
 * succeeds without an inverse, never with ours.
 */
static char *
guarded(char *(*fn) (Oid), Oid oid)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *volatile result = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		result = fn(oid);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		result = NULL;
	}
	PG_END_TRY();
	return result;
}

static char *
index_def_sql(Oid idx)
{
	return psprintf("%s;", pg_get_indexdef_string(idx));
}

static char *
constraint_def_sql(Oid conid)
{
	/* "ALTER TABLE t ADD CONSTRAINT name <definition>", from the server. */
	return psprintf("%s;", pg_get_constraintdef_command(conid));
}

static char *column_names(Oid relid);

/* A view's definition and its column names, separated by a NUL byte. */
static char *
view_state(Oid relid)
{
	char	   *sql = mg_view_create_sql(relid);
	char	   *columns = column_names(relid);
	char	   *result;

	if (sql == NULL)
		return NULL;
	result = (char *) palloc(strlen(sql) + strlen(columns) + 2);
	strcpy(result, sql);
	strcpy(result + strlen(sql) + 1, columns);
	return result;
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
			{
				Oid			relid = relation_in(op->table.name.schema, op->table.name.name);

				/* ADD COLUMN IF NOT EXISTS of a column that is there: nothing to undo. */
				if (OidIsValid(relid) && op->column && get_attnum(relid, op->column) != InvalidAttrNumber)
				{
					appendStringInfoString(&one, "-- nothing to undo: the column existed already");
					break;
				}
				appendStringInfo(&one, "ALTER TABLE %s DROP COLUMN %s;", table,
								 quote_identifier(op->column));
			}
			break;
		case MG_OP_CREATE_INDEX:
			/* CREATE INDEX IF NOT EXISTS of an index that is there: nothing to undo. */
			if (OidIsValid(relation_in(op->table.name.schema, op->index_name)))
			{
				appendStringInfoString(&one, "-- nothing to undo: the index existed already");
				break;
			}
			if (op->index_name == NULL)
			{
				*reversible = false;
				appendStringInfoString(reason, "the index was created without a name; ");
			}
			else
				/* CONCURRENTLY if it was built so (then it runs outside a transaction block too). */
				appendStringInfo(&one, "DROP INDEX %s%s;",
								 op->concurrently && op->table.kind != RELKIND_PARTITIONED_TABLE
								 ? "CONCURRENTLY " : "",
								 quote_qualified_identifier(op->table.name.schema, op->index_name));
			break;
		case MG_OP_DROP_INDEX:
			{
				Oid			idx = relation_in(op->table.name.schema, op->object_name);
				char	   *def = OidIsValid(idx) ? guarded(index_def_sql, idx) : NULL;

				/* Dropped CONCURRENTLY: built back the same way. */
				if (def && op->concurrently && strncmp(def, "CREATE INDEX ", 13) == 0)
					def = psprintf("CREATE INDEX CONCURRENTLY %s", def + 13);
				else if (def && op->concurrently && strncmp(def, "CREATE UNIQUE INDEX ", 20) == 0)
					def = psprintf("CREATE UNIQUE INDEX CONCURRENTLY %s", def + 20);
				if (def)
					appendStringInfoString(&one, def);
				else
				{
					*reversible = false;
					appendStringInfoString(reason, "the dropped index's definition is unknown; ");
				}
			}
			break;
		case MG_OP_ADD_CONSTRAINT:
			/* Written inline in ADD COLUMN: it goes with the column. */
			if (op->added_column != NULL)
				break;
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
				Oid			relid = relation_in(op->table.name.schema, op->table.name.name);
				HeapTuple	tp = op->column && OidIsValid(relid)
					? SearchSysCacheAttName(relid, op->column) : NULL;
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
			/* A materialized view comes back from its definition (noted as it is dropped). */
			if (op->table.kind == RELKIND_MATVIEW)
				break;
			*reversible = false;
			appendStringInfo(reason, "DROP TABLE %s lost about " INT64_FORMAT " rows (" INT64_FORMAT " bytes); ",
							 table, Max(op->table.rows, 0), Max(op->table.bytes, 0));
			break;
		case MG_OP_DROP_COLUMN:
			{
				Oid			relid = relation_in(op->table.name.schema, op->table.name.name);
				AttrNumber	attnum = OidIsValid(relid) && op->column
					? get_attnum(relid, op->column) : InvalidAttrNumber;
				int			width = -1;

				if (attnum > 0)
					(void) mg_column_stats(relid, attnum, NULL, &width);

				*reversible = false;
				appendStringInfo(reason, "DROP COLUMN %s.%s lost the values of about " INT64_FORMAT " rows",
								 table, quote_identifier(op->column), Max(op->table.rows, 0));
				if (op->column_empty)
					appendStringInfoString(reason, " (every value NULL)");
				else if (width > 0 && op->table.rows > 0)
					appendStringInfo(reason, " (about " INT64_FORMAT " bytes)",
									 (int64) width * op->table.rows);
				appendStringInfoString(reason, "; ");
			}
			break;
		case MG_OP_TRUNCATE:
			*reversible = false;
			appendStringInfo(reason, "TRUNCATE %s lost about " INT64_FORMAT " rows (" INT64_FORMAT " bytes); ",
							 table, Max(op->table.rows, 0), Max(op->table.bytes, 0));
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

/*
 * The current default of a column, as SQL, or NULL.  Read from pg_attrdef,
 * not from the relation cache: we hold no lock on the relation, and opening
 * it without one is not allowed.
 */
static char *
column_default_sql(Oid relid, AttrNumber attnum)
{
	Relation	attrdef;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;
	char	   *result = NULL;
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		return NULL;
	attrdef = table_open(AttrDefaultRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_attrdef_adrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_attrdef_adnum, BTEqualStrategyNumber, F_INT2EQ,
				Int16GetDatum(attnum));
	scan = systable_beginscan(attrdef, AttrDefaultIndexId, true, NULL, 2, key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		bin = heap_getattr(tup, Anum_pg_attrdef_adbin, RelationGetDescr(attrdef), &isnull);

		if (!isnull)
			result = deparse_expression((Node *) stringToNode(TextDatumGetCString(bin)),
										deparse_context_for(relname, relid), false, false);
	}
	systable_endscan(scan);
	table_close(attrdef, AccessShareLock);
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
						char	   *def = guarded(constraint_def_sql, conid);

						if (def)
							prepend(sql, def);
						else
						{
							*reversible = false;
							appendStringInfoString(reason, "the dropped constraint's definition is unknown; ");
						}
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
}

/* The keyword that names relation kind relkind in ALTER and DROP, or NULL. */
static const char *
relkind_keyword(char relkind)
{
	switch (relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_PARTITIONED_TABLE:
			return "TABLE";
		case RELKIND_VIEW:
			return "VIEW";
		case RELKIND_MATVIEW:
			return "MATERIALIZED VIEW";
		case RELKIND_SEQUENCE:
			return "SEQUENCE";
		case RELKIND_FOREIGN_TABLE:
			return "FOREIGN TABLE";
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			return "INDEX";
		default:
			return NULL;
	}
}

/*
 * The names of a relation's columns, quoted and comma-separated, to compare
 * two versions of a view.  From the syscache: the view is not locked yet.
 */
static char *
column_names(Oid relid)
{
	StringInfoData buf;
	HeapTuple	reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int			natts = 0;

	if (HeapTupleIsValid(reltup))
	{
		natts = ((Form_pg_class) GETSTRUCT(reltup))->relnatts;
		ReleaseSysCache(reltup);
	}
	initStringInfo(&buf);
	for (int i = 1; i <= natts; i++)
	{
		HeapTuple	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(i));

		if (!HeapTupleIsValid(tp))
			continue;
		if (!((Form_pg_attribute) GETSTRUCT(tp))->attisdropped)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? "," : "",
							 quote_identifier(NameStr(((Form_pg_attribute) GETSTRUCT(tp))->attname)));
		ReleaseSysCache(tp);
	}
	return buf.data;
}

/* The value of option name (no namespace) in relid's reloptions, or NULL. */
static char *
reloption_value(Oid relid, const char *name)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	char	   *result = NULL;
	Datum		options;
	bool		isnull;

	if (!HeapTupleIsValid(tp))
		return NULL;
	options = SysCacheGetAttr(RELOID, tp, Anum_pg_class_reloptions, &isnull);
	if (!isnull)
	{
		Datum	   *elems;
		int			n;
		size_t		len = strlen(name);

		deconstruct_array(DatumGetArrayTypeP(options), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, NULL, &n);
		for (int i = 0; i < n && result == NULL; i++)
		{
			char	   *opt = TextDatumGetCString(elems[i]);

			if (strncmp(opt, name, len) == 0 && opt[len] == '=')
				result = pstrdup(opt + len + 1);
		}
	}
	ReleaseSysCache(tp);
	return result;
}

/*
 * ALTER ... SET (options) / RESET (options): the previous values back, or
 * the options reset that had none.
 */
static void
undo_reloptions(Oid relid, const char *keyword, const char *name, List *defs, StringInfo sql,
				StringInfo reason, bool *reversible)
{
	StringInfoData set;
	StringInfoData reset;
	ListCell   *lc;

	initStringInfo(&set);
	initStringInfo(&reset);
	foreach(lc, defs)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		char	   *prev;

		if (def->defnamespace != NULL)
		{
			*reversible = false;
			appendStringInfo(reason, "the previous value of %s.%s is not recorded; ",
							 def->defnamespace, def->defname);
			continue;
		}
		prev = reloption_value(relid, def->defname);
		if (prev)
			appendStringInfo(&set, "%s%s = %s", set.len > 0 ? ", " : "",
							 quote_identifier(def->defname), quote_literal_cstr(prev));
		else
			appendStringInfo(&reset, "%s%s", reset.len > 0 ? ", " : "",
							 quote_identifier(def->defname));
	}
	/* SET (k = v) of an option that was not set: RESET (k).  RESET of one unset: nothing. */
	if (reset.len > 0)
		prepend(sql, psprintf("ALTER %s %s RESET (%s);", keyword, name, reset.data));
	if (set.len > 0)
		prepend(sql, psprintf("ALTER %s %s SET (%s);", keyword, name, set.data));
}

/* The relation a CREATE names, and whether it says IF NOT EXISTS; NULL for other statements. */
static RangeVar *
created_relation(Node *parsetree, bool *if_not_exists)
{
	switch (nodeTag(parsetree))
	{
		case T_CreateStmt:
			*if_not_exists = ((CreateStmt *) parsetree)->if_not_exists;
			return ((CreateStmt *) parsetree)->relation;
		case T_CreateSeqStmt:
			*if_not_exists = ((CreateSeqStmt *) parsetree)->if_not_exists;
			return ((CreateSeqStmt *) parsetree)->sequence;
		case T_CreateTableAsStmt:
			*if_not_exists = ((CreateTableAsStmt *) parsetree)->if_not_exists;
			return ((CreateTableAsStmt *) parsetree)->into->rel;
		case T_ViewStmt:
			*if_not_exists = false;
			return ((ViewStmt *) parsetree)->view;
		default:
			return NULL;
	}
}

/*
 * The relation named rv in the schema a CREATE puts it in (not the first
 * one of the search path that has the name), or InvalidOid.
 */
static Oid
creation_relid(RangeVar *rv)
{
	Oid			nsp = rv->schemaname ? get_namespace_oid(rv->schemaname, true)
		: RangeVarGetCreationNamespace(rv);

	return OidIsValid(nsp) ? get_relname_relid(rv->relname, nsp) : InvalidOid;
}

/* The catalog state before statements that have no operation in the model. */
static void
undo_before(MgUndo *u, Node *parsetree)
{
	bool		if_not_exists = false;
	RangeVar   *created = created_relation(parsetree, &if_not_exists);

	if (created)
	{
		u->temporary = created->relpersistence == RELPERSISTENCE_TEMP;
		u->existed = !u->temporary && if_not_exists && OidIsValid(creation_relid(created));
	}
	else if (IsA(parsetree, CreateSchemaStmt) && ((CreateSchemaStmt *) parsetree)->if_not_exists &&
			 ((CreateSchemaStmt *) parsetree)->schemaname)
		u->existed = OidIsValid(get_namespace_oid(((CreateSchemaStmt *) parsetree)->schemaname, true));
	else if (IsA(parsetree, CreateExtensionStmt) && ((CreateExtensionStmt *) parsetree)->if_not_exists)
		u->existed = OidIsValid(get_extension_oid(((CreateExtensionStmt *) parsetree)->extname, true));
	switch (nodeTag(parsetree))
	{
		case T_ViewStmt:
			{
				ViewStmt   *vs = (ViewStmt *) parsetree;
				Oid			relid;

				if (u->temporary || !vs->replace)
					break;
				relid = creation_relid(vs->view);
				if (OidIsValid(relid) && get_rel_relkind(relid) == RELKIND_VIEW)
				{
					char	   *state = guarded(view_state, relid);

					u->existed = true;
					if (state)
					{
						u->old_view_sql = state;
						u->old_view_columns = state + strlen(state) + 1;
					}
				}
			}
			break;
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *as = (AlterObjectSchemaStmt *) parsetree;
				Oid			relid = as->relation
					? RangeVarGetRelid(as->relation, NoLock, true) : InvalidOid;
				const char *keyword = OidIsValid(relid) ? relkind_keyword(get_rel_relkind(relid)) : NULL;
				char	   *old_schema;

				if (keyword == NULL)
					break;
				old_schema = get_namespace_name(get_rel_namespace(relid));
				u->covered = true;
				if (old_schema && strcmp(old_schema, as->newschema) != 0)
					prepend(&u->sqlbuf, psprintf("ALTER %s %s SET SCHEMA %s;", keyword,
												 quote_qualified_identifier(as->newschema,
																			get_rel_name(relid)),
												 quote_identifier(old_schema)));
			}
			break;
		case T_AlterTableStmt:
			{
				AlterTableStmt *at = (AlterTableStmt *) parsetree;
				Oid			relid = RangeVarGetRelid(at->relation, NoLock, true);
				const char *keyword = OidIsValid(relid) ? relkind_keyword(get_rel_relkind(relid)) : NULL;
				ListCell   *lc;

				if (keyword == NULL)
					break;
				foreach(lc, at->cmds)
				{
					AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

					if (cmd->subtype != AT_SetRelOptions && cmd->subtype != AT_ResetRelOptions)
						continue;
					undo_reloptions(relid, keyword,
									quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
															   get_rel_name(relid)),
									(List *) cmd->def, &u->sqlbuf, &u->reasonbuf, &u->reversible);
					u->covered = true;
				}
			}
			break;
		default:
			break;
	}
}

MgUndo *
mg_prepare_undo(const MgModel *m, Node *parsetree)
{
	MgUndo	   *u = (MgUndo *) palloc0(sizeof(MgUndo));

	initStringInfo(&u->sqlbuf);
	initStringInfo(&u->reasonbuf);
	u->reversible = true;
	undo_before(u, parsetree);
	undo_parse_tree(m, parsetree, &u->sqlbuf, &u->reasonbuf, &u->reversible, &u->covered);
	for (int i = 0; i < m->nops; i++)
		undo_op(&m->ops[i], &u->sqlbuf, &u->reasonbuf, &u->reversible);
	return u;
}

/* Whether relid is one of the relations the model names, or a partition of one. */
bool
mg_model_covers(const MgModel *m, Oid relid)
{
	List	   *ancestors;
	ListCell   *lc;

	if (m == NULL)
		return false;
	for (int i = 0; i < m->nrels; i++)
		if (m->relids[i] == relid)
			return true;
	if (!get_rel_relispartition(relid))
		return false;
	ancestors = get_partition_ancestors(relid);
	foreach(lc, ancestors)
		for (int i = 0; i < m->nrels; i++)
			if (m->relids[i] == lfirst_oid(lc))
				return true;
	return false;
}

/* After a CREATE: the DROP of what it created. */
static void
undo_created(MgUndo *u, Node *parsetree)
{
	bool		if_not_exists;
	RangeVar   *rv = created_relation(parsetree, &if_not_exists);
	Oid			relid;
	const char *keyword;
	char	   *name;

	if (rv == NULL)
		return;
	u->covered = true;
	if (u->temporary)
		return;
	relid = creation_relid(rv);
	if (!OidIsValid(relid))
		return;
	/* A view on a temporary table is temporary too. */
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
	{
		u->temporary = true;
		return;
	}
	keyword = relkind_keyword(get_rel_relkind(relid));
	name = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
	u->extra_relations = lappend(u->extra_relations, name);
	if (IsA(parsetree, ViewStmt) && u->existed && u->old_view_sql == NULL)
	{
		u->reversible = false;
		appendStringInfoString(&u->reasonbuf, "the replaced view's definition is unknown; ");
	}
	else if (IsA(parsetree, ViewStmt) && u->old_view_sql)
	{
		/* CREATE OR REPLACE VIEW: the previous definition back. */
		if (strcmp(u->old_view_columns, column_names(relid)) == 0)
			prepend(&u->sqlbuf, psprintf("CREATE OR REPLACE %s", u->old_view_sql + strlen("CREATE ")));
		else
			prepend(&u->sqlbuf, psprintf("DROP VIEW %s;\n%s", name, u->old_view_sql));
	}
	else if (!u->existed && keyword)
		prepend(&u->sqlbuf, psprintf("DROP %s %s;%s", keyword, name,
									 strcmp(keyword, "TABLE") == 0
									 ? "  -- with every row written to it since" : ""));
}

/*
 * The qualified name of the type a CREATE TYPE or CREATE DOMAIN just made,
 * looked up in the schema it was created in (not along the search path), or
 * NULL; *temporary when that schema is a temporary one.
 */
static char *
type_sql_name(List *names, bool *temporary)
{
	char	   *typname;
	Oid			nsp = QualifiedNameGetCreationNamespace(names, &typname);
	Oid			typid;

	if (!OidIsValid(nsp))
		return NULL;
	if (isAnyTempNamespace(nsp))
	{
		*temporary = true;
		return NULL;
	}
	typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(typname),
							ObjectIdGetDatum(nsp));
	return OidIsValid(typid) ? format_type_be_qualified(typid) : NULL;
}

/*
 * After a CREATE of a schema, an extension, a trigger, a domain or a type:
 * its DROP (nothing when IF NOT EXISTS found it there: u->existed).
 */
static void
undo_created_object(MgUndo *u, Node *parsetree)
{
	char	   *drop = NULL;

	switch (nodeTag(parsetree))
	{
		case T_CreateSchemaStmt:
			{
				CreateSchemaStmt *cs = (CreateSchemaStmt *) parsetree;

				const char *name = cs->schemaname ? cs->schemaname
					: cs->authrole ? get_rolespec_name(cs->authrole) : NULL;

				if (name)
					drop = psprintf("DROP SCHEMA %s%s;", quote_identifier(name),
									cs->schemaElts != NIL ? " CASCADE  -- with the objects it was created with" : "");
			}
			break;
		case T_CreateExtensionStmt:
			drop = psprintf("DROP EXTENSION %s;",
							quote_identifier(((CreateExtensionStmt *) parsetree)->extname));
			break;
		case T_CreateTrigStmt:
			{
				CreateTrigStmt *ct = (CreateTrigStmt *) parsetree;
				Oid			relid = ct->relation ? RangeVarGetRelid(ct->relation, NoLock, true) : InvalidOid;

				if (ct->replace)
					break;		/* CREATE OR REPLACE TRIGGER: the trigger before is not recorded */
				if (OidIsValid(relid) && get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
				{
					u->temporary = true;
					break;
				}
				if (OidIsValid(relid) && ct->trigname)
				{
					char	   *table = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
																   get_rel_name(relid));

					drop = psprintf("DROP TRIGGER %s ON %s;", quote_identifier(ct->trigname), table);
					u->extra_relations = lappend(u->extra_relations, table);
				}
			}
			break;
		case T_CreateDomainStmt:
			{
				char	   *name = type_sql_name(((CreateDomainStmt *) parsetree)->domainname,
													 &u->temporary);

				if (name)
					drop = psprintf("DROP DOMAIN %s;", name);
			}
			break;
		case T_CreateEnumStmt:
		case T_CompositeTypeStmt:
		case T_CreateRangeStmt:
			{
				char	   *name = NULL;

				if (IsA(parsetree, CompositeTypeStmt))
				{
					/* A composite type is a relation too: found where it was created. */
					RangeVar   *rv = ((CompositeTypeStmt *) parsetree)->typevar;
					Oid			relid = rv->relpersistence == RELPERSISTENCE_TEMP
						? InvalidOid : creation_relid(rv);

					u->temporary = rv->relpersistence == RELPERSISTENCE_TEMP ||
						(OidIsValid(relid) && get_rel_persistence(relid) == RELPERSISTENCE_TEMP);
					if (OidIsValid(relid) && !u->temporary)
						name = format_type_be_qualified(get_rel_type_id(relid));
				}
				else
					name = type_sql_name(IsA(parsetree, CreateEnumStmt)
										 ? ((CreateEnumStmt *) parsetree)->typeName
										 : ((CreateRangeStmt *) parsetree)->typeName,
										 &u->temporary);
				if (name)
					drop = psprintf("DROP TYPE %s;", name);
			}
			break;
		default:
			return;
	}
	u->covered = true;
	if (drop && !u->existed)
		prepend(&u->sqlbuf, drop);
	else if (!drop)
	{
		u->reversible = false;
		appendStringInfoString(&u->reasonbuf, "the object before the statement is not recorded; ");
	}
}

/* After a DROP: what CASCADE took with it, and the statements that bring back what they can. */
static void
undo_dropped(MgUndo *u, const MgModel *m, Node *parsetree)
{
	List	   *drops = mg_captured_drops();
	StringInfoData recreate;

	if (!u->capturing)
		return;
	initStringInfo(&recreate);
	/* Sequences, then views in the reverse order of their drops (dependents last), then indexes. */
	for (int rank = 0; rank <= 2; rank++)
	{
		for (int i = list_length(drops) - 1; i >= u->capture_start; i--)
		{
			MgDropped  *d = (MgDropped *) list_nth(drops, i);

			if (d->recreate_sql == NULL || d->recreate_rank != rank)
				continue;
			appendStringInfo(&recreate, "%s%s", recreate.len > 0 ? "\n" : "", d->recreate_sql);
			if (!d->is_index)
				u->extra_relations =
					lappend(u->extra_relations,
							quote_qualified_identifier(d->table.name.schema, d->table.name.name));
		}
	}
	for (int i = u->capture_start; i < list_length(drops); i++)
	{
		MgDropped  *d = (MgDropped *) list_nth(drops, i);

		if (d->definition_unknown)
		{
			u->reversible = false;
			appendStringInfo(&u->reasonbuf,
							 "the definition of %s was not read: a relation it reads was locked by another session; ",
							 qualified_name(&d->table.name));
			u->extra_relations = lappend(u->extra_relations, (void *) qualified_name(&d->table.name));
			continue;
		}
		/* The statement's own targets are in the model's undo already. */
		if (d->recreate_sql || mg_model_covers(m, d->relid) || !d->have_facts ||
			d->table.created_in_transaction)
			continue;
		if (d->table.kind == RELKIND_MATVIEW && d->attnum == 0)
			continue;			/* its definition is in recreate */
		u->reversible = false;
		u->extra_relations = lappend(u->extra_relations, (void *) qualified_name(&d->table.name));
		if (d->attnum == 0)
			appendStringInfo(&u->reasonbuf,
							 "CASCADE dropped table %s with about " INT64_FORMAT " rows (" INT64_FORMAT " bytes); ",
							 qualified_name(&d->table.name), Max(d->table.rows, 0), Max(d->table.bytes, 0));
		else
			appendStringInfo(&u->reasonbuf, "CASCADE dropped column %s.%s%s; ",
							 qualified_name(&d->table.name), quote_identifier(d->column),
							 d->column_empty ? " (every value NULL)"
							 : psprintf(" with the values of about " INT64_FORMAT " rows",
										Max(d->table.rows, 0)));
	}
	if (recreate.len > 0)
	{
		/*
		 * DROP of a type, a function, a schema, an extension, DROP OWNED:
		 * the views and sequences that went with it come back only once the
		 * object itself is back, which is not recorded.
		 */
		bool		own_target_known = IsA(parsetree, AlterTableStmt) ||
			(IsA(parsetree, DropStmt) &&
			 (((DropStmt *) parsetree)->removeType == OBJECT_VIEW ||
			  ((DropStmt *) parsetree)->removeType == OBJECT_MATVIEW ||
			  ((DropStmt *) parsetree)->removeType == OBJECT_SEQUENCE ||
			  ((DropStmt *) parsetree)->removeType == OBJECT_INDEX ||
			  ((DropStmt *) parsetree)->removeType == OBJECT_TABLE));

		if (!own_target_known)
		{
			u->reversible = false;
			appendStringInfo(&u->reasonbuf, "the definition of what %s dropped is not recorded; ",
							 m->command ? m->command : "the statement");
		}
		u->covered = true;
		if (u->sqlbuf.len > 0)
			appendStringInfoChar(&u->sqlbuf, '\n');
		appendStringInfoString(&u->sqlbuf, recreate.data);
	}
}

bool
mg_finish_undo(MgUndo *u, const MgModel *m, Node *parsetree)
{
	StringInfo	reason = &u->reasonbuf;

	undo_created(u, parsetree);
	undo_created_object(u, parsetree);
	if (u->temporary)
		return false;
	undo_dropped(u, m, parsetree);
	if (u->covered && u->reversible && u->sqlbuf.len == 0)
		appendStringInfoString(&u->sqlbuf, u->existed ? "-- nothing to undo: it existed already"
							   : "-- nothing to undo");
	if (u->reversible && u->sqlbuf.len == 0)
	{
		u->reversible = false;
		appendStringInfoString(reason, "no inverse is recorded for this statement");
	}
	if (reason->len > 2 && reason->data[reason->len - 2] == ';')
		reason->data[reason->len - 2] = '\0';
	u->sql = u->sqlbuf.len > 0 ? u->sqlbuf.data : NULL;
	u->reason = NULL;
	if (reason->len > 0)
	{
		/*
		 * The reason is prose with names in it, shown on a comment line of the
		 * rollback script: one line, whatever the names hold.
		 */
		size_t		size = (size_t) reason->len * 4 + 1;

		u->reason = (char *) palloc(size);
		(void) mg_one_line(reason->data, u->reason, size);
	}
	return true;
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
		Oid			relid = relation_in("migration_guard", "history");
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
mg_record_history(const MgModel *m, const MgUndo *undo)
{
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

	for (int i = 0; i < m->nrels; i++)
		relations = lappend(relations, (void *) qualified_name(&m->rels[i].table.name));
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
	set_column(values, nulls, desc->natts, COL_FINDINGS, text_array(mg_last_findings), false);
	set_column(values, nulls, desc->natts, COL_DECISION,
			   CStringGetTextDatum(decisions[mg_last_decision]), false);
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
