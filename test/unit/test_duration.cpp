// Duration estimates: what each operation costs under its lock, the wording,
// and the sentence evaluate() appends to the DETAIL of blocking findings.
#include <gtest/gtest.h>

#include <string>

#include "core/duration.hpp"
#include "core/rules.hpp"
#include "test_support.hpp"

namespace mg {
namespace {

using test::kMiB;

constexpr int64_t kBig = 2146 * kMiB;  // "2146 MB"

TableFacts big(const std::string& name = "orders") {
  return test::table("public", name, 40000000, kBig);
}

Operation op_of(OpKind kind, TableFacts t = big()) { return test::operation(kind, std::move(t)); }

TEST(PrettyDuration, Wording) {
  EXPECT_EQ(pretty_duration(0), "under a second");
  EXPECT_EQ(pretty_duration(0.99), "under a second");
  EXPECT_EQ(pretty_duration(1), "about 1 s");
  EXPECT_EQ(pretty_duration(40.4), "about 40 s");
  EXPECT_EQ(pretty_duration(59.6), "about 1 min");
  EXPECT_EQ(pretty_duration(180), "about 3 min");
  EXPECT_EQ(pretty_duration(59 * 60), "about 59 min");
  EXPECT_EQ(pretty_duration(3600), "about 1 h");
  EXPECT_EQ(pretty_duration(9000), "about 2.5 h");
  EXPECT_EQ(pretty_duration(50000), "about 14 h");
}

TEST(Estimate, UpdateOfEveryRowWritesTheTableAgain) {
  Settings s;
  Operation op = op_of(OpKind::HeldLock, big("customers"));  // the table whose lock is held
  op.held_lock.is_dml = true;
  op.held_lock.no_where = true;
  op.held_lock.target = big("orders");
  DurationEstimate e = estimate(op, s);
  EXPECT_EQ(e.work, Work::Rewrite);
  EXPECT_EQ(e.table.name, "orders");
  EXPECT_EQ(e.bytes, kBig);
  // A batch (a WHERE clause): no estimate.
  op.held_lock.no_where = false;
  EXPECT_EQ(estimate(op, s).work, Work::None);
}

TEST(Estimate, IndexBuildOfCreateIndexAndReindex) {
  Settings s;
  Operation op = op_of(OpKind::CreateIndex);
  DurationEstimate e = estimate(op, s);
  EXPECT_EQ(e.work, Work::IndexBuild);
  EXPECT_EQ(e.bytes, kBig);
  EXPECT_NEAR(e.seconds, 2146.0 / 50, 1e-9);
  op.create_index.concurrently = true;  // blocks nothing: no estimate
  EXPECT_EQ(estimate_seconds(op, s), 0);
  EXPECT_NEAR(estimate_seconds(op_of(OpKind::Reindex), s), 2146.0 / 50, 1e-9);
}

TEST(Estimate, Rewrites) {
  Settings s;
  const double rewrite = 2146.0 / 50;
  Operation at = op_of(OpKind::AlterColumnType);
  EXPECT_EQ(estimate_seconds(at, s), 0);  // binary coercible
  at.alter_type.rewrite = true;
  EXPECT_NEAR(estimate_seconds(at, s), rewrite, 1e-9);
  Operation ac = op_of(OpKind::AddColumn);
  EXPECT_EQ(estimate_seconds(ac, s), 0);
  ac.add_column.volatile_default = true;
  EXPECT_NEAR(estimate_seconds(ac, s), rewrite, 1e-9);
  ac.add_column.volatile_default = false;
  ac.add_column.fills_values = true;
  EXPECT_NEAR(estimate_seconds(ac, s), rewrite, 1e-9);
  for (OpKind k : {OpKind::SetPersistence, OpKind::SetAccessMethod, OpKind::VacuumFull,
                   OpKind::Cluster, OpKind::RefreshMatview})
    EXPECT_NEAR(estimate_seconds(op_of(k), s), rewrite, 1e-9);
  // A refresh reads its sources: sized as the larger of them and the view.
  Operation refresh = op_of(OpKind::RefreshMatview);
  refresh.refresh.sources = 1;
  refresh.refresh.bytes = refresh.table.bytes * 3;
  EXPECT_NEAR(estimate_seconds(refresh, s), rewrite * 3, 1e-9);
}

TEST(Estimate, ScansAndConstraints) {
  Settings s;
  const double scan = 2146.0 / 200;
  Operation nn = op_of(OpKind::SetNotNull);
  EXPECT_EQ(estimate_seconds(nn, s), 0);
  nn.partition.scan_needed = true;
  EXPECT_NEAR(estimate_seconds(nn, s), scan, 1e-9);

  Operation check = op_of(OpKind::AddConstraint);
  check.constraint.type = 'c';
  EXPECT_NEAR(estimate_seconds(check, s), scan, 1e-9);
  check.constraint.not_valid = true;
  EXPECT_EQ(estimate_seconds(check, s), 0);

  Operation fk = op_of(OpKind::AddConstraint);
  fk.constraint.type = 'f';
  fk.constraint.referenced = test::table("public", "customers", 1000000, 254 * kMiB);
  DurationEstimate e = estimate(fk, s);
  EXPECT_EQ(e.bytes, kBig + 254 * kMiB);
  EXPECT_NEAR(e.seconds, 2400.0 / 200, 1e-9);

  Operation uq = op_of(OpKind::AddConstraint);
  uq.constraint.type = 'u';
  EXPECT_NEAR(estimate_seconds(uq, s), 2146.0 / 50, 1e-9);
  uq.constraint.using_index = true;
  EXPECT_EQ(estimate_seconds(uq, s), 0);

  EXPECT_NEAR(estimate_seconds(op_of(OpKind::ValidateConstraint), s), scan, 1e-9);

  Operation attach = op_of(OpKind::AttachPartition, test::table("public", "events", 1, 8192));
  attach.partition.partition = big("events_2024");
  EXPECT_EQ(estimate_seconds(attach, s), 0);
  attach.partition.scan_needed = true;
  e = estimate(attach, s);
  EXPECT_EQ(display_name(e.table), "public.events_2024");
  EXPECT_NEAR(e.seconds, scan, 1e-9);
}

TEST(Estimate, NothingForCatalogChangesUnknownSizesOrZeroRates) {
  Settings s;
  EXPECT_EQ(estimate_seconds(op_of(OpKind::RenameTable), s), 0);
  EXPECT_EQ(estimate_seconds(op_of(OpKind::DropTable), s), 0);
  EXPECT_EQ(estimate_seconds(op_of(OpKind::CreateIndex, test::table("public", "t", -1, -1)), s), 0);
  s.index_build_rate = 0;
  EXPECT_EQ(estimate_seconds(op_of(OpKind::CreateIndex), s), 0);
}

TEST(EstimateInDetail, AppendedToBlockingFindingsOfLargeTables) {
  Operation op = op_of(OpKind::AlterColumnType);
  op.alter_type = {"amount", "integer", "bigint", true, false, false, "", 0, "", ""};
  auto f = test::findings_of("table_rewrite", op);
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail,
                " Estimated duration: about 43 s (2146 MB at migration_guard.rewrite_rate = "
                "50 MB/s); the figure is an estimate.");
  EXPECT_EQ(f[0].detail.back(), '.');
  MG_EXPECT_LACKS(f[0].hint, "Estimated");
}

TEST(EstimateInDetail, EachBlockingRule) {
  Operation idx = op_of(OpKind::CreateIndex);
  idx.create_index.statement = "CREATE INDEX i ON orders (a)";
  idx.create_index.concurrently_at = 12;
  idx.create_index.index_name = "i";
  MG_EXPECT_HAS(test::findings_of("index_not_concurrent", idx).at(0).detail,
                "migration_guard.index_build_rate = 50 MB/s");
  MG_EXPECT_HAS(test::findings_of("reindex_not_concurrent", op_of(OpKind::Reindex)).at(0).detail,
                "Estimated duration: about 43 s");
  Operation nn = op_of(OpKind::SetNotNull);
  nn.column.column = "email";
  nn.partition.scan_needed = true;
  MG_EXPECT_HAS(test::findings_of("set_not_null_scan", nn).at(0).detail,
                "Estimated duration: about 11 s (2146 MB at migration_guard.scan_rate = 200 MB/s)");
  Operation check = op_of(OpKind::AddConstraint);
  check.constraint.name = "c";
  check.constraint.definition = "CHECK (a > 0)";
  MG_EXPECT_HAS(test::findings_of("constraint_without_not_valid", check).at(0).detail,
                "Estimated duration");
  Operation pk = op_of(OpKind::AddConstraint);
  pk.constraint.type = 'p';
  pk.constraint.columns = "(id)";
  MG_EXPECT_HAS(test::findings_of("unique_constraint_builds_index", pk).at(0).detail,
                "Estimated duration");
  Operation attach = op_of(OpKind::AttachPartition);
  attach.partition.partition = big("events_2024");
  attach.partition.scan_needed = true;
  MG_EXPECT_HAS(test::findings_of("attach_partition_scan", attach).at(0).detail,
                "Estimated duration: about 11 s");
  TableFacts mv = big("totals");
  mv.kind = 'm';
  MG_EXPECT_HAS(test::findings_of("refresh_matview_blocking", op_of(OpKind::RefreshMatview, mv))
                    .at(0)
                    .detail,
                "Estimated duration: about 43 s");
}

TEST(EstimateInDetail, NotForSmallWorkOtherRulesOrTheRewriteEvent) {
  // 11 MB: well under a second, so the regression outputs stay as they are.
  Operation small = op_of(OpKind::Reindex, test::large_table());
  MG_EXPECT_LACKS(test::findings_of("reindex_not_concurrent", small).at(0).detail, "Estimated");
  // Data-loss rules say nothing about duration.
  Operation narrowing = op_of(OpKind::AlterColumnType);
  narrowing.alter_type = {"note", "varchar(40)", "varchar(20)", true, false, true, "", 0, "", ""};
  MG_EXPECT_LACKS(test::findings_of("type_change_narrowing", narrowing).at(0).detail,
                  "Estimated");
  // The server's own table_rewrite event.
  Operation event = op_of(OpKind::TableRewrite);
  event.table_rewrite.reason = kRewriteColumn;
  MG_EXPECT_LACKS(test::findings_of("table_rewrite", event).at(0).detail, "Estimated");
  // No rate, no estimate.
  Settings s;
  s.rewrite_rate = 0;
  Operation at = op_of(OpKind::AlterColumnType);
  at.alter_type.rewrite = true;
  MG_EXPECT_LACKS(test::findings_of("table_rewrite", at, s).at(0).detail, "Estimated");
}

}  // namespace
}  // namespace mg
