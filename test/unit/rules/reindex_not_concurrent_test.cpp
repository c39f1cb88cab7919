// reindex_not_concurrent: REINDEX without CONCURRENTLY on a large table.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(ReindexNotConcurrent, FlagsIndexAndTable) {
  Operation op = op_of(OpKind::Reindex, large());
  op.object_name = "orders_pkey";
  auto f = run(op, "reindex_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("reindexing \"orders_pkey\""));
  EXPECT_CONTAINS(f[0].detail, ("SHARE lock"));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE lock on the index"));
  EXPECT_CONTAINS(f[0].hint, ("REINDEX INDEX CONCURRENTLY public.orders_pkey;"));
  expect_well_formed(f[0], op.table);

  op.object_name.clear();
  f = run(op, "reindex_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("REINDEX TABLE CONCURRENTLY public.orders;"));
}

TEST(ReindexNotConcurrent, Silent) {
  Operation op = op_of(OpKind::Reindex, large());
  op.concurrently = true;
  EXPECT_TRUE(run(op, "reindex_not_concurrent").empty());
  EXPECT_TRUE(run(op_of(OpKind::Reindex, small()), "reindex_not_concurrent").empty());
  op = op_of(OpKind::Reindex, large());
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "reindex_not_concurrent").empty());
}

}  // namespace
}  // namespace mg
