// The facts the core's undo needs (undo_facts.cpp).
#pragma once

#include "glue/model.hpp"

/* The facts the core's undo needs (undo_facts.cpp). */
Oid			mg_relation_in(const char *schema, const char *name);
/*
 * Before the statement runs: fills the undo_* fields of m's operations and
 * returns the facts of its other subcommands (palloc'd).  planned: the
 * statement is reviewed, not run (the relation a CREATE TABLE would make).
 */
void		mg_collect_undo_facts(MgModel *m, Node *parsetree, bool planned, MgUndoFact **facts,
								  int *nfacts);
/* The core's undo of a statement (core/undo.cpp), copied into palloc'd memory. */
void		mg_write_undo(const MgOperation *ops, int nops, const MgUndoFact *facts, int nfacts,
						  const char *command, char **sql, char **reason, bool *covered);
/* The statements that create a dropped sequence or view again (written by the core). */
char	   *mg_recreate_sequence_sql(const MgSequenceFacts *seq);
char	   *mg_recreate_view_sql(const MgViewFacts *view);
