// See pq_util.hpp.
#include "pq_util.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli_util.hpp"

namespace mg::cli {

void complain(const std::string& message) {
  std::string line = "migration-guard: " + message;
  if (line.empty() || line.back() != '\n') line += '\n';
  std::fputs(line.c_str(), stderr);
}

void print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

void notice_processor(void*, const char* message) {
  complain(trim_right(message ? message : ""));
}

Conn connect(const std::string& dsn, const std::vector<std::pair<std::string, std::string>>& defaults,
             const std::vector<std::pair<std::string, std::string>>& overrides, std::string* error) {
  std::vector<const char*> keys = {"fallback_application_name"};
  std::vector<const char*> values = {"migration-guard"};
  const char* env_encoding = std::getenv("PGCLIENTENCODING");
  if (!env_encoding || !*env_encoding) {
    keys.push_back("client_encoding");
    values.push_back("UTF8");
  }
  for (const auto& kv : defaults) {
    keys.push_back(kv.first.c_str());
    values.push_back(kv.second.c_str());
  }
  keys.push_back("dbname");
  values.push_back(dsn.c_str());
  for (const auto& kv : overrides) {
    keys.push_back(kv.first.c_str());
    values.push_back(kv.second.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  Conn conn(PQconnectdbParams(keys.data(), values.data(), 1));
  if (!conn) {
    if (error) *error = "out of memory";
    return nullptr;
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    if (error) *error = trim_right(PQerrorMessage(conn.get()));
    return nullptr;
  }
  PQsetNoticeProcessor(conn.get(), notice_processor, nullptr);
  return conn;
}

Result exec(PGconn* conn, const char* sql, const std::vector<const char*>& params) {
  return Result(PQexecParams(conn, sql, static_cast<int>(params.size()), nullptr, params.data(),
                             nullptr, nullptr, 0));
}

bool ok(const Result& res) { return res && PQresultStatus(res.get()) == PGRES_TUPLES_OK; }
bool command_ok(const Result& res) {
  return res && (PQresultStatus(res.get()) == PGRES_COMMAND_OK ||
                 PQresultStatus(res.get()) == PGRES_TUPLES_OK);
}

static std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

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

std::string one_line(const ServerError& e) {
  return e.message + (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")");
}

std::string value(const PGresult* res, int row, int col) {
  if (!res || PQgetisnull(res, row, col)) return "";
  return PQgetvalue(res, row, col);
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace mg::cli
