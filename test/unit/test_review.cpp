// The review of a whole script: per-statement findings, risk and type, the
// rollback plan, the recommended migration, the Markdown and JSON reports,
// and mg_review() through the C door.  The script-level rules have their own
// tests in test/unit/rules/.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/c_api.h"
#include "core/review.hpp"
#include "script_support.hpp"
#include "test_support.hpp"

namespace mg {
namespace {

using namespace script_test;
using test::kMiB;

// ------------------------------------------------------------ JSON checking

// A strict RFC 8259 validator: enough to prove the report parses.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& s) : s_(s) {}
  bool valid() {
    ws();
    if (!value()) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  bool value() {
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    return literal("true") || literal("false") || literal("null");
  }
  bool literal(const char* w) {
    std::string word(w);
    if (s_.compare(i_, word.size(), word) != 0) return false;
    i_ += word.size();
    return true;
  }
  bool object() {
    ++i_;
    ws();
    if (peek('}')) return ++i_, true;
    for (;;) {
      ws();
      if (!peek('"') || !string()) return false;
      ws();
      if (!peek(':')) return false;
      ++i_;
      ws();
      if (!value()) return false;
      ws();
      if (peek(',')) {
        ++i_;
        continue;
      }
      if (peek('}')) return ++i_, true;
      return false;
    }
  }
  bool array() {
    ++i_;
    ws();
    if (peek(']')) return ++i_, true;
    for (;;) {
      ws();
      if (!value()) return false;
      ws();
      if (peek(',')) {
        ++i_;
        continue;
      }
      if (peek(']')) return ++i_, true;
      return false;
    }
  }
  bool string() {
    ++i_;
    while (i_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i_;
        if (i_ >= s_.size()) return false;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k)
            if (i_ + k >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_ + k])))
              return false;
          i_ += 5;
          continue;
        }
        if (std::string("\"\\/bfnrt").find(e) == std::string::npos) return false;
      }
      ++i_;
    }
    return false;
  }
  bool number() {
    std::size_t start = i_;
    if (peek('-')) ++i_;
    if (peek('0')) {
      ++i_;
    } else {
      if (!digits()) return false;
    }
    if (peek('.')) {
      ++i_;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++i_;
      if (peek('+') || peek('-')) ++i_;
      if (!digits()) return false;
    }
    return i_ > start;
  }
  bool digits() {
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }
  bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  const std::string& s_;
  std::size_t i_ = 0;
};

// Also through python3's json module when it is there.  Returns -1 when it
// is not available.
int python_json_check(const std::string& json) {
  if (std::system("python3 -c 'import json' >/dev/null 2>&1") != 0) return -1;
  char path[] = "/tmp/mg_review_json_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE* f = fdopen(fd, "w");
  std::fwrite(json.data(), 1, json.size(), f);
  std::fclose(f);
  std::string cmd = std::string("python3 -c 'import json,sys; json.load(open(sys.argv[1], "
                                "encoding=\"utf-8\"))' ") +
                    path + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  std::remove(path);
  return rc == 0 ? 1 : 0;
}

void expect_valid_json(const std::string& json) {
  EXPECT_TRUE(JsonChecker(json).valid()) << json;
  int py = python_json_check(json);
  if (py >= 0) {
    EXPECT_EQ(py, 1) << "python3 json.load refused:\n" << json;
  }
}

TEST(JsonChecker, AcceptsAndRefuses) {
  EXPECT_TRUE(JsonChecker(R"({"a":[1,-2.5,1e3,true,null],"b":"x\n\u0001"})").valid());
  EXPECT_FALSE(JsonChecker("{\"a\":\"raw\nnewline\"}").valid());
  EXPECT_FALSE(JsonChecker("{\"a\":1,}").valid());
  EXPECT_FALSE(JsonChecker("{\"a\":01}").valid());
  EXPECT_FALSE(JsonChecker("{\"a\":\"\\x\"}").valid());
}

// ------------------------------------------------------------ the safe recipe

