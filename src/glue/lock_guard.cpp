/*
 * Lock prevention at execution time.
 *
 * The outage that surprises everyone is the quick ALTER TABLE that waits for
 * its ACCESS EXCLUSIVE lock behind one long transaction while every other
 * query on the table queues behind it.  Just before a judged statement runs,
 * we look at the lock manager for the sessions that hold, or already wait
 * for, a lock that conflicts (by the server's own conflict table) with a mode
 * the statement is about to request, and depending on
 * migration_guard.on_lock_conflict:
 *
 *   wait  do nothing (the server's behaviour);
 *   warn  WARNING with the list of blockers, then wait;
 *   fail  ERROR at once (SQLSTATE 55P03) with the list, so that the deploy
 *         can retry without ever queueing;
 *   poll  never join the lock queue: take every lock the statement needs
 *         with a conditional request, again and again with a short back-off,
 *         for up to migration_guard.lock_wait_max, then fail with the list.
 *         Locks taken this way are the very modes the statement requests, so
 *         it finds them already held; a conditional request never waits, so
 *         it cannot deadlock, and nobody ever queues behind us.
 *
 * Blockers whose transaction is younger than migration_guard.max_blocker_age
 * are ignored, so that ordinary short transactions do not fail every DDL.
 */
#include "glue/history.hpp"
#include "glue/lock_guard.hpp"
#include "glue/subxact.hpp"
#include "glue/model.hpp"
#include "glue/messages.hpp"
#include "glue/settings.hpp"
#include "glue/relation_facts.hpp"
#include "glue/tool_settings.hpp"

