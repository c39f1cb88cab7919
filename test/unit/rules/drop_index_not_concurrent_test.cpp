// drop_index_not_concurrent: DROP INDEX without CONCURRENTLY on a large table.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(DropIndexNotConcurrent, FlagsLargeTable) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.object_name = "orders_customer_idx";
  auto f = run(op, "drop_index_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("dropping index \"orders_customer_idx\""));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_customer_idx;"));
  EXPECT_LACKS(f[0].hint, ("CASCADE"));
  expect_well_formed(f[0], op.table);
}

TEST(DropIndexNotConcurrent, CascadeAndQuoting) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.object_name = "Orders Idx";
  op.cascade = true;
  auto f = run(op, "drop_index_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("does not support CASCADE"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.\"Orders Idx\";"));
  Settings s;
  s.quote_all_identifiers = true;
  f = run(op, "drop_index_not_concurrent", s);
  EXPECT_CONTAINS(f[0].hint, ("\"public\".\"Orders Idx\""));
}

TEST(DropIndexNotConcurrent, PartitionedTableHasNoConcurrentForm) {
  TableFacts t = large();
  t.kind = 'p';
  Operation op = op_of(OpKind::DropIndex, t);
  op.object_name = "orders_idx";
  auto f = run(op, "drop_index_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("lock_timeout"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX public.orders_idx;"));
}

TEST(DropIndexNotConcurrent, Silent) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.object_name = "i";
  op.concurrently = true;
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
  op = op_of(OpKind::DropIndex, small());
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
  op = op_of(OpKind::DropIndex, large());
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
  op.table.created_in_transaction = false;
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
}

}  // namespace
}  // namespace mg
