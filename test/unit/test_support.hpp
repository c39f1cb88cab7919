// Small builders shared by the unit tests: tables with given facts, and
// operations of each kind, so that each test states only what it is about.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/policy.hpp"
#include "core/rules.hpp"

namespace mg::test {

constexpr int64_t kMiB = 1024 * 1024;

// public.orders with 200 000 rows in 11 MB: large under the default
// thresholds (100 000 rows).
inline TableFacts table(std::string schema, std::string name, int64_t rows, int64_t bytes) {
  TableFacts t;
  t.name = {std::move(schema), std::move(name)};
  t.rows = rows;
  t.bytes = bytes;
  return t;
}
inline TableFacts large_table(std::string name = "orders") {
  return table("public", std::move(name), 200000, 11 * kMiB);
}
inline TableFacts small_table(std::string name = "orders") {
  return table("public", std::move(name), 500, 64 * 1024);
}
inline TableFacts empty_table(std::string name = "orders") {
  return table("public", std::move(name), 0, 8192);
}

inline Operation operation(OpKind kind, TableFacts t) {
  Operation op;
  op.kind = kind;
  op.table = std::move(t);
  return op;
}

// The findings of one rule only, so that a test is not disturbed by the
// other rules of the catalog.
inline std::vector<Finding> findings_of(const std::string& rule, const Operation& op,
                                        const Settings& s = Settings{}) {
  std::vector<Finding> out;
  for (Finding& f : evaluate(op, s))
    if (f.rule == rule) out.push_back(std::move(f));
  return out;
}

inline ::testing::AssertionResult HasSubstr(const char* hay_expr, const char* needle_expr,
                                            const std::string& hay, const std::string& needle) {
  if (hay.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << hay_expr << " does not contain " << needle_expr
                                       << "\n  text:   " << hay << "\n  wanted: " << needle;
}
inline ::testing::AssertionResult LacksSubstr(const char* hay_expr, const char* needle_expr,
                                              const std::string& hay, const std::string& needle) {
  if (hay.find(needle) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << hay_expr << " contains " << needle_expr
                                       << "\n  text: " << hay;
}

}  // namespace mg::test

#define MG_EXPECT_HAS(hay, needle) EXPECT_PRED_FORMAT2(::mg::test::HasSubstr, hay, needle)
#define MG_EXPECT_LACKS(hay, needle) EXPECT_PRED_FORMAT2(::mg::test::LacksSubstr, hay, needle)
