// unique_constraint_builds_index: UNIQUE, PRIMARY KEY or EXCLUDE building its index under ACCESS EXCLUSIVE.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation add_constraint(char type, TableFacts t = large()) {
  Operation op = op_of(OpKind::AddConstraint, std::move(t));
  op.constraint.type = type;
  return op;
}

TEST(UniqueConstraintBuildsIndex, Unique) {
  Operation op = add_constraint('u');
  op.constraint.name = "orders_number_key";
  op.constraint.columns = "(number)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("adding UNIQUE constraint \"orders_number_key\" builds its index"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY orders_number_key_idx ON "
                                   "public.orders (number);\n"
                                   "ALTER TABLE public.orders ADD CONSTRAINT orders_number_key "
                                   "UNIQUE USING INDEX orders_number_key_idx;"));
  expect_well_formed(f[0], op.table);
}

TEST(UniqueConstraintBuildsIndex, PrimaryKeyProvesNotNullFirst) {
  Operation op = add_constraint('p');
  op.constraint.columns = "(id, region)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("PRIMARY KEY constraint \"orders_pkey\""));
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT orders_id_not_null CHECK (id IS NOT NULL) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("VALIDATE CONSTRAINT orders_region_not_null;"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY orders_pkey_idx ON public.orders (id, region);"));
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey_idx;"));
  EXPECT_CONTAINS(f[0].hint, ("DROP CONSTRAINT orders_region_not_null;"));
  // The proof comes before the key, the cleanup after.
  EXPECT_LT(f[0].hint.find("NOT VALID"), f[0].hint.find("PRIMARY KEY USING INDEX"));
  EXPECT_GT(f[0].hint.find("DROP CONSTRAINT"), f[0].hint.find("PRIMARY KEY USING INDEX"));
}

TEST(UniqueConstraintBuildsIndex, ExclusionHasNoUsingIndex) {
  Operation op = add_constraint('x');
  op.constraint.name = "no_overlap";
  op.constraint.definition = "EXCLUDE USING gist (room WITH =, during WITH &&)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("no USING INDEX form"));
  EXPECT_CONTAINS(f[0].hint, ("maintenance window"));
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT no_overlap EXCLUDE USING gist"));
}

TEST(UniqueConstraintBuildsIndex, PartitionedGoesPartitionByPartition) {
  TableFacts t = large("events");
  t.kind = 'p';
  t.partitions = {{"public", "events_2024"}, {"public", "events_2025"}};
  t.partition_count = 3;
  Operation op = add_constraint('u', t);
  op.constraint.name = "events_uid_key";
  op.constraint.columns = "(uid, day)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY events_2024_events_uid_key ON "
                                   "public.events_2024 (uid, day);"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events_2025 ADD CONSTRAINT "
                                   "events_2025_events_uid_key UNIQUE USING INDEX "
                                   "events_2025_events_uid_key;"));
  EXPECT_CONTAINS(f[0].hint, ("the 1 other partitions"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events ADD CONSTRAINT events_uid_key UNIQUE (uid, day);"));
}

TEST(UniqueConstraintBuildsIndex, Silent) {
  Operation op = add_constraint('u');
  op.constraint.using_index = true;
  EXPECT_TRUE(run(op, "unique_constraint_builds_index").empty());
  EXPECT_TRUE(run(add_constraint('p', small()), "unique_constraint_builds_index").empty());
  op = add_constraint('u');
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "unique_constraint_builds_index").empty());
  EXPECT_TRUE(run(add_constraint('c'), "unique_constraint_builds_index").empty());
}

}  // namespace
}  // namespace mg
