#include "core/name_list.hpp"

#include <cctype>

namespace mg {

namespace {

// Reads one identifier at text[i]: "quoted" (with "" for a quote) or bare
// (folded to lower case, ASCII only, as the server's downcase_identifier()).
bool read_identifier(std::string_view text, std::size_t& i, std::string& out) {
  out.clear();
  if (i < text.size() && text[i] == '"') {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          out += '"';
          ++i;
          continue;
        }
        ++i;
        return !out.empty();
      }
      out += text[i];
    }
    return false;  // unterminated
  }
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '.' || c == ',' || std::isspace(c) || c == '"') break;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    ++i;
  }
  return !out.empty();
}

void skip_space(std::string_view text, std::size_t& i) {
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
}

// One "schema" or "schema.name" at text[i], up to a comma or the end.
bool read_name(std::string_view text, std::size_t& i, ListedName& out) {
  out = ListedName{};
  skip_space(text, i);
  if (!read_identifier(text, i, out.schema)) return false;
  skip_space(text, i);
  if (i < text.size() && text[i] == '.') {
    ++i;
    skip_space(text, i);
    if (!read_identifier(text, i, out.name)) return false;
    skip_space(text, i);
  }
  return true;
}

}  // namespace

std::optional<std::vector<ListedName>> parse_name_list(std::string_view text, std::string* error) {
  std::vector<ListedName> list;
  std::size_t i = 0;
  skip_space(text, i);
  if (i == text.size()) return list;
  for (;;) {
    std::size_t start = i;
    ListedName n;
    if (!read_name(text, i, n) || (i < text.size() && text[i] != ',')) {
      std::size_t end = text.find(',', start);
      if (error)
        *error = "\"" + std::string(text.substr(start, end == std::string_view::npos ? end : end - start)) +
                 "\" is not a schema or schema.table name";
      return std::nullopt;
    }
    list.push_back(std::move(n));
    if (i == text.size()) return list;
    ++i;  // the comma
  }
}

bool name_list_covers(const std::vector<ListedName>& list, std::string_view qualified) {
  ListedName target;
  std::size_t i = 0;
  if (!read_name(qualified, i, target) || i != qualified.size()) return false;
  for (const ListedName& n : list) {
    if (n.schema != target.schema) continue;
    if (n.name.empty() || n.name == target.name) return true;
  }
  return false;
}

}  // namespace mg
