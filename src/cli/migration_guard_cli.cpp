// migration-guard: reviews migration scripts with the migration_guard
// extension of a PostgreSQL server, without running them.
//
//   migration-guard review [--dsn DSN] [--format markdown|json] [--in-transaction] FILE...
//
// For each FILE it prints migration_guard.report() and counts the findings of
// severity error with migration_guard.review(); the exit status is 0 (none),
// 1 (at least one finding of severity error) or 2 (any failure).  The
// PostgreSQL-free parts (arguments, files, positions) are in cli_util.
#include <libpq-fe.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "findings_args.hpp"

namespace {

using namespace mg::cli;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;
using Result = std::unique_ptr<PGresult, ResultDeleter>;

const char* const kSqlStateSyntaxError = "42601";
const char* const kSqlStateInvalidSchemaName = "3F000";
const char* const kSqlStateUndefinedFunction = "42883";

// Every message on standard error starts with the program name.
void complain(const std::string& message) {
  std::string line = "migration-guard: " + message;
  if (line.empty() || line.back() != '\n') line += '\n';
  std::fputs(line.c_str(), stderr);
}

void print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// Server notices (WARNING, NOTICE) go to standard error with our prefix.
void notice_processor(void*, const char* message) {
  complain(trim_right(message ? message : ""));
}

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

// What a failed call left: the server's fields, or libpq's message when the
// server never answered (connection lost).
struct ServerError {
  std::string sqlstate;
  std::string message;  // primary message
  std::string detail;
  std::string hint;
  std::string internal_query;
  long internal_position = 0;
};

ServerError server_error(const PGresult* res, PGconn* conn) {
  ServerError e;
  e.sqlstate = field(res, PG_DIAG_SQLSTATE);
  e.message = field(res, PG_DIAG_MESSAGE_PRIMARY);
  e.detail = field(res, PG_DIAG_MESSAGE_DETAIL);
  e.hint = field(res, PG_DIAG_MESSAGE_HINT);
  e.internal_query = field(res, PG_DIAG_INTERNAL_QUERY);
  std::string pos = field(res, PG_DIAG_INTERNAL_POSITION);
  if (!pos.empty()) e.internal_position = std::strtol(pos.c_str(), nullptr, 10);
  if (e.message.empty()) {
    const char* m = res ? PQresultErrorMessage(res) : nullptr;
    if (!m || !*m) m = PQerrorMessage(conn);
    e.message = trim_right(m ? m : "");
    if (e.message.empty()) e.message = "unknown error";
  }
  return e;
}

std::string detail_and_hint(const ServerError& e) {
  std::string out;
  if (!e.detail.empty()) out += "DETAIL:  " + e.detail + "\n";
  if (!e.hint.empty()) out += "HINT:  " + e.hint + "\n";
  return out;
}

// Runs one statement with text parameters (never SQL built from the input).
Result exec(PGconn* conn, const char* sql, const std::vector<const char*>& params) {
  return Result(PQexecParams(conn, sql, static_cast<int>(params.size()), nullptr, params.data(),
                             nullptr, nullptr, 0));
}

bool ok(const Result& res) { return res && PQresultStatus(res.get()) == PGRES_TUPLES_OK; }

enum class Outcome {
  Reviewed,  // report printed, error count known
  Failed,    // this file failed; go on with the next one
  Fatal,     // the connection or the extension is unusable; stop
};

class Reviewer {
 public:
  Reviewer(PGconn* conn, const Options& opts) : conn_(conn), opts_(opts) {
    const char* server_encoding = PQparameterStatus(conn, "server_encoding");
    const char* client_encoding = pg_encoding_to_char(PQclientEncoding(conn));
    // A SQL_ASCII server counts bytes; otherwise the server counts characters,
    // as many as the client encoding has (UTF-8 unless the user chose another).
    if ((server_encoding && std::strcmp(server_encoding, "SQL_ASCII") == 0) ||
        (client_encoding && std::strcmp(client_encoding, "UTF8") != 0))
      unit_ = PositionUnit::Bytes;
  }

  Outcome review(const std::string& path, std::string& report, long long& errors) {
    const std::string name = display_name(path);
    ReadResult file = read_file(path);
    if (!file.ok) {
      complain(file.error);
      return Outcome::Failed;
    }
    const char* in_tx = opts_.in_transaction ? "true" : "false";

    Result res = exec(conn_,
                      "SELECT migration_guard.report($1::text, $2::text, $3::boolean)",
                      {file.content.c_str(), format_name(opts_.format), in_tx});
    if (!ok(res) || PQntuples(res.get()) != 1) return failure(res.get(), name, file.content);
    report = PQgetisnull(res.get(), 0, 0) ? "" : PQgetvalue(res.get(), 0, 0);

    res = exec(conn_,
               "SELECT count(*) FROM migration_guard.review($1::text, $2::boolean) "
               "WHERE severity = 'error'",
               {file.content.c_str(), in_tx});
    if (!ok(res) || PQntuples(res.get()) != 1) return failure(res.get(), name, file.content);
    errors = std::strtoll(PQgetvalue(res.get(), 0, 0), nullptr, 10);
    return Outcome::Reviewed;
  }

 private:
  Outcome failure(const PGresult* res, const std::string& name, const std::string& content) {
    if (PQstatus(conn_) == CONNECTION_BAD) {
      complain("lost the connection to the server: " + trim_right(PQerrorMessage(conn_)));
      return Outcome::Fatal;
    }
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
      complain(name + ": unexpected answer from the server (" +
               std::to_string(PQntuples(res)) + " rows)");
      return Outcome::Failed;
    }
    ServerError e = server_error(res, conn_);

