// drop_table: DROP TABLE on a table that has rows.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(DropTable, Flags) {
  Operation op = op_of(OpKind::DropTable, small("legacy_orders"));
  auto f = run(op, "drop_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].message, "dropping table \"public.legacy_orders\" destroys its rows");
  EXPECT_CONTAINS(f[0].detail, ("only a backup brings them back"));
  EXPECT_LACKS(f[0].detail, ("CASCADE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.legacy_orders RENAME TO "
                                   "legacy_orders_deprecated;"));
  EXPECT_CONTAINS(f[0].hint, ("DROP TABLE public.legacy_orders_deprecated;"));
  expect_well_formed(f[0], op.table);
  op.cascade = true;
  f = run(op, "drop_table");
  EXPECT_CONTAINS(f[0].detail, ("CASCADE also drops"));
  EXPECT_CONTAINS(f[0].hint, ("DROP TABLE public.legacy_orders_deprecated CASCADE;"));
}

TEST(DropTable, Silent) {
  EXPECT_TRUE(run(op_of(OpKind::DropTable, empty()), "drop_table").empty());
  TableFacts t = large();
  t.created_in_transaction = true;
  EXPECT_TRUE(run(op_of(OpKind::DropTable, t), "drop_table").empty());
  t = large();
  t.temporary = true;
  EXPECT_TRUE(run(op_of(OpKind::DropTable, t), "drop_table").empty());
  EXPECT_TRUE(run(op_of(OpKind::DropTable, table("t", -1, -1)), "drop_table").empty());
}

TEST(DropTable, ByCascade) {
  Operation op = op_of(OpKind::DropTable, small());
  op.dependent = true;
  op.cascade = true;
  op.command = "DROP SCHEMA";
  auto f = run(op, "drop_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("DROP SCHEMA also drops table"));
  EXPECT_CONTAINS(f[0].hint, ("Do not let a table that has rows go as a dependency"));
  expect_well_formed(f[0], op.table);
}

}  // namespace
}  // namespace mg