extern "C" {
#include "access/parallel.h"
#include "catalog/pg_authid.h"
#include "executor/executor.h"
#include "parser/parsetree.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "mb/pg_wchar.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}

/* Values of migration_guard.on_lock_conflict. */
enum
{
	MG_CONFLICT_WAIT = 0,
	MG_CONFLICT_WARN,
	MG_CONFLICT_FAIL,
	MG_CONFLICT_POLL
};


typedef struct Blocker
{
	int			pid;
	Oid			relid;
	LOCKMODE	held;			/* the conflicting mode held, or NoLock */
	LOCKMODE	waiting;		/* the conflicting mode waited for, or NoLock */
} Blocker;

static const char *
state_name(BackendState state)
{
	switch (state)
	{
		case STATE_RUNNING:
			return "active";
		case STATE_IDLE:
			return "idle";
		case STATE_IDLEINTRANSACTION:
			return "idle in transaction";
		case STATE_IDLEINTRANSACTION_ABORTED:
			return "idle in transaction (aborted)";
		case STATE_FASTPATH:
			return "fastpath function call";
		case STATE_DISABLED:
			return "disabled";
		default:
			return "unknown";
	}
}

static LocalPgBackendStatus *
backend_of(int pid)
{
	int			n = pgstat_fetch_stat_numbackends();

	for (int i = 1; i <= n; i++)
	{
#if PG_VERSION_NUM >= 160000
		/* PG 16 made pgstat_fetch_stat_local_beentry() take a backend id. */
		LocalPgBackendStatus *local = pgstat_get_local_beentry_by_index(i);
#else
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
#endif

		if (local && local->backendStatus.st_procpid == pid)
			return local;
	}
	return NULL;
}

/* The transaction age of pid in milliseconds, or -1 when unknown. */
static int64
transaction_age_ms(LocalPgBackendStatus *local, TimestampTz now)
{
	TimestampTz start;

	if (local == NULL)
		return -1;
	start = local->backendStatus.st_xact_start_timestamp;
	if (start == 0)
		start = local->backendStatus.st_activity_start_timestamp;
	if (start == 0)
		return -1;
	return (now - start) / 1000;
}

/*
 * The other sessions whose locks on the model's relations conflict with the
 * modes the statement requests, older than max_blocker_age.
 */
static List *
find_blockers(const MgModel *m, int min_age_ms)
{
	LockData   *data;

	/* The backend-status snapshot is kept per transaction: take a fresh one. */
	pgstat_clear_backend_activity_snapshot();
	data = GetLockStatusData();
	TimestampTz now = GetCurrentTimestamp();
	List	   *result = NIL;

	for (int i = 0; i < data->nelements; i++)
	{
		LockInstanceData *lock = &data->locks[i];
		Oid			relid;
		LOCKMODE	wanted = NoLock;
		LOCKMODE	held = NoLock;
		LOCKMODE	waiting = NoLock;
		int64		age;
		Blocker    *b;

		if (lock->locktag.locktag_type != LOCKTAG_RELATION ||
			lock->locktag.locktag_field1 != MyDatabaseId ||
			lock->pid == MyProcPid || lock->leaderPid == MyProcPid)
			continue;
		relid = lock->locktag.locktag_field2;
		for (int r = 0; r < m->nrels; r++)
			if (m->relids[r] == relid && m->rels[r].lock > wanted)
				wanted = m->rels[r].lock;
		if (wanted == NoLock)
			continue;
		for (LOCKMODE mode = AccessShareLock; mode <= AccessExclusiveLock; mode++)
			if ((lock->holdMask & LOCKBIT_ON(mode)) && DoLockModesConflict(mode, wanted))
				held = mode;
		if (lock->waitLockMode != NoLock && DoLockModesConflict(lock->waitLockMode, wanted))
			waiting = lock->waitLockMode;
		if (held == NoLock && waiting == NoLock)
			continue;
		age = transaction_age_ms(backend_of(lock->pid), now);
		if (age >= 0 && age < min_age_ms)
			continue;
		b = (Blocker *) palloc(sizeof(Blocker));
		b->pid = lock->pid;
		b->relid = relid;
		b->held = held;
		b->waiting = waiting;
		result = lappend(result, b);
	}
	return result;
}

/* schema.name of relid, or "?" when it vanished meanwhile. */
static char *
relation_display(Oid relid)
{
	char	   *name = get_rel_name(relid);
	char	   *nsp = name ? get_namespace_name(get_rel_namespace(relid)) : NULL;

	if (name == NULL || nsp == NULL)
		return pstrdup("?");
	return (char *) quote_qualified_identifier(nsp, name);
}

/* One line per blocker: pid, user, application, state, transaction age, query. */
static char *
describe_blockers(List *blockers)
{
	StringInfoData buf;
	TimestampTz now = GetCurrentTimestamp();
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, blockers)
	{
		Blocker    *b = (Blocker *) lfirst(lc);
		LocalPgBackendStatus *local = backend_of(b->pid);
		PgBackendStatus *be = local ? &local->backendStatus : NULL;
		int64		age = transaction_age_ms(local, now);
		char	   *user = be ? GetUserNameFromId(be->st_userid, true) : NULL;
		const char *query = "<unknown>";

		if (be && (has_privs_of_role(GetUserId(), be->st_userid) ||
				   has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS)))
		{
			char	   *clipped = pgstat_clip_activity(be->st_activity_raw);
			int			len = pg_mbcliplen(clipped, strlen(clipped), 80);

			query = psprintf("%.*s%s", len, clipped, (int) strlen(clipped) > len ? "..." : "");
		}
		else if (be)
			query = "<insufficient privilege>";

		if (buf.len > 0)
			appendStringInfoChar(&buf, '\n');
		appendStringInfo(&buf, "pid %d (user %s, application \"%s\", %s, transaction open for %s) %s %s on %s: %s",
						 b->pid, user ? user : "?",
						 be && be->st_appname ? be->st_appname : "",
						 be ? state_name(be->st_state) : "unknown state",
						 age >= 0 ? psprintf("%.1f s", age / 1000.0) : "an unknown time",
						 b->held != NoLock ? "holds" : "waits for",
						 GetLockmodeName(DEFAULT_LOCKMETHOD, b->held != NoLock ? b->held : b->waiting),
						 relation_display(b->relid),
						 query);
	}
	return buf.data;
}

static char *
first_blocked_relation(List *blockers)
{
	return relation_display(((Blocker *) linitial(blockers))->relid);
}

/*
 * Whether the statement's request on the first blocked relation makes the
 * application's queries queue behind it: SHARE and up block writes or reads;
 * a weaker request (ACCESS SHARE of what a view's query reads) makes only
 * the stronger requests that come after it wait.
 */
static bool
queries_queue_behind(const MgModel *m, List *blockers)
{
	Oid			relid = ((Blocker *) linitial(blockers))->relid;

	for (int i = 0; i < m->nrels; i++)
		if (m->relids[i] == relid)
			return m->rels[i].lock >= ShareLock;
	return true;
}

