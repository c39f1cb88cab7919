// lock_held_across_statements: a long statement runs while an earlier
// statement's ACCESS EXCLUSIVE lock is still held -- at execution time (a
// HeldLock operation), and over a reviewed script (script_check).
#include "test_support.hpp"
#include "script_support.hpp"

namespace mg::test {
namespace {

// A HeldLock operation: at execution time, a statement that runs while the
// transaction holds mode on locked, taken by earlier DDL.
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

TEST(HeldLock, SaidOncePerLockAndTransaction) {
  Operation op = held(LockMode::AccessExclusive, large_table("accounts"), "CREATE INDEX",
                      large_table("events"), -1, false, false);
  op.held_lock.reported = true;
  EXPECT_TRUE(findings_of("lock_held_across_statements", op).empty());
  // unbatched_backfill still speaks for what an UPDATE of every row does itself.
  Operation dml = held(LockMode::AccessExclusive, large_table("accounts"), "UPDATE",
                       large_table("accounts"), 200000, true, true);
  dml.held_lock.reported = true;
  EXPECT_TRUE(findings_of("lock_held_across_statements", dml).empty());
  EXPECT_EQ(findings_of("unbatched_backfill", dml).size(), 1u);
}

}  // namespace
}  // namespace mg::test

// ------------------------------------------------------- over a whole script

namespace mg {
namespace {

using namespace script_test;

std::vector<ScriptStatement> lock_then_build(int tx) {
  return {control(1, "BEGIN", tx), add_column(2, big("customers"), "tier", tx),
          create_index(3, big("orders"), "orders_created_idx", false, tx),
          control(4, "COMMIT", tx)};
}

TEST(LockHeldAcrossStatements, ReportedOnTheLongStatement) {
  ScriptReview r = review_script(lock_then_build(1), Settings{});
  auto f = findings_of(r, "lock_held_across_statements");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::Warning);
  EXPECT_EQ(f[0]->relation, "public.customers");
  EXPECT_EQ(f[0]->message,
            "statement 3 runs while the ACCESS EXCLUSIVE lock on \"public.customers\" taken by "
            "statement 2 is held");
  MG_EXPECT_HAS(f[0]->detail, "builds an index on \"public.orders\" (2146 MB)");
  // 2146 MB at 50 MB/s: the lock is held about 43 s, statements 2 to 4.
  MG_EXPECT_HAS(f[0]->detail,
                "Estimated time the lock is held (statements 2 to 4): about 43 s; the figure is "
                "an estimate.");
  MG_EXPECT_HAS(f[0]->hint, "COMMIT;\nBEGIN;\nCREATE INDEX orders_created_idx ON orders");
  EXPECT_EQ(f[0]->safe_sql, "COMMIT;\nBEGIN;\nCREATE INDEX orders_created_idx ON orders (created_at);");
  // Found on statement 3, after its own finding.
  const ReviewedStatement& s3 = statement(r, 3);
  ASSERT_EQ(s3.findings.size(), 2u);
  EXPECT_EQ(s3.findings[0].rule, "index_not_concurrent");
  EXPECT_EQ(s3.findings[1].rule, "lock_held_across_statements");
  EXPECT_TRUE(statement(r, 2).findings.empty());
}

TEST(LockHeldAcrossStatements, OncePerLockAndTransaction) {
  // A second long statement in the same transaction: the lock was reported.
  std::vector<ScriptStatement> script = {
      control(1, "BEGIN", 1), add_column(2, big("customers"), "tier", 1),
      create_index(3, big("orders"), "orders_created_idx", false, 1),
      create_index(4, big("orders"), "orders_total_idx", false, 1), control(5, "COMMIT", 1),
      control(6, "BEGIN", 2), add_column(7, big("customers"), "rank", 2),
      create_index(8, big("orders"), "orders_rank_idx", false, 2), control(9, "COMMIT", 2)};
  ScriptReview r = review_script(script, Settings{});
  auto f = findings_of(r, "lock_held_across_statements");
  ASSERT_EQ(f.size(), 2u);
  MG_EXPECT_HAS(f[0]->message, "statement 3 runs");
  MG_EXPECT_HAS(f[1]->message, "statement 8 runs");  // another transaction: said again
}

TEST(LockHeldAcrossStatements, SilentOutsideTransactionsAndForShortOrInvisibleWork) {
  // Each statement commits on its own.
  EXPECT_TRUE(findings_of(review_script(lock_then_build(0), Settings{}),
                          "lock_held_across_statements")
                  .empty());
  // The later statement is short: a small table.
  auto small = lock_then_build(1);
  small[2] = create_index(3, test::small_table(), "orders_created_idx", false, 1);
  EXPECT_TRUE(findings_of(review_script(small, Settings{}), "lock_held_across_statements").empty());
  // The locked table was created by the transaction: nobody else sees it.
  auto created = lock_then_build(1);
  created[1].rels[0].table.created_in_transaction = true;
  EXPECT_TRUE(
      findings_of(review_script(created, Settings{}), "lock_held_across_statements").empty());
  // The lock is weaker than ACCESS EXCLUSIVE.
  auto weaker = lock_then_build(1);
  weaker[1].rels[0].lock = LockMode::ShareUpdateExclusive;
  EXPECT_TRUE(findings_of(review_script(weaker, Settings{}), "lock_held_across_statements").empty());
  // The catalog entry does nothing for a single operation.
  const Rule* info = find_rule("lock_held_across_statements");
  ASSERT_NE(info, nullptr);
  std::vector<Finding> out;
  info->check(lock_then_build(1)[2].ops[0], Settings{}, out);
  EXPECT_TRUE(out.empty());
}

TEST(LockHeldAcrossStatements, LongByEffectOnALargeTableWithoutARate) {
  Settings s;
  s.index_build_rate = 0;  // no estimate: the effect on a large table decides
  ScriptReview r = review_script(lock_then_build(1), s);
  auto f = findings_of(r, "lock_held_across_statements");
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_LACKS(f[0]->detail, "Estimated time");
}

}  // namespace
}  // namespace mg
