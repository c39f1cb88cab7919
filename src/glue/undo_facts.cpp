/*
 * The facts the core's undo generator needs (core/undo.cpp), read from the
 * catalogs before the statement runs: whether the object of an IF NOT EXISTS
 * was there already, an index's or a constraint's definition as the server
 * deparses it, a column's default and NOT NULL before the statement, the
 * average width of a dropped column's values.
 *
 * Nothing here writes SQL of its own: the history (history.cpp) and the
 * script review (review.cpp) hand the same facts to the same generator, so
 * the history's rollback_sql and the report's rollback plan cannot disagree.
 */
#include "glue/catalog_sql.hpp"
#include "glue/column_stats.hpp"
#include "glue/dropped.hpp"
#include "glue/model.hpp"
#include "glue/settings.hpp"
#include "glue/subxact.hpp"
#include "glue/undo_facts.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_constraint.h"
#include "utils/fmgroids.h"
#include "utils/resowner.h"
#include "utils/ruleutils.h"
}

/* The relation named name in schema, as the catalogs say now, or InvalidOid. */
Oid
mg_relation_in(const char *schema, const char *name)
{
	Oid			nsp = schema ? get_namespace_oid(schema, true) : InvalidOid;

	return OidIsValid(nsp) && name ? get_relname_relid(name, nsp) : InvalidOid;
}

/* The facts of one operation of the model, in its undo_* fields. */
static void
operation_facts(MgOperation *op)
{
	switch (op->kind)
	{
		case MG_OP_ADD_COLUMN:
			{
				Oid			relid = mg_relation_in(op->table.name.schema, op->table.name.name);

				/* ADD COLUMN IF NOT EXISTS of a column that is there: nothing to undo. */
				op->undo_existed = OidIsValid(relid) && op->column &&
					get_attnum(relid, op->column) != InvalidAttrNumber;
			}
			break;
		case MG_OP_CREATE_INDEX:
			/* CREATE INDEX IF NOT EXISTS of an index that is there: nothing to undo. */
			op->undo_existed = OidIsValid(mg_relation_in(op->table.name.schema, op->index_name));
			break;
		case MG_OP_DROP_INDEX:
			{
				Oid			idx = mg_relation_in(op->table.name.schema, op->object_name);

				op->undo_old_definition = OidIsValid(idx) ? mg_guarded(mg_index_definition, idx) : NULL;
			}
			break;
		case MG_OP_SET_NOT_NULL:
			{
				Oid			relid = mg_relation_in(op->table.name.schema, op->table.name.name);
				AttrNumber	attnum = OidIsValid(relid) && op->column
					? get_attnum(relid, op->column) : InvalidAttrNumber;

				op->undo_was_not_null = attnum != InvalidAttrNumber && mg_column_not_null(relid, attnum);
			}
			break;
		case MG_OP_DROP_COLUMN:
			{
				Oid			relid = mg_relation_in(op->table.name.schema, op->table.name.name);
				AttrNumber	attnum = OidIsValid(relid) && op->column
					? get_attnum(relid, op->column) : InvalidAttrNumber;
				int			width = -1;

				if (attnum > 0)
					(void) mg_column_stats(relid, attnum, NULL, &width);
				op->undo_column_width = width > 0 ? width : 0;
			}
			break;
		default:
			break;
	}
}

