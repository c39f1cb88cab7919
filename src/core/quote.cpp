#include "core/quote.hpp"

#include <fmt/format.h>

namespace mg {

namespace {
bool no_keywords(const char*) { return false; }
KeywordPredicate g_is_keyword = no_keywords;
}  // namespace

void set_keyword_predicate(KeywordPredicate pred) {
  g_is_keyword = pred ? pred : no_keywords;
}

std::string quote_ident(std::string_view name, bool quote_all) {
  bool safe = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      safe = false;
      break;
    }
  }
  if (safe && !quote_all) {
    std::string word(name);
    if (!g_is_keyword(word.c_str())) return word;
  }
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string quote_qualified(std::string_view schema, std::string_view name, bool quote_all) {
  if (schema.empty()) return quote_ident(name, quote_all);
  return quote_ident(schema, quote_all) + "." + quote_ident(name, quote_all);
}

std::string truncate_identifier(std::string name) {
  constexpr std::size_t kMax = 63;
  if (name.size() <= kMax) return name;
  std::size_t len = kMax;
  while (len > 0 && (static_cast<unsigned char>(name[len]) & 0xC0) == 0x80) --len;
  name.resize(len);
  return name;
}

std::string with_semicolon(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && (blank(text.back()) || text.back() == ';')) text.remove_suffix(1);
  return text.empty() ? std::string() : std::string(text) + ";";
}

std::string quote_literal(std::string_view value) {
  std::string out;
  bool backslash = value.find('\\') != std::string_view::npos;
  if (backslash) out.push_back('E');
  out.push_back('\'');
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string dollar_quote(std::string_view body) {
  std::string tag = "$mg$";
  for (int n = 1; body.find(tag) != std::string_view::npos; ++n) tag = fmt::format("$mg{}$", n);
  return tag + std::string(body) + tag;
}

namespace {
void append_escaped(std::string& out, unsigned char c) {
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += fmt::format("\\x{:02X}", c);
  }
}
bool control(unsigned char c) { return c < 0x20 || c == 0x7F; }
}  // namespace

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (control(c))
      append_escaped(out, c);
    else
      out.push_back(ch);
  }
  return out;
}

std::string sql_comment(std::string_view text) {
  std::string out = "-- ";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\n-- ";
    } else if (control(c)) {
      append_escaped(out, c);
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string shell_word(std::string_view word) {
  bool bare = !word.empty() && word.front() != '-';
  for (char c : word) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ',' || c == ':' || c == '/' || c == '=' ||
                    c == '+' || c == '-';
    if (!ok) {
      bare = false;
      break;
    }
  }
  if (bare) return std::string(word);
  bool controls = false;
  for (char c : word) controls = controls || control(static_cast<unsigned char>(c));
  if (controls) {
    // $'...' (bash, ksh, zsh): the command stays on one line, exact.
    std::string out = "$'";
    for (char c : word) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '\\' || c == '\'')
        out += std::string("\\") + c;
      else if (control(u))
        append_escaped(out, u);
      else
        out.push_back(c);
    }
    return out + "'";
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

std::string pretty_bytes(int64_t bytes) {
  // pg_size_pretty()'s rule: bytes below 10 kB, then the largest unit in
  // which the value stays below 20480 halves (that is, below 10240 after
  // rounding), halves rounded up.
  if (bytes < 0) return "unknown size";
  if (bytes < 10 * 1024) return fmt::format("{} bytes", bytes);
  static const char* const units[] = {"kB", "MB", "GB", "TB", "PB"};
  int64_t halves = bytes >> 9;  // units of half a kB: one extra bit for rounding
  std::size_t u = 0;
  while (halves >= 20 * 1024 - 1 && u + 1 < sizeof(units) / sizeof(units[0])) {
    halves >>= 10;
    ++u;
  }
  return fmt::format("{} {}", (halves + 1) / 2, units[u]);
}

std::string pretty_count(int64_t n) {
  // The unit is chosen after rounding, so 999 999 is "1.0 million", not
  // "1000 thousand".
  if (n < 0) return "an unknown number of";
  if (n < 10000) return fmt::format("{}", n);
  if (n < 999500) return fmt::format("{} thousand", (n + 500) / 1000);
  if (n < 999950000) return fmt::format("{:.1f} million", static_cast<double>((n + 50000) / 100000) / 10.0);
  return fmt::format("{:.1f} billion", static_cast<double>((n + 50000000) / 100000000) / 10.0);
}

}  // namespace mg