TEST(Review, SafeMultiStatementRecipeIsClean) {
  TableFacts orders = big("orders");
  std::vector<ScriptStatement> script = {
      add_check(1, orders, "orders_total_positive", true),
      validate(2, orders, "orders_total_positive"),
      create_index(3, orders, "orders_created_idx", true),
      add_column(4, orders, "note"),
  };
  ScriptReview r = review_script(script, Settings{});
  for (const ReviewedStatement& rs : r.statements)
    EXPECT_TRUE(rs.findings.empty()) << rs.stmt.no << ": " << rs.findings.front().rule;
  EXPECT_EQ(r.risk, Risk::Low);
  EXPECT_EQ(r.type, "schema change");
  EXPECT_EQ(r.errors, 0);
  EXPECT_EQ(r.warnings, 0);
  // The same script, each statement in its own transaction, is clean too.
  std::vector<ScriptStatement> in_tx = {
      control(1, "BEGIN", 1), add_check(2, orders, "orders_total_positive", true, 1),
      control(3, "COMMIT", 1), control(4, "BEGIN", 2),
      validate(5, orders, "orders_total_positive", 2), control(6, "COMMIT", 2)};
  ScriptReview r2 = review_script(in_tx, Settings{});
  EXPECT_EQ(r2.errors + r2.warnings, 0);
  EXPECT_EQ(r2.risk, Risk::Low);
}

TEST(Review, IdenticalFindingsOfOneStatementAreReportedOnce) {
  ScriptStatement st = create_index(1, big("orders"), "orders_created_idx", false);
  st.ops.push_back(st.ops.front());
  ScriptReview r = review_script({st}, Settings{});
  EXPECT_EQ(findings_of(r, "index_not_concurrent").size(), 1u);
}

// ------------------------------------------------------------ risk and type

TEST(Review, RiskLevels) {
  // An error on a table the statement rewrites: CRITICAL.
  ScriptStatement rewrite = stmt(1, "ALTER TABLE orders ALTER COLUMN amount TYPE bigint", "ALTER TABLE");
  rewrite.rels.push_back(rel(big("orders"), LockMode::AccessExclusive, Effect::Rewrite));
  Operation at = test::operation(OpKind::AlterColumnType, big("orders"));
  at.alter_type = {"amount", "integer", "bigint", true, false, false, "", 0, "", ""};
  rewrite.ops.push_back(at);
  EXPECT_EQ(review_script({rewrite}, Settings{}).risk, Risk::Critical);
  // A data-loss rule: CRITICAL.
  ScriptStatement drop = stmt(1, "DROP TABLE orders", "DROP TABLE");
  drop.rels.push_back(rel(test::small_table(), LockMode::AccessExclusive, Effect::Drop));
  drop.ops.push_back(test::operation(OpKind::DropTable, test::small_table()));
  EXPECT_EQ(review_script({drop}, Settings{}).risk, Risk::Critical);
  // An error on an index build: HIGH.
  EXPECT_EQ(review_script({create_index(1, big("orders"), "i", false)}, Settings{}).risk,
            Risk::High);
  // A warning only: MEDIUM.
  ScriptStatement rename = stmt(1, "ALTER TABLE orders RENAME COLUMN a TO b", "ALTER TABLE");
  rename.rels.push_back(rel(test::small_table(), LockMode::AccessExclusive, Effect::Metadata));
  Operation rc = test::operation(OpKind::RenameColumn, test::small_table());
  rc.column.column = "a";
  rc.column.new_name = "b";
  rename.ops.push_back(rc);
  ScriptReview medium = review_script({rename}, Settings{});
  EXPECT_EQ(medium.risk, Risk::Medium);
  EXPECT_EQ(medium.warnings, 1);
  EXPECT_EQ(risk_name(Risk::Critical), "CRITICAL");
  EXPECT_EQ(risk_name(Risk::Low), "LOW");
}

TEST(Review, Types) {
  ScriptStatement ddl = add_column(1, test::small_table(), "note");
  ScriptStatement update = dml(2, "UPDATE orders SET note = 'x'", "UPDATE");
  ScriptStatement set = dml(3, "SET lock_timeout = '5s'", "SET");
  EXPECT_EQ(review_script({ddl}, Settings{}).type, "schema change");
  EXPECT_EQ(review_script({update}, Settings{}).type, "data migration");
  EXPECT_EQ(review_script({ddl, update}, Settings{}).type, "mixed");
  EXPECT_EQ(review_script({set}, Settings{}).type, "no-op");
  EXPECT_EQ(review_script({}, Settings{}).type, "no-op");
  EXPECT_TRUE(is_dml("INSERT"));
  EXPECT_TRUE(is_dml("copy"));
  EXPECT_TRUE(is_dml("MERGE"));
  EXPECT_FALSE(is_dml("CREATE TABLE"));
  EXPECT_FALSE(is_dml("INSERTED"));
}

