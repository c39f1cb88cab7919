/*
 * Read the catalog, give SQL: the definitions the server deparses (indexes,
 * constraints, column defaults, views and materialized views, reloptions),
 * the names of a relation's columns, the keyword of a relation kind.  Used
 * by the undo facts (undo_facts.cpp), the history's undo (history_undo.cpp)
 * and the captured drops (dropped.cpp).  Every name is quoted by the
 * server's quote_identifier().
 */
#include "glue/catalog_sql.hpp"
#include "glue/undo_facts.hpp"
#include "glue/dropped.hpp"

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
#include "utils/guc.h"
}

char *
mg_index_definition(Oid idx)
{
	return pg_get_indexdef_string(idx);
}

char *
mg_constraint_definition(Oid conid)
{
	/* "ALTER TABLE t ADD CONSTRAINT name <definition>", from the server. */
	return pg_get_constraintdef_command(conid);
}

/*
 * The current default of a column, as SQL, or NULL.  Read from pg_attrdef,
 * not from the relation cache: we hold no lock on the relation, and opening
 * it without one is not allowed.
 */
char *
mg_column_default_sql(Oid relid, AttrNumber attnum)
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

/* Whether column attnum of relid is NOT NULL now. */
bool
mg_column_not_null(Oid relid, AttrNumber attnum)
{
	HeapTuple	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
	bool		result = false;

	if (HeapTupleIsValid(tp))
	{
		result = ((Form_pg_attribute) GETSTRUCT(tp))->attnotnull;
		ReleaseSysCache(tp);
	}
	return result;
}

/* The keyword that names relation kind relkind in ALTER and DROP, or NULL. */
const char *
mg_relkind_keyword(char relkind)
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
char *
mg_column_names(Oid relid)
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
char *
mg_reloption_value(Oid relid, const char *name)
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


/* A view's definition and its column names, separated by a NUL byte. */
char *
mg_view_state(Oid relid)
{
	char	   *sql = mg_view_create_sql(relid);
	char	   *columns = mg_column_names(relid);
	char	   *result;

	if (sql == NULL)
		return NULL;
	result = (char *) palloc(strlen(sql) + strlen(columns) + 2);
	strcpy(result, sql);
	strcpy(result + strlen(sql) + 1, columns);
	return result;
}

/*
 * The schema and name of the type a CREATE TYPE or CREATE DOMAIN just made,
 * looked up in the schema it was created in (not along the search path):
 * false when it is not found, or when that schema is a temporary one
 * (*temporary).
 */
bool
mg_created_type_name(List *names, bool *temporary, MgName *out)
{
	char	   *typname;
	Oid			nsp = QualifiedNameGetCreationNamespace(names, &typname);
	Oid			typid;

	if (!OidIsValid(nsp))
		return false;
	if (isAnyTempNamespace(nsp))
	{
		*temporary = true;
		return false;
	}
	typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(typname),
							ObjectIdGetDatum(nsp));
	if (!OidIsValid(typid))
		return false;
	out->schema = get_namespace_name(nsp);
	out->name = pstrdup(typname);
	return out->schema != NULL;
}

/* A relation's reloptions as names and values (a value NULL: none). */
static int
reloptions_of(Oid relid, const char ***names, const char ***values)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Datum		options;
	bool		isnull;
	Datum	   *elems;
	int			n = 0;

	*names = NULL;
	*values = NULL;
	if (!HeapTupleIsValid(tp))
		return 0;
	options = SysCacheGetAttr(RELOID, tp, Anum_pg_class_reloptions, &isnull);
	if (!isnull)
	{
		deconstruct_array(DatumGetArrayTypeP(options), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, NULL, &n);
		*names = (const char **) palloc0(sizeof(char *) * Max(n, 1));
		*values = (const char **) palloc0(sizeof(char *) * Max(n, 1));
		for (int i = 0; i < n; i++)
		{
			char	   *opt = TextDatumGetCString(elems[i]);
			char	   *eq = strchr(opt, '=');

			if (eq)
			{
				*eq = '\0';
				(*values)[i] = eq + 1;
			}
			(*names)[i] = opt;
		}
	}
	ReleaseSysCache(tp);
	return n;
}

/*
 * The statement that creates view or materialized view relid again, from
 * the catalogs as they are now, or NULL.
 */
char *
mg_view_create_sql(Oid relid)
{
	char		relkind = get_rel_relkind(relid);
	Oid			nsp = get_rel_namespace(relid);
	char	   *name = get_rel_name(relid);
	Datum		def;

	if ((relkind != RELKIND_VIEW && relkind != RELKIND_MATVIEW) || name == NULL ||
		!OidIsValid(nsp))
		return NULL;
	/*
	 * " SELECT ...;" with the view's own column names, as pg_dump shows it,
	 * and every name schema-qualified, as pg_dump does too: deparsed with a
	 * search_path of pg_catalog alone, so that the statement replays the same
	 * under any search_path.  An error in between is cleaned up by the
	 * (sub)transaction's abort, which restores search_path.
	 */
	{
		int			nestlevel = NewGUCNestLevel();

		(void) set_config_option("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		def = DirectFunctionCall1(pg_get_viewdef, ObjectIdGetDatum(relid));
		AtEOXact_GUC(true, nestlevel);
	}
	{
		MgViewFacts view;

		memset(&view, 0, sizeof(view));
		view.materialized = relkind == RELKIND_MATVIEW;
		view.name.schema = get_namespace_name(nsp);
		view.name.name = name;
		view.noptions = reloptions_of(relid, (const char ***) &view.option_names,
									  (const char ***) &view.option_values);
		view.definition = TextDatumGetCString(def);
		return mg_recreate_view_sql(&view);
	}
}

