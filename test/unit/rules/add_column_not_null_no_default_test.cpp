// add_column_not_null_no_default: ADD COLUMN ... NOT NULL without a default on
// a table that has rows fails, after queueing for ACCESS EXCLUSIVE.
#include <gtest/gtest.h>

#include <string>

#include "core/rules.hpp"
#include "rules/rule_test.hpp"
#include "test_support.hpp"

namespace mg {
namespace {

using test::findings_of;

const char* const kRule = "add_column_not_null_no_default";

Operation add_status(TableFacts t = test::large_table()) {
  Operation op = test::operation(OpKind::AddColumn, std::move(t));
  op.add_column.column = "status";
  op.add_column.type_sql = "text";
  op.add_column.not_null = true;
  return op;
}

// ------------------------------------------------------------------- flagged

TEST(AddColumnNotNullNoDefault, FlagsTableWithRowsWithExactWording) {
  auto f = findings_of(kRule, add_status());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].relation, "public.orders");
  EXPECT_EQ(f[0].message,
            "adding NOT NULL column \"status\" without a default fails on table "
            "\"public.orders\", which has rows");
  EXPECT_EQ(f[0].detail,
            "Table \"public.orders\" holds about 200 thousand rows (11 MB). Every existing row "
            "would hold NULL in \"status\", so ALTER TABLE fails with a not-null violation after "
            "it has queued for and taken an ACCESS EXCLUSIVE lock, which blocks every other "
            "access to it, plain SELECT included.");
  EXPECT_EQ(f[0].hint,
            "Give the column a constant default (no table rewrite since PostgreSQL 11), "
            "replacing <value>:\n"
            "ALTER TABLE public.orders ADD COLUMN status text NOT NULL DEFAULT <value>;\n"
            "or add it nullable, backfill it in batches, and enforce NOT NULL with a validated "
            "CHECK constraint so that SET NOT NULL needs no scan:\n"
            "ALTER TABLE public.orders ADD COLUMN status text;\n"
            "UPDATE public.orders SET status = <value> WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
            "public.orders WHERE status IS NULL LIMIT 10000));  -- repeat until it updates 0 "
            "rows\n"
            "ALTER TABLE public.orders ADD CONSTRAINT orders_status_not_null CHECK (status IS "
            "NOT NULL) NOT VALID;\n"
            "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_status_not_null;\n"
            "ALTER TABLE public.orders ALTER COLUMN status SET NOT NULL;\n"
            "ALTER TABLE public.orders DROP CONSTRAINT orders_status_not_null;");
}

TEST(AddColumnNotNullNoDefault, FlagsSmallTableToo) {
  // It fails on any table that has rows, whatever its size.
  EXPECT_EQ(findings_of(kRule, add_status(test::small_table())).size(), 1u);
  EXPECT_EQ(findings_of(kRule, add_status(test::table("public", "orders", 1, 8192))).size(), 1u);
}

TEST(AddColumnNotNullNoDefault, FlagsNeverAnalyzedTableWithData) {
  auto f = findings_of(kRule, add_status(test::table("public", "orders", -1, 65536)));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].detail.rfind("Table \"public.orders\" has 64 kB of data. ", 0), 0u)
      << f[0].detail;
}

TEST(AddColumnNotNullNoDefault, FlagsTemporaryTableWithRowsBecauseTheStatementFails) {
  // Unlike the rules about blocking others, this one is about a statement that
  // cannot succeed: nobody else seeing the table does not make it work
  // (docs/rules/add_column_not_null_no_default.md lists no such exception).
  TableFacts t = test::small_table();
  t.temporary = true;
  EXPECT_EQ(findings_of(kRule, add_status(t)).size(), 1u);
  t.temporary = false;
  t.created_in_transaction = true;
  EXPECT_EQ(findings_of(kRule, add_status(t)).size(), 1u);
}

