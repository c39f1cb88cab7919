/*
 * Locks held across a transaction (held_locks.hpp).
 *
 * A lock lives until the end of the transaction that took it.  When DDL in
 * an explicit transaction takes ACCESS EXCLUSIVE or SHARE ROW EXCLUSIVE on a
 * large table, we remember it (relation, mode) for that transaction, keyed by
 * its local transaction id so that nothing needs resetting at its end.  A
 * later statement of the same transaction that touches many rows (a DML
 * statement, through the executor hook, or a long DDL statement, through the
 * ProcessUtility hook) is then reported, once per lock and transaction: every
 * query on the locked table waits until COMMIT.  Application transactions
 * that did no such DDL cost one comparison in the executor hook.
 */
#include "glue/held_locks.hpp"
#include "glue/history.hpp"
#include "glue/messages.hpp"
#include "glue/relation_facts.hpp"
#include "glue/settings.hpp"
#include "glue/tool_settings.hpp"
#include "glue/transaction_state.hpp"

extern "C" {
#include "executor/executor.h"
#include "parser/parsetree.h"
#include "storage/proc.h"
}

#define MG_MAX_TRACKED 16

static LocalTransactionId tracked_lxid = InvalidLocalTransactionId;
static int	ntracked = 0;
static Oid	tracked_relid[MG_MAX_TRACKED];
static LOCKMODE tracked_mode[MG_MAX_TRACKED];
/* lock_held_across_statements was reported for it: said once, not for every later statement. */
static bool tracked_reported[MG_MAX_TRACKED];

static ExecutorStart_hook_type prev_ExecutorStart = NULL;

LocalTransactionId
mg_current_lxid(void)
{
#if PG_VERSION_NUM >= 170000
	return MyProc->vxid.lxid;
#else
	return MyProc->lxid;
#endif
}

static bool
table_is_large(const MgTable *t)
{
	if (t->rows >= 0 && t->rows >= mg_large_table_rows)
		return true;
	return t->bytes >= 0 && t->bytes >= (int64) mg_large_table_size_kb * 1024;
}

/* Whether this transaction holds a strong lock left by earlier DDL. */
static bool
holding_tracked_locks(void)
{
	return ntracked > 0 && tracked_lxid == mg_current_lxid();
}

/*
 * After a judged statement ran: remember its strong locks on large tables.
 * in_function: run by a function, DO or CALL, whose transaction goes on
 * after the statement even outside a transaction block.
 */
void
mg_track_held_locks(const MgModel *m, bool in_function)
{
	if (!IsTransactionBlock() && !in_function)
		return;					/* autocommit: the locks are gone already */
	if (tracked_lxid != mg_current_lxid())
	{
		tracked_lxid = mg_current_lxid();
		ntracked = 0;
	}
	for (int i = 0; i < m->nrels && ntracked < MG_MAX_TRACKED; i++)
	{
		const MgLockedRelation *r = &m->rels[i];
		bool		known = false;

		if (r->lock < ShareRowExclusiveLock || r->lock == ExclusiveLock ||
			r->table.created_in_transaction || r->table.temporary || !table_is_large(&r->table))
			continue;
		for (int j = 0; j < ntracked; j++)
			if (tracked_relid[j] == m->relids[i])
			{
				tracked_mode[j] = Max(tracked_mode[j], r->lock);
				known = true;
			}
		if (!known)
		{
			tracked_relid[ntracked] = m->relids[i];
			tracked_mode[ntracked] = r->lock;
			tracked_reported[ntracked] = false;
			ntracked++;
		}
	}
}

/* Whether shown is n as the core shows it ("schema.name"); allocates nothing. */
static bool
names_relation(const MgName *n, const char *shown)
{
	size_t		len;

	if (n->name == NULL)
		return false;
	if (n->schema && n->schema[0])
	{
		len = strlen(n->schema);
		if (strncmp(shown, n->schema, len) != 0 || shown[len] != '.')
			return false;
		shown += len + 1;
	}
	return strcmp(shown, n->name) == 0;
}

/*
 * Judges a statement that works on target (rows: what it touches, -1 when
 * unknown) against the locks this transaction holds.
 */
