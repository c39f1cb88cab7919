// The C door between the glue and the core: mg_evaluate, mg_result_free and
// the catalog accessors.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/c_api.h"
#include "core/model.hpp"
#include "core/policy.hpp"

namespace {

const char* const kStatement = "CREATE INDEX orders_customer_idx ON orders (customer_id);";

MgTable large_orders() {
  MgTable t{};
  t.name = {"public", "orders"};
  t.kind = 'r';
  t.rows = 200000;
  t.bytes = 11LL * 1024 * 1024;
  return t;
}

MgOperation create_index_op(MgTable table) {
  MgOperation op{};
  op.kind = MG_OP_CREATE_INDEX;
  op.table = table;
  op.statement = kStatement;
  op.concurrently_at = 12;  // after "CREATE INDEX"
  op.relation_end = 42;     // after "orders"
  op.index_name = "orders_customer_idx";
  return op;
}

MgOperation add_not_null_column_op(MgTable table) {
  MgOperation op{};
  op.kind = MG_OP_ADD_COLUMN;
  op.table = table;
  op.concurrently_at = -1;
  op.relation_end = -1;
  op.column = "status";
  op.type_sql = "text";
  op.not_null = true;
  return op;
}

MgSettings settings(mg::Mode mode, bool in_extension_script = false) {
  MgSettings s{};
  s.mode = static_cast<int>(mode);
  s.large_table_rows = 100000;
  s.large_table_bytes = 100LL * 1024 * 1024;
  s.in_extension_script = in_extension_script;
  return s;
}

// Owns an MgResult and frees it however the test ends.
struct Result {
  MgResult r{};
  ~Result() { mg_result_free(&r); }
};

TEST(CApi, OffsetsOfTheTestStatement) {
  // The offsets used above, checked once against the text.
  EXPECT_EQ(std::string(kStatement).substr(0, 12), "CREATE INDEX");
  EXPECT_EQ(std::string(kStatement).substr(0, 42), "CREATE INDEX orders_customer_idx ON orders");
}

TEST(CApi, EvaluateFillsFindings) {
  MgOperation op = create_index_op(large_orders());
  MgSettings s = settings(mg::Mode::Enforce);
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.error, nullptr);
  ASSERT_EQ(res.r.nfindings, 1);
  ASSERT_NE(res.r.findings, nullptr);
  const MgFinding& f = res.r.findings[0];
  EXPECT_STREQ(f.rule, "index_not_concurrent");
  EXPECT_EQ(f.severity, static_cast<int>(mg::Severity::Error));
  EXPECT_EQ(f.action, MG_ACTION_REJECT);
  EXPECT_STREQ(f.relation, "public.orders");
  EXPECT_STREQ(f.message,
               "creating index \"orders_customer_idx\" on large table \"public.orders\" without "
               "CONCURRENTLY blocks writes");
  EXPECT_STREQ(f.detail,
               "Table \"public.orders\" holds about 200 thousand rows (11 MB). CREATE INDEX holds "
               "a SHARE lock on it for the whole build, which blocks INSERT, UPDATE, DELETE and "
               "MERGE; reads go on.");
  EXPECT_STREQ(f.hint,
               "Build it without blocking writes; CONCURRENTLY cannot run inside a transaction "
               "block:\n"
               "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n"
               "Migration tools that wrap each migration in a transaction each have a switch to "
               "run one without: migration_guard's docs/tools.md names them.\n"
               "To run it as it is, acknowledge the rule for this transaction (needs the SET "
               "privilege on migration_guard.allow):\n"
               "SET LOCAL migration_guard.allow = 'index_not_concurrent';");
}

