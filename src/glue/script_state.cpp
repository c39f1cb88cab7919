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