static void
judge_held_locks(const char *command, Oid target, int64 rows, bool is_dml, bool no_where,
				 const char *statement)
{
	MgOperation *ops = (MgOperation *) palloc0(sizeof(MgOperation) * MG_MAX_TRACKED);
	int		   *which = (int *) palloc0(sizeof(int) * MG_MAX_TRACKED);
	MgTable		target_facts;
	MgSettings	settings;
	MgResult	result;
	int			nops = 0;

	if (!mg_table_facts(target, &target_facts))
		return;
	/* Every row: the table's, whatever the plan guessed of a WHERE that selects them all. */
	if (no_where && target_facts.rows > rows)
		rows = target_facts.rows;
	for (int i = 0; i < ntracked; i++)
	{
		MgOperation *op = &ops[nops];

		if (!mg_table_facts(tracked_relid[i], &op->table))
			continue;
		op->kind = MG_OP_HELD_LOCK;
		op->concurrently_at = op->relation_end = -1;
		op->lock_mode = tracked_mode[i];
		op->held_command = command;
		op->held_target = target_facts;
		op->held_rows = rows;
		op->held_is_dml = is_dml;
		op->held_no_where = no_where;
		op->held_reported = tracked_reported[i];
		op->in_transaction_block = true;
		which[nops] = i;
		nops++;
	}
	if (nops == 0)
		return;
	mg_current_settings(&settings);
	mg_evaluate(ops, nops, &settings, &result);
	/* The locks now reported are not reported again in this transaction. */
	for (int f = 0; f < result.nfindings; f++)
	{
		const MgFinding *finding = &result.findings[f];

		if (finding->rule == NULL || finding->relation == NULL ||
			strcmp(finding->rule, "lock_held_across_statements") != 0)
			continue;
		for (int k = 0; k < nops; k++)
		{
			if (names_relation(&ops[k].table.name, finding->relation))
				tracked_reported[which[k]] = true;
		}
	}
	mg_report_findings(&result, statement);
}

/* A judged DDL statement about to run: is it long, with strong locks held? */
void
mg_check_held_locks_ddl(const MgModel *m)
{
	int			best = -1;

	if (!holding_tracked_locks())
		return;
	/*
	 * effects 2..4: scan, index build, rewrite; of a relation the role may
	 * see (a table read through a view it may read is not one: its size
	 * stays untold).
	 */
	for (int i = 0; i < m->nrels; i++)
		if (m->rels[i].effect >= 2 && m->rels[i].effect <= 4 &&
			(best < 0 || m->rels[i].table.bytes > m->rels[best].table.bytes) &&
			mg_relation_visible(m->relids[i]))
			best = i;
	if (best < 0)
		return;
	judge_held_locks(m->command, m->relids[best], m->rels[best].table.rows, false, false, m->text);
}

/*
 * UPDATE/DELETE whose scan of the target has no qual (no WHERE clause), or
 * only quals that every row passes (transaction_state.hpp).
 */
static bool
modifies_every_row(PlannedStmt *ps, Oid relid)
{
	Plan	   *plan = ps->planTree;

	if (plan == NULL || !IsA(plan, ModifyTable))
		return false;
	plan = outerPlan(plan);
	while (plan && (IsA(plan, Result) || IsA(plan, Gather)) && outerPlan(plan))
		plan = outerPlan(plan);
	return plan && IsA(plan, SeqScan) &&
		(plan->qual == NIL ||
		 mg_quals_select_every_row(relid, ((Scan *) plan)->scanrelid, plan->qual));
}

static void
mg_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	/* Application traffic: one comparison, nothing else. */
	if (ntracked > 0 && !mg_running_internal_sql && holding_tracked_locks() && mg_mode != MG_MODE_OFF &&
		!(eflags & EXEC_FLAG_EXPLAIN_ONLY) && queryDesc->operation != CMD_SELECT &&
		queryDesc->plannedstmt && queryDesc->plannedstmt->resultRelations != NIL)
	{
		PlannedStmt *ps = queryDesc->plannedstmt;
		Index		rti = linitial_int(ps->resultRelations);
		RangeTblEntry *rte = rt_fetch(rti, ps->rtable);
		const char *command = queryDesc->operation == CMD_UPDATE ? "UPDATE"
			: queryDesc->operation == CMD_DELETE ? "DELETE"
			: queryDesc->operation == CMD_INSERT ? "INSERT" : "MERGE";
		int64		rows = ps->planTree ? (int64) ps->planTree->plan_rows : -1;

		/* ModifyTable's own estimate is of its output; the input is below it. */
		if (ps->planTree && outerPlan(ps->planTree))
			rows = (int64) outerPlan(ps->planTree)->plan_rows;
		bool		every_row = queryDesc->operation != CMD_INSERT && rte &&
			rte->rtekind == RTE_RELATION && modifies_every_row(ps, rte->relid);

		/* A small batch is the safe pattern: no facts to gather for it. */
		if (rte && rte->rtekind == RTE_RELATION && (every_row || rows >= mg_large_table_rows))
			judge_held_locks(command, rte->relid, rows, true, every_row, queryDesc->sourceText);
	}
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

void
mg_install_executor_hook(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = mg_ExecutorStart;
}
