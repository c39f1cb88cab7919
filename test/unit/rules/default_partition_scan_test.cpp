// default_partition_scan: a new partition whose bound is checked against a
// large default partition, read whole under ACCESS EXCLUSIVE.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation new_partition(TableFacts def, std::string bound = "FOR VALUES FROM (1000) TO (2000)") {
  def.kind = 'r';
  Operation op = op_of(OpKind::DefaultPartitionScan, std::move(def));
  op.effect = Effect::Scan;
  op.partition.partition.name = {"public", "events_2026"};
  op.partition.bound = std::move(bound);
  return op;
}

TEST(DefaultPartitionScan, FlagsALargeDefaultPartition) {
  Operation op = new_partition(large("events_default"));
  auto f = run(op, "default_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, "adding partition \"public.events_2026\" scans the large default "
                                "partition \"public.events_default\" under an ACCESS EXCLUSIVE lock");
  EXPECT_CONTAINS(f[0].hint, "ALTER TABLE public.events_default ADD CONSTRAINT "
                             "events_default_excludes_new CHECK (NOT (<key> IS NOT NULL AND "
                             "<key> >= 1000 AND <key> < 2000)) NOT VALID;");
  EXPECT_CONTAINS(f[0].hint, "ALTER TABLE public.events_default VALIDATE CONSTRAINT "
                             "events_default_excludes_new;");
  EXPECT_TRUE(f[0].safe_sql_before);  // the statement stays, after the constraint
  expect_well_formed(f[0], op.table);
}

TEST(DefaultPartitionScan, SilentOnASmallOrHiddenDefault) {
  EXPECT_TRUE(run(new_partition(table("events_default", 10)), "default_partition_scan").empty());
  TableFacts temp = large("events_default");
  temp.temporary = true;
  EXPECT_TRUE(run(new_partition(temp), "default_partition_scan").empty());
}

TEST(DefaultPartitionScan, HostileNamesStayQuoted) {
  Operation op = new_partition(large("def\n;DROP TABLE x; --"), "FOR VALUES IN ('a''b')");
  auto f = run(op, "default_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].safe_sql, "ALTER TABLE public.\"def\n;DROP TABLE x; --\" ADD CONSTRAINT");
  expect_well_formed(f[0], op.table);
}

}  // namespace
}  // namespace mg