static void
raise_conflict(const MgModel *m, List *blockers, int elevel, bool gave_up)
{
	ereport(elevel,
			(errcode(elevel >= ERROR ? ERRCODE_LOCK_NOT_AVAILABLE : MAKE_SQLSTATE('0', '1', 'M', 'G', '1')),
			 gave_up
			 ? errmsg("%s gave up waiting for its locks: %d other session%s still in the way on %s",
					  m->command, list_length(blockers), list_length(blockers) == 1 ? " is" : "s are",
					  first_blocked_relation(blockers))
			 : elevel >= ERROR
			 ? errmsg("%s would wait for locks held by %d other session%s on %s",
					  m->command, list_length(blockers), list_length(blockers) == 1 ? "" : "s",
					  first_blocked_relation(blockers))
			 : queries_queue_behind(m, blockers)
			 ? errmsg("%s will wait for locks held by %d other session%s on %s, and queries on the table will queue behind it",
					  m->command, list_length(blockers), list_length(blockers) == 1 ? "" : "s",
					  first_blocked_relation(blockers))
			 : errmsg("%s will wait for locks held by %d other session%s on %s",
					  m->command, list_length(blockers), list_length(blockers) == 1 ? "" : "s",
					  first_blocked_relation(blockers)),
			 errdetail("%s", describe_blockers(blockers)),
			 elevel >= ERROR
			 ? errhint("Nothing was changed and no lock was queued for: retry when these transactions have ended, or end them with SELECT pg_terminate_backend(pid).")
			 : errhint("Set migration_guard.on_lock_conflict to 'fail' or 'poll' to avoid queueing, or a lock_timeout to bound the wait.")));
}

/*
 * poll: take every lock of the model without ever queueing; true when all
 * are held, false when lock_wait_max ran out.
 */
static bool
poll_for_locks(const MgModel *m)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), mg_lock_wait_max_ms);
	long		delay_ms = 10;

	for (;;)
	{
		bool		all = true;

		for (int r = 0; r < m->nrels; r++)
		{
			if (m->rels[r].lock == NoLock)
				continue;
			if (!ConditionalLockRelationOid(m->relids[r], m->rels[r].lock))
			{
				all = false;
				/* Give back what this round took: we hold nothing while we sleep. */
				for (int u = 0; u < r; u++)
					if (m->rels[u].lock != NoLock)
						UnlockRelationOid(m->relids[u], m->rels[u].lock);
				break;
			}
		}
		if (all)
			return true;
		if (GetCurrentTimestamp() >= deadline)
			return false;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, delay_ms,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		delay_ms = Min(delay_ms * 2, 200);
	}
}

/*
 * Whether the statement would have to wait for any of its locks: a
 * conditional request for each relation others can see.  It fails on a
 * conflicting lock that is held and on one that is only queued for (which
 * GetLockConflicts() would not report), and unlike GetLockStatusData(), whose
 * cost grows with the whole lock table, it costs what the statement's own
 * request costs.  When every request succeeds the locks are kept, as poll
 * keeps them: the statement takes the very same locks a moment later, and
 * finds them held (on 1 000 partitions, a strong lock costs some 19 000
 * instructions each time it is taken; issue 19).  On a conflict the probe
 * gives back what it took, so that the statement queues exactly as it would
 * have.  The full picture is read only when there is something to report.
 */
static bool
any_conflict(const MgModel *m)
{
	for (int r = 0; r < m->nrels; r++)
	{
		LOCKMODE	mode = m->rels[r].lock;

		if (mode == NoLock || m->rels[r].table.temporary ||
			m->rels[r].table.created_in_transaction)
			continue;
		if (!ConditionalLockRelationOid(m->relids[r], mode))
		{
			/* Give back what the probe took: the statement queues as it would have. */
			for (int u = 0; u < r; u++)
				if (m->rels[u].lock != NoLock && !m->rels[u].table.temporary &&
					!m->rels[u].table.created_in_transaction)
					UnlockRelationOid(m->relids[u], m->rels[u].lock);
			return true;
		}
	}
	return false;
}

