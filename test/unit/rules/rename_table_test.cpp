// rename_table: RENAME TABLE breaks the running application.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(RenameTable, Flags) {
  Operation op = op_of(OpKind::RenameTable, small("Orders"));
  op.object_name = "purchases";
  auto f = run(op, "rename_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("renaming table \"public.Orders\" to \"purchases\""));
  EXPECT_CONTAINS(f[0].hint, ("BEGIN;\n"
                                   "ALTER TABLE public.\"Orders\" RENAME TO purchases;\n"
                                   "CREATE VIEW public.\"Orders\" AS SELECT * FROM "
                                   "public.purchases;\n"
                                   "COMMIT;"));
  EXPECT_CONTAINS(f[0].hint, ("DROP VIEW public.\"Orders\";"));
  expect_well_formed(f[0], op.table);
}

TEST(RenameTable, Silent) {
  TableFacts t = large();
  t.created_in_transaction = true;
  Operation op = op_of(OpKind::RenameTable, t);
  op.object_name = "x";
  EXPECT_TRUE(run(op, "rename_table").empty());
}

}  // namespace
}  // namespace mg
