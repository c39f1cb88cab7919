// rename_column: RENAME COLUMN breaks the running application.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(RenameColumn, FlagsEvenEmptyTables) {
  Operation op = op_of(OpKind::RenameColumn, empty());
  op.column.column = "name";
  op.column.new_name = "full_name";
  auto f = run(op, "rename_column");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("renaming column \"name\" of table \"public.orders\" to "
                                      "\"full_name\""));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD COLUMN full_name <type of name>;"));
  EXPECT_CONTAINS(f[0].hint, ("UPDATE public.orders SET full_name = name WHERE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP COLUMN name;"));
  expect_well_formed(f[0], op.table);
}

TEST(RenameColumn, Silent) {
  Operation op = op_of(OpKind::RenameColumn, large());
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "rename_column").empty());
  op.table.created_in_transaction = false;
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "rename_column").empty());
}

}  // namespace
}  // namespace mg
