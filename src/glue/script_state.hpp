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
	bool		filled;			/* an added column: a default fills its rows (else NULL) */
} ScriptColumn;

/*
 * A relation or a column the script renamed (ALTER ... RENAME TO, SET SCHEMA,
 * RENAME COLUMN): its name now, and its name in the catalogs.  For a column,
 * relid is its table.
 */
typedef struct ScriptRename
{
	Oid			relid;
	char	   *schema;			/* now (relations) */
	char	   *name;			/* now */
	char	   *catalog_schema; /* in the catalogs (relations) */
	char	   *catalog_name;	/* in the catalogs */
} ScriptRename;

/* A strong lock the open transaction of the script holds. */
typedef struct ScriptLock
{
	Oid			relid;
	int			mode;			/* LOCKMODE */
	MgTable		table;			/* its facts */
} ScriptLock;
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
	List	   *renamed;		/* ScriptRename *: relations renamed or moved */
	List	   *renamed_columns;	/* ScriptRename *: columns renamed */
	/* The open transaction (or the statement, outside one): */
	List	   *requested;		/* Oid: tables whose lock request was judged */
	List	   *held;			/* ScriptLock *: strong locks its DDL took */
} MgScript;

typedef MgScript ScriptState;

/* Whether a and b are both set and equal. */
bool		mg_names_match(const char *a, const char *b);
/* The entry of list for (relid, name), or NULL. */
ScriptColumn *mg_script_find_entry(List *list, Oid relid, const char *name);
/* The entry of script->renamed for relid, or NULL. */
ScriptRename *mg_script_renamed(const MgScript *script, Oid relid);
/*
 * Notes a rename (ALTER ... RENAME TO, RENAME COLUMN) or a move to another
 * schema (new_schema) made by the script.
 */
void		mg_script_track_rename(MgScript *st, RenameStmt *rs);
void		mg_script_track_relation_name(MgScript *st, RangeVar *rv, const char *new_schema,
										  const char *new_name);
/* t named as the script calls it now (a relation it renamed or moved). */
void		mg_script_name_now(const MgScript *script, MgTable *t);
