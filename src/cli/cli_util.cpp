// See cli_util.hpp.
#include "cli_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mg::cli {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Fetches the value of an option written "--opt value" or "--opt=value".
// i points at the option and is advanced past a separate value.
bool option_value(const std::vector<std::string>& args, std::size_t& i, std::string_view name,
                  std::string& value, std::string& error) {
  const std::string& arg = args[i];
  if (arg.size() > name.size() && arg[name.size()] == '=') {
    value = arg.substr(name.size() + 1);
    return true;
  }
  if (i + 1 >= args.size()) {
    error = "option " + std::string(name) + " needs a value";
    return false;
  }
  value = args[++i];
  return true;
}

bool is_option(std::string_view arg, std::string_view name) {
  return arg == name || (starts_with(arg, name) && arg.size() > name.size() &&
                         arg[name.size()] == '=');
}

bool is_utf8_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

ParseResult parse_args(const std::vector<std::string>& args) {
  ParseResult r;
  Options& o = r.options;
  std::vector<std::string> positional;
  bool options_done = false;
  bool dsn_given = false;

  // --help and --version win even over a malformed command line.
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") {
      o.help = true;
      r.ok = true;
      return r;
    }
    if (a == "--version" || a == "-V") {
      o.version = true;
      r.ok = true;
      return r;
    }
  }

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a == "-" || a.empty() || a[0] != '-') {
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
    } else if (is_option(a, "--dsn")) {
      if (!option_value(args, i, "--dsn", o.dsn, r.error)) return r;
      dsn_given = true;
    } else if (is_option(a, "--format")) {
      std::string f;
      if (!option_value(args, i, "--format", f, r.error)) return r;
      if (f == "markdown") {
        o.format = Format::Markdown;
      } else if (f == "json") {
        o.format = Format::Json;
      } else if (f == "sarif") {
        o.format = Format::Sarif;
      } else if (f == "github") {
        o.format = Format::Github;
      } else {
        r.error = "unknown format \"" + f + "\" (expected markdown, json, sarif or github)";
        return r;
      }
    } else if (a == "--in-transaction") {
      o.in_transaction = true;
    } else if (is_option(a, "--production")) {
      if (!option_value(args, i, "--production", o.production_dsn, r.error)) return r;
      if (o.production_dsn.empty()) {
        r.error = "--production needs a connection string (\"\" is not one)";
        return r;
      }
    } else if (is_option(a, "--shadow")) {
      if (!option_value(args, i, "--shadow", o.shadow_dsn, r.error)) return r;
      if (o.shadow_dsn.empty()) {
        r.error = "--shadow needs a connection string (\"\" is not one)";
        return r;
      }
    } else if (a == "--keep-shadow") {
      o.keep_shadow = true;
    } else if (is_option(a, "--pg-bindir")) {
      if (!option_value(args, i, "--pg-bindir", o.pg_bindir, r.error)) return r;
    } else if (is_option(a, "--set")) {
      std::string kv;
      if (!option_value(args, i, "--set", kv, r.error)) return r;
      std::size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        r.error = "--set expects NAME=VALUE, not \"" + kv + "\"";
        return r;
      }
      o.settings.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      r.error = "unknown option \"" + a + "\"";
      return r;
    }
  }

  if (positional.empty()) {
    r.error = "no command given (expected: review)";
    return r;
  }
  if (positional[0] != "review") {
    r.error = "unknown command \"" + positional[0] + "\" (expected: review)";
    return r;
  }
  if (positional.size() == 1) {
    r.error = "no FILE given (use - for standard input)";
    return r;
  }
  if (!o.production_dsn.empty() && dsn_given) {
    r.error = "--dsn and --production exclude each other (with --production, --shadow names the "
              "server with the extension)";
    return r;
  }
  if (o.production_dsn.empty() && (!o.shadow_dsn.empty() || !o.pg_bindir.empty())) {
    r.error = std::string(o.shadow_dsn.empty() ? "--pg-bindir" : "--shadow") +
              " only goes with --production";
    return r;
  }
  if (o.keep_shadow && o.shadow_dsn.empty()) {
    r.error = "--keep-shadow only goes with --shadow";
    return r;
  }
  if (!o.shadow_dsn.empty() && !o.pg_bindir.empty()) {
    r.error = "--shadow and --pg-bindir exclude each other (--pg-bindir is for the shadow "
              "server the program starts itself)";
    return r;
  }
  o.files.assign(positional.begin() + 1, positional.end());
  r.ok = true;
  return r;
}

