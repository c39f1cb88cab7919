// The model of one statement (model/ files).
#pragma once

#include "glue/pg.hpp"

/*
 * The model of one statement (model/ files): the relations it locks and the
 * operations the rules judge.  Everything in it is palloc'd.
 */
/* A script under review (review.cpp): opaque to the model. */
typedef struct MgScript MgScript;

typedef struct MgModel
{
	const char *command;		/* "ALTER TABLE", ... */
	const char *query;			/* the whole source string: parse locations point into it */
	const char *text;			/* the statement alone */
	bool		in_transaction_block;
	/*
	 * Read the facts a superuser overrode (production's, in a shadow server)
	 * instead of the live ones.  Set only by plan(), plan_locks(), review()
	 * and report(); the hook's models leave it false, so that an override
	 * can never change what the run-time guard decides.
	 */
	bool		use_overrides;
	/*
	 * The script this statement is part of, under review (what it created,
	 * added, validated before this statement); NULL for a statement that
	 * runs.  Set by review() and report() only.
	 */
	const MgScript *script;
	MgLockedRelation *rels;		/* the main target first */
	Oid		   *relids;
	int			nrels;
	int			maxrels;
	MgOperation *ops;
	Oid		   *op_relids;		/* the table of each operation */
	int			nops;
	int			maxops;
	/*
	 * The statement acts on the tables it lists by a right of its own, which
	 * the model already checked: the database owner's VACUUM FULL or REINDEX
	 * DATABASE, the domain owner's ALTER DOMAIN.  Otherwise the hook says
	 * nothing about a table the role has no privilege on (the server refuses
	 * the statement with its own error).
	 */
	bool		acts_by_right;
} MgModel;

/* Whether the role owns relid or holds any privilege on it (model/ files). */
bool		mg_relation_visible(Oid relid);

/*
 * Fills *m for one raw or utility parse tree; false when the statement is not
 * one we model.  query is the source string, text the statement's own text.
 */
bool		mg_analyze(Node *parsetree, const char *query, const char *text, MgModel *m);
const char *mg_trim_leading(const char *text);
/* Whether a DefElem option (FULL, CONCURRENTLY...) is given and true (model/ files). */
bool		mg_option_is_set(List *options, const char *name);
