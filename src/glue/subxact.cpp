/*
 * Internal subtransactions that turn a failure into "unknown": a read of the
 * catalogs that may fail because another session dropped or locked what it
 * reads.  Whatever they swallow, they never swallow a query cancel
 * (statement_timeout, pg_cancel_backend()), a termination or an
 * out-of-memory: those end the statement as the user asked.
 */
#include "glue/subxact.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/resowner.h"
}

bool
mg_error_must_propagate(int sqlerrcode)
{
	switch (sqlerrcode)
	{
		case ERRCODE_QUERY_CANCELED:
		case ERRCODE_ADMIN_SHUTDOWN:
		case ERRCODE_CRASH_SHUTDOWN:
		case ERRCODE_CANNOT_CONNECT_NOW:
		case ERRCODE_DATABASE_DROPPED:
		case ERRCODE_IDLE_SESSION_TIMEOUT:
		case ERRCODE_IDLE_IN_TRANSACTION_SESSION_TIMEOUT:
		case ERRCODE_OUT_OF_MEMORY:
			return true;
		default:
			return false;
	}
}

/*
 * Calls fn(oid) in an internal subtransaction and returns its result, or
 * NULL if it raised an error.  The undo of a DROP INDEX, DROP CONSTRAINT or
 * CREATE OR REPLACE VIEW is read from the catalogs before the statement
 * takes its locks: another session may drop the object in the meantime, and
 * the server's deparsers then fail ("could not open relation").  Such a
 * statement then fails with the server's own error, or succeeds without an
 * inverse, never with ours.  A query cancel (statement_timeout included) or
 * a termination is not swallowed: it is raised again once the
 * subtransaction is rolled back (mg_error_must_propagate).
 */
bool
mg_guarded_call(void (*fn) (void *), void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile bool ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (mg_error_must_propagate(edata->sqlerrcode))
			ReThrowError(edata);
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

typedef struct GuardedOid
{
	char	   *(*fn) (Oid);
	Oid			oid;
	char	   *result;
} GuardedOid;

static void
call_with_oid(void *arg)
{
	GuardedOid *g = (GuardedOid *) arg;

	g->result = g->fn(g->oid);
}

char *
mg_guarded(char *(*fn) (Oid), Oid oid)
{
	GuardedOid	g = {fn, oid, NULL};

	return mg_guarded_call(call_with_oid, &g) ? g.result : NULL;
}

