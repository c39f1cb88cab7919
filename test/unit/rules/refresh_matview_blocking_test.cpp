// refresh_matview_blocking: REFRESH MATERIALIZED VIEW without CONCURRENTLY on a large view.
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
  EXPECT_CONTAINS(f[0].message, ("refreshing large materialized view \"public.daily_totals\""));
  EXPECT_CONTAINS(f[0].detail, ("Materialized view \"public.daily_totals\""));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY daily_totals_key ON "
                                   "public.daily_totals (<columns>);"));
  EXPECT_CONTAINS(f[0].hint, ("REFRESH MATERIALIZED VIEW CONCURRENTLY public.daily_totals;"));
  expect_well_formed(f[0], op.table);
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
}

}  // namespace
}  // namespace mg