void
mg_guard_locks(const MgModel *m)
{
	List	   *blockers;

	if (mg_on_lock_conflict == MG_CONFLICT_WAIT || m->nrels == 0)
		return;

	/*
	 * Take no lock, even a conditional one, on the tables of a role that may
	 * not change them: the server's own permission check comes first.  The
	 * target must be the role's own; every other table the statement locks
	 * (a referenced table, a partition) one it holds a privilege on -- unless
	 * the statement acts on them by a right the model checked (ALTER DOMAIN).
	 */
	if (!m->acts_by_right)
	{
#if PG_VERSION_NUM >= 160000
		if (!object_ownercheck(RelationRelationId, m->relids[0], GetUserId()))
			return;
#else
		if (!pg_class_ownercheck(m->relids[0], GetUserId()))
			return;
#endif
		for (int i = 1; i < m->nrels; i++)
			if (!mg_relation_visible(m->relids[i]))
				return;
	}
	if (mg_on_lock_conflict != MG_CONFLICT_POLL && !any_conflict(m))
		return;
	if (mg_on_lock_conflict == MG_CONFLICT_POLL)
	{
		if (poll_for_locks(m))
			return;
		blockers = find_blockers(m, mg_max_blocker_age_ms);
		if (blockers == NIL)
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("%s gave up waiting for its locks after migration_guard.lock_wait_max = %d ms",
							m->command, mg_lock_wait_max_ms),
					 errhint("Retry later.")));
		raise_conflict(m, blockers, ERROR, true);
	}
	blockers = find_blockers(m, mg_max_blocker_age_ms);
	if (blockers == NIL)
		return;
	/* In log mode, a warning goes to the server log only, like every finding. */
	raise_conflict(m, blockers,
				   mg_on_lock_conflict == MG_CONFLICT_FAIL ? ERROR : (mg_mode == MG_MODE_LOG ? LOG : WARNING),
				   false);
}

/*
 * Lock timeouts explained.  A judged statement that gives up on a lock
 * timeout migration_guard.lock_timeout applied, or under on_lock_conflict =
 * fail or poll, fails with the server's "canceling statement due to lock
 * timeout" and nothing else: who was in the way went nowhere.  The hook
 * catches that error (the server has already left the lock queue) and raises
 * it again, same SQLSTATE, with the blockers: in the DETAIL, and in the
 * primary message too under error_format = inline.
 */
bool
mg_explains_lock_timeouts(int timeout_nestlevel)
{
	return timeout_nestlevel >= 0 || mg_on_lock_conflict == MG_CONFLICT_FAIL ||
		mg_on_lock_conflict == MG_CONFLICT_POLL;
}

void
mg_explain_lock_timeout(const MgModel *m, MemoryContext cxt, bool applied_by_us)
{
	ErrorData  *edata;
	List	   *volatile blockers = NIL;
	char	   *volatile detail = NULL;
	char	   *volatile relation = NULL;
	int			timeout_ms = LockTimeout;
	volatile bool failed = false;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE || edata->message_id == NULL ||
		strcmp(edata->message_id, "canceling statement due to lock timeout") != 0 || m == NULL)
		return;					/* the caller re-throws it as it is */
	FlushErrorState();
	PG_TRY();
	{
		/*
		 * Every session in the way now, however young its transaction --
		 * unless the statement locks a relation the role may not see (a
		 * table behind a view it replaces): then, as in mg_guard_locks(),
		 * nothing is told of who holds it.
		 */
		bool		all_visible = true;

		for (int i = 0; i < m->nrels && !m->acts_by_right && all_visible; i++)
			all_visible = mg_relation_visible(m->relids[i]);
		if (all_visible)
			blockers = find_blockers(m, 0);
		if (blockers != NIL)
		{
			detail = describe_blockers(blockers);
			relation = first_blocked_relation(blockers);
		}
	}
	PG_CATCH();
	{
		ErrorData  *inner;

		MemoryContextSwitchTo(cxt);
		inner = CopyErrorData();
		/* A cancel or a termination while looking for the blockers wins. */
		if (mg_error_must_propagate(inner->sqlerrcode))
			PG_RE_THROW();
		FreeErrorData(inner);
		FlushErrorState();
		failed = true;
	}
	PG_END_TRY();
	if (failed || blockers == NIL)
		ReThrowError(edata);
	ereport(ERROR,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 mg_error_format == 1
			 ? errmsg("canceling statement due to lock timeout: %s waited %d ms for locks held by %d other session%s on %s:\n%s",
					  m->command, timeout_ms, list_length(blockers),
					  list_length(blockers) == 1 ? "" : "s", (char *) relation, (char *) detail)
			 : errmsg("canceling statement due to lock timeout: %s waited %d ms for locks held by %d other session%s on %s",
					  m->command, timeout_ms, list_length(blockers),
					  list_length(blockers) == 1 ? "" : "s", (char *) relation),
			 errdetail("%s", (char *) detail),
			 applied_by_us
			 ? errhint("migration_guard.lock_timeout applied this lock_timeout so that the statement gives up instead of making every query on the table queue behind it. Nothing was changed: retry when these transactions have ended, or end them with SELECT pg_terminate_backend(pid).")
			 : errhint("Nothing was changed: retry when these transactions have ended, or end them with SELECT pg_terminate_backend(pid).")));
}

