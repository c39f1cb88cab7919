// Lock prevention at execution time, strong locks held across a transaction,
// lock timeouts that name the blocker (lock_guard.cpp).
#pragma once

#include "glue/model.hpp"

void		mg_guard_locks(const MgModel *m);
/* The lock manager's facts for the model's lock request (lock_timeout_missing at run time). */
void		mg_probe_lock_requests(MgModel *m, const MgSettings *settings);
/* Applies migration_guard.lock_timeout if needed: the GUC nest level to pop, or -1. */
int			mg_auto_lock_timeout_nestlevel(const MgModel *m);

/* Strong locks held across a transaction (lock_guard.cpp). */
void		mg_track_held_locks(const MgModel *m);
void		mg_check_held_locks_ddl(const MgModel *m);
void		mg_install_executor_hook(void);
LocalTransactionId mg_current_lxid(void);

/* A lock timeout in a judged statement: the blockers named in the error (lock_guard.cpp). */
bool		mg_explains_lock_timeouts(int timeout_nestlevel);
/* In a PG_CATCH: raises the error again with the blockers, or returns (the caller re-throws). */
void		mg_explain_lock_timeout(const MgModel *m, MemoryContext cxt, bool applied_by_us);
