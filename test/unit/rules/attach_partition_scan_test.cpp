// attach_partition_scan: ATTACH PARTITION scanning a large partition.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation attach(TableFacts part, const std::string& bound) {
  TableFacts parent = table("events", 0, 0);
  parent.kind = 'p';
  Operation op = op_of(OpKind::AttachPartition, parent);
  op.partition.partition = std::move(part);
  op.partition.scan_needed = true;
  op.partition.bound = bound;
  return op;
}

TEST(AttachPartitionScan, RangeBound) {
  Operation op = attach(large("events_2024"), "FOR VALUES FROM (1) TO (1000)");
  auto f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].relation, "public.events_2024");
  EXPECT_CONTAINS(f[0].message, ("attaching large partition \"public.events_2024\" to "
                                      "\"public.events\""));
  EXPECT_CONTAINS(f[0].detail, ("SHARE UPDATE EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events_2024 ADD CONSTRAINT "
                                   "events_2024_bound CHECK (<key> IS NOT NULL AND <key> >= 1 "
                                   "AND <key> < 1000) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("VALIDATE CONSTRAINT events_2024_bound;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events ATTACH PARTITION public.events_2024 "
                                   "FOR VALUES FROM (1) TO (1000);"));
  EXPECT_CONTAINS(f[0].hint, ("DROP CONSTRAINT events_2024_bound;"));
  expect_well_formed(f[0], op.partition.partition);
}

TEST(AttachPartitionScan, OtherBoundsAndDefaultPartition) {
  Operation op = attach(large("p"), "FOR VALUES FROM (MINVALUE) TO ('2024-01-01')");
  auto f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (<key> IS NOT NULL AND <key> < '2024-01-01') NOT VALID"));

  op = attach(large("p"), "FOR VALUES IN ('eu', 'us')");
  op.partition.default_partition = "public.events_default";
  f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (<key> IS NOT NULL AND <key> IN ('eu', 'us')) NOT VALID"));
  EXPECT_CONTAINS(f[0].detail, ("default partition \"public.events_default\""));
  EXPECT_CONTAINS(f[0].hint, ("default partition"));

  op = attach(large("p"), "FOR VALUES WITH (MODULUS 4, REMAINDER 0)");
  f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (<condition implying the bound>) NOT VALID"));
}

// A bound whose comment holds a parenthesis: the server reads FROM (1) TO
// (7000); a condition read past the comment would leave it open in the hint.
TEST(AttachPartitionScan, BoundWithCommentOrQuotes) {
  for (const char* bound : {"FOR VALUES FROM (1 /* ) TO (2); */ ) TO (7000)",
                            "FOR VALUES FROM (1 -- ) TO (2)\n) TO (7000)",
                            "FOR VALUES IN (E'a\\'', 'b')", "FOR VALUES IN ($$a')$$)"}) {
    Operation op = attach(large("p"), bound);
    auto f = run(op, "attach_partition_scan");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_CONTAINS(f[0].hint, ("CHECK (<condition implying the bound>) NOT VALID"));
  }
}

// The bound is proven, but the parent's index has no match on the partition:
// ATTACH PARTITION builds it there (AttachPartitionEnsureIndexes).
TEST(AttachPartitionScan, IndexBuilds) {
  Operation op = attach(large("events_2024"), "FOR VALUES FROM (1) TO (1000)");
  op.partition.scan_needed = false;
  op.effect = Effect::IndexBuild;
  op.partition.built_indexes = 1;
  op.partition.built_index_names = "events_at_idx";
  op.partition.built_index_sql = "CREATE INDEX CONCURRENTLY ON public.events_2024 USING btree (at);";
  auto f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("builds an index under an ACCESS EXCLUSIVE lock"));
  EXPECT_CONTAINS(f[0].detail, ("index events_at_idx"));
  EXPECT_EQ(f[0].safe_sql, op.partition.built_index_sql);
  EXPECT_TRUE(f[0].safe_sql_before);
  expect_well_formed(f[0], op.partition.partition);

  // With the scan, one finding that says both.
  op.partition.scan_needed = true;
  op.partition.built_indexes = 2;
  op.partition.built_index_names = "a, b";
  f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].detail, ("indexes a, b, so ATTACH PARTITION also builds a copy of each"));

  // Small: silent.
  op = attach(small("p"), "FOR VALUES FROM (1) TO (2)");
  op.partition.scan_needed = false;
  op.partition.built_indexes = 1;
  EXPECT_TRUE(run(op, "attach_partition_scan").empty());
}

TEST(AttachPartitionScan, Silent) {
  Operation op = attach(large("p"), "FOR VALUES FROM (1) TO (2)");
  op.partition.scan_needed = false;
  EXPECT_TRUE(run(op, "attach_partition_scan").empty());
  EXPECT_TRUE(run(attach(small("p"), "FOR VALUES FROM (1) TO (2)"), "attach_partition_scan").empty());
  op = attach(large("p"), "FOR VALUES FROM (1) TO (2)");
  op.partition.partition.created_in_transaction = true;
  EXPECT_TRUE(run(op, "attach_partition_scan").empty());
}


TEST(AttachPartitionScan, BoundWithACommentIsNotCopied) {
  TableFacts parent = large("events");
  parent.kind = 'p';
  Operation op = op_of(OpKind::AttachPartition, parent);
  op.partition.partition = large("events_2026");
  op.partition.scan_needed = true;
  op.partition.bound = "FOR VALUES FROM (1) -- first\n TO (10)";
  auto f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].safe_sql, "ATTACH PARTITION public.events_2026 <bound>;");
  EXPECT_LACKS(f[0].safe_sql, "-- first");
}

}  // namespace
}  // namespace mg
