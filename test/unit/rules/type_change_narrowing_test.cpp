// type_change_narrowing: a column type change that can fail or lose data.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation narrowing(TableFacts t, const std::string& from, const std::string& to) {
  Operation op = op_of(OpKind::AlterColumnType, std::move(t));
  op.alter_type.column = "code";
  op.alter_type.old_type = from;
  op.alter_type.new_type = to;
  op.alter_type.narrowing = true;
  op.alter_type.narrowing_reason = "character varying(10) is shorter than character varying(50).";
  return op;
}

TEST(TypeChangeNarrowing, FlagsEvenSmallTables) {
  Operation op = narrowing(small(), "character varying(50)", "character varying(10)");
  auto f = run(op, "type_change_narrowing");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("from character varying(50) to character varying(10) can "
                                      "fail or lose data"));
  EXPECT_CONTAINS(f[0].detail, ("Changing \"code\" from character varying(50) to character "
                                 "varying(10) narrows the column: character varying(10) is "
                                 "shorter than character varying(50). ALTER TABLE"));
  EXPECT_CONTAINS(f[0].hint, ("SELECT count(*) FROM public.orders WHERE length(code) > 10;"));
  EXPECT_CONTAINS(f[0].hint, ("ADD COLUMN code_new character varying(10);"));
  expect_well_formed(f[0], op.table);
}

TEST(TypeChangeNarrowing, ChecksPerType) {
  auto hint = [](const std::string& to) {
    auto f = run(narrowing(large(), "bigint", to), "type_change_narrowing");
    return f.empty() ? std::string() : f[0].hint;
  };
  EXPECT_CONTAINS(hint("integer"), ("WHERE code NOT BETWEEN -2147483648 AND 2147483647;"));
  EXPECT_CONTAINS(hint("smallint"), ("WHERE code NOT BETWEEN -32768 AND 32767;"));
  EXPECT_CONTAINS(hint("numeric(5,2)"),
              ("WHERE abs(code) >= 1e3 OR code <> round(code, 2);"));
  EXPECT_CONTAINS(hint("date"), ("WHERE <values of code that do not fit in date>;"));
}

TEST(TypeChangeNarrowing, Silent) {
  Operation op = narrowing(empty(), "text", "varchar(5)");
  EXPECT_TRUE(run(op, "type_change_narrowing").empty());
  op = narrowing(large(), "text", "varchar(5)");
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "type_change_narrowing").empty());
  op = narrowing(large(), "text", "varchar(5)");
  op.alter_type.narrowing = false;
  EXPECT_TRUE(run(op, "type_change_narrowing").empty());
}

TEST(RuleCatalog, NarrowingRewriteReportsBoth) {
  Operation op = narrowing(large(), "bigint", "integer");
  op.alter_type.rewrite = true;
  auto all = evaluate(op, Settings{});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].rule, "table_rewrite");
  EXPECT_EQ(all[1].rule, "type_change_narrowing");
}

}  // namespace
}  // namespace mg
