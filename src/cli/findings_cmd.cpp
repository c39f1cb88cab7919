// migration-guard findings: reads migration_guard.findings (libpq).
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "findings_args.hpp"

namespace mg::cli {

namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

void complain(const std::string& message) {
  std::string line = "migration-guard: " + message;
  if (line.back() != '\n') line += '\n';
  std::fputs(line.c_str(), stderr);
}

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

// One line, for the text format: line breaks and tabs become spaces, and no
// other control character (a terminal escape in a name, say) reaches the
// terminal: each is shown as '?'.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      c = '?';
  }
  return s;
}

const char* const kQuery =
    "SELECT id, found_at, username, database, pid, application_name, migration_id, statement, "
    "rule, relation, severity, decision, message "
    "FROM migration_guard.findings "
    "WHERE ($1::timestamptz IS NULL OR found_at >= $1::timestamptz) "
    "AND ($2::boolean OR database = pg_catalog.current_database()) "
    "ORDER BY id";

enum Col {
  kId, kFoundAt, kUser, kDatabase, kPid, kApp, kMigration, kStatement, kRule, kRelation,
  kSeverity, kDecision, kMessage, kNcols
};
const char* const kNames[kNcols] = {"id", "found_at", "username", "database", "pid",
                                    "application_name", "migration_id", "statement", "rule",
                                    "relation", "severity", "decision", "message"};

}  // namespace

int run_findings(const std::vector<std::string>& args) {
  FindingsParse parsed = parse_findings_args(args);
  if (!parsed.ok) {
    complain(parsed.error);
    std::fputs("Try \"migration-guard findings --help\" for more information.\n", stderr);
    return kExitFailure;
  }
  const FindingsOptions& o = parsed.options;
  if (o.help) {
    std::fputs(findings_usage().c_str(), stdout);
    return kExitClean;
  }

  const char* keys[] = {"fallback_application_name", "dbname", nullptr};
  const char* values[] = {"migration-guard", o.dsn.c_str(), nullptr};
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdbParams(keys, values, 1));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    complain("could not connect to the server: " +
             trim_right(conn ? PQerrorMessage(conn.get()) : "out of memory"));
    return kExitFailure;
  }
  const char* params[2] = {o.since.empty() ? nullptr : o.since.c_str(),
                           o.all_databases ? "true" : "false"};
  std::unique_ptr<PGresult, ResultDeleter> res(
      PQexecParams(conn.get(), kQuery, 2, nullptr, params, nullptr, nullptr, 0));
  if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    std::string state = field(res.get(), PG_DIAG_SQLSTATE);
    std::string message = field(res.get(), PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) message = trim_right(PQerrorMessage(conn.get()));
    const std::string db = PQdb(conn.get()) ? PQdb(conn.get()) : "";
    if (state == "3F000" || state == "42P01")
      complain("database \"" + db +
               "\" has no migration_guard.findings: it needs the migration_guard extension, "
               "version 0.3.0 or later (CREATE EXTENSION migration_guard, or ALTER EXTENSION "
               "migration_guard UPDATE)");
    else {
      std::string text = message + (state.empty() ? "" : " (SQLSTATE " + state + ")");
      std::string detail = field(res.get(), PG_DIAG_MESSAGE_DETAIL);
      std::string hint = field(res.get(), PG_DIAG_MESSAGE_HINT);
      if (!detail.empty()) text += "\nDETAIL:  " + detail;
      if (!hint.empty()) text += "\nHINT:  " + hint;
      complain(text);
    }
    return kExitFailure;
  }

  const int n = PQntuples(res.get());
  bool reached = false;
  std::string out;
  if (o.format == FindingsFormat::Json) out += "[";
  for (int r = 0; r < n; r++) {
    auto get = [&](int c) -> std::string {
      return PQgetisnull(res.get(), r, c) ? std::string() : PQgetvalue(res.get(), r, c);
    };
    if (reaches(o.fail_on, get(kSeverity), get(kDecision))) reached = true;
    if (o.format == FindingsFormat::Json) {
      out += r == 0 ? "\n  {" : ",\n  {";
      for (int c = 0; c < kNcols; c++) {
        out += std::string(c == 0 ? "" : ", ") + json_string(kNames[c]) + ": ";
        if (PQgetisnull(res.get(), r, c))
          out += "null";
        else if (c == kId || c == kPid)
          out += get(c);
        else
          out += json_string(get(c));
      }
      out += "}";
    } else {
      std::string who = "user " + one_line(get(kUser)) + ", database " + one_line(get(kDatabase));
      if (!get(kApp).empty()) who += ", application " + one_line(get(kApp));
      if (!get(kMigration).empty()) who += ", migration " + one_line(get(kMigration));
      out += get(kFoundAt) + "  " + get(kDecision) + "  " + get(kSeverity) + "  " + get(kRule) +
             (get(kRelation).empty() ? "" : " on " + one_line(get(kRelation))) + "\n  " +
             one_line(get(kMessage)) +
             "\n  statement: " + one_line(get(kStatement)) + "\n  (" + who + ")\n";
    }
  }
  if (o.format == FindingsFormat::Json)
    out += n > 0 ? "\n]\n" : "]\n";
  else if (n == 0)
    out += "no findings\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return kExitFailure;
  return reached ? kExitFindings : kExitClean;
}

}  // namespace mg::cli
