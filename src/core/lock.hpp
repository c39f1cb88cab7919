// The eight table-level lock modes of PostgreSQL, and what each one blocks.
#pragma once
#include "core/no_pg.hpp"

#include <string>
#include <string_view>

namespace mg {

// In the order of strength used by the server (lockdefs.h), None first.
enum class LockMode {
  None = 0,
  AccessShare,
  RowShare,
  RowExclusive,
  ShareUpdateExclusive,
  Share,
  ShareRowExclusive,
  Exclusive,
  AccessExclusive,
};

// "ShareLock": the name pg_locks.mode uses.
std::string_view lock_server_name(LockMode mode);
// "SHARE": the name the LOCK command and the documentation use.
std::string_view lock_sql_name(LockMode mode);
// "an ACCESS EXCLUSIVE", "a SHARE": the SQL name with its article.
std::string lock_with_article(LockMode mode);
// What other sessions can no longer do while the lock is held, as a phrase
// that completes "..., which blocks ".
std::string_view lock_blocks(LockMode mode);
// True when two modes conflict (the server's conflict table).
bool locks_conflict(LockMode held, LockMode wanted);

}  // namespace mg
