// Policy: the mode, the thresholds, and what a finding becomes under them.
#pragma once
#include "core/no_pg.hpp"

#include <cstdint>
#include <string>

namespace mg {

enum class Mode { Off = 0, Log, Warn, Enforce };

enum class Severity { Info = 0, Warning, Error };

// What the glue does with a finding.
// Acknowledge: a finding the policy would report or reject, acknowledged with
// migration_guard.allow: the statement runs, and who acknowledged it is logged.
enum class Action { Ignore = 0, Log, Warn, Reject, Acknowledge };

// migration_guard.error_format: standard (facts in DETAIL, SQL in HINT), or
// inline (everything in the primary message of a rejection, for clients that
// print nothing else).
enum class ErrorFormat { Standard = 0, Inline };

struct Settings {
  Mode mode = Mode::Warn;
  int64_t large_table_rows = 100000;
  int64_t large_table_bytes = 100LL * 1024 * 1024;
  bool quote_all_identifiers = false;
  // The statement comes from an extension's install or update script: report,
  // never reject (the DBA cannot edit a third-party script).
  bool in_extension_script = false;
  // Throughputs for duration estimates, in bytes per second; 0: no estimate.
  // A sequential scan, a rewrite of the table with its indexes, an index build.
  int64_t scan_rate = 200LL * 1024 * 1024;
  int64_t rewrite_rate = 50LL * 1024 * 1024;
  int64_t index_build_rate = 50LL * 1024 * 1024;
  // The session's lock_timeout and statement_timeout, in milliseconds (0: none),
  // and migration_guard.lock_timeout, the one applied when the session has none.
  int64_t session_lock_timeout_ms = 0;
  int64_t session_statement_timeout_ms = 0;
  int64_t auto_lock_timeout_ms = 0;
  // migration_guard.rules and migration_guard.allow, as set (validated by the
  // glue's check hooks; parsed again by evaluate()).
  std::string rule_overrides;
  std::string allow;
  // How a rejection is told to the client (presentation.hpp): the statement
  // runs outside a transaction block; migration_guard.error_format.
  bool outside_transaction_block = false;
  ErrorFormat error_format = ErrorFormat::Standard;
  // The running server's version (PG_VERSION_NUM: 150018, 180006, ...), given
  // by the glue: recipes and lock facts that differ between versions follow
  // it (docs/versions.md).  The oldest supported version by default.
  int server_version_num = 150000;
};

// Whether the running server is at least the given major version (15, 18).
inline bool server_at_least(const Settings& s, int major) {
  return s.server_version_num >= major * 10000;
}

std::string_view severity_name(Severity s);

// A table is large when either threshold is reached.  Unknown rows (-1) leave
// the decision to the size.
bool is_large(int64_t rows, int64_t bytes, const Settings& settings);

Action decide(Severity severity, const Settings& settings);

}  // namespace mg
