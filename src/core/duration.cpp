#include "core/duration.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quote.hpp"

namespace mg {

namespace {

int64_t known(int64_t bytes) { return bytes > 0 ? bytes : 0; }

DurationEstimate work_on(Work work, const TableFacts& t, int64_t bytes, const Settings& s) {
  DurationEstimate e;
  e.work = work;
  e.table = t.name;
  e.bytes = bytes;
  switch (work) {
    case Work::Scan:
      e.rate = s.scan_rate;
      e.rate_setting = "migration_guard.scan_rate";
      break;
    case Work::IndexBuild:
      e.rate = s.index_build_rate;
      e.rate_setting = "migration_guard.index_build_rate";
      break;
    case Work::Rewrite:
      e.rate = s.rewrite_rate;
      e.rate_setting = "migration_guard.rewrite_rate";
      break;
    case Work::None:
      break;
  }
  if (e.rate > 0 && bytes > 0) e.seconds = static_cast<double>(bytes) / static_cast<double>(e.rate);
  return e;
}

DurationEstimate on_table(Work work, const TableFacts& t, const Settings& s) {
  return work_on(work, t, known(t.bytes), s);
}

}  // namespace

DurationEstimate estimate(const Operation& op, const Settings& s) {
  const TableFacts& t = op.table;
  switch (op.kind) {
    case OpKind::CreateIndex:
      if (op.create_index.concurrently) break;
      return on_table(Work::IndexBuild, t, s);
    case OpKind::Reindex:
      return on_table(Work::IndexBuild, t, s);
    case OpKind::AlterColumnType:
      if (op.alter_type.rewrite) return on_table(Work::Rewrite, t, s);
      break;
    case OpKind::AddColumn:
      if (op.add_column.volatile_default || op.add_column.fills_values)
        return on_table(Work::Rewrite, t, s);
      break;
    case OpKind::SetPersistence:
    case OpKind::SetAccessMethod:
    case OpKind::SetTablespace:
    case OpKind::VacuumFull:
    case OpKind::Cluster:
      return on_table(Work::Rewrite, t, s);
    case OpKind::RefreshMatview:
      // The query reads its sources, and the contents are written again:
      // sized as the larger of the two (an empty view over a large table
      // still reads the whole table).
      return work_on(Work::Rewrite, t, std::max(known(op.refresh.bytes), known(t.bytes)), s);
    case OpKind::SetNotNull:
      if (op.partition.scan_needed) return on_table(Work::Scan, t, s);
      break;
    case OpKind::AddConstraint: {
      const ConstraintOp& c = op.constraint;
      if ((c.type == 'c' || c.type == 'f') && !c.not_valid)
        return work_on(Work::Scan, t,
                       known(t.bytes) + (c.type == 'f' ? known(c.referenced.bytes) : 0), s);
      if ((c.type == 'u' || c.type == 'p' || c.type == 'x') && !c.using_index)
        return on_table(Work::IndexBuild, t, s);
      break;
    }
    case OpKind::ValidateConstraint:
      return work_on(Work::Scan, t,
                     known(t.bytes) +
                         (op.constraint.type == 'f' ? known(op.constraint.referenced.bytes) : 0),
                     s);
    case OpKind::DefaultPartitionScan:
      return on_table(Work::Scan, t, s);
    case OpKind::AttachPartition:
      if (op.partition.scan_needed) return on_table(Work::Scan, op.partition.partition, s);
      if (op.partition.built_indexes > 0)
        return on_table(Work::IndexBuild, op.partition.partition, s);
      break;
    case OpKind::HeldLock:
      // An UPDATE or DELETE of every row writes every row again (a new
      // version, or its deletion mark), as fast as a rewrite at best.
      if (op.held_lock.is_dml && op.held_lock.no_where)
        return on_table(Work::Rewrite, op.held_lock.target, s);
      break;
    default:
      break;
  }
  DurationEstimate none;
  none.table = t.name;
  return none;
}

double estimate_seconds(const Operation& op, const Settings& settings) {
  return estimate(op, settings).seconds;
}

std::string pretty_duration(double seconds) {
  if (!(seconds >= 1)) return "under a second";  // also NaN
  if (seconds < 59.5) return fmt::format("about {} s", static_cast<long long>(std::lround(seconds)));
  if (seconds < 59.5 * 60)
    return fmt::format("about {} min", static_cast<long long>(std::lround(seconds / 60)));
  double hours = seconds / 3600;
  if (hours < 9.95) {
    long long tenths = std::llround(hours * 10);
    if (tenths % 10 == 0) return fmt::format("about {} h", tenths / 10);
    return fmt::format("about {}.{} h", tenths / 10, tenths % 10);
  }
  return fmt::format("about {} h", std::llround(hours));
}

std::string duration_sentence(const DurationEstimate& e) {
  if (e.seconds < 1) return "";
  return fmt::format(
      "Estimated duration: {} ({} at {} = {}/s); the figure is an estimate.",
      pretty_duration(e.seconds), pretty_bytes(e.bytes), e.rate_setting, pretty_bytes(e.rate));
}

}  // namespace mg
