// migration-guard: reviews migration scripts with the migration_guard
// extension of a PostgreSQL server, without running them.
//
//   migration-guard review [--dsn DSN] [--format markdown|json|sarif|github] [--in-transaction]
//                          [--set NAME=VALUE]... FILE...
//   migration-guard review --production DSN [--shadow DSN | --pg-bindir DIR] ... FILE...
//
// For each FILE it prints migration_guard.report() (or, for the CI formats,
// review()'s findings on their statements' lines) and counts the findings of
// severity error; the exit status is 0 (none), 1 (at least one finding of
// severity error) or 2 (any failure).  The parts: cli_util (arguments, files,
// positions), reviewer (the review on a server with the extension),
// ci_formats (SARIF, GitHub), production + shadow_schema + shadow_server
// (review --production).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "findings_args.hpp"
#include "pq_util.hpp"
#include "production.hpp"
#include "reviewer.hpp"

namespace {

using namespace mg::cli;

// review --dsn: the server has the extension.
int review_with_extension(const Options& opts) {
  std::string error;
  Conn conn = connect(opts.dsn, {}, {}, &error);
  if (!conn) {
    complain("could not connect to the server: " + error);
    return kExitFailure;
  }
  if (!apply_settings(conn.get(), opts)) return kExitFailure;
  return review_inputs(conn.get(), opts, read_inputs(opts.files), nullptr);
}

int run(const std::vector<std::string>& args) {
  // migration-guard findings: the findings the server kept (findings_cmd.cpp).
  if (is_findings_command(args)) return run_findings(args);
  ParseResult parsed = parse_args(args);
  if (!parsed.ok) {
    complain(parsed.error);
    const std::string text = usage();
    std::fputs(text.substr(0, text.find('\n') + 1).c_str(), stderr);
    std::fputs("Try \"migration-guard --help\" for more information.\n", stderr);
    return kExitFailure;
  }
  const Options& opts = parsed.options;
  if (opts.help) {
    print(usage());
    return kExitClean;
  }
  if (opts.version) {
    print(std::string("migration-guard ") + kVersion + "\n");
    return kExitClean;
  }
  if (!opts.production_dsn.empty()) return review_production(opts);
  return review_with_extension(opts);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return run(args);
  } catch (const std::exception& e) {
    complain(std::string("internal error: ") + e.what());
  } catch (...) {
    complain("internal error");
  }
  return kExitFailure;
}
