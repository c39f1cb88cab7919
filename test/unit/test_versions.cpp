// Recipes that follow the running server's version (docs/versions.md): the
// version comes from the glue in the settings (MgSettings.server_version_num),
// PostgreSQL 15 when it is not given.
#include <gtest/gtest.h>

#include <string>

#include "core/c_api.h"
#include "core/rules.hpp"
#include "test_support.hpp"

namespace mg {
namespace {

Settings pg(int version_num) {
  Settings s;
  s.server_version_num = version_num;
  return s;
}

Operation set_not_null(const std::string& column) {
  Operation op = test::operation(OpKind::SetNotNull, test::large_table());
  op.column.column = column;
  op.partition.scan_needed = true;
  return op;
}

TEST(Versions, DefaultIsOldestSupported) {
  EXPECT_EQ(Settings{}.server_version_num, 150000);
  EXPECT_FALSE(server_at_least(Settings{}, 18));
  EXPECT_TRUE(server_at_least(pg(180006), 18));
  EXPECT_TRUE(server_at_least(pg(180006), 15));
  EXPECT_FALSE(server_at_least(pg(170006), 18));
}

TEST(Versions, SetNotNullOn15ProvesWithCheck) {
  auto f = test::findings_of("set_not_null_scan", set_not_null("email"), pg(150018));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].safe_sql,
            "ALTER TABLE public.orders ADD CONSTRAINT orders_email_not_null CHECK (email IS NOT "
            "NULL) NOT VALID;\n"
            "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_email_not_null;\n"
            "ALTER TABLE public.orders ALTER COLUMN email SET NOT NULL;\n"
            "ALTER TABLE public.orders DROP CONSTRAINT orders_email_not_null;");
  MG_EXPECT_HAS(f[0].detail, "No valid CHECK constraint proves");
}

TEST(Versions, SetNotNullOn18UsesNotValidNotNull) {
  auto f = test::findings_of("set_not_null_scan", set_not_null("email"), pg(180006));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].safe_sql,
            "ALTER TABLE public.orders ADD CONSTRAINT orders_email_not_null NOT NULL email NOT "
            "VALID;\n"
            "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_email_not_null;");
  MG_EXPECT_HAS(f[0].hint, "PostgreSQL 18+");
  MG_EXPECT_HAS(f[0].hint, "SHARE UPDATE EXCLUSIVE");
  MG_EXPECT_HAS(f[0].detail, "No valid CHECK or NOT NULL constraint proves");
  MG_EXPECT_LACKS(f[0].hint, "SET NOT NULL;");
  MG_EXPECT_LACKS(f[0].hint, "DROP CONSTRAINT");
}

TEST(Versions, SetNotNullOn18ValidatesAPendingConstraint) {
  Operation op = set_not_null("Email");
  op.constraint.name = "orders Email nn";
  auto f = test::findings_of("set_not_null_scan", op, pg(180006));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].safe_sql, "ALTER TABLE public.orders VALIDATE CONSTRAINT \"orders Email nn\";");
  MG_EXPECT_HAS(f[0].detail, "NOT NULL constraint \"orders Email nn\" is NOT VALID");
  // On 15 there is no such constraint: the name is not used.
  f = test::findings_of("set_not_null_scan", op, pg(150018));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].safe_sql, "CHECK (\"Email\" IS NOT NULL) NOT VALID;");
}

TEST(Versions, AddColumnNotNullHint) {
  Operation op = test::operation(OpKind::AddColumn, test::large_table());
  op.add_column.column = "region";
  op.add_column.type_sql = "text";
  op.add_column.not_null = true;
  auto f15 = test::findings_of("add_column_not_null_no_default", op, pg(150018));
  auto f18 = test::findings_of("add_column_not_null_no_default", op, pg(180006));
  ASSERT_EQ(f15.size(), 1u);
  ASSERT_EQ(f18.size(), 1u);
  MG_EXPECT_HAS(f15[0].hint, "CHECK (region IS NOT NULL) NOT VALID;");
  MG_EXPECT_HAS(f18[0].hint,
                "ALTER TABLE public.orders ADD CONSTRAINT orders_region_not_null NOT NULL region "
                "NOT VALID;\nALTER TABLE public.orders VALIDATE CONSTRAINT "
                "orders_region_not_null;");
  MG_EXPECT_LACKS(f18[0].hint, "CHECK (");
  // The first recipe, a constant default, is the same everywhere.
  EXPECT_EQ(f15[0].safe_sql, f18[0].safe_sql);
}

