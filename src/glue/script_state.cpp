/*
 * The answers the model gets from a script under review (script_state.hpp):
 * a leaf of the glue, so that the model and the review do not call each
 * other in a circle.
 */
#include "glue/review.hpp"
#include "glue/script_state.hpp"


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
