// Internal subtransactions that turn a failure into "unknown", never a
// cancel (subxact.cpp).
#pragma once

#include "glue/pg.hpp"

/*
 * Whether an error caught to be swallowed must be raised again instead: a
 * query cancel (statement_timeout, lock_timeout is not one), a termination,
 * a shutdown, an out-of-memory.
 */
bool		mg_error_must_propagate(int sqlerrcode);
/*
 * fn(arg) in an internal subtransaction: false if it raised an error, which
 * is swallowed (a cancel or a termination is raised again).
 */
bool		mg_guarded_call(void (*fn) (void *), void *arg);
/* fn(oid) in an internal subtransaction: NULL if it raised an error (a cancel is raised again). */
char	   *mg_guarded(char *(*fn) (Oid), Oid oid);
