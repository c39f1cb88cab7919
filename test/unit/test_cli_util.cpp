// The PostgreSQL-free helpers of the migration-guard program: arguments,
// reading files, and the server's character position as line and column.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_util.hpp"

namespace mg::cli {
namespace {

// ------------------------------------------------------------------ parse_args

TEST(CliParseArgs, ReviewWithDefaults) {
  ParseResult r = parse_args({"review", "a.sql"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.options.help);
  EXPECT_FALSE(r.options.version);
  EXPECT_EQ(r.options.dsn, "");
  EXPECT_EQ(r.options.format, Format::Markdown);
  EXPECT_FALSE(r.options.in_transaction);
  EXPECT_EQ(r.options.files, std::vector<std::string>{"a.sql"});
}

TEST(CliParseArgs, AllOptionsSeparateValues) {
  ParseResult r = parse_args({"review", "--dsn", "host=db dbname=app", "--format", "json",
                              "--in-transaction", "a.sql", "-", "b.sql"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.options.dsn, "host=db dbname=app");
  EXPECT_EQ(r.options.format, Format::Json);
  EXPECT_TRUE(r.options.in_transaction);
  EXPECT_EQ(r.options.files, (std::vector<std::string>{"a.sql", "-", "b.sql"}));
}

TEST(CliParseArgs, EqualsFormAndOptionsBeforeTheCommand) {
  ParseResult r =
      parse_args({"--dsn=postgresql://u@h/db", "--format=markdown", "review", "x.sql"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.options.dsn, "postgresql://u@h/db");
  EXPECT_EQ(r.options.format, Format::Markdown);
  EXPECT_EQ(r.options.files, std::vector<std::string>{"x.sql"});
}

TEST(CliParseArgs, EmptyDsnIsAllowed) {
  ParseResult r = parse_args({"review", "--dsn", "", "a.sql"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.options.dsn, "");
}

TEST(CliParseArgs, DoubleDashEndsOptions) {
  ParseResult r = parse_args({"review", "--", "--in-transaction", "-x.sql"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.options.in_transaction);
  EXPECT_EQ(r.options.files, (std::vector<std::string>{"--in-transaction", "-x.sql"}));
}

TEST(CliParseArgs, HelpAndVersionWinEvenOverErrors) {
  EXPECT_TRUE(parse_args({"--help"}).options.help);
  EXPECT_TRUE(parse_args({"-h"}).options.help);
  EXPECT_TRUE(parse_args({"review", "--bogus", "--help"}).ok);
  EXPECT_TRUE(parse_args({"review", "--help"}).options.help);
  ParseResult v = parse_args({"--version"});
  EXPECT_TRUE(v.ok);
  EXPECT_TRUE(v.options.version);
  // After "--" they are file names.
  ParseResult f = parse_args({"review", "--", "--help"});
  ASSERT_TRUE(f.ok);
  EXPECT_FALSE(f.options.help);
  EXPECT_EQ(f.options.files, std::vector<std::string>{"--help"});
}

TEST(CliParseArgs, UsageErrors) {
  ParseResult none = parse_args({});
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.error.find("no command"), std::string::npos) << none.error;

  ParseResult no_file = parse_args({"review"});
  EXPECT_FALSE(no_file.ok);
  EXPECT_NE(no_file.error.find("no FILE"), std::string::npos) << no_file.error;

  ParseResult bad_cmd = parse_args({"check", "a.sql"});
  EXPECT_FALSE(bad_cmd.ok);
  EXPECT_NE(bad_cmd.error.find("unknown command \"check\""), std::string::npos) << bad_cmd.error;

  ParseResult bad_fmt = parse_args({"review", "--format", "yaml", "a.sql"});
  EXPECT_FALSE(bad_fmt.ok);
  EXPECT_NE(bad_fmt.error.find("\"yaml\""), std::string::npos) << bad_fmt.error;

  ParseResult bad_opt = parse_args({"review", "--frmat=json", "a.sql"});
  EXPECT_FALSE(bad_opt.ok);
  EXPECT_NE(bad_opt.error.find("--frmat=json"), std::string::npos) << bad_opt.error;

  ParseResult missing_value = parse_args({"review", "a.sql", "--dsn"});
  EXPECT_FALSE(missing_value.ok);
  EXPECT_NE(missing_value.error.find("--dsn needs a value"), std::string::npos)
      << missing_value.error;
}

TEST(CliParseArgs, CiFormats) {
  EXPECT_EQ(parse_args({"review", "--format", "sarif", "a.sql"}).options.format, Format::Sarif);
  EXPECT_EQ(parse_args({"review", "--format=github", "a.sql"}).options.format, Format::Github);
  ParseResult bad = parse_args({"review", "--format", "SARIF", "a.sql"});
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("markdown, json, sarif or github"), std::string::npos) << bad.error;
}

TEST(CliParseArgs, Production) {
  ParseResult r = parse_args({"review", "--production", "host=prod", "--shadow=dbname=s",
                              "--keep-shadow", "--set", "migration_guard.large_table_rows=10",
                              "--set=lock_timeout=1s", "a.sql"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.options.production_dsn, "host=prod");
  EXPECT_EQ(r.options.shadow_dsn, "dbname=s");
  EXPECT_TRUE(r.options.keep_shadow);
  ASSERT_EQ(r.options.settings.size(), 2u);
  EXPECT_EQ(r.options.settings[0].first, "migration_guard.large_table_rows");
  EXPECT_EQ(r.options.settings[0].second, "10");
  EXPECT_EQ(r.options.settings[1].first, "lock_timeout");
  EXPECT_EQ(r.options.settings[1].second, "1s");

  ParseResult b = parse_args({"review", "--production", "p", "--pg-bindir", "/usr/bin", "a.sql"});
  ASSERT_TRUE(b.ok) << b.error;
  EXPECT_EQ(b.options.pg_bindir, "/usr/bin");

  struct Bad {
    std::vector<std::string> args;
    const char* says;
  } bad[] = {
      {{"review", "--production", "p", "--dsn", "d", "a.sql"}, "exclude each other"},
      {{"review", "--shadow", "s", "a.sql"}, "--shadow only goes with --production"},
      {{"review", "--pg-bindir", "/x", "a.sql"}, "--pg-bindir only goes with --production"},
      {{"review", "--production", "p", "--shadow", "s", "--pg-bindir", "/x", "a.sql"},
       "exclude each other"},
      {{"review", "--production", "p", "--keep-shadow", "a.sql"}, "--keep-shadow only goes"},
      {{"review", "--production", "", "a.sql"}, "needs a connection string"},
      {{"review", "--set", "novalue", "a.sql"}, "NAME=VALUE"},
      {{"review", "--set", "=x", "a.sql"}, "NAME=VALUE"},
  };
  for (const Bad& b2 : bad) {
    ParseResult p = parse_args(b2.args);
    EXPECT_FALSE(p.ok) << b2.says;
    EXPECT_NE(p.error.find(b2.says), std::string::npos) << p.error;
  }
}

TEST(CliParseArgs, PrefixOfAnOptionIsNotTheOption) {
  EXPECT_FALSE(parse_args({"review", "--dsnx", "a.sql"}).ok);
  EXPECT_FALSE(parse_args({"review", "--in-transactions", "a.sql"}).ok);
}

TEST(CliUsage, MentionsTheSynopsisAndExitStatus) {
  std::string u = usage();
  EXPECT_NE(u.find("migration-guard review [--dsn DSN] [--format FORMAT] "
                   "[--in-transaction] FILE..."),
            std::string::npos);
  EXPECT_NE(u.find("migration-guard review --production DSN"), std::string::npos);
  EXPECT_NE(u.find("sarif"), std::string::npos);
  EXPECT_NE(u.find("github"), std::string::npos);
  EXPECT_NE(u.find("Exit status"), std::string::npos);
  EXPECT_EQ(u.back(), '\n');
  EXPECT_STREQ(format_name(Format::Json), "json");
  EXPECT_STREQ(format_name(Format::Markdown), "markdown");
}

// ------------------------------------------------------------------ read_file

class CliReadFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mg_cli_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& f : created_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    created_.push_back(path);
    return path;
  }
  std::string dir_;
  std::vector<std::string> created_;
};

TEST_F(CliReadFile, ReadsTheWholeFile) {
  std::string content = "CREATE TABLE t (id int);\n-- é ü\nSELECT 1;\n";
  ReadResult r = read_file(write("a.sql", content));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.content, content);
}

TEST_F(CliReadFile, EmptyFileIsFine) {
  ReadResult r = read_file(write("empty.sql", ""));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.content, "");
}

TEST_F(CliReadFile, MissingFileSaysWhy) {
  std::string path = dir_ + "/nope.sql";
  ReadResult r = read_file(path);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "cannot read " + path + ": No such file or directory");
}

TEST_F(CliReadFile, DirectoryIsRefused) {
  ReadResult r = read_file(dir_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "cannot read " + dir_ + ": Is a directory");
}

TEST_F(CliReadFile, TooLargeIsRefused) {
  std::string path = write("big.sql", std::string(2 * 1024 * 1024 + 1, 'x'));
  ReadResult r = read_file(path, 2 * 1024 * 1024);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, path + " is larger than 2 MB: refused (a migration script is expected)");
  EXPECT_TRUE(r.content.empty());
  // Exactly at the limit is accepted.
  ReadResult at = read_file(write("at.sql", std::string(1024 * 1024, 'x')), 1024 * 1024);
  EXPECT_TRUE(at.ok) << at.error;
}