TEST(CApi, ActionFollowsTheMode) {
  struct Case {
    mg::Mode mode;
    int action;
  };
  const Case cases[] = {
      {mg::Mode::Off, MG_ACTION_IGNORE},
      {mg::Mode::Log, MG_ACTION_LOG},
      {mg::Mode::Warn, MG_ACTION_WARN},
      {mg::Mode::Enforce, MG_ACTION_REJECT},
  };
  MgOperation op = create_index_op(large_orders());
  for (const Case& c : cases) {
    MgSettings s = settings(c.mode);
    Result res;
    mg_evaluate(&op, 1, &s, &res.r);
    ASSERT_EQ(res.r.error, nullptr);
    ASSERT_EQ(res.r.nfindings, 1) << "mode " << s.mode;
    EXPECT_EQ(res.r.findings[0].action, c.action) << "mode " << s.mode;
  }
}

TEST(CApi, ActionValuesEqualCoreActions) {
  EXPECT_EQ(MG_ACTION_IGNORE, static_cast<int>(mg::Action::Ignore));
  EXPECT_EQ(MG_ACTION_LOG, static_cast<int>(mg::Action::Log));
  EXPECT_EQ(MG_ACTION_WARN, static_cast<int>(mg::Action::Warn));
  EXPECT_EQ(MG_ACTION_REJECT, static_cast<int>(mg::Action::Reject));
}

TEST(CApi, ExtensionScriptIsNotRejectedAndSaysWhy) {
  MgOperation op = create_index_op(large_orders());
  MgSettings s = settings(mg::Mode::Enforce, true);
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.nfindings, 1);
  EXPECT_EQ(res.r.findings[0].action, MG_ACTION_WARN);
  const std::string detail = res.r.findings[0].detail;
  const std::string note =
      " Not rejected: the statement runs in an extension's install or update script, which "
      "cannot be edited.";
  ASSERT_GE(detail.size(), note.size());
  EXPECT_EQ(detail.substr(detail.size() - note.size()), note);
}

TEST(CApi, SeveralOperationsInOrder) {
  MgOperation ops[2] = {add_not_null_column_op(large_orders()), create_index_op(large_orders())};
  MgSettings s = settings(mg::Mode::Warn);
  Result res;
  mg_evaluate(ops, 2, &s, &res.r);
  ASSERT_EQ(res.r.error, nullptr);
  ASSERT_EQ(res.r.nfindings, 2);
  EXPECT_STREQ(res.r.findings[0].rule, "add_column_not_null_no_default");
  EXPECT_STREQ(res.r.findings[1].rule, "index_not_concurrent");
  EXPECT_EQ(res.r.findings[0].action, MG_ACTION_WARN);
  EXPECT_EQ(res.r.findings[1].action, MG_ACTION_WARN);
}

TEST(CApi, NothingFoundLeavesFindingsNull) {
  MgTable small = large_orders();
  small.rows = 10;
  small.bytes = 8192;
  MgOperation op = create_index_op(small);
  MgSettings s = settings(mg::Mode::Enforce);
  MgResult res;
  std::memset(&res, 0xAB, sizeof res);  // mg_evaluate must set every field
  mg_evaluate(&op, 1, &s, &res);
  EXPECT_EQ(res.findings, nullptr);
  EXPECT_EQ(res.nfindings, 0);
  EXPECT_EQ(res.error, nullptr);
  mg_result_free(&res);
}

TEST(CApi, NoOperations) {
  MgSettings s = settings(mg::Mode::Enforce);
  Result res;
  mg_evaluate(nullptr, 0, &s, &res.r);
  EXPECT_EQ(res.r.findings, nullptr);
  EXPECT_EQ(res.r.nfindings, 0);
  EXPECT_EQ(res.r.error, nullptr);
}

TEST(CApi, NullStringsAreEmpty) {
  // The glue passes NULL for absent strings: an unnamed index, no schema.
  MgTable t = large_orders();
  t.name.schema = nullptr;
  MgOperation op = create_index_op(t);
  op.index_name = nullptr;
  op.statement = nullptr;
  op.concurrently_at = -1;
  op.relation_end = -1;
  MgSettings s = settings(mg::Mode::Warn);
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_EQ(res.r.error, nullptr);
  ASSERT_EQ(res.r.nfindings, 1);
  EXPECT_STREQ(res.r.findings[0].relation, "orders");
  EXPECT_STREQ(res.r.findings[0].hint,
               "Build the index with CREATE INDEX CONCURRENTLY, outside any transaction block.");
}

