/*
 * The history's undo of a statement (MgUndo): prepared before the statement
 * runs, finished after it.  The glue collects the facts; the SQL and the
 * reasons are written by the core (core/undo.cpp, the same generator as the
 * report's rollback plan): the inverse of the model's operations and
 * subcommands (facts of undo_facts.cpp), and here the catalog state that only
 * the history has: the schema before SET SCHEMA, the options before SET/RESET,
 * the view before CREATE OR REPLACE VIEW, the schema, extension, trigger,
 * domain or type a statement created, and what CASCADE dropped with it
 * (dropped.cpp).
 */
#include "glue/history.hpp"
#include "glue/catalog_sql.hpp"
#include "glue/dropped.hpp"
#include "glue/statement_state.hpp"
#include "glue/subxact.hpp"
#include "glue/undo_facts.hpp"
#include "glue/column_stats.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/xid8.h"
}

static const char *
qualified_name(const MgName *n)
{
	return quote_qualified_identifier(n->schema, n->name);
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
 * The core's undo of facts collected here: its SQL put before what is there
 * (undo runs last first), its reasons after.
 */
static void
write_facts(MgUndo *u, const MgUndoFact *facts, int nfacts, const char *command)
{
	char	   *sql;
	char	   *reason;
	bool		covered;

	if (nfacts == 0)
		return;
	mg_write_undo(NULL, 0, facts, nfacts, command, &sql, &reason, &covered);
	if (sql)
		prepend(&u->sqlbuf, sql);
	if (reason)
	{
		u->reversible = false;
		appendStringInfoString(&u->reasonbuf, reason);
	}
	u->covered = u->covered || covered;
}

/* ALTER ... SET (options) / RESET (options): each option's value before. */
static void
undo_reloptions(MgUndo *u, Oid relid, const char *keyword, List *defs)
{
	MgUndoFact *facts = (MgUndoFact *) palloc0(sizeof(MgUndoFact) * Max(list_length(defs), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, defs)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		MgUndoFact *f = &facts[n++];

		f->kind = MG_UNDO_RELOPTION;
		f->keyword = keyword;
		f->table.schema = get_namespace_name(get_rel_namespace(relid));
		f->table.name = get_rel_name(relid);
		f->name = def->defname;
		f->new_name = def->defnamespace;
		f->old_sql = def->defnamespace ? NULL : mg_reloption_value(relid, def->defname);
	}
	write_facts(u, facts, n, NULL);
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
					char	   *state = mg_guarded(mg_view_state, relid);

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
				const char *keyword = OidIsValid(relid) ? mg_relkind_keyword(get_rel_relkind(relid)) : NULL;
				char	   *old_schema;

				if (keyword == NULL)
					break;
				old_schema = get_namespace_name(get_rel_namespace(relid));
				u->covered = true;
				if (old_schema)
				{
					MgUndoFact	f;

					memset(&f, 0, sizeof(f));
					f.kind = MG_UNDO_SET_SCHEMA;
					f.keyword = keyword;
					f.table.schema = as->newschema;
					f.table.name = get_rel_name(relid);
					f.name = old_schema;
					write_facts(u, &f, 1, NULL);
				}
			}
			break;
		case T_AlterTableStmt:
			{
				AlterTableStmt *at = (AlterTableStmt *) parsetree;
				Oid			relid = RangeVarGetRelid(at->relation, NoLock, true);
				const char *keyword = OidIsValid(relid) ? mg_relkind_keyword(get_rel_relkind(relid)) : NULL;
				ListCell   *lc;

				if (keyword == NULL)
					break;
				foreach(lc, at->cmds)
				{
					AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

					if (cmd->subtype != AT_SetRelOptions && cmd->subtype != AT_ResetRelOptions)
						continue;
					undo_reloptions(u, relid, keyword, (List *) cmd->def);
					u->covered = true;
				}
			}
			break;
		default:
			break;
	}
}

/*
 * Before the statement runs: the facts its undo needs, and the undo of its
 * operations and subcommands written by the core (the same generator as the
 * report's rollback plan).
 */
MgUndo *
mg_prepare_undo(MgModel *m, Node *parsetree)
{
	MgUndo	   *u = (MgUndo *) palloc0(sizeof(MgUndo));
	MgUndoFact *facts;
	int			nfacts;
	char	   *sql;
	char	   *reason;
	bool		covered;

	initStringInfo(&u->sqlbuf);
	initStringInfo(&u->reasonbuf);
	u->reversible = true;
	undo_before(u, parsetree);
	mg_collect_undo_facts(m, parsetree, false, &facts, &nfacts);
	mg_write_undo(m->ops, m->nops, facts, nfacts, m->command, &sql, &reason, &covered);
	if (sql)
		prepend(&u->sqlbuf, sql);
	if (reason)
	{
		u->reversible = false;
		appendStringInfoString(&u->reasonbuf, reason);
	}
	u->covered = u->covered || covered;
	return u;
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
	keyword = mg_relkind_keyword(get_rel_relkind(relid));
	name = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
	u->extra_relations = lappend(u->extra_relations, name);
	if (IsA(parsetree, ViewStmt) && u->existed)
	{
		/* CREATE OR REPLACE VIEW: the previous definition back, if it was read. */
		MgUndoFact	f;

		memset(&f, 0, sizeof(f));
		f.kind = MG_UNDO_VIEW_REPLACED;
		f.table.schema = get_namespace_name(get_rel_namespace(relid));
		f.table.name = get_rel_name(relid);
		f.old_sql = u->old_view_sql;
		f.same_columns = u->old_view_sql &&
			strcmp(u->old_view_columns, mg_column_names(relid)) == 0;
		write_facts(u, &f, 1, NULL);
	}
	else if (!u->existed && keyword)
	{
		MgUndoFact	f;

		memset(&f, 0, sizeof(f));
		f.kind = MG_UNDO_CREATED;
		f.keyword = keyword;
		f.table.schema = get_namespace_name(get_rel_namespace(relid));
		f.table.name = get_rel_name(relid);
		write_facts(u, &f, 1, NULL);
	}
}

