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
#include "glue/findings_store.hpp"
#include "glue/lock_guard.hpp"
#include "glue/subxact.hpp"
#include "glue/model.hpp"
#include "glue/messages.hpp"
#include "glue/settings.hpp"
#include "glue/relation_facts.hpp"
#include "glue/statement_state.hpp"
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
 * Whether this transaction holds a lock on tag that conflicts with all that
 * mode conflicts with: then the request is granted at once, ahead of those
 * who queue behind us (ProcSleep), and nobody else holds a conflicting lock.
 */
static bool
held_by_me(const LOCKTAG *tag, LOCKMODE mode)
{
	for (LOCKMODE h = mode; h <= AccessExclusiveLock; h++)
	{
		bool		covers = true;

		for (LOCKMODE x = AccessShareLock; x <= AccessExclusiveLock && covers; x++)
			if (DoLockModesConflict(mode, x) && !DoLockModesConflict(h, x))
				covers = false;
#if PG_VERSION_NUM >= 170000
		if (covers && LockHeldByMe(tag, h, false))
			return true;
#else
		if (covers && LockHeldByMe(tag, h))
			return true;
#endif
	}
	return false;
}

/*
 * The other sessions whose locks on the model's relations conflict with the
 * modes the statement requests, older than max_blocker_age.
 */
typedef struct Wanted
{
	Oid			relid;
	LOCKMODE	mode;
} Wanted;

static int
wanted_cmp(const void *a, const void *b)
{
	Oid			x = ((const Wanted *) a)->relid;
	Oid			y = ((const Wanted *) b)->relid;

	return x < y ? -1 : x > y ? 1 : 0;
}

