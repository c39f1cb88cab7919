// concurrently_in_transaction: a CONCURRENTLY statement inside a transaction block.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(ConcurrentlyInTransaction, CreateIndex) {
  Operation op = op_of(OpKind::CreateIndex, small());  // any size
  op.in_transaction_block = true;
  op.create_index.concurrently = true;
  op.create_index.statement = "CREATE INDEX CONCURRENTLY orders_idx ON orders (customer_id);\n";
  auto f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].message, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
  EXPECT_CONTAINS(f[0].hint, ("outside BEGIN/COMMIT"));
  EXPECT_CONTAINS(f[0].hint, ("disable_ddl_transaction!"));
  EXPECT_CONTAINS(f[0].hint, ("\nCREATE INDEX CONCURRENTLY orders_idx ON orders (customer_id);"));
  expect_well_formed(f[0], op.table);

  op.table.created_in_transaction = true;  // still fails
  EXPECT_EQ(run(op, "concurrently_in_transaction").size(), 1u);
}

TEST(ConcurrentlyInTransaction, OtherCommands) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.in_transaction_block = true;
  op.concurrently = true;
  op.object_name = "orders_idx";
  auto f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("DROP INDEX CONCURRENTLY"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_idx;"));

  op.kind = OpKind::Reindex;
  f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("REINDEX INDEX CONCURRENTLY public.orders_idx;"));

  op.kind = OpKind::DetachPartition;
  op.partition.partition = table("orders_2020", 10);
  f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DETACH PARTITION "
                                   "public.orders_2020 CONCURRENTLY;"));
}

TEST(ConcurrentlyInTransaction, Silent) {
  Operation op = op_of(OpKind::CreateIndex, large());
  op.create_index.concurrently = true;
  EXPECT_TRUE(run(op, "concurrently_in_transaction").empty());  // no BEGIN
  op.in_transaction_block = true;
  op.create_index.concurrently = false;
  EXPECT_TRUE(run(op, "concurrently_in_transaction").empty());
  // REFRESH ... CONCURRENTLY is allowed in a transaction block.
  TableFacts mv = large("mv");
  mv.kind = 'm';
  op = op_of(OpKind::RefreshMatview, mv);
  op.in_transaction_block = true;
  op.concurrently = true;
  EXPECT_TRUE(run(op, "concurrently_in_transaction").empty());
}

}  // namespace
}  // namespace mg
