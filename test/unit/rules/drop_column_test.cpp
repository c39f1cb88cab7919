// drop_column: DROP COLUMN on a table that has rows.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(DropColumn, Flags) {
  Operation op = op_of(OpKind::DropColumn, table("orders", -1, 65536));  // never analyzed
  op.column.column = "legacy_note";
  op.column.type_sql = "text";
  auto f = run(op, "drop_column");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("dropping column \"legacy_note\" of table \"public.orders\""));
  EXPECT_CONTAINS(f[0].detail, ("\"legacy_note\" (text)"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE TABLE public.orders_legacy_note_backup AS SELECT ctid "
                                   "AS source_ctid, legacy_note FROM public.orders;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP COLUMN legacy_note;"));
  expect_well_formed(f[0], op.table);
}

TEST(DropColumn, Silent) {
  Operation op = op_of(OpKind::DropColumn, empty());
  op.column.column = "c";
  EXPECT_TRUE(run(op, "drop_column").empty());
  op.table = large();
  op.column.empty = true;  // every value NULL: nothing is lost
  EXPECT_TRUE(run(op, "drop_column").empty());
  op.column.empty = false;
  op.table = large();
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "drop_column").empty());
  // The column was added by the same transaction (or earlier in the script).
  op.table = large();
  op.column.added_in_transaction = true;
  EXPECT_TRUE(run(op, "drop_column").empty());
}

TEST(DropColumn, ByCascade) {
  Operation op = op_of(OpKind::DropColumn, large());
  op.column.column = "c";
  op.dependent = true;
  op.cascade = true;
  op.command = "DROP TYPE";
  auto f = run(op, "drop_column");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("DROP TYPE also drops column \"c\""));
  EXPECT_CONTAINS(f[0].hint, ("needs no CASCADE"));
  expect_well_formed(f[0], op.table);
}

}  // namespace
}  // namespace mg
