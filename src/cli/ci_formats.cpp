// See ci_formats.hpp.
#include "ci_formats.hpp"

#include <cstdio>

#include "cli_util.hpp"

namespace mg::cli {

namespace {

std::string escape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':':
        if (property) out += "%3A";
        else out += c;
        break;
      case ',':
        if (property) out += "%2C";
        else out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '/';
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out += ch;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string json_text(std::string_view s) { return "{\"text\": " + json_string(s) + "}"; }

}  // namespace

std::string github_escape_data(std::string_view s) { return escape(s, false); }
std::string github_escape_property(std::string_view s) { return escape(s, true); }

std::string_view sarif_level(std::string_view severity) {
  if (severity == "error") return "error";
  if (severity == "warning") return "warning";
  return "note";
}

std::string file_uri(std::string_view path) {
  if (!path.empty() && path[0] == '/') return "file://" + percent_encode(path);
  // "./x.sql" and "x.sql" name the same artifact.
  while (path.size() > 2 && path.substr(0, 2) == "./") path.remove_prefix(2);
  return percent_encode(path);
}

std::string finding_text(const CiFinding& f) {
  std::string text = f.message;
  if (!f.detail.empty()) text += "\n" + f.detail;
  if (!f.hint.empty()) text += "\nHint: " + f.hint;
  return text;
}

std::string render_sarif(const std::vector<CiFinding>& findings, const std::vector<CiRule>& rules,
                         const std::vector<std::string>& files, std::string_view tool_version) {
  std::string s;
  s += "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n";
  s += "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n";
  s += "      \"tool\": {\n        \"driver\": {\n";
  s += "          \"name\": \"migration-guard\",\n";
  s += "          \"semanticVersion\": " + json_string(tool_version) + ",\n";
  s += "          \"rules\": [";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const CiRule& r = rules[i];
    s += i ? ",\n" : "\n";
    s += "            {\"id\": " + json_string(r.id) + ", \"name\": " + json_string(r.id) +
         ", \"shortDescription\": " + json_text(r.summary.empty() ? r.id : r.summary) +
         ", \"fullDescription\": " + json_text(r.explanation.empty() ? r.summary : r.explanation) +
         ", \"help\": " + json_text(r.recipe.empty() ? r.summary : r.recipe) +
         ", \"defaultConfiguration\": {\"level\": " + json_string(sarif_level(r.severity)) +
         "}, \"properties\": {\"tags\": [\"postgresql\", \"migration\"]}}";
  }
  s += rules.empty() ? "]\n" : "\n          ]\n";
  s += "        }\n      },\n";
  s += "      \"columnKind\": \"unicodeCodePoints\",\n";
  s += "      \"artifacts\": [";
  for (std::size_t i = 0; i < files.size(); ++i) {
    s += i ? ",\n" : "\n";
    s += "        {\"location\": {\"uri\": " + json_string(file_uri(files[i])) +
         "}, \"sourceLanguage\": \"sql\"}";
  }
  s += files.empty() ? "],\n" : "\n      ],\n";
  s += "      \"results\": [";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const CiFinding& f = findings[i];
    long rule_index = -1;
    for (std::size_t k = 0; k < rules.size(); ++k)
      if (rules[k].id == f.rule) rule_index = static_cast<long>(k);
    long file_index = -1;
    for (std::size_t k = 0; k < files.size(); ++k)
      if (files[k] == f.file) file_index = static_cast<long>(k);
    const long line = f.line > 0 ? f.line : 1;
    const long column = f.column > 0 ? f.column : 1;
    s += i ? ",\n" : "\n";
    s += "        {\"ruleId\": " + json_string(f.rule);
    if (rule_index >= 0) s += ", \"ruleIndex\": " + std::to_string(rule_index);
    s += ", \"level\": " + json_string(sarif_level(f.severity));
    s += ", \"message\": " + json_text(finding_text(f));
    s += ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": " +
         json_string(file_uri(f.file));
    if (file_index >= 0) s += ", \"index\": " + std::to_string(file_index);
    s += "}, \"region\": {\"startLine\": " + std::to_string(line) +
         ", \"startColumn\": " + std::to_string(column);
    if (f.end_line >= line && f.end_column > 0)
      s += ", \"endLine\": " + std::to_string(f.end_line) +
           ", \"endColumn\": " + std::to_string(f.end_column);
    s += "}}";
    if (!f.relation.empty())
      s += ", \"logicalLocations\": [{\"fullyQualifiedName\": " + json_string(f.relation) +
           ", \"kind\": \"table\"}]";
    s += "}]";
    s += ", \"properties\": {\"statement\": " + std::to_string(f.stmt_no) +
         ", \"severity\": " + json_string(f.severity) + "}}";
  }
  s += findings.empty() ? "]\n" : "\n      ]\n";
  s += "    }\n  ]\n}\n";
  return s;
}

std::string render_github(const std::vector<CiFinding>& findings) {
  std::string out;
  for (const CiFinding& f : findings) {
    const char* command =
        f.severity == "error" ? "error" : f.severity == "warning" ? "warning" : "notice";
    out += "::";
    out += command;
    out += " file=" + github_escape_property(f.file);
    out += ",line=" + std::to_string(f.line > 0 ? f.line : 1);
    out += ",col=" + std::to_string(f.column > 0 ? f.column : 1);
    if (f.end_line > 0 && f.end_column > 0)
      out += ",endLine=" + std::to_string(f.end_line) +
             ",endColumn=" + std::to_string(f.end_column);
    out += ",title=" + github_escape_property("migration_guard " + f.rule +
                                              (f.relation.empty() ? "" : " (" + f.relation + ")"));
    out += "::" + github_escape_data(finding_text(f)) + "\n";
  }
  return out;
}

}  // namespace mg::cli
