/*
 * Settings for migration tools (docs/tools.md):
 *
 *   migration_guard.error_format  standard | inline: a rejection's facts, safe
 *                                 SQL and rule id in its primary message, for
 *                                 clients that print nothing else;
 *   migration_guard.migration_id  any text a tool sets for the migration it
 *                                 runs, kept with each history row and finding;
 *   migration_guard.history_exclude  schemas and tables whose DDL the history
 *                                 does not record (tool bookkeeping).  Policy:
 *                                 superuser, or GRANT SET ON PARAMETER.
 */
#include "glue/settings.hpp"
#include "glue/tool_settings.hpp"


static const struct config_enum_entry error_format_options[] = {
	{"standard", 0, false},
	{"inline", 1, false},
	{NULL, 0, false},
};

/* The list must parse; who may set it is decided by its context (PGC_SUSET). */
static bool
valid_name_list(char **newval)
{
	char		errbuf[256];

	if (mg_name_list_valid(*newval, errbuf, sizeof(errbuf)))
		return true;
	GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
	GUC_check_errdetail("%s", errbuf);
	GUC_check_errhint("Give a comma-separated list of schemas and schema-qualified tables, e.g. 'sqitch, public.django_migrations'.");
	return false;
}

static bool
check_history_exclude(char **newval, void **extra, GucSource source)
{
	(void) extra;
	(void) source;
	return valid_name_list(newval);
}

void
mg_define_tool_settings(void)
{
	DefineCustomEnumVariable("migration_guard.error_format",
							 "How a rejection is worded for the client.",
							 "standard: facts in DETAIL, safe SQL in HINT; inline: the facts, the safe SQL "
							 "and the rule id in the primary message too, for clients that print nothing else.",
							 &mg_error_format,
							 0,
							 error_format_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("migration_guard.migration_id",
							   "The migration running now, as the tool names it: kept with each history row and finding.",
							   NULL,
							   &mg_migration_id,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("migration_guard.history_exclude",
							   "Schemas and tables whose DDL is not recorded in migration_guard.history, e.g. 'sqitch, public.django_migrations'.",
							   "For the bookkeeping tables of migration tools. Changing it needs superuser or the SET privilege on it.",
							   &mg_history_exclude,
							   "",
							   PGC_SUSET,
							   GUC_LIST_INPUT,
							   check_history_exclude, NULL, NULL);
}

static bool
excluding(void)
{
	return mg_history_exclude != NULL && mg_history_exclude[0] != '\0';
}

bool
mg_history_excludes(List *qualified_names)
{
	ListCell   *lc;

	if (!excluding() || qualified_names == NIL)
		return false;
	foreach(lc, qualified_names)
		if (!mg_name_list_covers(mg_history_exclude, (const char *) lfirst(lc)))
			return false;
	return true;
}

bool
mg_history_excludes_schema(const char *schema)
{
	return excluding() && schema != NULL &&
		mg_name_list_covers(mg_history_exclude, quote_identifier(schema));
}

/* Whether the list covers the relation rv names (looked up without a lock when unqualified). */
static bool
relation_excluded(RangeVar *rv)
{
	const char *schema = rv->schemaname;

	if (schema == NULL)
	{
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);

		if (!OidIsValid(relid))
			return false;
		schema = get_namespace_name(get_rel_namespace(relid));
	}
	return schema != NULL && mg_history_excludes(list_make1(quote_qualified_identifier(schema, rv->relname)));
}

/*
 * The relation a CREATE makes: unqualified, in the schema a CREATE uses (the
 * first of search_path that exists), never where an older relation of that
 * name is found further down the path (an excluded one would hide the new one).
 */
static bool
created_relation_excluded(RangeVar *rv)
{
	List	   *path;
	char	   *schema;

	if (rv->schemaname != NULL)
		return relation_excluded(rv);
	if (rv->relpersistence == RELPERSISTENCE_TEMP)
		return false;
	path = fetch_search_path(false);
	if (path == NIL)
		return false;
	schema = get_namespace_name(linitial_oid(path));
	list_free(path);
	return schema != NULL && mg_history_excludes(list_make1(quote_qualified_identifier(schema, rv->relname)));
}

/* A qualified name list (schema, table[, more]) cut to its first `keep` parts. */
static bool
names_excluded(List *names, int keep)
{
	if (keep < 1 || keep > 3 || list_length(names) < keep)
		return false;
	return relation_excluded(makeRangeVarFromNameList(list_truncate(list_copy(names), keep)));
}

/*
 * An object a CREATE names by a (possibly qualified) name list that is not a
 * relation: a type, domain, function...  Unqualified, it counts in the schema
 * a CREATE uses (the first of search_path that exists), which is where the
 * statement puts it; the statement itself reports a bad name.
 */
static bool
object_name_excluded(List *names)
{
	char	   *schema = NULL;
	char	   *objname = NULL;

	if (names == NIL)
		return false;
	DeconstructQualifiedName(names, &schema, &objname);
	if (schema == NULL)
	{
		List	   *path = fetch_search_path(false);

		if (path == NIL)
			return false;
		schema = get_namespace_name(linitial_oid(path));
		list_free(path);
	}
	return schema != NULL && objname != NULL &&
		mg_history_excludes(list_make1(quote_qualified_identifier(schema, objname)));
}

/* A type or domain that exists, wherever search_path finds it (ALTER, DROP, OWNER TO). */
static bool
type_excluded(TypeName *tn)
{
	Oid			typid;
	HeapTuple	tup;
	char	   *schema = NULL;
	char	   *typname = NULL;

	if (tn == NULL)
		return false;
	typid = LookupTypeNameOid(NULL, tn, true);
	if (!OidIsValid(typid))
		return false;
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		return false;
	schema = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
	typname = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(tup))->typname));
	ReleaseSysCache(tup);
	return schema != NULL &&
		mg_history_excludes(list_make1(quote_qualified_identifier(schema, typname)));
}

