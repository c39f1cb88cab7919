// SARIF and GitHub workflow command output of the migration-guard program.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/ci_formats.hpp"

namespace mg::cli {
namespace {

CiFinding finding() {
  CiFinding f;
  f.file = "db/migrations/002 add index.sql";
  f.stmt_no = 2;
  f.line = 3;
  f.column = 5;
  f.end_line = 4;
  f.end_column = 12;
  f.rule = "index_not_concurrent";
  f.severity = "error";
  f.relation = "public.orders";
  f.message = "creating index \"i\" on large table \"public.orders\" blocks writes";
  f.detail = "100% of 5,000 rows: it holds a SHARE lock.";
  f.hint = "Use:\nCREATE INDEX CONCURRENTLY i ON orders (v);";
  return f;
}

TEST(GithubEscaping, DataAndProperties) {
  EXPECT_EQ(github_escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
  EXPECT_EQ(github_escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
  EXPECT_EQ(github_escape_property(""), "");
}

TEST(GithubFormat, OneCommandPerFinding) {
  CiFinding w = finding();
  w.severity = "warning";
  w.rule = "lock_timeout_missing";
  CiFinding n = finding();
  n.severity = "info";
  n.end_line = 0;
  std::string out = render_github({finding(), w, n});
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "::error file=db/migrations/002 add index.sql,line=3,col=5,endLine=4,endColumn=12,"
            "title=migration_guard index_not_concurrent (public.orders)::creating index \"i\" "
            "on large table \"public.orders\" blocks writes%0A100%25 of 5,000 rows: it holds "
            "a SHARE lock.%0AHint: Use:%0ACREATE INDEX CONCURRENTLY i ON orders (v);");
  EXPECT_NE(out.find("\n::warning file="), std::string::npos);
  EXPECT_NE(out.find("\n::notice file="), std::string::npos);
  EXPECT_EQ(out.find("endLine=0"), std::string::npos);
  // Three lines, each a complete command.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
}

TEST(GithubFormat, PropertiesAreEscaped) {
  CiFinding f = finding();
  f.file = "a,b:c.sql";
  f.relation = "s.\"t,1\"";
  std::string out = render_github({f});
  EXPECT_NE(out.find("file=a%2Cb%3Ac.sql,"), std::string::npos) << out;
  EXPECT_NE(out.find("title=migration_guard index_not_concurrent (s.\"t%2C1\")::"), std::string::npos)
      << out;
}

TEST(SarifFormat, RequiredStructure) {
  std::vector<CiRule> rules = {{"index_not_concurrent", "error", "summary", "explanation", "recipe"},
                               {"lock_timeout_missing", "warning", "s", "e", "r"}};
  std::string s = render_sarif({finding()}, rules, {"db/migrations/002 add index.sql", "b.sql"}, "0.3.0");
  EXPECT_NE(s.find("\"version\": \"2.1.0\""), std::string::npos);
  EXPECT_NE(s.find("\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\""), std::string::npos);
  EXPECT_NE(s.find("\"name\": \"migration-guard\""), std::string::npos);
  EXPECT_NE(s.find("\"ruleId\": \"index_not_concurrent\", \"ruleIndex\": 0, \"level\": \"error\""),
            std::string::npos) << s;
  EXPECT_NE(s.find("\"artifactLocation\": {\"uri\": \"db/migrations/002%20add%20index.sql\", \"index\": 0}"),
            std::string::npos) << s;
  EXPECT_NE(s.find("\"region\": {\"startLine\": 3, \"startColumn\": 5, \"endLine\": 4, \"endColumn\": 12}"),
            std::string::npos) << s;
  EXPECT_NE(s.find("\"columnKind\": \"unicodeCodePoints\""), std::string::npos);
  EXPECT_NE(s.find("\"defaultConfiguration\": {\"level\": \"warning\"}"), std::string::npos);
  EXPECT_NE(s.find("\\nHint: Use:\\nCREATE INDEX CONCURRENTLY"), std::string::npos) << s;
}

TEST(SarifFormat, EmptyRunIsValid) {
  std::string s = render_sarif({}, {}, {}, "0.3.0");
  EXPECT_NE(s.find("\"rules\": []"), std::string::npos) << s;
  EXPECT_NE(s.find("\"results\": []"), std::string::npos) << s;
  EXPECT_NE(s.find("\"artifacts\": []"), std::string::npos) << s;
}

TEST(SarifFormat, Levels) {
  EXPECT_EQ(sarif_level("error"), "error");
  EXPECT_EQ(sarif_level("warning"), "warning");
  EXPECT_EQ(sarif_level("info"), "note");
}

TEST(SarifFormat, FileUris) {
  EXPECT_EQ(file_uri("migrations/001.sql"), "migrations/001.sql");
  EXPECT_EQ(file_uri("./migrations/001.sql"), "migrations/001.sql");
  EXPECT_EQ(file_uri("/srv/app/m 1.sql"), "file:///srv/app/m%201.sql");
  EXPECT_EQ(file_uri("<stdin>"), "%3Cstdin%3E");
  EXPECT_EQ(file_uri("é.sql"), "%C3%A9.sql");
}

}  // namespace
}  // namespace mg::cli