std::string usage() {
  return "Usage: migration-guard review [--dsn DSN] [--format FORMAT] [--in-transaction] "
         "FILE...\n"
         "       migration-guard findings [--dsn DSN] [--since TIMESTAMP] [--fail-on "
         "warning|error] [--format text|json] (see migration-guard findings --help)\n"
         "       migration-guard review --production DSN [--shadow DSN | --pg-bindir DIR] "
         "[...] FILE...\n"
         "\n"
         "Reviews migration scripts with the migration_guard extension of a PostgreSQL\n"
         "server, without running them: each FILE (- for standard input) is judged by\n"
         "migration_guard.report() against the live tables it touches, and the report\n"
         "is printed on standard output.\n"
         "\n"
         "With --production, the server is one that cannot have the extension (a managed\n"
         "database): its catalogs are read, read-only and without locking any table (the\n"
         "schema the migration touches, row estimates, sizes, null fractions, the\n"
         "sessions holding locks now), and the migration is judged by production's facts\n"
         "in a throwaway shadow server that has the extension.\n"
         "\n"
         "Options:\n"
         "  --dsn DSN          libpq connection string or URI (default: the PG* environment\n"
         "                     variables, PGHOST, PGPORT, PGUSER, PGDATABASE, ...)\n"
         "  --format FORMAT    markdown (default), json, sarif (SARIF 2.1.0 for code\n"
         "                     scanning) or github (workflow command annotations); several\n"
         "                     files in json give an array of {\"file\": ..., \"report\": ...}\n"
         "  --in-transaction   the script will run inside one transaction block\n"
         "  --set NAME=VALUE   a setting of the reviewing session, e.g.\n"
         "                     --set migration_guard.large_table_rows=100000 (repeatable)\n"
         "  --production DSN   read schema and facts from this server (a role with\n"
         "                     pg_read_all_stats is enough) and review in a shadow server\n"
         "  --shadow DSN       the shadow: a server with the extension where this role is a\n"
         "                     superuser that may create a database (default: one started\n"
         "                     in a temporary directory, as the postgres user when run as root)\n"
         "  --pg-bindir DIR    the PostgreSQL programs (initdb, pg_ctl) of that started shadow\n"
         "                     (default: next to this program, or the build's bindir)\n"
         "  --keep-shadow      with --shadow: keep the shadow database (its name is printed\n"
         "                     on standard error) instead of dropping it\n"
         "  --help             show this help and exit\n"
         "  --version          show the version and exit\n"
         "\n"
         "Exit status: 0 no finding of severity error, 1 at least one finding of\n"
         "severity error, 2 usage error, unreadable file, connection failure, extension\n"
         "not installed, syntax error in a file, or any other failure.\n";
}

const char* format_name(Format f) { return f == Format::Json ? "json" : "markdown"; }

ReadResult read_file(const std::string& path, std::size_t max_bytes) {
  ReadResult r;
  const bool is_stdin = path == "-";
  const std::string name = display_name(path);
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r.error = "cannot read " + name + ": " + std::strerror(errno);
    return r;
  }
  struct FdCloser {
    int fd;
    bool owned;
    ~FdCloser() {
      if (owned) ::close(fd);
    }
  } closer{fd, !is_stdin};

  const std::string too_large = name + " is larger than " +
                                std::to_string(max_bytes / (1024 * 1024)) +
                                " MB: refused (a migration script is expected)";
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      r.error = "cannot read " + name + ": " + std::strerror(EISDIR);
      return r;
    }
    if (S_ISREG(st.st_mode)) {
      if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
        r.error = too_large;
        return r;
      }
      r.content.reserve(static_cast<std::size_t>(st.st_size));
    }
  }

  // Read to the end whatever the file is (a pipe, /dev/stdin, a file that grows):
  // the limit is checked on what was really read.
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      r.error = "cannot read " + name + ": " + std::strerror(errno);
      r.content.clear();
      return r;
    }
    if (n == 0) break;
    if (r.content.size() + static_cast<std::size_t>(n) > max_bytes) {
      r.error = too_large;
      r.content.clear();
      return r;
    }
    r.content.append(buf, static_cast<std::size_t>(n));
  }

  if (starts_with(r.content, "\xEF\xBB\xBF")) r.content.erase(0, 3);

  std::size_t nul = r.content.find('\0');
  if (nul != std::string::npos) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < nul; ++i)
      if (r.content[i] == '\n') ++line;
    r.error = name + ":" + std::to_string(line) +
              ": contains a NUL byte: not a SQL script (binary file?)";
    r.content.clear();
    return r;
  }
  r.ok = true;
  return r;
}

Location locate(std::string_view text, long position, PositionUnit unit) {
  // Byte offset of the 1-based position, clamped to [0, size].
  std::size_t target = text.size();
  if (position <= 1) {
    target = 0;
  } else if (unit == PositionUnit::Bytes) {
    if (static_cast<unsigned long>(position - 1) < text.size())
      target = static_cast<std::size_t>(position - 1);
  } else {
    long seen = 0;  // characters before offset i
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (is_utf8_continuation(static_cast<unsigned char>(text[i]))) continue;
      if (seen == position - 1) {
        target = i;
        break;
      }
      ++seen;
    }
  }

  // The end of a text ending with a newline: at the end of the last line.
  if (target == text.size() && !text.empty() && text.back() == '\n') {
    target = text.size() - 1;
    if (target > 0 && text[target - 1] == '\r') --target;
  }

  Location loc;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < target; ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      line_start = i + 1;
    }
  }
  std::size_t line_end = text.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = text.size();
  if (line_end > line_start && text[line_end - 1] == '\r') --line_end;
  loc.text = text.substr(line_start, line_end - line_start);
  loc.caret_offset = target - line_start;
  if (loc.caret_offset > loc.text.size()) loc.caret_offset = loc.text.size();  // on the "\r"

  std::size_t column = 1;
  for (std::size_t i = line_start; i < target; ++i) {
    if (unit == PositionUnit::Bytes || !is_utf8_continuation(static_cast<unsigned char>(text[i])))
      ++column;
  }
  loc.column = column;
  return loc;
}

std::string excerpt(const Location& loc) {
  std::string out = "  ";
  out.append(loc.text);
  out += "\n  ";
  for (std::size_t i = 0; i < loc.caret_offset && i < loc.text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(loc.text[i]);
    if (c == '\t')
      out += '\t';
    else if (!is_utf8_continuation(c))
      out += ' ';
  }
  out += "^\n";
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string html_comment_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' && !out.empty() && out.back() == '-') out += ' ';
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '>')
      out += '?';
    else
      out += c;
  }
  return out;
}

std::string trim_right(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' ||
                     s[end - 1] == '\r'))
    --end;
  return std::string(s.substr(0, end));
}

}  // namespace mg::cli
