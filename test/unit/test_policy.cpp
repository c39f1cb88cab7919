// Policy: when a table is large, and what a finding becomes under each mode.
#include <gtest/gtest.h>

#include <array>

#include "core/policy.hpp"

namespace mg {
namespace {

Settings with_mode(Mode mode, bool in_extension_script = false) {
  Settings s;
  s.mode = mode;
  s.in_extension_script = in_extension_script;
  return s;
}

constexpr std::array<Mode, 4> kModes = {Mode::Off, Mode::Log, Mode::Warn, Mode::Enforce};
constexpr std::array<Severity, 3> kSeverities = {Severity::Info, Severity::Warning,
                                                 Severity::Error};

TEST(Settings, Defaults) {
  Settings s;
  EXPECT_EQ(s.mode, Mode::Warn);
  EXPECT_EQ(s.large_table_rows, 100000);
  EXPECT_EQ(s.large_table_bytes, 100LL * 1024 * 1024);
  EXPECT_FALSE(s.quote_all_identifiers);
  EXPECT_FALSE(s.in_extension_script);
}

TEST(SeverityName, Names) {
  EXPECT_EQ(severity_name(Severity::Info), "info");
  EXPECT_EQ(severity_name(Severity::Warning), "warning");
  EXPECT_EQ(severity_name(Severity::Error), "error");
}

// -------------------------------------------------------------------- is_large

TEST(IsLarge, RowsThresholdIsInclusive) {
  Settings s;
  EXPECT_FALSE(is_large(99999, 0, s));
  EXPECT_TRUE(is_large(100000, 0, s));
  EXPECT_TRUE(is_large(5000000, 0, s));
}

TEST(IsLarge, BytesThresholdIsInclusive) {
  Settings s;
  EXPECT_FALSE(is_large(10, s.large_table_bytes - 1, s));
  EXPECT_TRUE(is_large(10, s.large_table_bytes, s));
}

TEST(IsLarge, EitherThresholdIsEnough) {
  Settings s;
  EXPECT_TRUE(is_large(200000, 8192, s));             // many narrow rows
  EXPECT_TRUE(is_large(1000, 500LL * 1024 * 1024, s));  // few wide rows
  EXPECT_FALSE(is_large(1000, 8192, s));
}

TEST(IsLarge, UnknownRowsLeaveTheDecisionToTheSize) {
  Settings s;
  EXPECT_TRUE(is_large(-1, 200LL * 1024 * 1024, s));
  EXPECT_FALSE(is_large(-1, 8192, s));
  EXPECT_FALSE(is_large(-1, -1, s));
}

TEST(IsLarge, UnknownBytesLeaveTheDecisionToTheRows) {
  Settings s;
  EXPECT_TRUE(is_large(100000, -1, s));
  EXPECT_FALSE(is_large(99999, -1, s));
}

TEST(IsLarge, CustomThresholds) {
  Settings s;
  s.large_table_rows = 1000;
  s.large_table_bytes = 1024 * 1024;
  EXPECT_TRUE(is_large(1000, 0, s));
  EXPECT_FALSE(is_large(999, 0, s));
  EXPECT_TRUE(is_large(0, 1024 * 1024, s));
}

TEST(IsLarge, ZeroThresholdMakesEveryKnownTableLarge) {
  Settings s;
  s.large_table_rows = 0;
  EXPECT_TRUE(is_large(0, 0, s));
  EXPECT_FALSE(is_large(-1, -1, s));
}

// ---------------------------------------------------------------------- decide

TEST(Decide, EveryModeAndSeverity) {
  struct Case {
    Mode mode;
    Severity severity;
    Action action;
  };
  const Case cases[] = {
      {Mode::Off, Severity::Info, Action::Ignore},
      {Mode::Off, Severity::Warning, Action::Ignore},
      {Mode::Off, Severity::Error, Action::Ignore},
      {Mode::Log, Severity::Info, Action::Log},
      {Mode::Log, Severity::Warning, Action::Log},
      {Mode::Log, Severity::Error, Action::Log},
      {Mode::Warn, Severity::Info, Action::Log},
      {Mode::Warn, Severity::Warning, Action::Warn},
      {Mode::Warn, Severity::Error, Action::Warn},
      {Mode::Enforce, Severity::Info, Action::Log},
      {Mode::Enforce, Severity::Warning, Action::Warn},
      {Mode::Enforce, Severity::Error, Action::Reject},
  };
  for (const Case& c : cases)
    EXPECT_EQ(decide(c.severity, with_mode(c.mode)), c.action)
        << "mode " << static_cast<int>(c.mode) << ", severity " << severity_name(c.severity);
}

TEST(Decide, OnlyEnforceRejectsAndOnlyErrors) {
  for (Mode m : kModes)
    for (Severity sev : kSeverities)
      EXPECT_EQ(decide(sev, with_mode(m)) == Action::Reject,
                m == Mode::Enforce && sev == Severity::Error)
          << "mode " << static_cast<int>(m) << ", severity " << severity_name(sev);
}

TEST(Decide, ExtensionScriptNeverRejects) {
  for (Mode m : kModes)
    for (Severity sev : kSeverities)
      EXPECT_NE(decide(sev, with_mode(m, true)), Action::Reject)
          << "mode " << static_cast<int>(m) << ", severity " << severity_name(sev);
}

TEST(Decide, ExtensionScriptErrorUnderEnforceIsStillReported) {
  EXPECT_EQ(decide(Severity::Error, with_mode(Mode::Enforce, true)), Action::Warn);
  EXPECT_EQ(decide(Severity::Warning, with_mode(Mode::Enforce, true)), Action::Warn);
  EXPECT_EQ(decide(Severity::Info, with_mode(Mode::Enforce, true)), Action::Log);
  // The other modes are unaffected by the flag.
  EXPECT_EQ(decide(Severity::Error, with_mode(Mode::Warn, true)), Action::Warn);
  EXPECT_EQ(decide(Severity::Error, with_mode(Mode::Log, true)), Action::Log);
  EXPECT_EQ(decide(Severity::Error, with_mode(Mode::Off, true)), Action::Ignore);
}

}  // namespace
}  // namespace mg
