/*
 * The state of the statements the hook sees, one struct each
 * (MgStatementState): the model, the findings and the decision, the
 * rewrites the hook predicted, the history's undo, the captured drops, the
 * lock_timeout nest level.
 *
 * The hook owns each state in its own frame and pushes it for the time the
 * statement runs, popping it in a PG_FINALLY (hook.cpp): an error cannot
 * leave it behind.  A statement run inside another (DDL in a function or an
 * event trigger) has its own state on top of the outer one, which it leaves
 * untouched; the event triggers and the object-access hook read the state of
 * the statement running now from here.  The only global is the top of the
 * stack.
 */
#include "glue/statement_state.hpp"

extern "C" {
#include "catalog/partition.h"
}

static MgStatementState *top = NULL;

/* The memory of the findings: event triggers run in contexts of their own, deleted when they return. */
static MemoryContext findings_cxt = NULL;

void
mg_statement_push(MgStatementState *st)
{
	memset(st, 0, sizeof(*st));
	st->timeout_nestlevel = -1;
	st->timeout_lxid = InvalidLocalTransactionId;
	st->outer = top;
	if (findings_cxt == NULL)
		findings_cxt = AllocSetContextCreate(TopMemoryContext, "migration_guard findings",
											 ALLOCSET_SMALL_SIZES);
	/* A new top-level statement: the findings of the last one are gone. */
	if (top == NULL)
		MemoryContextReset(findings_cxt);
	top = st;
}

void
mg_statement_pop(MgStatementState *st)
{
	top = st->outer;
}

bool
mg_statement_is_schema_element(const MgStatementState *st)
{
	bool		in_schema = false;

	for (const MgStatementState *o = st->outer; o; o = o->outer)
	{
		if (o->schema_element)
			return false;		/* a sub-command of an element */
		in_schema = in_schema || o->create_schema;
	}
	return in_schema;
}

MgStatementState *
mg_judged_statement(void)
{
	for (MgStatementState *st = top; st; st = st->outer)
		if (st->judged)
			return st;
	return NULL;
}

void
mg_statement_judged(MgStatementState *st)
{
	st->judged = true;
	st->findings = NIL;
	st->decision = 0;
	st->npredicted = 0;
}

const MgModel *
mg_running_model(void)
{
	for (MgStatementState *st = top; st; st = st->outer)
		if (st->capture)
			return st->model;
	return NULL;
}

void
mg_note_finding(const char *rule, int action)
{
	MgStatementState *st = mg_judged_statement();
	MemoryContext old;

	if (st == NULL || action == MG_ACTION_IGNORE)
		return;
	old = MemoryContextSwitchTo(findings_cxt);
	st->findings = lappend(st->findings, pstrdup(rule));
	MemoryContextSwitchTo(old);
	if (action == MG_ACTION_ACKNOWLEDGE)
		st->decision = 2;
	else if (st->decision == 0)
		st->decision = 1;
}

/* Whether relid is one of the relations the model names, or a partition of one. */
bool
mg_model_covers(const MgModel *m, Oid relid)
{
	List	   *ancestors;
	ListCell   *lc;

	if (m == NULL)
		return false;
	for (int i = 0; i < m->nrels; i++)
		if (m->relids[i] == relid)
			return true;
	if (!get_rel_relispartition(relid))
		return false;
	ancestors = get_partition_ancestors(relid);
	foreach(lc, ancestors)
		for (int i = 0; i < m->nrels; i++)
			if (m->relids[i] == lfirst_oid(lc))
				return true;
	return false;
}

