/*
 * The key columns of a constraint a statement adds, as names, and the name
 * the server will give it when the statement names none, found with the
 * server's own functions (ChooseRelationName() for the index of a PRIMARY KEY
 * or UNIQUE constraint, ChooseConstraintName() for a FOREIGN KEY), so that a
 * name taken already gets the suffix the server adds.  Passed to the core as
 * data: nothing there parses a column list written as SQL again.
 */
#include "glue/constraint_names.hpp"

extern "C" {
#include "catalog/pg_constraint.h"
}

/*
 * The column names joined with '_', as the server's ChooseIndexNameAddition()
 * and ChooseForeignKeyConstraintNameAddition() do (both static there).
 */
static char *
name_addition(const char *const *names, int n)
{
	char		buf[NAMEDATALEN * 2];
	int			buflen = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
	{
		if (buflen > 0)
			buf[buflen++] = '_';
		strlcpy(buf + buflen, names[i], NAMEDATALEN);
		buflen += strlen(buf + buflen);
		if (buflen >= NAMEDATALEN)
			break;
	}
	return pstrdup(buf);
}

void
mg_constraint_key_facts(MgOperation *op, Oid relid, Constraint *con)
{
	List	   *cols;
	const char **names;
	int			n = 0;
	ListCell   *lc;
	char	   *relname;
	Oid			nsp;

	switch (con->contype)
	{
		case CONSTR_PRIMARY:
		case CONSTR_UNIQUE:
			cols = con->keys;
			break;
		case CONSTR_FOREIGN:
			cols = con->fk_attrs;
			break;
		default:
			return;
	}
	names = (const char **) palloc(sizeof(char *) * Max(list_length(cols), 1));
	foreach(lc, cols)
	{
		if (!IsA(lfirst(lc), String))
			return;				/* not a plain column: leave it unknown */
		names[n++] = strVal(lfirst(lc));
	}
	op->key_columns = names;
	op->nkey_columns = n;
	if (con->conname != NULL || con->indexname != NULL || !OidIsValid(relid))
		return;
	relname = get_rel_name(relid);
	nsp = get_rel_namespace(relid);
	if (relname == NULL || !OidIsValid(nsp))
		return;
	if (con->contype == CONSTR_PRIMARY)
		op->chosen_name = ChooseRelationName(relname, NULL, "pkey", nsp, true);
	else if (con->contype == CONSTR_UNIQUE && n > 0)
		op->chosen_name = ChooseRelationName(relname, name_addition(names, n), "key", nsp, true);
	else if (con->contype == CONSTR_FOREIGN && n > 0)
		op->chosen_name = ChooseConstraintName(relname, name_addition(names, n), "fkey", nsp, NIL);
}
