// migration-guard findings: arguments and the --fail-on decision.
#include <gtest/gtest.h>

#include "cli/findings_args.hpp"

namespace {

using namespace mg::cli;

TEST(CliFindings, RecognizesTheCommand) {
  EXPECT_TRUE(is_findings_command({"findings"}));
  EXPECT_TRUE(is_findings_command({"--dsn", "dbname=x", "findings"}));
  EXPECT_TRUE(is_findings_command({"--dsn=dbname=x", "findings", "--fail-on", "warning"}));
  EXPECT_FALSE(is_findings_command({"review", "findings"}));
  EXPECT_FALSE(is_findings_command({"--dsn", "findings", "review", "a.sql"}));
  EXPECT_FALSE(is_findings_command({}));
}

TEST(CliFindings, ParsesEveryOption) {
  FindingsParse p = parse_findings_args({"findings", "--dsn", "dbname=app", "--since=2024-05-01",
                                         "--fail-on", "warning", "--format", "json",
                                         "--all-databases"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.options.dsn, "dbname=app");
  EXPECT_EQ(p.options.since, "2024-05-01");
  EXPECT_EQ(p.options.fail_on, FailOn::Warning);
  EXPECT_EQ(p.options.format, FindingsFormat::Json);
  EXPECT_TRUE(p.options.all_databases);
  FindingsParse d = parse_findings_args({"findings"});
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.options.fail_on, FailOn::Error);
  EXPECT_EQ(d.options.format, FindingsFormat::Text);
  EXPECT_TRUE(parse_findings_args({"findings", "--help"}).options.help);
}

TEST(CliFindings, RefusesBadArguments) {
  EXPECT_EQ(parse_findings_args({"findings", "--fail-on", "info"}).error,
            "unknown level \"info\" for --fail-on (expected warning or error)");
  EXPECT_EQ(parse_findings_args({"findings", "--format", "markdown"}).error,
            "unknown format \"markdown\" (expected text or json)");
  EXPECT_EQ(parse_findings_args({"findings", "a.sql"}).error,
            "unexpected argument \"a.sql\" (findings takes no FILE)");
  EXPECT_EQ(parse_findings_args({"findings", "--since"}).error, "option --since needs a value");
  EXPECT_EQ(parse_findings_args({"findings", "--since="}).error,
            "option --since needs a timestamp");
  EXPECT_EQ(parse_findings_args({"findings", "--bogus"}).error, "unknown option \"--bogus\"");
}

TEST(CliFindings, FailOnLevels) {
  EXPECT_TRUE(reaches(FailOn::Error, "error", "warned"));
  EXPECT_TRUE(reaches(FailOn::Error, "error", "rejected"));
  EXPECT_FALSE(reaches(FailOn::Error, "warning", "warned"));
  EXPECT_TRUE(reaches(FailOn::Warning, "warning", "logged"));
  EXPECT_FALSE(reaches(FailOn::Warning, "info", "warned"));
  EXPECT_FALSE(reaches(FailOn::Warning, "error", "acknowledged"));
}

TEST(CliFindings, UsageNamesTheSynopsis) {
  EXPECT_NE(findings_usage().find("migration-guard findings [--dsn DSN] [--since TIMESTAMP] "
                                  "[--fail-on warning|error] [--format text|json]"),
            std::string::npos);
}

}  // namespace