TEST(CApi, UnknownOperationKindIsAnErrorNotACrash) {
  MgOperation op = create_index_op(large_orders());
  op.kind = static_cast<MgOpKind>(0);
  MgSettings s = settings(mg::Mode::Enforce);
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  ASSERT_NE(res.r.error, nullptr);
  EXPECT_STREQ(res.r.error, "unknown operation kind");
  EXPECT_EQ(res.r.findings, nullptr);
  EXPECT_EQ(res.r.nfindings, 0);
}

TEST(CApi, ResultFreeResetsAndIsIdempotent) {
  MgOperation op = create_index_op(large_orders());
  MgSettings s = settings(mg::Mode::Warn);
  MgResult res;
  mg_evaluate(&op, 1, &s, &res);
  ASSERT_EQ(res.nfindings, 1);
  mg_result_free(&res);
  EXPECT_EQ(res.findings, nullptr);
  EXPECT_EQ(res.nfindings, 0);
  EXPECT_EQ(res.error, nullptr);
  mg_result_free(&res);  // a second free is harmless
  EXPECT_EQ(res.findings, nullptr);
}

TEST(CApi, TableRewriteEventThroughTheDoor) {
  MgOperation op{};
  op.kind = MG_OP_TABLE_REWRITE;
  op.table = large_orders();
  op.concurrently_at = -1;
  op.relation_end = -1;
  op.command = "ALTER TABLE";
  op.rewrite_reason = mg::kRewriteColumn;
  MgSettings s = settings(mg::Mode::Enforce);
  {
    Result res;
    mg_evaluate(&op, 1, &s, &res.r);
    ASSERT_EQ(res.r.nfindings, 1);
    EXPECT_STREQ(res.r.findings[0].rule, "table_rewrite");
    EXPECT_STREQ(res.r.findings[0].message, "ALTER TABLE rewrites large table \"public.orders\"");
    EXPECT_EQ(res.r.findings[0].action, MG_ACTION_REJECT);
  }
  op.rewrite_predicted = true;
  Result res;
  mg_evaluate(&op, 1, &s, &res.r);
  EXPECT_EQ(res.r.nfindings, 0);
  EXPECT_EQ(res.r.findings, nullptr);
}

TEST(CApi, RuleCatalog) {
  int n = mg_rule_count();
  ASSERT_GT(n, 0);
  MgRuleInfo info{};
  ASSERT_TRUE(mg_rule_get(0, &info));
  EXPECT_STREQ(info.id, "index_not_concurrent");
  EXPECT_STREQ(info.severity, "error");
  bool seen_table_rewrite = false;
  for (int i = 0; i < n; i++) {
    ASSERT_TRUE(mg_rule_get(i, &info));
    EXPECT_NE(info.summary, nullptr);
    EXPECT_NE(info.explanation, nullptr);
    EXPECT_NE(info.recipe, nullptr);
    seen_table_rewrite = seen_table_rewrite || std::strcmp(info.id, "table_rewrite") == 0;
  }
  EXPECT_TRUE(seen_table_rewrite);
  EXPECT_FALSE(mg_rule_get(n, &info));
  EXPECT_FALSE(mg_rule_get(-1, &info));
}

TEST(CApi, EffectNames) {
  EXPECT_STREQ(mg_effect_name(static_cast<int>(mg::Effect::Metadata)), "metadata");
  EXPECT_STREQ(mg_effect_name(static_cast<int>(mg::Effect::Rewrite)), "rewrite");
  EXPECT_STREQ(mg_effect_name(static_cast<int>(mg::Effect::Drop)), "drop");
  EXPECT_STREQ(mg_effect_name(-1), "none");
  EXPECT_STREQ(mg_effect_name(99), "none");
}

}  // namespace
