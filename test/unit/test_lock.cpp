// The eight table lock modes: their names, what they block, and the server's
// conflict table (src/backend/storage/lmgr/lock.c, LockConflicts).
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "core/lock.hpp"

namespace mg {
namespace {

constexpr std::array<LockMode, 8> kModes = {
    LockMode::AccessShare,          LockMode::RowShare,  LockMode::RowExclusive,
    LockMode::ShareUpdateExclusive, LockMode::Share,     LockMode::ShareRowExclusive,
    LockMode::Exclusive,            LockMode::AccessExclusive,
};

TEST(LockNames, ServerNamesAsInPgLocks) {
  EXPECT_EQ(lock_server_name(LockMode::AccessShare), "AccessShareLock");
  EXPECT_EQ(lock_server_name(LockMode::RowShare), "RowShareLock");
  EXPECT_EQ(lock_server_name(LockMode::RowExclusive), "RowExclusiveLock");
  EXPECT_EQ(lock_server_name(LockMode::ShareUpdateExclusive), "ShareUpdateExclusiveLock");
  EXPECT_EQ(lock_server_name(LockMode::Share), "ShareLock");
  EXPECT_EQ(lock_server_name(LockMode::ShareRowExclusive), "ShareRowExclusiveLock");
  EXPECT_EQ(lock_server_name(LockMode::Exclusive), "ExclusiveLock");
  EXPECT_EQ(lock_server_name(LockMode::AccessExclusive), "AccessExclusiveLock");
  EXPECT_EQ(lock_server_name(LockMode::None), "");
}

TEST(LockNames, SqlNamesAsInTheLockCommand) {
  EXPECT_EQ(lock_sql_name(LockMode::AccessShare), "ACCESS SHARE");
  EXPECT_EQ(lock_sql_name(LockMode::RowShare), "ROW SHARE");
  EXPECT_EQ(lock_sql_name(LockMode::RowExclusive), "ROW EXCLUSIVE");
  EXPECT_EQ(lock_sql_name(LockMode::ShareUpdateExclusive), "SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(lock_sql_name(LockMode::Share), "SHARE");
  EXPECT_EQ(lock_sql_name(LockMode::ShareRowExclusive), "SHARE ROW EXCLUSIVE");
  EXPECT_EQ(lock_sql_name(LockMode::Exclusive), "EXCLUSIVE");
  EXPECT_EQ(lock_sql_name(LockMode::AccessExclusive), "ACCESS EXCLUSIVE");
  EXPECT_EQ(lock_sql_name(LockMode::None), "");
}

TEST(LockBlocks, PhrasesOfTheLocksTheRulesQuote) {
  EXPECT_EQ(lock_blocks(LockMode::Share), "INSERT, UPDATE, DELETE and MERGE; reads go on");
  EXPECT_EQ(lock_blocks(LockMode::AccessExclusive),
            "every other access to it, plain SELECT included");
  EXPECT_EQ(lock_blocks(LockMode::None), "nothing");
}

TEST(LockBlocks, EveryModeHasAPhrase) {
  for (LockMode m : kModes) {
    std::string phrase(lock_blocks(m));
    EXPECT_FALSE(phrase.empty()) << lock_sql_name(m);
    EXPECT_NE(phrase.back(), '.') << "completes a sentence: " << phrase;
  }
}

TEST(LockConflicts, NoneConflictsWithNothing) {
  for (LockMode m : kModes) {
    EXPECT_FALSE(locks_conflict(LockMode::None, m)) << lock_sql_name(m);
    EXPECT_FALSE(locks_conflict(m, LockMode::None)) << lock_sql_name(m);
  }
  EXPECT_FALSE(locks_conflict(LockMode::None, LockMode::None));
}

TEST(LockConflicts, FullMatrixMatchesTheServer) {
  // Rows: held; columns: wanted; in the order of kModes.  From the table
  // "Conflicting Lock Modes" of the PostgreSQL documentation (13.3.1).
  constexpr bool X = true, o = false;
  constexpr bool kExpected[8][8] = {
      //        AS RS RE SUE S SRE E AE
      /* AS  */ {o, o, o, o, o, o, o, X},
      /* RS  */ {o, o, o, o, o, o, X, X},
      /* RE  */ {o, o, o, o, X, X, X, X},
      /* SUE */ {o, o, o, X, X, X, X, X},
      /* S   */ {o, o, X, X, o, X, X, X},
      /* SRE */ {o, o, X, X, X, X, X, X},
      /* E   */ {o, X, X, X, X, X, X, X},
      /* AE  */ {X, X, X, X, X, X, X, X},
  };
  for (std::size_t i = 0; i < kModes.size(); i++)
    for (std::size_t j = 0; j < kModes.size(); j++)
      EXPECT_EQ(locks_conflict(kModes[i], kModes[j]), kExpected[i][j])
          << "held " << lock_sql_name(kModes[i]) << ", wanted " << lock_sql_name(kModes[j]);
}

TEST(LockConflicts, MatrixIsSymmetric) {
  for (LockMode a : kModes)
    for (LockMode b : kModes)
      EXPECT_EQ(locks_conflict(a, b), locks_conflict(b, a))
          << lock_sql_name(a) << " / " << lock_sql_name(b);
}

TEST(LockConflicts, KnownPairs) {
  // CREATE INDEX (SHARE) blocks writers (ROW EXCLUSIVE) but not readers.
  EXPECT_TRUE(locks_conflict(LockMode::Share, LockMode::RowExclusive));
  EXPECT_FALSE(locks_conflict(LockMode::Share, LockMode::AccessShare));
  // Two CREATE INDEX on one table can run together; two CONCURRENTLY cannot.
  EXPECT_FALSE(locks_conflict(LockMode::Share, LockMode::Share));
  EXPECT_TRUE(locks_conflict(LockMode::ShareUpdateExclusive, LockMode::ShareUpdateExclusive));
  // CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE) lets writes go on.
  EXPECT_FALSE(locks_conflict(LockMode::ShareUpdateExclusive, LockMode::RowExclusive));
  // ACCESS EXCLUSIVE blocks even plain SELECT.
  EXPECT_TRUE(locks_conflict(LockMode::AccessExclusive, LockMode::AccessShare));
  // REFRESH ... CONCURRENTLY (EXCLUSIVE) lets plain reads go on, not FOR UPDATE.
  EXPECT_FALSE(locks_conflict(LockMode::Exclusive, LockMode::AccessShare));
  EXPECT_TRUE(locks_conflict(LockMode::Exclusive, LockMode::RowShare));
  // Writers do not block each other at table level.
  EXPECT_FALSE(locks_conflict(LockMode::RowExclusive, LockMode::RowExclusive));
  // SHARE ROW EXCLUSIVE is self-exclusive.
  EXPECT_TRUE(locks_conflict(LockMode::ShareRowExclusive, LockMode::ShareRowExclusive));
}

TEST(LockConflicts, EveryModeConflictsWithAccessExclusive) {
  for (LockMode m : kModes) {
    EXPECT_TRUE(locks_conflict(m, LockMode::AccessExclusive)) << lock_sql_name(m);
    EXPECT_TRUE(locks_conflict(LockMode::AccessExclusive, m)) << lock_sql_name(m);
  }
}

}  // namespace
}  // namespace mg
