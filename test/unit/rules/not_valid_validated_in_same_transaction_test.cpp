// not_valid_validated_in_same_transaction: ADD CONSTRAINT ... NOT VALID and
// VALIDATE CONSTRAINT of the same constraint in one transaction of a
// reviewed script.
#include "rules/rule_test.hpp"
#include "script_support.hpp"

namespace mg {
namespace {

using namespace script_test;

TEST(NotValidValidatedInSameTransaction, FlaggedInOneTransaction) {
  TableFacts orders = big("orders");
  ScriptReview r = review_script(
      {control(1, "BEGIN", 1), add_check(2, orders, "orders_total_positive", true, 1),
       validate(3, orders, "orders_total_positive", 1), control(4, "COMMIT", 1)},
      Settings{});
  auto f = findings_of(r, "not_valid_validated_in_same_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::Warning);
  EXPECT_EQ(f[0]->relation, "public.orders");
  MG_EXPECT_HAS(f[0]->message, "validating constraint \"orders_total_positive\"");
  MG_EXPECT_HAS(f[0]->message, "(statement 2)");
  MG_EXPECT_HAS(f[0]->message, "ACCESS EXCLUSIVE");
  MG_EXPECT_HAS(f[0]->detail, "Estimated duration: about 11 s");
  MG_EXPECT_HAS(f[0]->hint,
                "COMMIT;\nBEGIN;\nALTER TABLE public.orders VALIDATE CONSTRAINT "
                "orders_total_positive;");
  EXPECT_EQ(f[0]->safe_sql,
            "COMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;");
  // Not reported twice by lock_held_across_statements.
  EXPECT_TRUE(findings_of(r, "lock_held_across_statements").empty());
  EXPECT_EQ(r.risk, Risk::Medium);
}

TEST(NotValidValidatedInSameTransaction, SilentAcrossTransactionsOrForAnotherConstraint) {
  TableFacts orders = big("orders");
  ScriptReview apart = review_script(
      {control(1, "BEGIN", 1), add_check(2, orders, "c", true, 1), control(3, "COMMIT", 1),
       control(4, "BEGIN", 2), validate(5, orders, "c", 2), control(6, "COMMIT", 2)},
      Settings{});
  EXPECT_TRUE(findings_of(apart, "not_valid_validated_in_same_transaction").empty());
  ScriptReview other = review_script(
      {add_check(1, orders, "c", true, 1), validate(2, orders, "d", 1)}, Settings{});
  EXPECT_TRUE(findings_of(other, "not_valid_validated_in_same_transaction").empty());
  ScriptReview small = review_script(
      {add_check(1, test::small_table(), "c", true, 1), validate(2, test::small_table(), "c", 1)},
      Settings{});
  EXPECT_TRUE(findings_of(small, "not_valid_validated_in_same_transaction").empty());
  // Nothing to judge in a single operation: the rule has no check for one.
  const Rule* rule = find_rule("not_valid_validated_in_same_transaction");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->check, nullptr);
  EXPECT_TRUE(rule_test::run(validate(2, orders, "c", 1).ops[0],
                             "not_valid_validated_in_same_transaction")
                  .empty());
}

}  // namespace
}  // namespace mg
