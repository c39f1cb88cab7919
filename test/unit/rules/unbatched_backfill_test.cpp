// unbatched_backfill: at execution time, an UPDATE or DELETE of every row of
// a large table in a transaction that did DDL (a HeldLock operation).
#include "test_support.hpp"

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

}  // namespace
}  // namespace mg::test
