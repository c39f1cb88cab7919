// Lock prevention at execution time, and lock timeouts that name the blocker
// (lock_guard.cpp); the locks held across a transaction are in held_locks.hpp.
#pragma once

#include "glue/model.hpp"

void		mg_guard_locks(const MgModel *m);
/* The lock manager's facts for the model's lock request (lock_timeout_missing at run time). */
void		mg_probe_lock_requests(MgModel *m, const MgSettings *settings);
/* Applies migration_guard.lock_timeout if needed: the GUC nest level to pop, or -1. */
int			mg_auto_lock_timeout_nestlevel(const MgModel *m);


/* A lock timeout in a judged statement: the blockers named in the error (lock_guard.cpp). */
bool		mg_explains_lock_timeouts(int timeout_nestlevel);
/* In a PG_CATCH: raises the error again with the blockers, or returns (the caller re-throws). */
void		mg_explain_lock_timeout(const MgModel *m, MemoryContext cxt, bool applied_by_us);
