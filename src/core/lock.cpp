#include "core/lock.hpp"

namespace mg {

namespace {

struct LockInfo {
  std::string_view server_name;
  std::string_view sql_name;
  std::string_view blocks;
  // Bit i set: conflicts with the mode whose enum value is i.
  unsigned conflicts;
};

constexpr unsigned bit(LockMode m) { return 1u << static_cast<unsigned>(m); }

constexpr LockInfo kLocks[] = {
    {"", "", "nothing", 0},
    {"AccessShareLock", "ACCESS SHARE",
     "only ACCESS EXCLUSIVE lockers (ALTER TABLE, DROP TABLE, TRUNCATE, VACUUM FULL)",
     bit(LockMode::AccessExclusive)},
    {"RowShareLock", "ROW SHARE", "EXCLUSIVE and ACCESS EXCLUSIVE lockers",
     bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive)},
    {"RowExclusiveLock", "ROW EXCLUSIVE",
     "SHARE and stronger lockers (CREATE INDEX, most ALTER TABLE forms); reads and writes go on",
     bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
         bit(LockMode::AccessExclusive)},
    {"ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE",
     "VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY and other schema changes; reads and writes go on",
     bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) |
         bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
         bit(LockMode::AccessExclusive)},
    {"ShareLock", "SHARE", "INSERT, UPDATE, DELETE and MERGE; reads go on",
     bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive) |
         bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
         bit(LockMode::AccessExclusive)},
    {"ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE",
     "INSERT, UPDATE, DELETE, MERGE and other schema changes; reads go on",
     bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) |
         bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
         bit(LockMode::AccessExclusive)},
    {"ExclusiveLock", "EXCLUSIVE",
     "every write and SELECT ... FOR UPDATE/SHARE; only plain reads go on",
     bit(LockMode::RowShare) | bit(LockMode::RowExclusive) |
         bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) |
         bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
         bit(LockMode::AccessExclusive)},
    {"AccessExclusiveLock", "ACCESS EXCLUSIVE", "every other access to it, plain SELECT included",
     bit(LockMode::AccessShare) | bit(LockMode::RowShare) | bit(LockMode::RowExclusive) |
         bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) |
         bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
         bit(LockMode::AccessExclusive)},
};

const LockInfo& info(LockMode m) { return kLocks[static_cast<unsigned>(m)]; }

}  // namespace

std::string_view lock_server_name(LockMode mode) { return info(mode).server_name; }
std::string_view lock_sql_name(LockMode mode) { return info(mode).sql_name; }

std::string lock_with_article(LockMode mode) {
  const std::string_view name = lock_sql_name(mode);
  const bool vowel = !name.empty() && std::string_view("AEIOU").find(name[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(name);
}
std::string_view lock_blocks(LockMode mode) { return info(mode).blocks; }
bool locks_conflict(LockMode held, LockMode wanted) {
  return (info(held).conflicts & bit(wanted)) != 0;
}

}  // namespace mg
