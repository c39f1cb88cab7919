// What a script under review changed so far (script_state.cpp): its
// transactions, the tables it created, the columns it added, the constraints
// it added NOT VALID and validated.  Written by review.cpp, read by the model
// (model/ files) through MgModel.script.
#pragma once

#include "glue/model.hpp"

typedef struct ScriptColumn
{
	Oid			relid;
	char	   *name;			/* column, or constraint name */
	char	   *column;			/* for a constraint: the column it proves NOT NULL */
	Oid			refrelid;		/* for a foreign key: the referenced table */
} ScriptColumn;

/* A materialized view the script created: what REFRESH of it reads. */
typedef struct ScriptMatview
{
	RangeVar   *rel;
	const char *schema;			/* where it was created */
	Node	   *query;			/* its raw query */
	bool		populated;		/* not WITH NO DATA (so far) */
	int			tx;				/* the transaction that created it (0: its own) */
} ScriptMatview;

typedef struct MgScript
{
	int			tx;				/* the transaction now open (0: none) */
	int			ntx;
	bool		wrapped;		/* in_transaction => true: one transaction around all */
	List	   *created;		/* RangeVar * of tables the script created */
	List	   *matviews;		/* ScriptMatview * */
	List	   *added_columns;	/* ScriptColumn * */
	List	   *pending;		/* ScriptColumn *: constraints added NOT VALID */
	List	   *proven;			/* ScriptColumn *: columns proven NOT NULL */
	int			lock_timeout;	/* ms, as the script SETs it (0: none) */
	int			statement_timeout;
	bool		timeout_local;	/* set with SET LOCAL: ends with the transaction */
} MgScript;

typedef MgScript ScriptState;

/* Whether a and b are both set and equal. */
bool		mg_names_match(const char *a, const char *b);
/* The entry of list for (relid, name), or NULL. */
ScriptColumn *mg_script_find_entry(List *list, Oid relid, const char *name);