TEST(Versions, PrimaryKeyProof) {
  Operation op = test::operation(OpKind::AddConstraint, test::large_table());
  op.constraint.type = 'p';
  op.constraint.columns = "(id)";
  auto f15 = test::findings_of("unique_constraint_builds_index", op, pg(150018));
  auto f18 = test::findings_of("unique_constraint_builds_index", op, pg(180006));
  ASSERT_EQ(f15.size(), 1u);
  ASSERT_EQ(f18.size(), 1u);
  MG_EXPECT_HAS(f15[0].safe_sql, "CHECK (id IS NOT NULL) NOT VALID;");
  MG_EXPECT_HAS(f15[0].safe_sql, "DROP CONSTRAINT orders_id_not_null;");
  EXPECT_EQ(f18[0].safe_sql,
            "ALTER TABLE public.orders ADD CONSTRAINT orders_id_not_null NOT NULL id NOT VALID;\n"
            "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_id_not_null;\n"
            "CREATE UNIQUE INDEX CONCURRENTLY orders_pkey_idx ON public.orders (id);\n"
            "ALTER TABLE public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX "
            "orders_pkey_idx;");
}

TEST(Versions, ForeignKeyOnPartitionedTable) {
  TableFacts t = test::large_table("events");
  t.kind = 'p';
  Operation op = test::operation(OpKind::AddConstraint, t);
  op.constraint.type = 'f';
  op.constraint.name = "events_customer_fk";
  op.constraint.definition = "FOREIGN KEY (customer_id) REFERENCES public.customers (id)";
  auto f15 = test::findings_of("constraint_without_not_valid", op, pg(150018));
  auto f18 = test::findings_of("constraint_without_not_valid", op, pg(180006));
  ASSERT_EQ(f15.size(), 1u);
  ASSERT_EQ(f18.size(), 1u);
  MG_EXPECT_HAS(f15[0].hint, "PostgreSQL 15 cannot add a NOT VALID foreign key");
  MG_EXPECT_HAS(f15[0].safe_sql, "<partition>");
  EXPECT_EQ(f18[0].safe_sql,
            "ALTER TABLE public.events ADD CONSTRAINT events_customer_fk FOREIGN KEY "
            "(customer_id) REFERENCES public.customers (id) NOT VALID;\n"
            "ALTER TABLE public.events VALIDATE CONSTRAINT events_customer_fk;");
}

TEST(Versions, GeneratedColumnRewrite) {
  Operation op = test::operation(OpKind::AddColumn, test::large_table());
  op.add_column.column = "doubled";
  op.add_column.type_sql = "integer";
  op.add_column.fills_values = true;
  auto f15 = test::findings_of("table_rewrite", op, pg(150018));
  auto f18 = test::findings_of("table_rewrite", op, pg(180006));
  ASSERT_EQ(f15.size(), 1u);
  ASSERT_EQ(f18.size(), 1u);
  MG_EXPECT_HAS(f15[0].message, "adding column \"doubled\" with values generated row by row "
                                "rewrites large table \"public.orders\"");
  MG_EXPECT_LACKS(f15[0].hint, "VIRTUAL");
  MG_EXPECT_HAS(f18[0].hint, "VIRTUAL");
  op.table = test::small_table();
  EXPECT_TRUE(test::findings_of("table_rewrite", op, pg(180006)).empty());
}

// The version crosses the C door as data.
TEST(Versions, ThroughTheCApi) {
  MgOperation op{};
  op.kind = MG_OP_SET_NOT_NULL;
  op.table.name = {"public", "orders"};
  op.table.kind = 'r';
  op.table.rows = 200000;
  op.table.bytes = 11LL * 1024 * 1024;
  op.concurrently_at = -1;
  op.relation_end = -1;
  op.column = "email";
  op.scan_needed = true;
  MgSettings s{};
  s.mode = static_cast<int>(Mode::Warn);
  s.large_table_rows = 100000;
  s.large_table_bytes = 100LL * 1024 * 1024;
  for (int version : {0, 150018, 180006}) {
    s.server_version_num = version;
    MgResult r{};
    mg_evaluate(&op, 1, &s, &r);
    ASSERT_EQ(r.error, nullptr);
    std::string hints;
    for (int i = 0; i < r.nfindings; i++) hints += r.findings[i].hint ? r.findings[i].hint : "";
    if (version >= 180000)
      MG_EXPECT_HAS(hints, "NOT NULL email NOT VALID;");
    else
      MG_EXPECT_HAS(hints, "CHECK (email IS NOT NULL) NOT VALID;");
    mg_result_free(&r);
  }
}

}  // namespace
}  // namespace mg