    if (e.sqlstate == kSqlStateInvalidSchemaName || e.sqlstate == kSqlStateUndefinedFunction) {
      // Either the extension is missing, or an older version lacks the
      // function, or the script itself names a missing function or schema
      // (a DEFAULT the server had to look at): the catalogs tell which.
      if (extension_missing(e)) return Outcome::Fatal;
    }

    if (e.internal_position > 0) {
      // The position counts characters of the script the server parsed.
      const std::string& text = e.internal_query.empty() ? content : e.internal_query;
      Location loc = locate(text, e.internal_position, unit_);
      std::string msg = name + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) +
                        ": " + e.message;
      if (e.sqlstate != kSqlStateSyntaxError && !e.sqlstate.empty())
        msg += " (SQLSTATE " + e.sqlstate + ")";
      complain(msg + "\n" + excerpt(loc) + detail_and_hint(e));
      return Outcome::Failed;
    }

    std::string msg = name + ": " + e.message;
    if (!e.sqlstate.empty()) msg += " (SQLSTATE " + e.sqlstate + ")";
    complain(msg + "\n" + detail_and_hint(e));
    return Outcome::Failed;
  }

  // Says so and returns true when the extension (or the function it needs) is
  // not installed in this database.
  bool extension_missing(const ServerError& e) {
    const std::string db = PQdb(conn_) ? PQdb(conn_) : "";
    Result res = exec(conn_,
                      "SELECT (SELECT extversion FROM pg_catalog.pg_extension "
                      "        WHERE extname = 'migration_guard'),"
                      "       (SELECT count(*) FROM pg_catalog.pg_proc p"
                      "        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                      "        WHERE n.nspname = 'migration_guard'"
                      "          AND p.proname IN ('report', 'review'))",
                      {});
    if (!ok(res) || PQntuples(res.get()) != 1) {
      // Cannot tell: the usual cause of these two SQLSTATEs on our call.
      complain("the migration_guard extension is not installed in database \"" + db +
               "\": run CREATE EXTENSION migration_guard (server said: " + e.message + ")");
      return true;
    }
    if (PQgetisnull(res.get(), 0, 0)) {
      complain("the migration_guard extension is not installed in database \"" + db +
               "\": run CREATE EXTENSION migration_guard");
      return true;
    }
    if (std::strtol(PQgetvalue(res.get(), 0, 1), nullptr, 10) < 2) {
      complain(std::string("the migration_guard extension installed in database \"") + db +
               "\" (version " + PQgetvalue(res.get(), 0, 0) +
               ") has no review()/report(): run ALTER EXTENSION migration_guard UPDATE (server "
               "said: " +
               e.message + ")");
      return true;
    }
    return false;
  }

  PGconn* conn_;
  const Options& opts_;
  PositionUnit unit_ = PositionUnit::Utf8Characters;
};

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

  // The DSN is expanded in place of dbname ("" leaves libpq's environment in
  // charge); the earlier keywords are defaults that the DSN may override.
  // Scripts are read as UTF-8 unless PGCLIENTENCODING or the DSN says otherwise.
  std::vector<const char*> keys = {"fallback_application_name"};
  std::vector<const char*> values = {"migration-guard"};
  const char* env_encoding = std::getenv("PGCLIENTENCODING");
  if (!env_encoding || !*env_encoding) {
    keys.push_back("client_encoding");
    values.push_back("UTF8");
  }
  keys.push_back("dbname");
  values.push_back(opts.dsn.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);

  Conn conn(PQconnectdbParams(keys.data(), values.data(), 1));
  if (!conn) {
    complain("could not connect to the server: out of memory");
    return kExitFailure;
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    complain("could not connect to the server: " + trim_right(PQerrorMessage(conn.get())));
    return kExitFailure;
  }
  PQsetNoticeProcessor(conn.get(), notice_processor, nullptr);

  Reviewer reviewer(conn.get(), opts);
  const bool several = opts.files.size() > 1;
  bool failed = false;
  bool findings = false;
  bool json_array_open = false;
  bool printed_any = false;  // markdown: a blank line between two files' reports

  for (const std::string& path : opts.files) {
    std::string report;
    long long errors = 0;
    Outcome outcome = reviewer.review(path, report, errors);
    if (outcome == Outcome::Fatal) {
      failed = true;
      break;
    }
    if (outcome == Outcome::Failed) {
      failed = true;
      continue;
    }
    if (errors > 0) findings = true;

    if (opts.format == Format::Json) {
      if (several) {
        print(json_array_open ? ",\n" : "[\n");
        json_array_open = true;
        print("{\"file\": " + json_string(display_name(path)) +
              ", \"report\": " + trim_right(report) + "}");
      } else {
        print(trim_right(report) + "\n");
      }
    } else {
      if (several) print(std::string(printed_any ? "\n" : "") + "<!-- " + html_comment_text(display_name(path)) + " -->\n");
      printed_any = true;
      if (!report.empty() && report.back() != '\n') report += '\n';
      print(report);
    }
  }
  if (json_array_open) print("\n]\n");

  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    complain(std::string("cannot write the report: ") + std::strerror(errno));
    return kExitFailure;
  }
  if (failed) return kExitFailure;
  return findings ? kExitFindings : kExitClean;
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