TEST_F(CliReadFile, DefaultLimitIs64MB) { EXPECT_EQ(kMaxFileBytes, 64u * 1024u * 1024u); }

TEST_F(CliReadFile, ByteOrderMarkIsDropped) {
  ReadResult r = read_file(write("bom.sql", "\xEF\xBB\xBFSELECT 1;\n"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.content, "SELECT 1;\n");
}

TEST_F(CliReadFile, NulByteIsRefusedWithItsLine) {
  std::string path = write("bin.sql", std::string("SELECT 1;\nSELECT 2;\nab\0cd", 25));
  ReadResult r = read_file(path);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, path + ":3: contains a NUL byte: not a SQL script (binary file?)");
}

TEST(CliDisplayName, StdinHasAName) {
  EXPECT_EQ(display_name("-"), "<stdin>");
  EXPECT_EQ(display_name("m/001.sql"), "m/001.sql");
}

// ------------------------------------------------------------------ locate

TEST(CliLocate, FirstCharacter) {
  Location loc = locate("CREAT TABLE t;", 1);
  EXPECT_EQ(loc.line, 1u);
  EXPECT_EQ(loc.column, 1u);
  EXPECT_EQ(loc.text, "CREAT TABLE t;");
  EXPECT_EQ(loc.caret_offset, 0u);
}

