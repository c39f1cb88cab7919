// lock_timeout_missing: a lock that blocks reads or writes of a table others
// use, requested with no lock_timeout.
#include "test_support.hpp"

namespace mg::test {
namespace {

Operation lock_request(LockMode mode, TableFacts t) {
  Operation op = operation(OpKind::LockRequest, std::move(t));
  op.lock = mode;
  return op;
}

TEST(LockTimeoutMissing, FlagsAStrongLockOnATableWithRows) {
  auto f = findings_of("lock_timeout_missing", lock_request(LockMode::AccessExclusive, small_table()));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_EQ(f[0].message,
            "ACCESS EXCLUSIVE lock on table \"public.orders\" requested without a lock_timeout");
  EXPECT_EQ(f[0].safe_sql, "SET lock_timeout = '5s';");
}

TEST(LockTimeoutMissing, ShareBlocksWritesSoItCounts) {
  EXPECT_EQ(findings_of("lock_timeout_missing", lock_request(LockMode::Share, small_table())).size(), 1u);
}

TEST(LockTimeoutMissing, SilentForLocksThatBlockNeitherReadsNorWrites) {
  EXPECT_TRUE(findings_of("lock_timeout_missing",
                          lock_request(LockMode::ShareUpdateExclusive, large_table()))
                  .empty());
}

TEST(LockTimeoutMissing, SilentOnEmptyOrInvisibleTables) {
  EXPECT_TRUE(findings_of("lock_timeout_missing", lock_request(LockMode::AccessExclusive, empty_table())).empty());
  TableFacts t = large_table();
  t.created_in_transaction = true;
  EXPECT_TRUE(findings_of("lock_timeout_missing", lock_request(LockMode::AccessExclusive, t)).empty());
  t = large_table();
  t.temporary = true;
  EXPECT_TRUE(findings_of("lock_timeout_missing", lock_request(LockMode::AccessExclusive, t)).empty());
}

TEST(LockTimeoutMissing, SilentWhenAnyTimeoutBoundsTheWait) {
  Operation op = lock_request(LockMode::AccessExclusive, large_table());
  Settings s;
  s.session_lock_timeout_ms = 5000;
  EXPECT_TRUE(findings_of("lock_timeout_missing", op, s).empty());
  s = Settings{};
  s.session_statement_timeout_ms = 60000;
  EXPECT_TRUE(findings_of("lock_timeout_missing", op, s).empty());
  s = Settings{};
  s.auto_lock_timeout_ms = 3000;
  EXPECT_TRUE(findings_of("lock_timeout_missing", op, s).empty());
}

TEST(LockTimeoutMissing, AtRunTimeOnlyWhenASessionIsInTheWay) {
  // The lock manager was asked: nobody in the way, the lock comes at once.
  Operation op = lock_request(LockMode::AccessExclusive, large_table());
  op.lock_request.probed = true;
  EXPECT_TRUE(findings_of("lock_timeout_missing", op).empty());
  // One session holds a conflicting lock: flagged, and named.
  op.lock_request.blockers = 1;
  op.lock_request.blocker_list = "pid 42 (user app, ...) holds RowExclusiveLock on public.orders: UPDATE";
  auto f = findings_of("lock_timeout_missing", op);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message,
            "ACCESS EXCLUSIVE lock on table \"public.orders\" requested without a lock_timeout: it "
            "waits for 1 other session");
  EXPECT_NE(f[0].detail.find("pid 42 (user app, ...) holds RowExclusiveLock"), std::string::npos);
  // Even on an empty table: a session holds a lock on it, it is in use.
  Operation empty = lock_request(LockMode::AccessExclusive, empty_table());
  empty.lock_request = op.lock_request;
  EXPECT_EQ(findings_of("lock_timeout_missing", empty).size(), 1u);
  // A timeout still bounds the wait.
  Settings s;
  s.session_lock_timeout_ms = 5000;
  EXPECT_TRUE(findings_of("lock_timeout_missing", op, s).empty());
}

}  // namespace
}  // namespace mg::test
