// Strong locks held across a transaction (held_locks.cpp).
#pragma once

#include "glue/model.hpp"

/* After a judged statement ran: remember its strong locks on large tables. */
void		mg_track_held_locks(const MgModel *m, bool in_function);
/* A judged DDL statement about to run: is it long, with strong locks held? */
void		mg_check_held_locks_ddl(const MgModel *m);
void		mg_install_executor_hook(void);
/* The local transaction id: what per-transaction state is keyed by. */
LocalTransactionId mg_current_lxid(void);
