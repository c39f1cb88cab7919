// How long a statement holds its lock, roughly: the bytes it must read or
// write divided by a throughput the DBA sets (migration_guard.scan_rate,
// rewrite_rate, index_build_rate).  Only the work done under the lock counts:
// catalog-only changes and the CONCURRENTLY forms of CREATE INDEX are 0.
#pragma once
#include "core/no_pg.hpp"

#include <cstdint>
#include <string>

#include "core/model.hpp"
#include "core/policy.hpp"

namespace mg {

enum class Work { None = 0, Scan, IndexBuild, Rewrite };

struct DurationEstimate {
  Work work = Work::None;
  QualifiedName table;  // the relation whose bytes are read or written
  int64_t bytes = 0;    // the bytes that count (table + referenced table for a FOREIGN KEY)
  int64_t rate = 0;     // bytes per second; 0: no estimate
  const char* rate_setting = "";  // "migration_guard.rewrite_rate"
  double seconds = 0;
};

DurationEstimate estimate(const Operation& op, const Settings& settings);
double estimate_seconds(const Operation& op, const Settings& settings);

// "under a second", "about 40 s", "about 3 min", "about 2.5 h".
std::string pretty_duration(double seconds);

// " Estimated duration: about 40 s (2146 MB at migration_guard.rewrite_rate =
// 50 MB/s); the figure is an estimate." without the leading blank; empty
// under one second.
std::string duration_sentence(const DurationEstimate& e);

}  // namespace mg
