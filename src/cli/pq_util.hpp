// libpq helpers shared by the parts of the migration-guard program: messages,
// connections and results that free themselves, statements with text
// parameters only (never SQL built from the input), the server's error fields.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mg::cli {

// Every message on standard error starts with the program name.
void complain(const std::string& message);
void print(const std::string& s);
// Server notices (WARNING, NOTICE) go to standard error with our prefix.
void notice_processor(void*, const char* message);

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Connects with the DSN expanded in place of dbname ("" leaves libpq's
// environment in charge); the pairs in `overrides` win over the DSN, the
// ones in `defaults` do not.  Scripts are read as UTF-8 unless
// PGCLIENTENCODING or the DSN says otherwise.  On failure: nullptr and the
// reason in *error.
Conn connect(const std::string& dsn, const std::vector<std::pair<std::string, std::string>>& defaults,
             const std::vector<std::pair<std::string, std::string>>& overrides, std::string* error);

Result exec(PGconn* conn, const char* sql, const std::vector<const char*>& params = {});
bool ok(const Result& res);          // PGRES_TUPLES_OK
bool command_ok(const Result& res);  // PGRES_COMMAND_OK or PGRES_TUPLES_OK

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
ServerError server_error(const PGresult* res, PGconn* conn);
std::string detail_and_hint(const ServerError& e);
// "message (SQLSTATE xxxxx)", one line.
std::string one_line(const ServerError& e);

// A cell as text ("" for NULL).
std::string value(const PGresult* res, int row, int col);
// A PostgreSQL array literal of text values (quoted, escaped).
std::string text_array(const std::vector<std::string>& values);

}  // namespace mg::cli