/*
 * After a CREATE of a schema, an extension, a trigger, a domain or a type:
 * its DROP (nothing when IF NOT EXISTS found it there: u->existed).
 */
static void
undo_created_object(MgUndo *u, Node *parsetree)
{
	MgUndoFact	f;

	memset(&f, 0, sizeof(f));
	f.kind = MG_UNDO_CREATED_OBJECT;
	switch (nodeTag(parsetree))
	{
		case T_CreateSchemaStmt:
			{
				CreateSchemaStmt *cs = (CreateSchemaStmt *) parsetree;

				f.keyword = "SCHEMA";
				f.name = cs->schemaname ? cs->schemaname
					: cs->authrole ? get_rolespec_name(cs->authrole) : NULL;
				f.cascade = cs->schemaElts != NIL;
			}
			break;
		case T_CreateExtensionStmt:
			f.keyword = "EXTENSION";
			f.name = ((CreateExtensionStmt *) parsetree)->extname;
			break;
		case T_CreateTrigStmt:
			{
				CreateTrigStmt *ct = (CreateTrigStmt *) parsetree;
				Oid			relid = ct->relation ? RangeVarGetRelid(ct->relation, NoLock, true) : InvalidOid;

				f.keyword = "TRIGGER";
				if (ct->replace)
					break;		/* CREATE OR REPLACE TRIGGER: the trigger before is not recorded */
				if (OidIsValid(relid) && get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
				{
					u->temporary = true;
					break;
				}
				if (OidIsValid(relid) && ct->trigname)
				{
					f.name = ct->trigname;
					f.table.schema = get_namespace_name(get_rel_namespace(relid));
					f.table.name = get_rel_name(relid);
					u->extra_relations = lappend(u->extra_relations,
												 quote_qualified_identifier(f.table.schema, f.table.name));
				}
			}
			break;
		case T_CreateDomainStmt:
			f.keyword = "DOMAIN";
			(void) mg_created_type_name(((CreateDomainStmt *) parsetree)->domainname,
										&u->temporary, &f.table);
			break;
		case T_CreateEnumStmt:
		case T_CreateRangeStmt:
			f.keyword = "TYPE";
			(void) mg_created_type_name(IsA(parsetree, CreateEnumStmt)
										? ((CreateEnumStmt *) parsetree)->typeName
										: ((CreateRangeStmt *) parsetree)->typeName,
										&u->temporary, &f.table);
			break;
		case T_CompositeTypeStmt:
			{
				/* A composite type is a relation too: found where it was created. */
				RangeVar   *rv = ((CompositeTypeStmt *) parsetree)->typevar;
				Oid			relid = rv->relpersistence == RELPERSISTENCE_TEMP
					? InvalidOid : creation_relid(rv);

				f.keyword = "TYPE";
				u->temporary = rv->relpersistence == RELPERSISTENCE_TEMP ||
					(OidIsValid(relid) && get_rel_persistence(relid) == RELPERSISTENCE_TEMP);
				if (OidIsValid(relid) && !u->temporary)
				{
					f.table.schema = get_namespace_name(get_rel_namespace(relid));
					f.table.name = get_rel_name(relid);
				}
			}
			break;
		default:
			return;
	}
	u->covered = true;
	if (u->temporary)
		return;
	/* IF NOT EXISTS found it there: nothing to drop. */
	if (u->existed && (f.name || f.table.name))
		return;
	write_facts(u, &f, 1, NULL);
}

/* After a DROP: what CASCADE took with it, and the statements that bring back what they can. */
static void
undo_dropped(MgUndo *u, const MgModel *m, Node *parsetree)
{
	List	   *drops = mg_captured_drops();
	StringInfoData recreate;
	MgUndoFact *facts;
	int			nfacts = 0;

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
	facts = (MgUndoFact *) palloc0(sizeof(MgUndoFact) * (list_length(drops) - u->capture_start + 1));
	for (int i = u->capture_start; i < list_length(drops); i++)
	{
		MgDropped  *d = (MgDropped *) list_nth(drops, i);
		MgUndoFact *f = &facts[nfacts];

		if (d->definition_unknown)
		{
			f->kind = MG_UNDO_DEFINITION_UNREAD;
			f->table = d->table.name;
			nfacts++;
			u->extra_relations = lappend(u->extra_relations, (void *) qualified_name(&d->table.name));
			continue;
		}
		/* The statement's own targets are in the model's undo already. */
		if (d->recreate_sql || mg_model_covers(m, d->relid) || !d->have_facts ||
			d->table.created_in_transaction)
			continue;
		if (d->table.kind == RELKIND_MATVIEW && d->attnum == 0)
			continue;			/* its definition is in recreate */
		u->extra_relations = lappend(u->extra_relations, (void *) qualified_name(&d->table.name));
		f->kind = MG_UNDO_CASCADE_DROPPED;
		f->table = d->table.name;
		f->name = d->attnum == 0 ? NULL : d->column;
		f->rows = d->table.rows;
		f->bytes = d->table.bytes;
		f->column_empty = d->column_empty;
		nfacts++;
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
			facts[nfacts].kind = MG_UNDO_DROPPED_UNKNOWN;
			facts[nfacts].name = m->command;
			nfacts++;
		}
	}
	/* Reasons only: nothing to run for what is lost. */
	write_facts(u, facts, nfacts, m->command);
	if (recreate.len > 0)
	{
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

