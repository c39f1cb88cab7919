/*
 * The answers the model gets from a script under review (script_state.hpp):
 * a leaf of the glue, so that the model and the review do not call each
 * other in a circle.  Also the renames the review notes in the script state
 * (the model resolves names through them).
 */
#include "glue/review.hpp"
#include "glue/script_state.hpp"

extern "C" {
#include "nodes/makefuncs.h"
}


bool
mg_names_match(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

ScriptColumn *
mg_script_find_entry(List *list, Oid relid, const char *name)
{
	ListCell   *lc;

	foreach(lc, list)
	{
		ScriptColumn *c = (ScriptColumn *) lfirst(lc);

		if (c->relid == relid && mg_names_match(c->name, name))
			return c;
	}
	return NULL;
}

bool
mg_script_proves_not_null(const MgScript *script, Oid relid, const char *column)
{
	return script && mg_script_find_entry(script->proven, relid, column) != NULL;
}

bool
mg_script_added_column(const MgScript *script, Oid relid, const char *column)
{
	return script && mg_script_find_entry(script->added_columns, relid, column) != NULL;
}

bool
mg_script_pending_constraint(const MgScript *script, Oid relid, const char *name, Oid *refrelid)
{
	ScriptColumn *c = script ? mg_script_find_entry(script->pending, relid, name) : NULL;

	if (c && refrelid)
		*refrelid = c->refrelid;
	return c != NULL;
}

ScriptRename *
mg_script_renamed(const MgScript *script, Oid relid)
{
	ListCell   *lc;

	if (script == NULL || !OidIsValid(relid))
		return NULL;
	foreach(lc, script->renamed)
	{
		ScriptRename *r = (ScriptRename *) lfirst(lc);

		if (r->relid == relid)
			return r;
	}
	return NULL;
}

/* A relation the script renamed into (schema, name), or InvalidOid. */
static Oid
renamed_into(const MgScript *script, const char *schema, const char *name)
{
	ListCell   *lc;

	foreach(lc, script->renamed)
	{
		ScriptRename *r = (ScriptRename *) lfirst(lc);

		if (mg_names_match(r->schema, schema) && mg_names_match(r->name, name))
			return r->relid;
	}
	return InvalidOid;
}

/*
 * As the server resolves a name: a qualified one in its schema, an
 * unqualified one in the first schema of the search path that has it; a
 * relation renamed away answers no more to its catalog name.
 */
Oid
mg_script_relid(const MgScript *script, const RangeVar *rv)
{
	Oid			relid;
	List	   *path;
	ListCell   *lc;

	if (script == NULL || script->renamed == NIL)
		return RangeVarGetRelid(rv, NoLock, true);
	if (rv->schemaname)
	{
		relid = renamed_into(script, rv->schemaname, rv->relname);
		if (OidIsValid(relid))
			return relid;
		relid = RangeVarGetRelid(rv, NoLock, true);
		return mg_script_renamed(script, relid) ? InvalidOid : relid;
	}
	path = fetch_search_path(false);
	foreach(lc, path)
	{
		Oid			nsp = lfirst_oid(lc);
		char	   *nspname = get_namespace_name(nsp);

		relid = nspname ? renamed_into(script, nspname, rv->relname) : InvalidOid;
		if (OidIsValid(relid))
			return relid;
		relid = get_relname_relid(rv->relname, nsp);
		if (OidIsValid(relid) && !mg_script_renamed(script, relid))
			return relid;
	}
	/* pg_temp and pg_catalog, which the path above leaves out. */
	relid = RangeVarGetRelid(rv, NoLock, true);
	return mg_script_renamed(script, relid) ? InvalidOid : relid;
}

const char *
mg_script_column(const MgScript *script, Oid relid, const char *name)
{
	ListCell   *lc;

	if (script == NULL || name == NULL)
		return name;
	foreach(lc, script->renamed_columns)
	{
		ScriptRename *r = (ScriptRename *) lfirst(lc);

		if (r->relid == relid && mg_names_match(r->name, name))
			return r->catalog_name;
	}
	/* Renamed away: the old name is no column's any more. */
	foreach(lc, script->renamed_columns)
	{
		ScriptRename *r = (ScriptRename *) lfirst(lc);

		if (r->relid == relid && mg_names_match(r->catalog_name, name))
			return "";
	}
	return name;
}

void
mg_script_name_now(const MgScript *script, MgTable *t)
{
	ListCell   *lc;

	if (script == NULL || t->name.name == NULL)
		return;
	foreach(lc, script->renamed)
	{
		ScriptRename *r = (ScriptRename *) lfirst(lc);

		if (mg_names_match(r->catalog_schema, t->name.schema) &&
			mg_names_match(r->catalog_name, t->name.name))
		{
			t->name.schema = r->schema;
			t->name.name = r->name;
			return;
		}
	}
}

/*
 * A relation renamed (new_name) or moved to another schema (new_schema) by
 * the script: later statements find it under its new name, with the facts of
 * the catalogs' relation.  A table the script created is followed in its
 * list of created tables.
 */
void
mg_script_track_relation_name(MgScript *st, RangeVar *rv, const char *new_schema, const char *new_name)
{
	Oid			relid = mg_script_relid(st, rv);
	ScriptRename *r;
	ListCell   *lc;

	if (!OidIsValid(relid))
	{
		foreach(lc, st->created)
		{
			RangeVar   *c = (RangeVar *) lfirst(lc);

			if (mg_names_match(c->relname, rv->relname) &&
				(rv->schemaname == NULL || c->schemaname == NULL ||
				 mg_names_match(c->schemaname, rv->schemaname)))
			{
				c = makeRangeVar(new_schema ? pstrdup(new_schema) : c->schemaname,
								 new_name ? pstrdup(new_name) : c->relname, c->location);
				lfirst(lc) = c;
				break;
			}
		}
		return;
	}
	r = mg_script_renamed(st, relid);
	if (r == NULL)
	{
		char	   *name = get_rel_name(relid);
		char	   *schema = get_namespace_name(get_rel_namespace(relid));

		if (name == NULL || schema == NULL)
			return;
		r = (ScriptRename *) palloc0(sizeof(ScriptRename));
		r->relid = relid;
		r->catalog_schema = r->schema = schema;
		r->catalog_name = r->name = name;
		st->renamed = lappend(st->renamed, r);
	}
	if (new_name)
		r->name = pstrdup(new_name);
	if (new_schema)
		r->schema = pstrdup(new_schema);
}

/* A column renamed by the script: the script's own lists follow it too. */
static void
track_column_name(MgScript *st, Oid relid, const char *old_name, const char *new_name)
{
	ListCell   *lc;
	ScriptRename *r = NULL;
	List	   *lists[2] = {st->added_columns, st->proven};

	for (int i = 0; i < 2; i++)
		foreach(lc, lists[i])
		{
			ScriptColumn *c = (ScriptColumn *) lfirst(lc);

			if (c->relid == relid && mg_names_match(c->name, old_name))
				c->name = pstrdup(new_name);
		}
	foreach(lc, st->pending)
	{
		ScriptColumn *c = (ScriptColumn *) lfirst(lc);

		if (c->relid == relid && mg_names_match(c->column, old_name))
			c->column = pstrdup(new_name);
	}
	if (mg_script_added_column(st, relid, new_name))
		return;					/* not in the catalogs: the lists say it all */
	foreach(lc, st->renamed_columns)
	{
		ScriptRename *e = (ScriptRename *) lfirst(lc);

		if (e->relid == relid && mg_names_match(e->name, old_name))
			r = e;
	}
	if (r == NULL)
	{
		r = (ScriptRename *) palloc0(sizeof(ScriptRename));
		r->relid = relid;
		r->catalog_name = pstrdup(old_name);
		st->renamed_columns = lappend(st->renamed_columns, r);
	}
	r->name = pstrdup(new_name);
}

void
mg_script_track_rename(MgScript *st, RenameStmt *rs)
{
	if (rs->relation == NULL || rs->newname == NULL)
		return;
	switch (rs->renameType)
	{
		case OBJECT_TABLE:
		case OBJECT_VIEW:
		case OBJECT_MATVIEW:
		case OBJECT_SEQUENCE:
		case OBJECT_FOREIGN_TABLE:
		case OBJECT_INDEX:
			mg_script_track_relation_name(st, rs->relation, NULL, rs->newname);
			break;
		case OBJECT_COLUMN:
			{
				Oid			relid = mg_script_relid(st, rs->relation);

				if (OidIsValid(relid) && rs->subname)
					track_column_name(st, relid, rs->subname, rs->newname);
			}
			break;
		default:
			break;
	}
}