/*
 * migration_guard.lock_timeout, applied when the session's lock_timeout is
 * unset or longer, whatever statement_timeout says (a statement_timeout
 * bounds the whole statement, not the wait in front of the table).
 */
int
mg_auto_lock_timeout_nestlevel(const MgModel *m)
{
	int			nestlevel;
	bool		needed = false;
	int			session_timeout = LockTimeout;

	if (mg_lock_timeout_ms <= 0 || (LockTimeout > 0 && LockTimeout <= mg_lock_timeout_ms))
		return -1;
	for (int i = 0; i < m->nops; i++)
	{
		const MgTable *t = &m->ops[i].table;

		/* A view holds no rows to tell: one others see is in use (as lock_timeout_missing says). */
		if (m->ops[i].kind == MG_OP_LOCK_REQUEST && !t->created_in_transaction && !t->temporary &&
			(t->rows > 0 || (t->rows < 0 && t->bytes > 0) || t->kind == RELKIND_VIEW))
			needed = true;
	}
	if (!needed)
		return -1;
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("lock_timeout", psprintf("%d", mg_lock_timeout_ms), PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	ereport(mg_mode == MG_MODE_LOG ? LOG : NOTICE,
			(errmsg("migration_guard: %s runs with lock_timeout = %d ms", m->command,
					mg_lock_timeout_ms),
			 session_timeout > 0
			 ? errdetail("The session's lock_timeout (%d ms) is longer; migration_guard.lock_timeout applies a shorter one so that a blocked statement gives up instead of freezing the table.", session_timeout)
			 : errdetail("The session has no lock_timeout; migration_guard.lock_timeout applies one so that a blocked statement gives up instead of freezing the table.")));
	return nestlevel;
}

/*
 * Locks held across a transaction.
 *
 * A lock lives until the end of the transaction that took it.  When DDL in
 * an explicit transaction takes ACCESS EXCLUSIVE or SHARE ROW EXCLUSIVE on a
 * large table, we remember it (relation, mode) for that transaction, keyed by
 * its local transaction id so that nothing needs resetting at its end.  A
 * later statement of the same transaction that touches many rows (a DML
 * statement, through the executor hook, or a long DDL statement, through the
 * ProcessUtility hook) is then reported: every query on the locked table
 * waits until COMMIT.  Application transactions that did no such DDL cost
 * one comparison in the executor hook.
 */
#define MG_MAX_TRACKED 16

static LocalTransactionId tracked_lxid = InvalidLocalTransactionId;
static int	ntracked = 0;
static Oid	tracked_relid[MG_MAX_TRACKED];
static LOCKMODE tracked_mode[MG_MAX_TRACKED];

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

/* After a judged statement ran: remember its strong locks on large tables. */
void
mg_track_held_locks(const MgModel *m)
{
	if (!IsTransactionBlock())
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
			ntracked++;
		}
	}
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
	MgTable		target_facts;
	MgSettings	settings;
	MgResult	result;
	int			nops = 0;

	if (!mg_table_facts(target, &target_facts))
		return;
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
		op->in_transaction_block = true;
		nops++;
	}
	if (nops == 0)
		return;
	mg_current_settings(&settings);
	mg_evaluate(ops, nops, &settings, &result);
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

/* UPDATE/DELETE whose scan of the target has no qual: no WHERE clause. */
static bool
modifies_every_row(PlannedStmt *ps)
{
	Plan	   *plan = ps->planTree;

	if (plan == NULL || !IsA(plan, ModifyTable))
		return false;
	plan = outerPlan(plan);
	while (plan && (IsA(plan, Result) || IsA(plan, Gather)) && outerPlan(plan))
		plan = outerPlan(plan);
	return plan && IsA(plan, SeqScan) && plan->qual == NIL;
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
		bool		every_row = queryDesc->operation != CMD_INSERT && modifies_every_row(ps);

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