static List *
find_blockers(const MgModel *m, int min_age_ms)
{
	LockData   *data;
	TimestampTz now = 0;
	List	   *result = NIL;
	Wanted	   *wanted = (Wanted *) palloc(sizeof(Wanted) * Max(1, m->nrels));
	int			nwanted = 0;

	/* The strongest mode per relation, sorted: one look-up per lock of the whole lock table. */
	for (int r = 0; r < m->nrels; r++)
		if (m->rels[r].lock != NoLock)
		{
			wanted[nwanted].relid = m->relids[r];
			wanted[nwanted].mode = m->rels[r].lock;
			nwanted++;
		}
	if (nwanted == 0)
		return NIL;
	qsort(wanted, nwanted, sizeof(Wanted), wanted_cmp);
	{
		int			kept = 0;

		for (int r = 0; r < nwanted; r++)
		{
			if (kept > 0 && wanted[kept - 1].relid == wanted[r].relid)
				wanted[kept - 1].mode = Max(wanted[kept - 1].mode, wanted[r].mode);
			else
				wanted[kept++] = wanted[r];
		}
		nwanted = kept;
	}
	data = GetLockStatusData();

	for (int i = 0; i < data->nelements; i++)
	{
		LockInstanceData *lock = &data->locks[i];
		Wanted		key;
		Wanted	   *w;
		LOCKMODE	held = NoLock;
		LOCKMODE	waiting = NoLock;
		int64		age;
		Blocker    *b;

		if (lock->locktag.locktag_type != LOCKTAG_RELATION ||
			lock->locktag.locktag_field1 != MyDatabaseId ||
			lock->pid == MyProcPid || lock->leaderPid == MyProcPid)
			continue;
		key.relid = lock->locktag.locktag_field2;
		w = (Wanted *) bsearch(&key, wanted, nwanted, sizeof(Wanted), wanted_cmp);
		/* Held already, as strong: granted at once, ahead of whoever queues behind us. */
		if (w == NULL || held_by_me(&lock->locktag, w->mode))
			continue;
		for (LOCKMODE mode = AccessShareLock; mode <= AccessExclusiveLock; mode++)
			if ((lock->holdMask & LOCKBIT_ON(mode)) && DoLockModesConflict(mode, w->mode))
				held = mode;
		if (lock->waitLockMode != NoLock && DoLockModesConflict(lock->waitLockMode, w->mode))
			waiting = lock->waitLockMode;
		if (held == NoLock && waiting == NoLock)
			continue;
		if (now == 0)
		{
			/* The backend-status snapshot is kept per transaction: take a fresh one. */
			pgstat_clear_backend_activity_snapshot();
			now = GetCurrentTimestamp();
		}
		age = transaction_age_ms(backend_of(lock->pid), now);
		if (age >= 0 && age < min_age_ms)
			continue;
		b = (Blocker *) palloc(sizeof(Blocker));
		b->pid = lock->pid;
		b->relid = key.relid;
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
		/* What pg_stat_activity shows the role: another role's state, age and query only with its privileges. */
		bool		visible = be && (has_privs_of_role(GetUserId(), be->st_userid) ||
									 has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS));

		if (visible)
		{
			char	   *clipped = pgstat_clip_activity(be->st_activity_raw);
			int			len = pg_mbcliplen(clipped, strlen(clipped), 80);

			query = psprintf("%.*s%s", len, clipped, (int) strlen(clipped) > len ? "..." : "");
		}
		else if (be)
			query = "<insufficient privilege>";

		if (buf.len > 0)
			appendStringInfoChar(&buf, '\n');
		if (be && !visible)
			appendStringInfo(&buf, "pid %d (user %s, application \"%s\") %s %s on %s: %s",
							 b->pid, user ? user : "?",
							 be->st_appname ? be->st_appname : "",
							 b->held != NoLock ? "holds" : "waits for",
							 GetLockmodeName(DEFAULT_LOCKMETHOD, b->held != NoLock ? b->held : b->waiting),
							 relation_display(b->relid),
							 query);
		else
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
 * A lock conflict or an explained lock timeout goes into the findings store
 * like a rule's finding (rule "on_lock_conflict" or "lock_timeout"), before
 * it is raised: a rejection is kept although its transaction rolls back.
 */
static void
keep_lock_finding(const char *rule, const char *relation, const char *message, int elevel)
{
	MgStoredInput in;

	in.rule = rule;
	in.relation = relation;
	in.message = message;
	in.statement = debug_query_string;
	in.severity = elevel >= ERROR ? MG_SEVERITY_ERROR : MG_SEVERITY_WARNING;
	in.action = elevel >= ERROR ? MG_ACTION_REJECT : elevel == WARNING ? MG_ACTION_WARN : MG_ACTION_LOG;
	mg_store_finding(&in);
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
	char	   *relation = first_blocked_relation(blockers);
	char	   *message = gave_up
		? psprintf("%s gave up waiting for its locks: %d other session%s still in the way on %s",
				   m->command, list_length(blockers), list_length(blockers) == 1 ? " is" : "s are",
				   relation)
		: elevel >= ERROR
		? psprintf("%s would wait for locks held by %d other session%s on %s",
				   m->command, list_length(blockers), list_length(blockers) == 1 ? "" : "s",
				   relation)
		: queries_queue_behind(m, blockers)
		? psprintf("%s will wait for locks held by %d other session%s on %s, and queries on the table will queue behind it",
				   m->command, list_length(blockers), list_length(blockers) == 1 ? "" : "s",
				   relation)
		: psprintf("%s will wait for locks held by %d other session%s on %s",
				   m->command, list_length(blockers), list_length(blockers) == 1 ? "" : "s",
				   relation);

	keep_lock_finding("on_lock_conflict", relation, message, elevel);
	ereport(elevel,
			(errcode(elevel >= ERROR ? ERRCODE_LOCK_NOT_AVAILABLE : MAKE_SQLSTATE('0', '1', 'M', 'G', '1')),
			 errmsg_internal("%s", message),
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

/* Whether the judged statement running now reported rule. */
static bool
statement_reported(const char *rule)
{
	MgStatementState *st = mg_judged_statement();
	ListCell   *lc;

	if (st == NULL)
		return false;
	foreach(lc, st->findings)
		if (strcmp((const char *) lfirst(lc), rule) == 0)
			return true;
	return false;
}

/*
 * The facts lock_timeout_missing judges at run time: for the statement's
 * lock request, the sessions it would wait for without limit, looked up in
 * the lock manager just before it runs (by the same rules as on_lock_conflict:
 * transactions younger than max_blocker_age are not in the way).  Under
 * on_lock_conflict = fail or poll it never queues without limit.  Looked up
 * only when nothing else bounds the wait (settings: what the rule reads), so
 * that a migration that sets a lock_timeout pays nothing.
 */
void
mg_probe_lock_requests(MgModel *m, const MgSettings *settings)
{
	List	   *blockers = NIL;
	bool		looked = false;

	if (settings->session_lock_timeout_ms > 0 || settings->session_statement_timeout_ms > 0 ||
		settings->auto_lock_timeout_ms > 0)
		return;
	for (int i = 0; i < m->nops; i++)
	{
		MgOperation *op = &m->ops[i];

		if (op->kind != MG_OP_LOCK_REQUEST || op->table.temporary ||
			op->table.created_in_transaction)
			continue;
		op->lock_probed = true;
		if (mg_on_lock_conflict == MG_CONFLICT_FAIL || mg_on_lock_conflict == MG_CONFLICT_POLL)
			continue;			/* never waits without limit */
		if (!looked)
		{
			blockers = find_blockers(m, mg_max_blocker_age_ms);
			looked = true;
		}
		op->lock_blockers = list_length(blockers);
		if (blockers != NIL)
			op->lock_blocker_list = describe_blockers(blockers);
	}
}

void
mg_guard_locks(const MgModel *m)
{
	List	   *blockers;

	if (mg_on_lock_conflict == MG_CONFLICT_WAIT || m->nrels == 0)
		return;
	/* warn: lock_timeout_missing already named the sessions in the way. */
	if (mg_on_lock_conflict == MG_CONFLICT_WARN && statement_reported("lock_timeout_missing"))
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
		{
			char	   *message = psprintf("%s gave up waiting for its locks after migration_guard.lock_wait_max = %d ms",
										   m->command, mg_lock_wait_max_ms);

			keep_lock_finding("on_lock_conflict", NULL, message, ERROR);
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg_internal("%s", message),
					 errhint("Retry later.")));
		}
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
	keep_lock_finding("lock_timeout", (char *) relation,
					  psprintf("canceling statement due to lock timeout: %s waited %d ms for locks held by %d other session%s on %s",
							   m->command, timeout_ms, list_length(blockers),
							   list_length(blockers) == 1 ? "" : "s", (char *) relation),
					  ERROR);
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
