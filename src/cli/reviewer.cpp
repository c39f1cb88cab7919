// See reviewer.hpp.
#include "reviewer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "pq_util.hpp"

namespace mg::cli {

namespace {

const char* const kSqlStateSyntaxError = "42601";
const char* const kSqlStateInvalidSchemaName = "3F000";
const char* const kSqlStateUndefinedFunction = "42883";

enum class Outcome {
  Reviewed,  // report printed, error count known
  Failed,    // this file failed; go on with the next one
  Fatal,     // the connection or the extension is unusable; stop
};

bool ci_format(Format f) { return f == Format::Sarif || f == Format::Github; }

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

  Outcome review(const Input& in, FileReview& out) {
    if (!in.file.ok) {
      complain(in.file.error);
      return Outcome::Failed;
    }
    const std::string& content = in.file.content;
    const char* in_tx = opts_.in_transaction ? "true" : "false";

    if (ci_format(opts_.format)) {
      // The findings in review()'s order, each on its statement's position.
      Result res = exec(conn_,
                        "SELECT r.stmt_no, r.rule, r.severity, r.relation, r.message, r.detail, "
                        "       r.hint, l.line, l.col, l.end_line, l.end_col "
                        "  FROM migration_guard.review($1::text, $2::boolean) WITH ORDINALITY r "
                        "  LEFT JOIN migration_guard.statement_locations($1::text) l "
                        "       USING (stmt_no) "
                        " ORDER BY r.ordinality",
                        {content.c_str(), in_tx});
      if (!ok(res)) return failure(res.get(), in.name, content);
      for (int i = 0; i < PQntuples(res.get()); ++i) {
        const PGresult* r = res.get();
        CiFinding f;
        f.file = in.name;
        f.stmt_no = std::atoi(value(r, i, 0).c_str());
        f.rule = value(r, i, 1);
        f.severity = value(r, i, 2);
        f.relation = value(r, i, 3);
        f.message = value(r, i, 4);
        f.detail = value(r, i, 5);
        f.hint = value(r, i, 6);
        f.line = std::atol(value(r, i, 7).c_str());
        f.column = std::atol(value(r, i, 8).c_str());
        f.end_line = std::atol(value(r, i, 9).c_str());
        f.end_column = std::atol(value(r, i, 10).c_str());
        if (f.severity == "error") ++out.errors;
        out.findings.push_back(std::move(f));
      }
      return Outcome::Reviewed;
    }

    Result res = exec(conn_,
                      "SELECT migration_guard.report($1::text, $2::text, $3::boolean)",
                      {content.c_str(), format_name(opts_.format), in_tx});
    if (!ok(res) || PQntuples(res.get()) != 1) return failure(res.get(), in.name, content);
    out.report = value(res.get(), 0, 0);

    res = exec(conn_,
               "SELECT count(*) FROM migration_guard.review($1::text, $2::boolean) "
               "WHERE severity = 'error'",
               {content.c_str(), in_tx});
    if (!ok(res) || PQntuples(res.get()) != 1) return failure(res.get(), in.name, content);
    out.errors = std::strtoll(PQgetvalue(res.get(), 0, 0), nullptr, 10);
    return Outcome::Reviewed;
  }

  // The rule catalog, for SARIF's tool.driver.rules.
  bool rules(std::vector<CiRule>& out) {
    Result res = exec(conn_,
                      "SELECT id, severity, summary, explanation, recipe "
                      "  FROM migration_guard.rule_catalog() ORDER BY id");
    if (!ok(res)) {
      complain("cannot read the rule catalog: " + one_line(server_error(res.get(), conn_)));
      return false;
    }
    for (int i = 0; i < PQntuples(res.get()); ++i)
      out.push_back(CiRule{value(res.get(), i, 0), value(res.get(), i, 1), value(res.get(), i, 2),
                           value(res.get(), i, 3), value(res.get(), i, 4)});
    return true;
  }

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

