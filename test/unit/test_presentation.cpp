// What a rejection says for the session it happens in (presentation.hpp),
// through mg_evaluate, and the list of migration_guard.history_exclude.
#include <gtest/gtest.h>

#include <string>

#include "core/c_api.h"
#include "core/name_list.hpp"
#include "core/policy.hpp"
#include "core/presentation.hpp"

namespace {

MgOperation create_index_op() {
  MgOperation op{};
  op.kind = MG_OP_CREATE_INDEX;
  op.table.name = {"public", "orders"};
  op.table.kind = 'r';
  op.table.rows = 200000;
  op.table.bytes = 11LL * 1024 * 1024;
  op.statement = "CREATE INDEX orders_customer_idx ON orders (customer_id);";
  op.concurrently_at = 12;
  op.relation_end = 42;
  op.index_name = "orders_customer_idx";
  return op;
}

MgSettings enforce() {
  MgSettings s{};
  s.mode = static_cast<int>(mg::Mode::Enforce);
  s.large_table_rows = 100000;
  s.large_table_bytes = 100LL * 1024 * 1024;
  return s;
}

struct Result {
  MgResult r{};
  ~Result() { mg_result_free(&r); }
};

bool has(const char* text, const std::string& part) {
  return std::string(text).find(part) != std::string::npos;
}

TEST(Presentation, OutsideATransactionBlockSetThenReset) {
  MgOperation op = create_index_op();
  MgSettings s = enforce();
  s.outside_transaction_block = true;
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.nfindings, 1);
  const MgFinding& f = res.r.findings[0];
  EXPECT_EQ(f.action, MG_ACTION_REJECT);
  EXPECT_TRUE(has(f.detail, "No transaction block is open: what the statements before this one "
                            "did is committed already, and this rejection does not undo it."));
  EXPECT_TRUE(has(f.hint, "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"));
  EXPECT_TRUE(has(f.hint, "docs/tools.md"));
  EXPECT_TRUE(has(f.hint,
                  "SET migration_guard.allow = 'index_not_concurrent';\n"
                  "-- the statement\n"
                  "RESET migration_guard.allow;"));
  EXPECT_FALSE(has(f.hint, "SET LOCAL migration_guard.allow"));
  // The standard format keeps the primary message alone.
  EXPECT_STREQ(f.message,
               "creating index \"orders_customer_idx\" on large table \"public.orders\" without "
               "CONCURRENTLY blocks writes");
}

TEST(Presentation, InsideATransactionBlockSetLocal) {
  MgOperation op = create_index_op();
  op.in_transaction_block = true;
  MgSettings s = enforce();
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.nfindings, 1);
  EXPECT_FALSE(has(res.r.findings[0].detail, "No transaction block"));
  EXPECT_TRUE(has(res.r.findings[0].hint,
                  "SET LOCAL migration_guard.allow = 'index_not_concurrent';"));
}

TEST(Presentation, InlineFormatPutsEverythingInTheMessage) {
  MgOperation op = create_index_op();
  MgSettings s = enforce();
  s.error_format = 1;
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.nfindings, 1);
  const MgFinding& f = res.r.findings[0];
  EXPECT_TRUE(has(f.message, "without CONCURRENTLY blocks writes (migration_guard rule "
                             "index_not_concurrent)\nTable \"public.orders\" holds about 200"));
  EXPECT_TRUE(has(f.message, "\nSafe SQL:\nCREATE INDEX CONCURRENTLY orders_customer_idx ON "
                             "orders (customer_id);\n"));
  EXPECT_TRUE(has(f.message, "SET LOCAL migration_guard.allow = 'index_not_concurrent';"));
}

TEST(Presentation, WarningsAreLeftAsTheRuleWroteThem) {
  MgOperation op = create_index_op();
  MgSettings s = enforce();
  s.mode = static_cast<int>(mg::Mode::Warn);
  s.error_format = 1;
  s.outside_transaction_block = true;
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.nfindings, 1);
  EXPECT_EQ(res.r.findings[0].action, MG_ACTION_WARN);
  EXPECT_FALSE(has(res.r.findings[0].message, "\n"));
  EXPECT_FALSE(has(res.r.findings[0].hint, "migration_guard.allow"));
  EXPECT_FALSE(has(res.r.findings[0].detail, "No transaction block"));
}

TEST(NameList, ParsesSchemasTablesAndQuotedNames) {
  std::string error;
  auto list = mg::parse_name_list(" sqitch, public.django_migrations ,public.\"SequelizeMeta\"",
                                  &error);
  ASSERT_TRUE(list) << error;
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].schema, "sqitch");
  EXPECT_EQ((*list)[0].name, "");
  EXPECT_EQ((*list)[1].name, "django_migrations");
  EXPECT_EQ((*list)[2].name, "SequelizeMeta");
  EXPECT_TRUE(mg::parse_name_list("", &error));
  EXPECT_TRUE(mg::parse_name_list("  ", &error));
}

TEST(NameList, RefusesBadItems) {
  std::string error;
  EXPECT_FALSE(mg::parse_name_list("a.b.c", &error));
  EXPECT_EQ(error, "\"a.b.c\" is not a schema or schema.table name");
  EXPECT_FALSE(mg::parse_name_list("a,,b", &error));
  EXPECT_FALSE(mg::parse_name_list("\"unterminated", &error));
  EXPECT_FALSE(mg::parse_name_list("a b", &error));
}

TEST(NameList, Covers) {
  auto list = mg::parse_name_list("sqitch, public.django_migrations, public.\"SequelizeMeta\"",
                                  nullptr);
  ASSERT_TRUE(list);
  EXPECT_TRUE(mg::name_list_covers(*list, "sqitch.changes"));
  EXPECT_TRUE(mg::name_list_covers(*list, "sqitch"));
  EXPECT_TRUE(mg::name_list_covers(*list, "public.django_migrations"));
  EXPECT_TRUE(mg::name_list_covers(*list, "public.\"SequelizeMeta\""));
  EXPECT_FALSE(mg::name_list_covers(*list, "public.sequelizemeta"));
  EXPECT_FALSE(mg::name_list_covers(*list, "public.orders"));
  EXPECT_FALSE(mg::name_list_covers(*list, "public"));
  EXPECT_TRUE(mg_name_list_covers("sqitch", "sqitch.tags"));
  EXPECT_FALSE(mg_name_list_covers("bad list.", "sqitch.tags"));
}

}  // namespace
