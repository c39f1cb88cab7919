// Read the catalog, give SQL (catalog_sql.cpp).
#pragma once

#include "glue/pg.hpp"

/* The server's definitions: pg_get_indexdef_string(), pg_get_constraintdef_command(). */
char	   *mg_index_definition(Oid idx);
char	   *mg_constraint_definition(Oid conid);
/* The default of column attnum of relid as SQL, or NULL; read from pg_attrdef (no lock held). */
char	   *mg_column_default_sql(Oid relid, AttrNumber attnum);
/* Whether column attnum of relid is NOT NULL now. */
bool		mg_column_not_null(Oid relid, AttrNumber attnum);
/* "TABLE", "VIEW", "MATERIALIZED VIEW", ...: the keyword of relkind in ALTER and DROP, or NULL. */
const char *mg_relkind_keyword(char relkind);
/* The names of a relation's columns, quoted and comma-separated. */
char	   *mg_column_names(Oid relid);
/* The value of option name in relid's reloptions, or NULL. */
char	   *mg_reloption_value(Oid relid, const char *name);
/* A view's CREATE statement and its column names, separated by a NUL byte. */
char	   *mg_view_state(Oid relid);
/* The schema and name of a type a CREATE just made; *temporary for a temporary schema. */
bool		mg_created_type_name(List *names, bool *temporary, MgName *out);
/* The statement that creates view or materialized view relid again, or NULL. */
char	   *mg_view_create_sql(Oid relid);