/* A function or procedure named with its arguments (ALTER FUNCTION, OWNER TO). */
static bool
function_excluded(ObjectWithArgs *func, ObjectType type)
{
	Oid			funcid;
	char	   *schema;

	if (func == NULL)
		return false;
	funcid = LookupFuncWithArgs(type, func, true);
	if (!OidIsValid(funcid))
		return false;
	schema = get_namespace_name(get_func_namespace(funcid));
	return schema != NULL &&
		mg_history_excludes(list_make1(quote_qualified_identifier(schema, get_func_name(funcid))));
}

/*
 * An object as DROP, ALTER ... OWNER TO and COMMENT ON name it (the same
 * node for the same kind, but a type: a TypeName or a name list).
 */
static bool
object_excluded(ObjectType type, Node *object)
{
	switch (type)
	{
		case OBJECT_SCHEMA:
			return mg_history_excludes_schema(strVal(object));
		case OBJECT_TABLE:
		case OBJECT_VIEW:
		case OBJECT_MATVIEW:
		case OBJECT_SEQUENCE:
		case OBJECT_INDEX:
		case OBJECT_FOREIGN_TABLE:
			return names_excluded(castNode(List, object), list_length(castNode(List, object)));
		case OBJECT_COLUMN:
		case OBJECT_TABCONSTRAINT:
		case OBJECT_TRIGGER:
		case OBJECT_POLICY:
		case OBJECT_RULE:
			/* the relation's name, then the object's */
			return names_excluded(castNode(List, object), list_length(castNode(List, object)) - 1);
		case OBJECT_TYPE:
		case OBJECT_DOMAIN:
			return type_excluded(IsA(object, TypeName) ? (TypeName *) object
								 : makeTypeNameFromNameList(castNode(List, object)));
		case OBJECT_FUNCTION:
		case OBJECT_PROCEDURE:
		case OBJECT_ROUTINE:
		case OBJECT_AGGREGATE:
			return function_excluded(castNode(ObjectWithArgs, object), type);
		default:
			return false;
	}
}

bool
mg_history_excludes_statement(Node *parsetree)
{
	if (!excluding())
		return false;
	switch (nodeTag(parsetree))
	{
		/* Relations that are not in the model's list: views, sequences, CREATE TABLE AS. */
		case T_ViewStmt:
			return created_relation_excluded(((ViewStmt *) parsetree)->view);
		case T_CreateSeqStmt:
			return created_relation_excluded(((CreateSeqStmt *) parsetree)->sequence);
		case T_AlterSeqStmt:
			return relation_excluded(((AlterSeqStmt *) parsetree)->sequence);
		case T_CreateTableAsStmt:
			return created_relation_excluded(((CreateTableAsStmt *) parsetree)->into->rel);
		case T_CompositeTypeStmt:
			return created_relation_excluded(((CompositeTypeStmt *) parsetree)->typevar);
		/* Types, domains, functions and the objects CREATE ... (DefineStmt) makes. */
		case T_CreateDomainStmt:
			return object_name_excluded(((CreateDomainStmt *) parsetree)->domainname);
		case T_CreateEnumStmt:
			return object_name_excluded(((CreateEnumStmt *) parsetree)->typeName);
		case T_AlterEnumStmt:
			return type_excluded(makeTypeNameFromNameList(((AlterEnumStmt *) parsetree)->typeName));
		case T_CreateRangeStmt:
			return object_name_excluded(((CreateRangeStmt *) parsetree)->typeName);
		case T_DefineStmt:
			return ((DefineStmt *) parsetree)->kind != OBJECT_OPERATOR &&
				object_name_excluded(((DefineStmt *) parsetree)->defnames);
		case T_CreateFunctionStmt:
			return object_name_excluded(((CreateFunctionStmt *) parsetree)->funcname);
		case T_AlterFunctionStmt:
			{
				AlterFunctionStmt *a = (AlterFunctionStmt *) parsetree;

				return function_excluded(a->func, a->objtype);
			}
		case T_DropStmt:
			{
				DropStmt   *d = (DropStmt *) parsetree;
				ListCell   *lc;

				if (d->objects == NIL)
					return false;
				foreach(lc, d->objects)
					if (!object_excluded(d->removeType, (Node *) lfirst(lc)))
						return false;
				return true;
			}
		case T_AlterOwnerStmt:
			{
				AlterOwnerStmt *a = (AlterOwnerStmt *) parsetree;

				return object_excluded(a->objectType, a->object);
			}
		case T_CreateSchemaStmt:
			return mg_history_excludes_schema(((CreateSchemaStmt *) parsetree)->schemaname);
		case T_CommentStmt:
			{
				CommentStmt *c = (CommentStmt *) parsetree;

				return object_excluded(c->objtype, c->object);
			}
		case T_GrantStmt:
			{
				GrantStmt  *g = (GrantStmt *) parsetree;
				ListCell   *lc;

				if (g->targtype != ACL_TARGET_OBJECT ||
					(g->objtype != OBJECT_TABLE && g->objtype != OBJECT_SEQUENCE) ||
					g->objects == NIL)
					return false;
				foreach(lc, g->objects)
					if (!relation_excluded(lfirst_node(RangeVar, lc)))
						return false;
				return true;
			}
		default:
			return false;
	}
}
