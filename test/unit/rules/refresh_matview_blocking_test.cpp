// refresh_matview_blocking: REFRESH MATERIALIZED VIEW without CONCURRENTLY
// whose query reads a lot (or whose view is large).
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

TEST(RefreshMatviewBlocking, Flags) {
  TableFacts mv = large("daily_totals");
  mv.kind = 'm';
  Operation op = op_of(OpKind::RefreshMatview, mv);
  auto f = run(op, "refresh_matview_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("refreshing materialized view \"public.daily_totals\""));
  EXPECT_CONTAINS(f[0].detail, ("Materialized view \"public.daily_totals\""));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY daily_totals_key ON "
                                   "public.daily_totals (<columns>);"));
  EXPECT_CONTAINS(f[0].hint, ("REFRESH MATERIALIZED VIEW CONCURRENTLY public.daily_totals;"));
  expect_well_formed(f[0], op.table);
}

// Judged by what the query reads: a small (or empty) view over large tables.
TEST(RefreshMatviewBlocking, FlagsBySources) {
  TableFacts mv = small("daily_totals");
  mv.kind = 'm';
  mv.rows = 0;
  mv.bytes = 0;
  Operation op = op_of(OpKind::RefreshMatview, mv);
  EXPECT_TRUE(run(op, "refresh_matview_blocking").empty());
  op.refresh.sources = 2;
  op.refresh.rows = 5'000'000;
  op.refresh.bytes = 2'000'000'000;
  auto f = run(op, "refresh_matview_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].detail, "Its query reads 2 relations holding about 5.0 million rows");
  expect_well_formed(f[0], op.table);
  // Small sources and a small view: silent.
  op.refresh.rows = 10;
  op.refresh.bytes = 8192;
  EXPECT_TRUE(run(op, "refresh_matview_blocking").empty());
}

TEST(RefreshMatviewBlocking, Silent) {
  TableFacts mv = large("mv");
  mv.kind = 'm';
  Operation op = op_of(OpKind::RefreshMatview, mv);
  op.concurrently = true;
  EXPECT_TRUE(run(op, "refresh_matview_blocking").empty());
  mv = small("mv");
  mv.kind = 'm';
  EXPECT_TRUE(run(op_of(OpKind::RefreshMatview, mv), "refresh_matview_blocking").empty());
  mv = large("mv");
  mv.kind = 'm';
  mv.created_in_transaction = true;
  EXPECT_TRUE(run(op_of(OpKind::RefreshMatview, mv), "refresh_matview_blocking").empty());
  // Never populated (WITH NO DATA): nobody reads it; CONCURRENTLY is refused.
  mv = large("mv");
  mv.kind = 'm';
  op = op_of(OpKind::RefreshMatview, mv);
  op.refresh.populated = false;
  op.refresh.sources = 1;
  op.refresh.rows = 5'000'000;
  op.refresh.bytes = 2'000'000'000;
  EXPECT_TRUE(run(op, "refresh_matview_blocking").empty());
}

}  // namespace
}  // namespace mg