TEST(CliLocate, ThirdLine) {
  std::string sql = "SELECT 1;\nSELECT 2;\nCREATE TABEL t (id int);\nSELECT 3;\n";
  // "TABEL" starts at byte 20 + 7 = 27, i.e. position 28.
  Location loc = locate(sql, static_cast<long>(sql.find("TABEL")) + 1);
  EXPECT_EQ(loc.line, 3u);
  EXPECT_EQ(loc.column, 8u);
  EXPECT_EQ(loc.text, "CREATE TABEL t (id int);");
  EXPECT_EQ(loc.caret_offset, 7u);
}

TEST(CliLocate, CountsUtf8CharactersNotBytes) {
  // Line 2 has two 2-byte characters and a 3-byte one before the error.
  std::string sql = "-- ünïcode\nSELECT 'é€'x FROM t;\n";
  std::size_t byte = sql.find("x FROM");
  // Characters before "x": 11 on line 1 (with the newline) + 11 on line 2.
  long position = 11 + 11 + 1;
  Location loc = locate(sql, position);
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 12u);
  EXPECT_EQ(loc.text, "SELECT 'é€'x FROM t;");
  EXPECT_EQ(loc.caret_offset, byte - sql.find("SELECT"));
  // Counted as bytes (a SQL_ASCII server) the same place is further on.
  Location as_bytes = locate(sql, static_cast<long>(byte) + 1, PositionUnit::Bytes);
  EXPECT_EQ(as_bytes.line, 2u);
  EXPECT_EQ(as_bytes.column, byte - sql.find("SELECT") + 1);
  EXPECT_EQ(as_bytes.caret_offset, loc.caret_offset);
}

