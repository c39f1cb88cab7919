// type_change_scan: a type change without a rewrite that validates the
// column's constraints again or builds its indexes again.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation type_change(Effect effect, TableFacts t) {
  Operation op = op_of(OpKind::AlterColumnType, std::move(t));
  op.alter_type.column = "amount";
  op.alter_type.old_type = "numeric(10,2)";
  op.alter_type.new_type = "numeric(12,2)";
  op.effect = effect;
  return op;
}

TEST(TypeChangeScan, FlagsTheConstraintsValidatedAgain) {
  Operation op = type_change(Effect::Scan, large());
  auto f = run(op, "type_change_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("changing the type of column \"amount\" validates its "
                                 "constraints again on large table"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP CONSTRAINT <check>, ALTER COLUMN "
                              "amount TYPE numeric(12,2);"));
  EXPECT_CONTAINS(f[0].hint, ("NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders VALIDATE CONSTRAINT <check>;"));
  expect_well_formed(f[0], op.table);
}

TEST(TypeChangeScan, FlagsTheIndexesBuiltAgain) {
  Operation op = type_change(Effect::IndexBuild, large());
  auto f = run(op, "type_change_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("builds the indexes on it again on large table"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE INDEX CONCURRENTLY"));
  expect_well_formed(f[0], op.table);
}

TEST(TypeChangeScan, Silent) {
  // Catalog only, a rewrite (table_rewrite's), a small or new table.
  EXPECT_TRUE(run(type_change(Effect::Metadata, large()), "type_change_scan").empty());
  EXPECT_TRUE(run(type_change(Effect::Rewrite, large()), "type_change_scan").empty());
  EXPECT_TRUE(run(type_change(Effect::Scan, small()), "type_change_scan").empty());
  TableFacts t = large();
  t.created_in_transaction = true;
  EXPECT_TRUE(run(type_change(Effect::Scan, t), "type_change_scan").empty());
}

}  // namespace
}  // namespace mg
