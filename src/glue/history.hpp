// The migration history: the undo of a statement (history_undo.cpp) and its
// row (history_table.cpp).
#pragma once

#include "glue/model.hpp"

// True while the extension runs SQL of its own (the history's pruning).
extern bool mg_running_internal_sql;

typedef struct MgUndo
{
	char	   *sql;			/* the statements that undo it, or NULL */
	bool		reversible;
	char	   *reason;			/* why not, or what was lost */
	/* built before the statement runs, finished after (mg_finish_undo) */
	StringInfoData sqlbuf;
	StringInfoData reasonbuf;
	bool		covered;		/* a known kind of statement, even if nothing is to undo */
	bool		existed;		/* CREATE ... IF NOT EXISTS: it was there already */
	bool		temporary;		/* a temporary object: not recorded */
	char	   *old_view_sql;	/* CREATE OR REPLACE VIEW: the view before */
	char	   *old_view_columns;
	List	   *extra_relations;	/* created or dropped relations the model does not name */
	bool		capturing;		/* its drops were noted (mg_capture_drops_begin) ... */
	int			capture_start;	/* ... from this position in mg_captured_drops() */
} MgUndo;

bool		mg_history_available(void);
MgUndo	   *mg_prepare_undo(MgModel *m, Node *parsetree);
/* After the statement ran: what it created, and what it dropped by CASCADE; false: record nothing. */
bool		mg_finish_undo(MgUndo *undo, const MgModel *m, Node *parsetree);
struct MgStatementState;
void		mg_record_history(const struct MgStatementState *st);