// ------------------------------------------------------------ rollback

TEST(Review, RollbackInReverseOrder) {
  TableFacts orders = test::small_table();
  ScriptStatement rename = stmt(4, "ALTER TABLE orders RENAME COLUMN a TO b", "ALTER TABLE");
  Operation rc = test::operation(OpKind::RenameColumn, orders);
  rc.column.column = "a";
  rc.column.new_name = "b";
  rename.ops.push_back(rc);
  ScriptStatement drop = stmt(5, "DROP TABLE old_orders", "DROP TABLE");
  drop.ops.push_back(test::operation(OpKind::DropTable, test::table("public", "old_orders", 10, 8192)));
  ScriptStatement type = stmt(6, "ALTER TABLE orders ALTER COLUMN n TYPE bigint", "ALTER TABLE");
  Operation at = test::operation(OpKind::AlterColumnType, orders);
  at.alter_type = {"n", "integer", "bigint", true, false, false, "", 0, "", ""};
  type.ops.push_back(at);
  ScriptStatement nn = stmt(7, "ALTER TABLE orders ALTER COLUMN n SET NOT NULL", "ALTER TABLE");
  Operation sn = test::operation(OpKind::SetNotNull, orders);
  sn.column.column = "n";
  nn.ops.push_back(sn);
  ScriptStatement rt = stmt(8, "ALTER TABLE orders RENAME TO purchases", "ALTER TABLE");
  Operation rto = test::operation(OpKind::RenameTable, orders);
  rto.object_name = "purchases";
  rt.ops.push_back(rto);
  ScriptStatement vac = stmt(9, "VACUUM FULL orders", "VACUUM");
  vac.ops.push_back(test::operation(OpKind::VacuumFull, orders));

  ScriptReview r = review_script(
      {control(0, "BEGIN", 1), create_index(1, orders, "orders_created_idx", true),
       add_column(2, orders, "note"), add_check(3, orders, "orders_total_positive", true), rename,
       drop, type, nn, rt, vac, dml(10, "UPDATE orders SET note = 'x'", "UPDATE"),
       dml(11, "SET search_path = public", "SET")},
      Settings{});
  std::vector<RollbackStep> steps = rollback_plan(r, Settings{});
  std::vector<int> order;
  for (const RollbackStep& s : steps) order.push_back(s.stmt_no);
  EXPECT_EQ(order, (std::vector<int>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
  auto sql = [&](int no) {
    for (const RollbackStep& s : steps)
      if (s.stmt_no == no) return s.sql;
    return std::string();
  };
  EXPECT_EQ(sql(1), "DROP INDEX CONCURRENTLY public.orders_created_idx;");
  EXPECT_EQ(sql(2), "ALTER TABLE public.orders DROP COLUMN note;");
  EXPECT_EQ(sql(3), "ALTER TABLE public.orders DROP CONSTRAINT orders_total_positive;");
  EXPECT_EQ(sql(4), "ALTER TABLE public.orders RENAME COLUMN b TO a;");
  EXPECT_EQ(sql(5).rfind("-- not reversible: restore table public.old_orders from a backup", 0), 0u);
  EXPECT_EQ(sql(6), "ALTER TABLE public.orders ALTER COLUMN n TYPE integer;");
  EXPECT_EQ(sql(7), "ALTER TABLE public.orders ALTER COLUMN n DROP NOT NULL;");
  EXPECT_EQ(sql(8), "ALTER TABLE public.purchases RENAME TO orders;");
  EXPECT_EQ(sql(9).rfind("-- ", 0), 0u);
  MG_EXPECT_HAS(sql(10), "no automatic rollback");
}

// ------------------------------------------------------------ recommended SQL

TEST(Review, RecommendedMigrationReplacesFlaggedStatements) {
  TableFacts orders = big("orders");
  ScriptReview r = review_script(
      {add_column(1, orders, "note"), create_index(2, orders, "orders_created_idx", false),
       add_check(3, orders, "orders_total_positive", false)},
      Settings{});
  std::string sql = recommended_sql(r);
  MG_EXPECT_HAS(sql, "ALTER TABLE orders ADD COLUMN note text;\n");
  MG_EXPECT_HAS(sql, "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);");
  MG_EXPECT_LACKS(sql, "CREATE INDEX orders_created_idx");
  MG_EXPECT_HAS(sql,
                "ALTER TABLE public.orders ADD CONSTRAINT orders_total_positive CHECK (total >= "
                "0) NOT VALID;\nALTER TABLE public.orders VALIDATE CONSTRAINT "
                "orders_total_positive;");
  MG_EXPECT_LACKS(sql, "CHECK (total >= 0);");
}

TEST(Review, RecommendedMigrationGivesTheRecipesTheirOwnTransactions) {
  // Inside the script's BEGIN/COMMIT: the validation runs after a COMMIT that
  // releases ADD CONSTRAINT's lock, and CONCURRENTLY runs between COMMIT and
  // a new BEGIN.
  TableFacts orders = big("orders");
  ScriptReview r = review_script(
      {control(1, "BEGIN", 1), add_check(2, orders, "orders_total_positive", false, 1),
       create_index(3, orders, "orders_created_idx", false, 1), control(4, "COMMIT", 0)},
      Settings{});
  std::string sql = recommended_sql(r);
  MG_EXPECT_HAS(sql,
                "NOT VALID;\nCOMMIT;  -- release the lock before the validation scan\nBEGIN;\n"
                "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_total_positive;");
  MG_EXPECT_HAS(sql,
                "COMMIT;  -- CONCURRENTLY cannot run inside a transaction block\nCREATE INDEX "
                "CONCURRENTLY orders_created_idx ON orders (created_at);\nBEGIN;");
}

TEST(Review, EveryRuleFindingCarriesItsSafeSql) {
  // The flagged statements of the catalog tests carry the SQL of their hint.
  TableFacts orders = big("orders");
  ScriptStatement idx = create_index(1, orders, "orders_created_idx", false);
  Finding f = evaluate(idx.ops[0], Settings{}).at(0);
  EXPECT_EQ(f.safe_sql, "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);");
  MG_EXPECT_HAS(f.hint, f.safe_sql);
  Operation nn = test::operation(OpKind::SetNotNull, orders);
  nn.column.column = "email";
  nn.partition.scan_needed = true;
  f = test::findings_of("set_not_null_scan", nn).at(0);
  EXPECT_EQ(f.hint.substr(f.hint.size() - f.safe_sql.size()), f.safe_sql);
  EXPECT_EQ(f.safe_sql.rfind("ALTER TABLE public.orders ADD CONSTRAINT", 0), 0u);
  Operation drop = test::operation(OpKind::DropTable, orders);
  f = test::findings_of("drop_table", drop).at(0);
  MG_EXPECT_HAS(f.safe_sql, "ALTER TABLE public.orders RENAME TO orders_deprecated;");
  MG_EXPECT_HAS(f.safe_sql, "-- DROP TABLE public.orders_deprecated;");  // a later release
  // The server's rewrite event has no SQL to offer.
  Operation event = test::operation(OpKind::TableRewrite, orders);
  f = test::findings_of("table_rewrite", event).at(0);
  EXPECT_TRUE(f.safe_sql.empty());
}

TEST(Review, SafeSqlOfEachRuleKind) {
  TableFacts orders = big("orders");
  std::vector<Operation> ops;
  Operation op = test::operation(OpKind::DropIndex, orders);
  op.object_name = "orders_old_idx";
  ops.push_back(op);
  op = test::operation(OpKind::Reindex, orders);
  ops.push_back(op);
  op = test::operation(OpKind::AddConstraint, orders);
  op.constraint.type = 'u';
  op.constraint.columns = "(email)";
  ops.push_back(op);
  op = test::operation(OpKind::AttachPartition, orders);
  op.partition.partition = big("orders_2024");
  op.partition.scan_needed = true;
  op.partition.bound = "FOR VALUES FROM (1) TO (10)";
  ops.push_back(op);
  op = test::operation(OpKind::Truncate, orders);
  ops.push_back(op);
  op = test::operation(OpKind::RenameTable, orders);
  op.object_name = "purchases";
  ops.push_back(op);
  op = test::operation(OpKind::DropColumn, orders);
  op.column.column = "note";
  ops.push_back(op);
  op = test::operation(OpKind::VacuumFull, orders);
  ops.push_back(op);
  for (const Operation& o : ops) {
    std::vector<Finding> found = evaluate(o, Settings{});
    ASSERT_FALSE(found.empty()) << static_cast<int>(o.kind);
    for (const Finding& f : found) {
      EXPECT_FALSE(f.safe_sql.empty()) << f.rule;
      // Every SQL line of safe_sql that is not a comment is in the hint.
      std::size_t start = 0;
      while (start < f.safe_sql.size()) {
        std::size_t end = f.safe_sql.find('\n', start);
        if (end == std::string::npos) end = f.safe_sql.size();
        std::string line = f.safe_sql.substr(start, end - start);
        if (line.rfind("--", 0) != 0) {
          MG_EXPECT_HAS(f.hint, line);
        }
        start = end + 1;
      }
    }
  }
}

// ------------------------------------------------------------ reports

std::vector<ScriptStatement> report_script() {
  return {control(1, "BEGIN", 1), add_column(2, big("customers"), "tier", 1),
          create_index(3, big("orders"), "orders_created_idx", false, 1),
          control(4, "COMMIT", 1), dml(5, "UPDATE orders SET note = 'a|b'", "UPDATE")};
}

TEST(Report, MarkdownHasEverySection) {
  Settings s;
  std::string md = render_markdown(review_script(report_script(), s), s);
  EXPECT_EQ(md.rfind("# Migration review\n", 0), 0u);
  MG_EXPECT_HAS(md, "**Risk: HIGH**. Type: mixed. 5 statements (2 modelled), 1 error, 1 warning.");
  for (const char* section : {"\n## Tables affected\n", "\n## Safety\n", "\n## Locks\n",
                              "\n## Rollback plan\n", "\n## Recommended migration\n"})
    MG_EXPECT_HAS(md, section);
  MG_EXPECT_HAS(md, "| table | estimated rows | size | strongest lock | effect |");
  MG_EXPECT_HAS(md, "| public.orders | 40.0 million | 2146 MB | SHARE | index_build |");
  MG_EXPECT_HAS(md, "| ERROR | 3 | `index_not_concurrent`: creating index");
  MG_EXPECT_HAS(md, "| WARNING | 3 | `lock_held_across_statements`: statement 3 runs");
  MG_EXPECT_HAS(md, "| 3 | CREATE INDEX: index_build | public.orders | SHARE | INSERT, UPDATE, "
                    "DELETE and MERGE; reads go on | about 43 s |");
  MG_EXPECT_HAS(md, "| 2 | ALTER TABLE | public.customers | ACCESS EXCLUSIVE |");
  MG_EXPECT_HAS(md, "- Transaction 1 (statements 1 to 4): ACCESS EXCLUSIVE on public.customers, "
                    "taken by statement 2, is held to the end of the transaction: about 43 s in "
                    "total (estimate).");
  // Built without CONCURRENTLY: dropped the same way (the history's undo too).
  MG_EXPECT_HAS(md, "-- undo statement 3 (CREATE INDEX)\nDROP INDEX public.orders_created_idx;");
  // The undo of statement 3 comes before the undo of statement 2.
  EXPECT_LT(md.find("-- undo statement 3"), md.find("-- undo statement 2"));
  MG_EXPECT_HAS(md, "```sql\nBEGIN;\nALTER TABLE customers ADD COLUMN tier text;\n");
  MG_EXPECT_HAS(md, "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);");
  // Statement text in the Safety impact: the first two sentences only.
  MG_EXPECT_LACKS(md, "| ERROR | 3 | `index_not_concurrent`: creating index \"orders_created_idx\" "
                      "on large table \"public.orders\" without CONCURRENTLY blocks writes | "
                      "Table \"public.orders\" holds about 40.0 million rows (2146 MB). CREATE "
                      "INDEX holds a SHARE lock on it for the whole build, which blocks INSERT, "
                      "UPDATE, DELETE and MERGE; reads go on. Estimated");
}

TEST(Report, MarkdownCellsAreEscaped) {
  EXPECT_EQ(markdown_cell("a|b\nc\r\nd"), "a\\|b<br>c<br>d");
  Settings s;
  ScriptStatement st = add_column(1, big("we|ird"), "x");
  std::string md = render_markdown(review_script({st}, s), s);
  MG_EXPECT_HAS(md, "| public.we\\|ird |");
}

TEST(Report, MarkdownOfAnEmptyScript) {
  Settings s;
  std::string md = render_markdown(review_script({}, s), s);
  MG_EXPECT_HAS(md, "**Risk: LOW**. Type: no-op. 0 statements");
  MG_EXPECT_HAS(md, "## Recommended migration");
}

TEST(Report, JsonParsesAndEscapes) {
  Settings s;
  std::vector<ScriptStatement> script = report_script();
  script[4].text = "UPDATE orders SET note = 'say \"hi\"\\n'\n\tWHERE id = 1\x01\x1f;";
  ScriptReview r = review_script(script, s);
  std::string json = render_json(r, s);
  expect_valid_json(json);
  EXPECT_EQ(json.rfind("{\"risk\":\"HIGH\",\"type\":\"mixed\",", 0), 0u);
  MG_EXPECT_HAS(json, "\"statement\":\"UPDATE orders SET note = 'say \\\"hi\\\"\\\\n'\\n\\tWHERE "
                      "id = 1\\u0001\\u001f;\"");
  MG_EXPECT_HAS(json, "\"relation\":\"public.orders\",\"lock_mode\":\"ShareLock\","
                      "\"effect\":\"index_build\",\"rows\":40000000,\"bytes\":2250244096,"
                      "\"estimated_seconds\":42.9");
  MG_EXPECT_HAS(json, "\"rule\":\"lock_held_across_statements\",\"severity\":\"warning\"");
  MG_EXPECT_HAS(json, "\"safe_sql\":\"CREATE INDEX CONCURRENTLY orders_created_idx ON orders "
                      "(created_at);\"");
  MG_EXPECT_HAS(json, "\"rollback\":[{\"stmt_no\":5,");
  MG_EXPECT_HAS(json, "\"recommended_sql\":\"BEGIN;\\nALTER TABLE customers");
  for (const char* key : {"\"statements\":[", "\"findings\":[", "\"relations\":[",
                          "\"command\":\"CREATE INDEX\"", "\"stmt_no\":3"})
    MG_EXPECT_HAS(json, key);
}

TEST(Report, JsonStringEscaping) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(json_string(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(json_string("caf\xc3\xa9 \xe2\x82\xac"), "\"caf\xc3\xa9 \xe2\x82\xac\"");
  // Not UTF-8 (a LATIN1 byte, a truncated sequence, an encoded surrogate).
  EXPECT_EQ(json_string("caf\xe9"), "\"caf\\ufffd\"");
  EXPECT_EQ(json_string("\xe2\x82"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  expect_valid_json("[" + json_string(std::string("x\x00\"\\\n\xff", 6)) + "]");
}

// ------------------------------------------------------------ the C door

MgTable c_table(const char* name, int64_t rows, int64_t bytes) {
  MgTable t{};
  t.name = {"public", name};
  t.kind = 'r';
  t.rows = rows;
  t.bytes = bytes;
  return t;
}

MgSettings c_settings() {
  MgSettings s{};
  s.mode = static_cast<int>(Mode::Warn);
  s.large_table_rows = 100000;
  s.large_table_bytes = 100LL * 1024 * 1024;
  s.scan_rate = 200LL * 1024 * 1024;
  s.rewrite_rate = 50LL * 1024 * 1024;
  s.index_build_rate = 50LL * 1024 * 1024;
  return s;
}

struct Review {
  MgReviewResult r{};
  ~Review() { mg_review_free(&r); }
};

TEST(CApiReview, RowsTextAndErrors) {
  MgTable customers = c_table("customers", 40000000, 2146LL * 1024 * 1024);
  MgTable orders = c_table("orders", 40000000, 2146LL * 1024 * 1024);
  MgLockedRelation rel2{customers, static_cast<int>(LockMode::AccessExclusive),
                        static_cast<int>(Effect::Metadata), nullptr};
  MgLockedRelation rel3{orders, static_cast<int>(LockMode::Share),
                        static_cast<int>(Effect::IndexBuild), "index build"};
  MgOperation add{};
  add.kind = MG_OP_ADD_COLUMN;
  add.table = customers;
  add.column = "tier";
  add.type_sql = "text";
  add.concurrently_at = -1;
  add.relation_end = -1;
  add.in_transaction_block = true;
  MgOperation idx{};
  idx.kind = MG_OP_CREATE_INDEX;
  idx.table = orders;
  idx.statement = "CREATE INDEX orders_created_idx ON orders (created_at)";
  idx.concurrently_at = 12;
  idx.relation_end = 41;
  idx.index_name = "orders_created_idx";
  idx.in_transaction_block = true;

  MgScriptStatement stmts[4] = {};
  stmts[0] = {1, "BEGIN", "BEGIN", 1, true, false, nullptr, 0, nullptr, 0, nullptr, 0};
  stmts[1] = {2, "ALTER TABLE customers ADD COLUMN tier text", "ALTER TABLE", 1, false, true,
              &rel2, 1, &add, 1, nullptr, 0};
  stmts[2] = {3, "CREATE INDEX orders_created_idx ON orders (created_at)", "CREATE INDEX", 1,
              false, true, &rel3, 1, &idx, 1, nullptr, 0};
  stmts[3] = {4, "COMMIT", "COMMIT", 1, true, false, nullptr, 0, nullptr, 0, nullptr, 0};
  MgSettings s = c_settings();

  {
    Review res;
    mg_review(stmts, 4, &s, MG_REVIEW_ROWS, &res.r);
    ASSERT_EQ(res.r.error, nullptr);
    EXPECT_EQ(res.r.text, nullptr);
    ASSERT_EQ(res.r.nrows, 2);
    EXPECT_EQ(res.r.rows[0].stmt_no, 3);
    EXPECT_STREQ(res.r.rows[0].rule, "index_not_concurrent");
    EXPECT_STREQ(res.r.rows[0].severity, "error");
    EXPECT_STREQ(res.r.rows[1].rule, "lock_held_across_statements");
    EXPECT_STREQ(res.r.rows[1].severity, "warning");
    EXPECT_STREQ(res.r.rows[1].relation, "public.customers");
    MG_EXPECT_HAS(std::string(res.r.rows[0].detail), "Estimated duration: about 43 s");
  }
  {
    Review res;
    mg_review(stmts, 4, &s, MG_REVIEW_MARKDOWN, &res.r);
    ASSERT_EQ(res.r.error, nullptr);
    ASSERT_NE(res.r.text, nullptr);
    MG_EXPECT_HAS(std::string(res.r.text), "## Recommended migration");
  }
  {
    Review res;
    mg_review(stmts, 4, &s, MG_REVIEW_JSON, &res.r);
    ASSERT_EQ(res.r.error, nullptr);
    ASSERT_NE(res.r.text, nullptr);
    expect_valid_json(res.r.text);
  }
  {
    // Zero rates: no estimate anywhere.
    MgSettings no_rates = s;
    no_rates.scan_rate = no_rates.rewrite_rate = no_rates.index_build_rate = 0;
    Review res;
    mg_review(stmts, 4, &no_rates, MG_REVIEW_ROWS, &res.r);
    ASSERT_EQ(res.r.error, nullptr);
    ASSERT_EQ(res.r.nrows, 2);
    MG_EXPECT_LACKS(std::string(res.r.rows[0].detail), "Estimated");
  }
  {
    // A lock mode no enum knows: an error, nothing else.
    MgLockedRelation bad = rel3;
    bad.lock = 42;
    MgScriptStatement broken = stmts[2];
    broken.rels = &bad;
    Review res;
    mg_review(&broken, 1, &s, MG_REVIEW_JSON, &res.r);
    ASSERT_NE(res.r.error, nullptr);
    EXPECT_EQ(res.r.nrows, 0);
    EXPECT_EQ(res.r.rows, nullptr);
    EXPECT_EQ(res.r.text, nullptr);
  }
  {
    // Nothing at all.
    Review res;
    mg_review(nullptr, 0, &s, MG_REVIEW_MARKDOWN, &res.r);
    ASSERT_EQ(res.r.error, nullptr);
    EXPECT_EQ(res.r.nrows, 0);
    ASSERT_NE(res.r.text, nullptr);
    MG_EXPECT_HAS(std::string(res.r.text), "Type: no-op");
  }
}

TEST(CApiReview, EvaluateCopiesTheRates) {
  MgTable orders = c_table("orders", 40000000, 2146LL * 1024 * 1024);
  MgOperation idx{};
  idx.kind = MG_OP_REINDEX;
  idx.table = orders;
  idx.concurrently_at = -1;
  idx.relation_end = -1;
  MgSettings s = c_settings();
  s.index_build_rate = 10LL * 1024 * 1024;
  MgResult res{};
  mg_evaluate(&idx, 1, &s, &res);
  ASSERT_EQ(res.error, nullptr);
  ASSERT_EQ(res.nfindings, 1);
  MG_EXPECT_HAS(std::string(res.findings[0].detail),
                "about 4 min (2146 MB at migration_guard.index_build_rate = 10 MB/s)");
  mg_result_free(&res);
}

}  // namespace
}  // namespace mg
