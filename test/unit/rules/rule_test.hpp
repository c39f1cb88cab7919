// Helpers shared by the rules' unit tests (test/unit/rules/<id>_test.cpp):
// tables of a given size, an operation on one, the findings of one rule, and
// the conventions every finding follows.  Each test file builds the
// operations of its own rule.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/policy.hpp"
#include "core/rules.hpp"
#include "test_support.hpp"

namespace mg::rule_test {

// Plain GoogleTest (no gmock): substring assertions with a readable failure.
inline ::testing::AssertionResult Contains(const char* hay_expr, const char* needle_expr,
                                           const std::string& hay, const std::string& needle) {
  if (hay.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << hay_expr << " does not contain " << needle_expr
                                       << "\n  text:   " << hay << "\n  wanted: " << needle;
}
inline ::testing::AssertionResult Lacks(const char* hay_expr, const char* needle_expr,
                                        const std::string& hay, const std::string& needle) {
  if (hay.find(needle) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << hay_expr << " contains " << needle_expr
                                       << "\n  text: " << hay;
}

// public.<name>; bytes default to 100 per row.
inline TableFacts table(const std::string& name, int64_t rows, int64_t bytes = -2) {
  TableFacts t;
  t.name = {"public", name};
  t.rows = rows;
  t.bytes = bytes == -2 ? (rows < 0 ? -1 : rows * 100) : bytes;
  return t;
}

inline TableFacts large(const std::string& name = "orders") { return table(name, 500000); }
inline TableFacts small(const std::string& name = "orders") { return table(name, 50); }
inline TableFacts empty(const std::string& name = "orders") { return table(name, 0, 8192); }

inline Operation op_of(OpKind kind, TableFacts t) {
  Operation op;
  op.kind = kind;
  op.table = std::move(t);
  return op;
}

inline std::vector<Finding> only(const std::vector<Finding>& all, const std::string& rule) {
  std::vector<Finding> out;
  for (const Finding& f : all)
    if (f.rule == rule) out.push_back(f);
  return out;
}

// The findings of one rule for op, after the whole catalog ran.
inline std::vector<Finding> run(const Operation& op, const std::string& rule,
                                const Settings& s = {}) {
  return only(evaluate(op, s), rule);
}

// The conventions every finding follows.
inline void expect_well_formed(const Finding& f, const TableFacts& t) {
  EXPECT_FALSE(f.message.empty());
  EXPECT_NE(f.message.back(), '.') << f.message;
  EXPECT_EQ(f.detail.rfind(table_facts_sentence(t), 0), 0u) << f.detail;
  EXPECT_EQ(f.detail.back(), '.') << f.detail;
  EXPECT_FALSE(f.hint.empty());
  EXPECT_EQ(f.relation, display_name(t.name));
  const Rule* info = find_rule(f.rule);
  ASSERT_NE(info, nullptr) << f.rule;
}

}  // namespace mg::rule_test

#define EXPECT_CONTAINS(hay, needle) EXPECT_PRED_FORMAT2(::mg::rule_test::Contains, hay, needle)
#define EXPECT_LACKS(hay, needle) EXPECT_PRED_FORMAT2(::mg::rule_test::Lacks, hay, needle)