 private:
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
                      "          AND p.proname IN ('report', 'review')),"
                      "       (SELECT count(*) FROM pg_catalog.pg_proc p"
                      "        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                      "        WHERE n.nspname = 'migration_guard'"
                      "          AND p.proname = 'statement_locations')",
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
    if (ci_format(opts_.format) && std::strtol(PQgetvalue(res.get(), 0, 2), nullptr, 10) < 1) {
      complain(std::string("the migration_guard extension installed in database \"") + db +
               "\" (version " + PQgetvalue(res.get(), 0, 0) +
               ") has no statement_locations(), which --format sarif and github need: run "
               "ALTER EXTENSION migration_guard UPDATE");
      return true;
    }
    return false;
  }

  PGconn* conn_;
  const Options& opts_;
  PositionUnit unit_ = PositionUnit::Utf8Characters;
};

}  // namespace

std::vector<Input> read_inputs(const std::vector<std::string>& paths) {
  std::vector<Input> inputs;
  for (const std::string& p : paths) inputs.push_back(Input{p, display_name(p), read_file(p)});
  return inputs;
}

bool apply_settings(PGconn* conn, const Options& opts) {
  for (const auto& kv : opts.settings) {
    Result res = exec(conn, "SELECT pg_catalog.set_config($1, $2, false)",
                      {kv.first.c_str(), kv.second.c_str()});
    if (!ok(res)) {
      ServerError e = server_error(res.get(), conn);
      complain("--set " + kv.first + "=" + kv.second + ": " + one_line(e) + "\n" +
               detail_and_hint(e));
      return false;
    }
  }
  return true;
}

int review_inputs(PGconn* conn, const Options& opts, const std::vector<Input>& inputs,
                  ReviewExtras* extras) {
  Reviewer reviewer(conn, opts);
  const bool several = inputs.size() > 1;
  bool failed = false;
  bool findings = false;
  bool json_array_open = false;
  bool printed_any = false;  // markdown: a blank line between two files' reports
  std::vector<CiFinding> sarif_findings;
  std::vector<std::string> sarif_files;

  for (const Input& in : inputs) {
    FileReview fr;
    Outcome outcome = reviewer.review(in, fr);
    if (outcome == Outcome::Reviewed && extras && !extras->after_file(conn, opts, in, fr))
      outcome = Outcome::Failed;
    if (outcome == Outcome::Fatal) {
      failed = true;
      break;
    }
    if (outcome == Outcome::Failed) {
      failed = true;
      continue;
    }
    if (fr.errors > 0) findings = true;

    switch (opts.format) {
      case Format::Json:
        if (several) {
          print(json_array_open ? ",\n" : "[\n");
          json_array_open = true;
          print("{\"file\": " + json_string(in.name) + ", \"report\": " + trim_right(fr.report) +
                "}");
        } else {
          print(trim_right(fr.report) + "\n");
        }
        break;
      case Format::Markdown:
        if (several) print(std::string(printed_any ? "\n" : "") + "<!-- " + html_comment_text(in.name) + " -->\n");
        printed_any = true;
        if (!fr.report.empty() && fr.report.back() != '\n') fr.report += '\n';
        print(fr.report);
        break;
      case Format::Github:
        print(render_github(fr.findings));
        break;
      case Format::Sarif:
        sarif_files.push_back(in.name);
        for (CiFinding& f : fr.findings) sarif_findings.push_back(std::move(f));
        break;
    }
  }
  if (json_array_open) print("\n]\n");
  if (opts.format == Format::Sarif && !(failed && sarif_files.empty())) {
    std::vector<CiRule> rules;
    if (!reviewer.rules(rules)) {
      failed = true;
    } else {
      if (extras) extras->add_rules(rules);
      print(render_sarif(sarif_findings, rules, sarif_files, kVersion));
    }
  }

  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    complain(std::string("cannot write the report: ") + std::strerror(errno));
    return kExitFailure;
  }
  if (failed) return kExitFailure;
  return findings ? kExitFindings : kExitClean;
}

}  // namespace mg::cli
