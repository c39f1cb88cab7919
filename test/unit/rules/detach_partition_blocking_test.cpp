// detach_partition_blocking: DETACH PARTITION without CONCURRENTLY on a large partitioned table.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation detach(TableFacts parent) {
  parent.kind = 'p';
  Operation op = op_of(OpKind::DetachPartition, std::move(parent));
  op.partition.partition = table("events_2020", 1000);
  return op;
}

TEST(DetachPartitionBlocking, Flags) {
  Operation op = detach(large("events"));
  auto f = run(op, "detach_partition_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("detaching partition \"public.events_2020\" without "
                                      "CONCURRENTLY"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events DETACH PARTITION "
                                   "public.events_2020 CONCURRENTLY;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events DETACH PARTITION "
                                   "public.events_2020 FINALIZE;"));
  expect_well_formed(f[0], op.table);

  op.partition.default_partition = "public.events_default";
  f = run(op, "detach_partition_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("cannot be used while the table has a default partition"));
  EXPECT_LACKS(f[0].hint, ("CONCURRENTLY;"));
}

TEST(DetachPartitionBlocking, Silent) {
  Operation op = detach(large("events"));
  op.concurrently = true;
  EXPECT_TRUE(run(op, "detach_partition_blocking").empty());
  EXPECT_TRUE(run(detach(small("events")), "detach_partition_blocking").empty());
  op = detach(large("events"));
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "detach_partition_blocking").empty());
}

}  // namespace
}  // namespace mg
