// The state of each statement the hook sees (statement_state.cpp).
#pragma once

#include "glue/model.hpp"

/*
 * The state of one statement the hook sees (statement_state.cpp): owned by
 * the hook's frame, pushed when the statement starts and popped when it
 * ends, whatever happens (an error included).  DDL run inside DDL (by a
 * function or an event trigger) pushes a state of its own on top, so the
 * outer statement finds its own state intact afterwards: nothing is saved
 * and restored piece by piece.
 */
#define MG_MAX_PREDICTED 32
typedef struct MgStatementState
{
	struct MgStatementState *outer; /* the statement this one runs inside, or NULL */
	bool		judged;			/* judged or recorded; else its events belong to the outer one */
	MgModel    *model;			/* NULL: not modelled */
	List	   *findings;		/* rule ids reported (the findings memory context) */
	int			decision;		/* 0 allowed, 1 warned, 2 acknowledged */
	Oid			predicted[MG_MAX_PREDICTED];	/* relations whose rewrite the hook predicted */
	int			npredicted;
	struct MgUndo *undo;		/* the history's undo, NULL: not recorded */
	bool		capture;		/* its drops are noted (dropped.cpp) ... */
	int			capture_start;	/* ... from this position in mg_captured_drops() */
	bool		create_schema;	/* a CREATE SCHEMA ... */
	bool		schema_element; /* ... or one of its direct elements (judged, not recorded) */
	int			timeout_nestlevel;	/* the GUC nest level of our lock_timeout, or -1 */
	LocalTransactionId timeout_lxid;
	List	   *new_columns;	/* the columns it adds (transaction_state.hpp) */
	bool		in_function;	/* run by a function, DO or CALL: its transaction goes on after it */
} MgStatementState;

/* Pushes st (zeroed here) on top of the statements running now; pops it. */
void		mg_statement_push(MgStatementState *st);
void		mg_statement_pop(MgStatementState *st);
/* Whether st (a sub-command) is a direct element of a CREATE SCHEMA running now. */
bool		mg_statement_is_schema_element(const MgStatementState *st);
/* The innermost judged statement running now, or NULL. */
MgStatementState *mg_judged_statement(void);
/* Marks st judged: its findings, decision and predictions start empty. */
void		mg_statement_judged(MgStatementState *st);
/* The model of the innermost statement whose drops are noted, or NULL. */
const MgModel *mg_running_model(void);
/* Notes a finding reported for the judged statement running now (action: MG_ACTION_*). */
void		mg_note_finding(const char *rule, int action);
/* Relations whose rewrite the hook predicted for st; for the judged statement running now (model/ files). */
void		mg_note_predicted_rewrites(MgStatementState *st, const MgModel *m);
bool		mg_rewrite_was_predicted(Oid relid);
/* Whether relid is one of the relations the model names, or a partition of one. */
bool		mg_model_covers(const MgModel *m, Oid relid);
