// set_not_null_scan: SET NOT NULL that scans a large table under ACCESS EXCLUSIVE.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(SetNotNullScan, FlagsWhenScanNeeded) {
  Operation op = op_of(OpKind::SetNotNull, large());
  op.column.column = "email";
  op.partition.scan_needed = true;
  auto f = run(op, "set_not_null_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("setting column \"email\" NOT NULL scans large table"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD CONSTRAINT "
                                   "orders_email_not_null CHECK (email IS NOT NULL) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders VALIDATE CONSTRAINT orders_email_not_null;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ALTER COLUMN email SET NOT NULL;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP CONSTRAINT orders_email_not_null;"));
  expect_well_formed(f[0], op.table);
}

TEST(SetNotNullScan, Silent) {
  Operation op = op_of(OpKind::SetNotNull, large());
  op.column.column = "email";
  EXPECT_TRUE(run(op, "set_not_null_scan").empty());  // a CHECK proves it
  op.partition.scan_needed = true;
  op.table = small();
  EXPECT_TRUE(run(op, "set_not_null_scan").empty());
  op.table = large();
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "set_not_null_scan").empty());
}

}  // namespace
}  // namespace mg
