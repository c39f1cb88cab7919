// invalid_index: INVALID indexes left by a failed CREATE INDEX CONCURRENTLY.
#include "core/review.hpp"
#include "rules/rule_test.hpp"
#include "script_support.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(InvalidIndex, CreateIndexOverInvalidSameName) {
  Operation op = op_of(OpKind::CreateIndex, large());
  op.create_index.concurrently = true;
  op.create_index.index_name = "orders_customer_idx";
  op.create_index.statement = "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)";
  op.create_index.invalid_same_name = "orders_customer_idx";
  auto f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("index \"orders_customer_idx\" already exists"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_customer_idx;\n"
                                   "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders "
                                   "(customer_id);"));
  expect_well_formed(f[0], op.table);

  op.create_index.invalid_same_name.clear();
  op.create_index.invalid_same_definition = "orders_customer_idx_old";
  f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("INVALID index \"orders_customer_idx_old\" with the same "
                                      "definition"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_customer_idx_old;"));
}

TEST(InvalidIndex, AnyOtherOperationOnceAndNamed) {
  Operation op = op_of(OpKind::AddColumn, small());
  op.table.invalid_indexes = {"a_idx", "b_idx_ccnew", "a_idx"};
  op.add_column.column = "c";
  op.add_column.type_sql = "int";
  auto f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_EQ(f[0].message, "table \"public.orders\" has 2 INVALID indexes");
  EXPECT_CONTAINS(f[0].detail, ("\"a_idx\" and \"b_idx_ccnew\""));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.a_idx;\n"
                                   "DROP INDEX CONCURRENTLY public.b_idx_ccnew;"));
  expect_well_formed(f[0], op.table);

  op.table.invalid_indexes = {"a_idx"};
  f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "table \"public.orders\" has an INVALID index");
}

TEST(InvalidIndex, Silent) {
  // No invalid index.
  EXPECT_TRUE(run(op_of(OpKind::AddColumn, large()), "invalid_index").empty());
  // A CREATE INDEX is judged on its own name and definition only.
  Operation op = op_of(OpKind::CreateIndex, large());
  op.create_index.concurrently = true;
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
  // Dropping that very index is the fix.
  op = op_of(OpKind::DropIndex, large());
  op.concurrently = true;
  op.object_name = "x_idx";
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
  // The table goes away with it.
  op = op_of(OpKind::DropTable, large());
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
  // A predicted rewrite event: the hook's operation already reported it.
  op = op_of(OpKind::TableRewrite, large());
  op.table_rewrite.predicted = true;
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
}

// In a recommended migration the DROP of the INVALID index goes before the
// statement, which stays, at whatever level migration_guard.rules puts the
// rule (the placement used to follow the severity: at error or info level
// the statement was replaced by the DROP and lost).
TEST(InvalidIndex, DropGoesBeforeTheStatementAtAnyLevel) {
  TableFacts orders = large();
  orders.invalid_indexes = {"orders_customer_uniq"};
  for (const char* level : {"", "invalid_index=error", "invalid_index=info"}) {
    Settings s;
    s.rule_overrides = level;
    ScriptReview r = review_script({script_test::add_column(1, orders, "flag")}, s);
    ASSERT_EQ(r.statements.size(), 1u);
    ASSERT_EQ(r.statements[0].findings.size(), 1u) << level;
    EXPECT_TRUE(r.statements[0].findings[0].safe_sql_before);
    EXPECT_EQ(recommended_sql(r),
              "-- statement 1: invalid_index\n"
              "DROP INDEX CONCURRENTLY public.orders_customer_uniq;\n"
              "ALTER TABLE orders ADD COLUMN flag text;\n")
        << level;
  }
}

}  // namespace
}  // namespace mg
