// The PostgreSQL-free part of the migration-guard command-line program:
// argument parsing, reading a migration file, turning the server's character
// position into a line and a column, and the little text helpers the output
// needs.  No libpq here, so that all of it is unit-tested (test/unit).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

namespace mg::cli {

inline constexpr const char* kVersion = "0.3.0";
// Larger files are refused: a migration script is not a data dump.
inline constexpr std::size_t kMaxFileBytes = 64u * 1024u * 1024u;

// Exit statuses.
inline constexpr int kExitClean = 0;     // no finding of severity error
inline constexpr int kExitFindings = 1;  // at least one finding of severity error
inline constexpr int kExitFailure = 2;   // usage, file, connection, server error

enum class Format { Markdown, Json, Sarif, Github };

struct Options {
  bool help = false;
  bool version = false;
  std::string dsn;  // empty: libpq's environment (PGHOST, PGPORT, ...) applies
  Format format = Format::Markdown;
  bool in_transaction = false;
  std::vector<std::string> files;  // "-" is standard input
  // review --production: the server without the extension whose schema and
  // facts are read; the migration is judged in a shadow server (--shadow, or
  // one started in a temporary directory with the binaries of --pg-bindir).
  std::string production_dsn;
  std::string shadow_dsn;
  std::string pg_bindir;
  bool keep_shadow = false;  // --keep-shadow: the --shadow database is left for inspection
  // --set NAME=VALUE: settings of the reviewing session, in order.
  std::vector<std::pair<std::string, std::string>> settings;
};

struct ParseResult {
  bool ok = false;
  Options options;
  std::string error;  // when !ok: one line, without the program name
};

// Parses the arguments after argv[0]:
//   review [--dsn DSN | --production DSN [--shadow DSN] [--pg-bindir DIR]]
//          [--format markdown|json|sarif|github] [--in-transaction]
//          [--set NAME=VALUE]... FILE...
// Options may come before or after the command and may be written --opt=value;
// "--" ends the options.  --help / -h and --version win over everything else
// (the command and files are then not required).
ParseResult parse_args(const std::vector<std::string>& args);

// The usage text, ending with a newline.
std::string usage();

// "json" / "markdown", as report() expects it ("sarif" and "github" are
// rendered by the program itself, from review()).
const char* format_name(Format f);

struct ReadResult {
  bool ok = false;
  std::string content;
  std::string error;  // when !ok: "cannot read FILE: <strerror>" or "FILE is larger than 64 MB ..."
};

// Reads a whole file ("-" = standard input), refusing more than max_bytes.
// A leading UTF-8 byte order mark is dropped (the server would take it for
// part of an identifier).  A NUL byte is refused: a text parameter cannot
// carry it.
ReadResult read_file(const std::string& path, std::size_t max_bytes = kMaxFileBytes);

// How the server counted the position: characters of UTF-8 text, or bytes
// (a SQL_ASCII database).
enum class PositionUnit { Utf8Characters, Bytes };

struct Location {
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in characters (or bytes) from the line start
  std::string_view text;   // the line, without its end-of-line ("\n" or "\r\n")
  std::size_t caret_offset = 0;  // byte offset of the position within `text`
};

// Locates a 1-based position (as PG_DIAG_INTERNAL_POSITION gives it) in text.
// A position beyond the end is clamped to the end; the end of a text that
// ends with a newline is shown at the end of its last line rather than on an
// empty line after it (where the server's "at end of input" points).
Location locate(std::string_view text, long position,
                PositionUnit unit = PositionUnit::Utf8Characters);

// The compiler-style excerpt: the line, then a caret under the position
// (tabs in the line are kept in the caret line so that it stays aligned).
// Two lines, each ending with a newline, each indented by two spaces.
std::string excerpt(const Location& loc);

// A JSON string literal, quotes included.
std::string json_string(std::string_view s);

// The name to show for a FILE argument: "<stdin>" for "-".
std::string display_name(const std::string& path);

// Strips trailing white space (libpq's messages end with a newline).
// Text that stays inside an HTML comment (<!-- ... -->): no "--", no ">", no
// control characters (a file name is shown so between two reports).
std::string html_comment_text(std::string_view s);
std::string trim_right(std::string_view s);

}  // namespace mg::cli