TEST(CliLocate, CrLfLinesAreShownWithoutTheCarriageReturn) {
  std::string sql = "SELECT 1;\r\nSELEC 2;\r\n";
  Location loc = locate(sql, 12);
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 1u);
  EXPECT_EQ(loc.text, "SELEC 2;");
}

TEST(CliLocate, EndOfInputIsShownAtTheEndOfTheLastLine) {
  std::string sql = "SELECT 1;\nSELECT (\n";
  // The server's "at end of input" points just after the last character.
  Location loc = locate(sql, static_cast<long>(sql.size()) + 1);
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 9u);
  EXPECT_EQ(loc.text, "SELECT (");
  // Without a final newline: the same place.
  Location no_nl = locate("SELECT 1;\nSELECT (", 19);
  EXPECT_EQ(no_nl.line, 2u);
  EXPECT_EQ(no_nl.column, 9u);
}

TEST(CliLocate, OutOfRangePositionsAreClamped) {
  Location far = locate("SELECT (", 1000);
  EXPECT_EQ(far.line, 1u);
  EXPECT_EQ(far.column, 9u);
  Location zero = locate("SELECT (", 0);
  EXPECT_EQ(zero.line, 1u);
  EXPECT_EQ(zero.column, 1u);
  Location empty = locate("", 1);
  EXPECT_EQ(empty.line, 1u);
  EXPECT_EQ(empty.column, 1u);
  EXPECT_EQ(empty.text, "");
}

TEST(CliLocate, ErrorOnAnEmptyLineBetweenOthers) {
  std::string sql = "a\n\nb";
  Location loc = locate(sql, 3);  // the second "\n"
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 1u);
  EXPECT_EQ(loc.text, "");
}

// ------------------------------------------------------------------ excerpt

TEST(CliExcerpt, CaretUnderThePosition) {
  std::string sql = "SELECT 1;\nCREATE TABEL t (id int);\n";
  Location loc = locate(sql, static_cast<long>(sql.find("TABEL")) + 1);
  EXPECT_EQ(excerpt(loc),
            "  CREATE TABEL t (id int);\n"
            "         ^\n");
}

TEST(CliExcerpt, TabsAndMultibyteCharactersKeepTheCaretAligned) {
  std::string sql = "\tSELECT 'é' x;";
  Location loc = locate(sql, 13);  // the "x"
  EXPECT_EQ(loc.column, 13u);
  EXPECT_EQ(excerpt(loc),
            "  \tSELECT 'é' x;\n"
            "  \t           ^\n");
}

// ------------------------------------------------------------------ json_string, trim_right

TEST(CliJsonString, EscapesWhatJsonRequires) {
  EXPECT_EQ(json_string("a.sql"), "\"a.sql\"");
  EXPECT_EQ(json_string("dir \"x\"\\y.sql"), "\"dir \\\"x\\\"\\\\y.sql\"");
  EXPECT_EQ(json_string("a\nb\tc\x01"), "\"a\\nb\\tc\\u0001\"");
  EXPECT_EQ(json_string("été.sql"), "\"été.sql\"");
}

TEST(CliTrimRight, DropsTrailingWhiteSpaceOnly) {
  EXPECT_EQ(trim_right("  connection refused\n\t\r\n"), "  connection refused");
  EXPECT_EQ(trim_right(""), "");
  EXPECT_EQ(trim_right("\n"), "");
}

}  // namespace
}  // namespace mg::cli