static MgUndoFact *
add_fact(MgUndoFact **facts, int *nfacts, int *max, int kind, const MgName *table)
{
	MgUndoFact *f;

	if (*nfacts == *max)
	{
		*max = *max > 0 ? *max * 2 : 4;
		*facts = *facts ? (MgUndoFact *) repalloc(*facts, sizeof(MgUndoFact) * *max)
			: (MgUndoFact *) palloc(sizeof(MgUndoFact) * *max);
	}
	f = &(*facts)[(*nfacts)++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->table = *table;
	return f;
}

/*
 * The subcommands that are no operation of the model (defaults, DROP
 * CONSTRAINT, DROP NOT NULL) and the renames of indexes and constraints.
 * The catalogs are read as they are before the statement; the relation is
 * one the statement is about to lock (and we hold no lock: a concurrent
 * change makes the inverse stale, which the history says by its time).
 */
static void
parse_tree_facts(const MgModel *m, Node *parsetree, MgUndoFact **facts, int *nfacts, int *max)
{
	if (m->nrels == 0)
		return;
	if (IsA(parsetree, AlterTableStmt))
	{
		Oid			relid = m->relids[0];
		const MgName *table = &m->rels[0].table.name;
		ListCell   *lc;

		foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
		{
			AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
			AttrNumber	attnum = cmd->name ? get_attnum(relid, cmd->name) : InvalidAttrNumber;
			MgUndoFact *f;

			switch (cmd->subtype)
			{
				case AT_ColumnDefault:
					if (attnum == InvalidAttrNumber)
						break;
					f = add_fact(facts, nfacts, max, MG_UNDO_COLUMN_DEFAULT, table);
					f->name = cmd->name;
					f->old_sql = mg_column_default_sql(relid, attnum);
					break;
				case AT_DropNotNull:
					if (attnum == InvalidAttrNumber)
						break;
					f = add_fact(facts, nfacts, max, MG_UNDO_DROP_NOT_NULL, table);
					f->name = cmd->name;
					f->was_not_null = mg_column_not_null(relid, attnum);
					break;
				case AT_DropConstraint:
					{
						Oid			conid = cmd->name
							? get_relation_constraint_oid(relid, cmd->name, true) : InvalidOid;

						if (!OidIsValid(conid))
							break;
						f = add_fact(facts, nfacts, max, MG_UNDO_DROP_CONSTRAINT, table);
						f->name = cmd->name;
						f->old_sql = mg_guarded(mg_constraint_definition, conid);
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
		MgUndoFact *f;

		if (rs->renameType == OBJECT_INDEX)
		{
			f = add_fact(facts, nfacts, max, MG_UNDO_RENAME_INDEX, &m->rels[0].table.name);
			f->new_name = rs->newname;
		}
		else if (rs->renameType == OBJECT_TABCONSTRAINT && rs->subname)
		{
			f = add_fact(facts, nfacts, max, MG_UNDO_RENAME_CONSTRAINT, &m->rels[0].table.name);
			f->name = rs->subname;
			f->new_name = rs->newname;
		}
	}
}

/*
 * A CREATE TABLE (VIEW, TABLE AS, MATERIALIZED VIEW, SELECT INTO) under
 * review, which will not run: what it would create, in the schema it would
 * go to (the history reads it from the catalogs once the statement ran,
 * history.cpp).  A temporary one has no undo, nor has CREATE OR REPLACE
 * VIEW of a view that exists (its old definition is the history's).
 */
static void
planned_creation_fact(Node *parsetree, MgUndoFact **facts, int *nfacts, int *max)
{
	RangeVar   *rv;
	const char *keyword = "TABLE";
	MgName		name;
	MgUndoFact *f;

	if (IsA(parsetree, CreateStmt))
		rv = ((CreateStmt *) parsetree)->relation;
	else if (IsA(parsetree, CreateTableAsStmt))
	{
		rv = ((CreateTableAsStmt *) parsetree)->into->rel;
		if (((CreateTableAsStmt *) parsetree)->objtype == OBJECT_MATVIEW)
			keyword = "MATERIALIZED VIEW";
	}
	else if (IsA(parsetree, SelectStmt) && ((SelectStmt *) parsetree)->intoClause)
		rv = ((SelectStmt *) parsetree)->intoClause->rel;
	else if (IsA(parsetree, ViewStmt))
	{
		rv = ((ViewStmt *) parsetree)->view;
		keyword = "VIEW";
	}
	else
		return;
	if (rv->relpersistence == RELPERSISTENCE_TEMP ||
		OidIsValid(RangeVarGetRelid(rv, NoLock, true)))
		return;
	name.schema = rv->schemaname ? rv->schemaname
		: get_namespace_name(RangeVarGetCreationNamespace(rv));
	name.name = rv->relname;
	if (name.schema == NULL)
		return;
	f = add_fact(facts, nfacts, max, MG_UNDO_CREATED, &name);
	f->keyword = keyword;
}

void
mg_collect_undo_facts(MgModel *m, Node *parsetree, bool planned, MgUndoFact **facts, int *nfacts)
{
	int			max = 0;

	*facts = NULL;
	*nfacts = 0;
	if (planned)
		planned_creation_fact(parsetree, facts, nfacts, &max);
	parse_tree_facts(m, parsetree, facts, nfacts, &max);
	for (int i = 0; i < m->nops; i++)
		operation_facts(&m->ops[i]);
}

/* A copy of s that cannot raise an error (NULL when out of memory). */
static char *
copy_quietly(const char *s)
{
	size_t		len;
	char	   *copy;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	copy = (char *) palloc_extended(len, MCXT_ALLOC_NO_OOM | MCXT_ALLOC_HUGE);
	if (copy)
		memcpy(copy, s, len);
	return copy;
}

void
mg_write_undo(const MgOperation *ops, int nops, const MgUndoFact *facts, int nfacts,
			  const char *command, char **sql, char **reason, bool *covered)
{
	MgSettings	settings;
	MgUndoResult result;
	char	   *error = NULL;

	mg_current_settings(&settings);
	mg_undo(ops, nops, facts, nfacts, command, &settings, &result);
	*sql = copy_quietly(result.sql);
	*reason = copy_quietly(result.reason);
	*covered = result.covered;
	if (result.error)
		error = copy_quietly(result.error);
	else if ((result.sql && *sql == NULL) || (result.reason && *reason == NULL))
		error = (char *) "out of memory";
	mg_undo_free(&result);
	if (error)
		elog(ERROR, "migration_guard: could not write the undo: %s", error);
}

/* The core's statement, copied; an error from the core is raised here. */
static char *
take_statement(MgUndoResult *result)
{
	char	   *sql = copy_quietly(result->sql);
	char	   *error = NULL;

	if (result->error)
		error = copy_quietly(result->error);
	else if (result->sql && sql == NULL)
		error = (char *) "out of memory";
	mg_undo_free(result);
	if (error)
		elog(ERROR, "migration_guard: could not write the statement that recreates a dropped relation: %s",
			 error);
	return sql;
}

char *
mg_recreate_sequence_sql(const MgSequenceFacts *seq)
{
	MgSettings	settings;
	MgUndoResult result;

	mg_current_settings(&settings);
	mg_recreate_sequence(seq, &settings, &result);
	return take_statement(&result);
}

char *
mg_recreate_view_sql(const MgViewFacts *view)
{
	MgSettings	settings;
	MgUndoResult result;

	mg_current_settings(&settings);
	mg_recreate_view(view, &settings, &result);
	return take_statement(&result);
}
