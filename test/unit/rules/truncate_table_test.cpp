// truncate_table: TRUNCATE on a table that has rows.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(TruncateTable, Flags) {
  Operation op = op_of(OpKind::Truncate, small());
  auto f = run(op, "truncate_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].message, "truncating table \"public.orders\" removes all its rows");
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("DELETE FROM public.orders WHERE ctid = ANY (ARRAY(SELECT ctid "
                                   "FROM public.orders LIMIT 10000));"));
  expect_well_formed(f[0], op.table);
  op.cascade = true;
  f = run(op, "truncate_table");
  EXPECT_CONTAINS(f[0].message, ("and those of the tables referencing it"));
  EXPECT_CONTAINS(f[0].hint, ("referencing rows"));
}

TEST(TruncateTable, Silent) {
  EXPECT_TRUE(run(op_of(OpKind::Truncate, empty()), "truncate_table").empty());
  TableFacts t = large();
  t.temporary = true;
  EXPECT_TRUE(run(op_of(OpKind::Truncate, t), "truncate_table").empty());
}

}  // namespace
}  // namespace mg