TEST(AddColumnNotNullNoDefault, QuotedNamesInTheHint) {
  Operation op = add_status(test::table("Sales", "Order Items", 200000, 11 * test::kMiB));
  op.add_column.column = "Status";
  op.add_column.type_sql = "character varying(20)";
  auto f = findings_of(kRule, op);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].relation, "Sales.Order Items");
  EXPECT_EQ(f[0].message,
            "adding NOT NULL column \"Status\" without a default fails on table "
            "\"Sales.Order Items\", which has rows");
  MG_EXPECT_HAS(f[0].hint, "\nALTER TABLE \"Sales\".\"Order Items\" ADD COLUMN \"Status\" "
                           "character varying(20) NOT NULL DEFAULT <value>;\n");
  MG_EXPECT_HAS(f[0].hint, "\nUPDATE \"Sales\".\"Order Items\" SET \"Status\" = <value> WHERE "
                           "ctid = ANY (ARRAY(SELECT ctid FROM \"Sales\".\"Order Items\" WHERE "
                           "\"Status\" IS NULL LIMIT 10000));");
  MG_EXPECT_HAS(f[0].hint, "\nALTER TABLE \"Sales\".\"Order Items\" ADD CONSTRAINT "
                           "\"Order Items_Status_not_null\" CHECK (\"Status\" IS NOT NULL) NOT "
                           "VALID;\n");
}

TEST(AddColumnNotNullNoDefault, QuoteAllIdentifiers) {
  Settings s;
  s.quote_all_identifiers = true;
  auto f = findings_of(kRule, add_status(), s);
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].hint, "\nALTER TABLE \"public\".\"orders\" ADD COLUMN \"status\" text;\n");
  MG_EXPECT_HAS(f[0].hint, "VALIDATE CONSTRAINT \"orders_status_not_null\";");
}

TEST(AddColumnNotNullNoDefault, LongCheckNameIsTruncatedLikeTheServer) {
  Operation op = add_status(test::large_table(std::string(40, 't')));
  op.add_column.column = std::string(30, 'c');
  auto f = findings_of(kRule, op);
  ASSERT_EQ(f.size(), 1u);
  const std::string check = (std::string(40, 't') + "_" + std::string(30, 'c')).substr(0, 63);
  MG_EXPECT_HAS(f[0].hint, "VALIDATE CONSTRAINT " + check + ";");
  MG_EXPECT_LACKS(f[0].hint, "_not_null");
}

// ------------------------------------------------------------- not flagged

TEST(AddColumnNotNullNoDefault, SilentOnEmptyTable) {
  EXPECT_TRUE(findings_of(kRule, add_status(test::empty_table())).empty());
}

TEST(AddColumnNotNullNoDefault, SilentOnNeverAnalyzedTableWithoutData) {
  EXPECT_TRUE(findings_of(kRule, add_status(test::table("public", "orders", -1, 0))).empty());
  EXPECT_TRUE(findings_of(kRule, add_status(test::table("public", "orders", -1, -1))).empty());
}

TEST(AddColumnNotNullNoDefault, SilentWithDefault) {
  Operation op = add_status();
  op.add_column.has_default = true;
  op.add_column.default_sql = "'new'";
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(AddColumnNotNullNoDefault, SilentWhenIdentityOrGeneratedFillsValues) {
  Operation op = add_status();
  op.add_column.fills_values = true;
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(AddColumnNotNullNoDefault, SilentForNullableColumn) {
  Operation op = add_status();
  op.add_column.not_null = false;
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(AddColumnNotNullNoDefault, SilentForOtherOperations) {
  Operation op = add_status();
  op.kind = OpKind::SetNotNull;
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(AddColumnNotNullNoDefault, OnlyThisRuleFiresForAPlainNotNullColumn) {
  auto all = evaluate(add_status(), Settings{});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rule, kRule);
}

// Only this rule fires, on a small table too.
TEST(RuleCatalog, ExistingRulesUnchangedForTheirOperations) {
  using namespace rule_test;
  Operation op = op_of(OpKind::AddColumn, small());
  op.add_column.column = "status";
  op.add_column.type_sql = "text";
  op.add_column.not_null = true;
  auto all = evaluate(op, Settings{});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rule, "add_column_not_null_no_default");
  EXPECT_CONTAINS(all[0].hint, ("UPDATE public.orders SET status = <value> WHERE ctid"));
}

}  // namespace
}  // namespace mg
