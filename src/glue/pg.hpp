// The only way glue code includes PostgreSQL.  The server headers have no
// extern "C" guards of their own, so they are wrapped here.  No C++ standard
// header may follow this one: port.h redefines snprintf and friends as macros.
//
// The rule of the glue: no C++ object with a destructor is ever alive in a
// frame that calls something able to ereport(ERROR), because the longjmp
// would skip its destructor.  Glue code therefore reads like C: palloc'd
// memory, plain structs, and C++ only through src/core/c_api.h.
#pragma once

extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "common/keywords.h"
#include "common/relpath.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "parser/scanner.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/relmapper.h"
#include "utils/syscache.h"
}

#if PG_VERSION_NUM < 150000
#error "migration_guard needs PostgreSQL 15 or later (tested on 15 and 18; see docs/versions.md)"
#endif

#include "core/c_api.h"

// The glue's side of the codes defined in c_api.h: PostgreSQL's own values
// cross the door unchanged (the core's side is in core/c_convert.cpp).
static_assert(MG_LOCK_NONE == NoLock, "lock modes");
static_assert(MG_LOCK_ACCESS_SHARE == AccessShareLock, "lock modes");
static_assert(MG_LOCK_ROW_SHARE == RowShareLock, "lock modes");
static_assert(MG_LOCK_ROW_EXCLUSIVE == RowExclusiveLock, "lock modes");
static_assert(MG_LOCK_SHARE_UPDATE_EXCLUSIVE == ShareUpdateExclusiveLock, "lock modes");
static_assert(MG_LOCK_SHARE == ShareLock, "lock modes");
static_assert(MG_LOCK_SHARE_ROW_EXCLUSIVE == ShareRowExclusiveLock, "lock modes");
static_assert(MG_LOCK_EXCLUSIVE == ExclusiveLock, "lock modes");
static_assert(MG_LOCK_ACCESS_EXCLUSIVE == AccessExclusiveLock, "lock modes");
static_assert(MG_LOCK_ACCESS_EXCLUSIVE == MaxLockMode, "no lock mode beyond ACCESS EXCLUSIVE");
static_assert(MG_REWRITE_PERSISTENCE == AT_REWRITE_ALTER_PERSISTENCE, "rewrite reasons");
static_assert(MG_REWRITE_DEFAULT == AT_REWRITE_DEFAULT_VAL, "rewrite reasons");
static_assert(MG_REWRITE_COLUMN == AT_REWRITE_COLUMN_REWRITE, "rewrite reasons");
static_assert(MG_REWRITE_ACCESS_METHOD == AT_REWRITE_ACCESS_METHOD, "rewrite reasons");
