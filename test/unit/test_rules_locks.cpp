// lock_timeout_missing, and the execution-time held-lock rules
// (lock_held_across_statements on a HeldLock operation, unbatched_backfill).
#include "test_support.hpp"

namespace mg::test {
namespace {

Operation lock_request(LockMode mode, TableFacts t) {
  Operation op = operation(OpKind::LockRequest, std::move(t));
  op.lock = mode;
  return op;
}

Operation held(LockMode mode, TableFacts locked, std::string command, TableFacts target,
               int64_t rows, bool is_dml, bool no_where) {
  Operation op = operation(OpKind::HeldLock, std::move(locked));
  op.held_lock.held = mode;
  op.held_lock.command = std::move(command);
  op.held_lock.target = std::move(target);
  op.held_lock.rows = rows;
  op.held_lock.is_dml = is_dml;
  op.held_lock.no_where = no_where;
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

TEST(HeldLock, BackfillOfEveryRowIsUnbatched) {
  Operation op = held(LockMode::AccessExclusive, large_table("accounts"), "UPDATE",
                      large_table("accounts"), 200000, true, true);
  auto f = findings_of("unbatched_backfill", op);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_PRED_FORMAT2(HasSubstr, f[0].message, "UPDATE of every row of large table \"public.accounts\"");
  EXPECT_PRED_FORMAT2(HasSubstr, f[0].hint, "UPDATE public.accounts SET <column> = <value> WHERE ctid");
  auto g = findings_of("lock_held_across_statements", op);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].message,
            "UPDATE runs while this transaction holds an ACCESS EXCLUSIVE lock on \"public.accounts\"");
}

TEST(HeldLock, DeleteRecipeDeletesInBatches) {
  Operation op = held(LockMode::AccessExclusive, large_table("events"), "DELETE",
                      large_table("events"), 200000, true, true);
  auto f = findings_of("unbatched_backfill", op);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_PRED_FORMAT2(HasSubstr, f[0].hint, "DELETE FROM public.events WHERE ctid");
}

TEST(HeldLock, AFewRowsWithAWhereClauseAreFine) {
  Operation op = held(LockMode::AccessExclusive, large_table("accounts"), "UPDATE",
                      large_table("accounts"), 9, true, false);
  EXPECT_TRUE(findings_of("unbatched_backfill", op).empty());
  EXPECT_TRUE(findings_of("lock_held_across_statements", op).empty());
}

TEST(HeldLock, ALongDdlOnAnotherLargeTableKeepsTheLock) {
  Operation op = held(LockMode::AccessExclusive, large_table("accounts"), "CREATE INDEX",
                      large_table("events"), -1, false, false);
  EXPECT_EQ(findings_of("lock_held_across_statements", op).size(), 1u);
  EXPECT_TRUE(findings_of("unbatched_backfill", op).empty());
}

TEST(HeldLock, SilentWhenTheLockedTableIsInvisible) {
  TableFacts locked = large_table("accounts");
  locked.created_in_transaction = true;
  Operation op = held(LockMode::AccessExclusive, locked, "UPDATE", large_table("accounts"),
                      200000, true, true);
  EXPECT_TRUE(findings_of("lock_held_across_statements", op).empty());
}

}  // namespace
}  // namespace mg::test
