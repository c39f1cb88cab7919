// Unit tests of the rule catalog: for each rule, the flagged case (key parts
// of the message and of the runnable hint) and the cases where it must stay
// silent.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/rules.hpp"

namespace mg {
namespace {

// Plain GoogleTest (no gmock): substring assertions with a readable failure.
::testing::AssertionResult Contains(const char* hay_expr, const char* needle_expr,
                                    const std::string& hay, const std::string& needle) {
  if (hay.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << hay_expr << " does not contain " << needle_expr
                                       << "\n  text:   " << hay << "\n  wanted: " << needle;
}
::testing::AssertionResult Lacks(const char* hay_expr, const char* needle_expr,
                                 const std::string& hay, const std::string& needle) {
  if (hay.find(needle) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << hay_expr << " contains " << needle_expr
                                       << "\n  text: " << hay;
}
#define EXPECT_CONTAINS(hay, needle) EXPECT_PRED_FORMAT2(Contains, hay, needle)
#define EXPECT_LACKS(hay, needle) EXPECT_PRED_FORMAT2(Lacks, hay, needle)

TableFacts table(const std::string& name, int64_t rows, int64_t bytes = -2) {
  TableFacts t;
  t.name = {"public", name};
  t.rows = rows;
  t.bytes = bytes == -2 ? (rows < 0 ? -1 : rows * 100) : bytes;
  return t;
}

TableFacts large(const std::string& name = "orders") { return table(name, 500000); }
TableFacts small(const std::string& name = "orders") { return table(name, 50); }
TableFacts empty(const std::string& name = "orders") { return table(name, 0, 8192); }

Operation op_of(OpKind kind, TableFacts t) {
  Operation op;
  op.kind = kind;
  op.table = std::move(t);
  return op;
}

std::vector<Finding> only(const std::vector<Finding>& all, const std::string& rule) {
  std::vector<Finding> out;
  for (const Finding& f : all)
    if (f.rule == rule) out.push_back(f);
  return out;
}

std::vector<Finding> run(const Operation& op, const std::string& rule, const Settings& s = {}) {
  return only(evaluate(op, s), rule);
}

// The conventions every finding follows.
void expect_well_formed(const Finding& f, const TableFacts& t) {
  EXPECT_FALSE(f.message.empty());
  EXPECT_NE(f.message.back(), '.') << f.message;
  EXPECT_EQ(f.detail.rfind(table_facts_sentence(t), 0), 0u) << f.detail;
  EXPECT_EQ(f.detail.back(), '.') << f.detail;
  EXPECT_FALSE(f.hint.empty());
  EXPECT_EQ(f.relation, display_name(t.name));
  const RuleInfo* info = find_rule(f.rule);
  ASSERT_NE(info, nullptr) << f.rule;
}

// ---------------------------------------------------------------- catalog

TEST(RuleCatalog, EveryRuleIsCompleteAndUnique) {
  std::set<std::string> ids;
  for (const RuleInfo& r : rule_catalog()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_NE(r.check, nullptr) << r.id;
    ASSERT_NE(r.summary, nullptr) << r.id;
    ASSERT_NE(r.explanation, nullptr) << r.id;
    ASSERT_NE(r.recipe, nullptr) << r.id;
    EXPECT_GT(std::string(r.summary).size(), 20u) << r.id;
    EXPECT_GT(std::string(r.explanation).size(), 100u) << r.id;
    EXPECT_GT(std::string(r.recipe).size(), 20u) << r.id;
    EXPECT_EQ(find_rule(r.id), &r);
  }
  for (const char* id :
       {"index_not_concurrent", "add_column_not_null_no_default", "table_rewrite",
        "drop_index_not_concurrent", "reindex_not_concurrent", "set_not_null_scan",
        "constraint_without_not_valid", "unique_constraint_builds_index", "attach_partition_scan",
        "detach_partition_blocking", "refresh_matview_blocking", "type_change_narrowing",
        "drop_table", "drop_column", "truncate_table", "rename_column", "rename_table",
        "concurrently_in_transaction", "invalid_index"})
    EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_EQ(find_rule("no_such_rule"), nullptr);
  EXPECT_EQ(find_rule(""), nullptr);
}

TEST(RuleCatalog, EveryRuleIsDocumented) {
  std::string here = __FILE__;
  std::string root = here.substr(0, here.rfind('/') + 1) + "../../";
  if (!std::ifstream(root + "README.md")) GTEST_SKIP() << "source tree not found from " << here;
  for (const RuleInfo& r : rule_catalog()) {
    std::ifstream doc(root + "docs/rules/" + r.id + ".md");
    EXPECT_TRUE(doc.good()) << "docs/rules/" << r.id << ".md";
  }
}

TEST(RuleHelpers, HasRowsAndVisibility) {
  EXPECT_TRUE(has_rows(table("t", 1)));
  EXPECT_FALSE(has_rows(table("t", 0, 8192)));
  EXPECT_TRUE(has_rows(table("t", -1, 8192)));
  EXPECT_FALSE(has_rows(table("t", -1, 0)));
  EXPECT_FALSE(has_rows(table("t", -1, -1)));
  TableFacts t = large();
  EXPECT_TRUE(visible_to_others(t));
  t.temporary = true;
  EXPECT_FALSE(visible_to_others(t));
  t.temporary = false;
  t.created_in_transaction = true;
  EXPECT_FALSE(visible_to_others(t));
}

TEST(RuleHelpers, ColumnLists) {
  EXPECT_EQ(split_column_list("(a, \"B, c\", lower(d))"),
            (std::vector<std::string>{"a", "\"B, c\"", "lower(d)"}));
  EXPECT_TRUE(split_column_list("a, b").empty());
  EXPECT_EQ(identifier_value("\"Mixed\"\"Case\""), "Mixed\"Case");
  EXPECT_EQ(identifier_value("Folded"), "folded");
  EXPECT_EQ(trim_sentence(" it is shorter. "), "it is shorter");
}

// ---------------------------------------------------- drop_index_not_concurrent

TEST(DropIndexNotConcurrent, FlagsLargeTable) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.object_name = "orders_customer_idx";
  auto f = run(op, "drop_index_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("dropping index \"orders_customer_idx\""));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_customer_idx;"));
  EXPECT_LACKS(f[0].hint, ("CASCADE"));
  expect_well_formed(f[0], op.table);
}

TEST(DropIndexNotConcurrent, CascadeAndQuoting) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.object_name = "Orders Idx";
  op.cascade = true;
  auto f = run(op, "drop_index_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("does not support CASCADE"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.\"Orders Idx\";"));
  Settings s;
  s.quote_all_identifiers = true;
  f = run(op, "drop_index_not_concurrent", s);
  EXPECT_CONTAINS(f[0].hint, ("\"public\".\"Orders Idx\""));
}

TEST(DropIndexNotConcurrent, PartitionedTableHasNoConcurrentForm) {
  TableFacts t = large();
  t.kind = 'p';
  Operation op = op_of(OpKind::DropIndex, t);
  op.object_name = "orders_idx";
  auto f = run(op, "drop_index_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("lock_timeout"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX public.orders_idx;"));
}

TEST(DropIndexNotConcurrent, Silent) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.object_name = "i";
  op.concurrently = true;
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
  op = op_of(OpKind::DropIndex, small());
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
  op = op_of(OpKind::DropIndex, large());
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
  op.table.created_in_transaction = false;
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "drop_index_not_concurrent").empty());
}

// ------------------------------------------------------- reindex_not_concurrent

TEST(ReindexNotConcurrent, FlagsIndexAndTable) {
  Operation op = op_of(OpKind::Reindex, large());
  op.object_name = "orders_pkey";
  auto f = run(op, "reindex_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("reindexing \"orders_pkey\""));
  EXPECT_CONTAINS(f[0].detail, ("SHARE lock"));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE lock on the index"));
  EXPECT_CONTAINS(f[0].hint, ("REINDEX INDEX CONCURRENTLY public.orders_pkey;"));
  expect_well_formed(f[0], op.table);

  op.object_name.clear();
  f = run(op, "reindex_not_concurrent");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("REINDEX TABLE CONCURRENTLY public.orders;"));
}

TEST(ReindexNotConcurrent, Silent) {
  Operation op = op_of(OpKind::Reindex, large());
  op.concurrently = true;
  EXPECT_TRUE(run(op, "reindex_not_concurrent").empty());
  EXPECT_TRUE(run(op_of(OpKind::Reindex, small()), "reindex_not_concurrent").empty());
  op = op_of(OpKind::Reindex, large());
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "reindex_not_concurrent").empty());
}

// ----------------------------------------------------------------- table_rewrite

Operation type_change(TableFacts t, bool rewrite = true) {
  Operation op = op_of(OpKind::AlterColumnType, std::move(t));
  op.alter_type.column = "id";
  op.alter_type.old_type = "integer";
  op.alter_type.new_type = "bigint";
  op.alter_type.rewrite = rewrite;
  return op;
}

TEST(TableRewrite, PredictedTypeChange) {
  Operation op = type_change(large());
  auto f = run(op, "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("changing the type of column \"id\" rewrites large table"));
  EXPECT_CONTAINS(f[0].detail, ("from integer to bigint"));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD COLUMN id_new bigint;"));
  EXPECT_CONTAINS(f[0].hint, ("UPDATE public.orders SET id_new = CAST(id AS bigint) WHERE "
                                   "ctid = ANY (ARRAY(SELECT ctid FROM public.orders WHERE id_new "
                                   "IS NULL AND id IS NOT NULL LIMIT 10000));"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE TRIGGER orders_id_sync BEFORE INSERT OR UPDATE ON "
                                   "public.orders"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders RENAME COLUMN id TO id_old;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders RENAME COLUMN id_new TO id;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP COLUMN id_old;"));
  expect_well_formed(f[0], op.table);
}

TEST(TableRewrite, PredictedTypeChangeSilent) {
  EXPECT_TRUE(run(type_change(large(), false), "table_rewrite").empty());
  EXPECT_TRUE(run(type_change(small()), "table_rewrite").empty());
  Operation op = type_change(large());
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "table_rewrite").empty());
}

TEST(TableRewrite, VolatileDefault) {
  Operation op = op_of(OpKind::AddColumn, large());
  op.add_column.column = "token";
  op.add_column.type_sql = "uuid";
  op.add_column.has_default = true;
  op.add_column.volatile_default = true;
  op.add_column.default_sql = "gen_random_uuid()";
  auto f = run(op, "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("volatile default gen_random_uuid()"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD COLUMN token uuid;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ALTER COLUMN token SET DEFAULT gen_random_uuid();"));
  EXPECT_CONTAINS(f[0].hint, ("UPDATE public.orders SET token = gen_random_uuid() WHERE"));
  EXPECT_LACKS(f[0].hint, ("SET NOT NULL"));
  op.add_column.not_null = true;
  f = run(op, "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (token IS NOT NULL) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER COLUMN token SET NOT NULL;"));

  op.add_column.volatile_default = false;
  EXPECT_TRUE(run(op, "table_rewrite").empty());
}

TEST(TableRewrite, OtherPredictedCauses) {
  auto f = run(op_of(OpKind::SetPersistence, large()), "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("persistence"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders SET <LOGGED or UNLOGGED>;"));

  f = run(op_of(OpKind::SetAccessMethod, large()), "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("SET ACCESS METHOD"));

  f = run(op_of(OpKind::VacuumFull, large()), "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("VACUUM FULL rewrites large table \"public.orders\""));
  EXPECT_CONTAINS(f[0].hint, ("pg_repack --no-order --table=public.orders"));
  EXPECT_CONTAINS(f[0].hint, ("VACUUM (VERBOSE) public.orders;"));

  f = run(op_of(OpKind::Cluster, large()), "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("CLUSTER rewrites large table"));
  EXPECT_CONTAINS(f[0].hint, ("pg_repack --table=public.orders"));
  EXPECT_CONTAINS(f[0].hint, ("CLUSTER public.orders;"));

  for (OpKind k : {OpKind::SetPersistence, OpKind::SetAccessMethod, OpKind::VacuumFull,
                   OpKind::Cluster}) {
    EXPECT_TRUE(run(op_of(k, small()), "table_rewrite").empty());
    TableFacts t = large();
    t.temporary = true;
    EXPECT_TRUE(run(op_of(k, t), "table_rewrite").empty());
  }
}

TEST(TableRewrite, EventKeepsItsWordingAndSkipsPredicted) {
  Operation op = op_of(OpKind::TableRewrite, table("big", 5000, 229376));
  op.table_rewrite.command = "ALTER TABLE";
  op.table_rewrite.reason = kRewriteColumn;
  Settings s;
  s.large_table_rows = 1000;
  auto f = run(op, "table_rewrite", s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "ALTER TABLE rewrites large table \"public.big\"");
  EXPECT_EQ(f[0].detail,
            "Table \"public.big\" holds about 5000 rows (224 kB). The rewrite is caused by a "
            "column type change. It writes a new copy of the table and of all its indexes under "
            "an ACCESS EXCLUSIVE lock, which blocks every other access to it, plain SELECT "
            "included, until the end of the transaction.");
  op.table_rewrite.predicted = true;
  EXPECT_TRUE(run(op, "table_rewrite", s).empty());
}

// --------------------------------------------------------------- set_not_null_scan

TEST(SetNotNullScan, FlagsWhenScanNeeded) {
  Operation op = op_of(OpKind::SetNotNull, large());
  op.column.column = "email";
  op.partition.scan_needed = true;
  auto f = run(op, "set_not_null_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("setting column \"email\" NOT NULL scans large table"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD CONSTRAINT "
                                   "orders_email_not_null CHECK (email IS NOT NULL) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders VALIDATE CONSTRAINT orders_email_not_null;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ALTER COLUMN email SET NOT NULL;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP CONSTRAINT orders_email_not_null;"));
  expect_well_formed(f[0], op.table);
}

TEST(SetNotNullScan, Silent) {
  Operation op = op_of(OpKind::SetNotNull, large());
  op.column.column = "email";
  EXPECT_TRUE(run(op, "set_not_null_scan").empty());  // a CHECK proves it
  op.partition.scan_needed = true;
  op.table = small();
  EXPECT_TRUE(run(op, "set_not_null_scan").empty());
  op.table = large();
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "set_not_null_scan").empty());
}

// ---------------------------------------------------- constraint_without_not_valid

Operation add_constraint(char type, TableFacts t = large()) {
  Operation op = op_of(OpKind::AddConstraint, std::move(t));
  op.constraint.type = type;
  return op;
}

TEST(ConstraintWithoutNotValid, Check) {
  Operation op = add_constraint('c');
  op.constraint.name = "amount_positive";
  op.constraint.definition = "CHECK (amount > 0)";
  auto f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("adding CHECK constraint \"amount_positive\" without NOT VALID"));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD CONSTRAINT amount_positive "
                                   "CHECK (amount > 0) NOT VALID;\n"
                                   "ALTER TABLE public.orders VALIDATE CONSTRAINT "
                                   "amount_positive;"));
  expect_well_formed(f[0], op.table);
}

TEST(ConstraintWithoutNotValid, UnnamedGetsTheServersName) {
  Operation op = add_constraint('c');
  op.constraint.definition = "CHECK (lower(Status) IN ('a', 'b'))";
  auto f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT orders_status_check CHECK"));

  op = add_constraint('f');
  op.constraint.definition = "FOREIGN KEY (customer_id, \"Region\") REFERENCES customers(id, r)";
  f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT \"orders_customer_id_Region_fkey\" FOREIGN KEY"));
}

TEST(ConstraintWithoutNotValid, ForeignKeyNamesTheReferencedLock) {
  Operation op = add_constraint('f');
  op.constraint.name = "orders_customer_fk";
  op.constraint.definition = "FOREIGN KEY (customer_id) REFERENCES customers(id)";
  op.constraint.referenced = small("customers");
  op.constraint.referenced_lock = LockMode::ShareRowExclusive;
  auto f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("adding FOREIGN KEY constraint \"orders_customer_fk\""));
  EXPECT_CONTAINS(f[0].detail, ("SHARE ROW EXCLUSIVE lock on the referenced table "
                                     "\"public.customers\""));
  EXPECT_CONTAINS(f[0].hint, ("FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("ROW SHARE on the referenced table"));

  op.table.kind = 'p';
  f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("cannot add a NOT VALID foreign key to a partitioned table"));
}

TEST(ConstraintWithoutNotValid, Silent) {
  Operation op = add_constraint('c');
  op.constraint.definition = "CHECK (amount > 0)";
  op.constraint.not_valid = true;
  EXPECT_TRUE(run(op, "constraint_without_not_valid").empty());
  op = add_constraint('c', small());
  EXPECT_TRUE(run(op, "constraint_without_not_valid").empty());
  op = add_constraint('f');
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "constraint_without_not_valid").empty());
  EXPECT_TRUE(run(add_constraint('u'), "constraint_without_not_valid").empty());
}

// --------------------------------------------------- unique_constraint_builds_index

TEST(UniqueConstraintBuildsIndex, Unique) {
  Operation op = add_constraint('u');
  op.constraint.name = "orders_number_key";
  op.constraint.columns = "(number)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("adding UNIQUE constraint \"orders_number_key\" builds its index"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY orders_number_key_idx ON "
                                   "public.orders (number);\n"
                                   "ALTER TABLE public.orders ADD CONSTRAINT orders_number_key "
                                   "UNIQUE USING INDEX orders_number_key_idx;"));
  expect_well_formed(f[0], op.table);
}

TEST(UniqueConstraintBuildsIndex, PrimaryKeyProvesNotNullFirst) {
  Operation op = add_constraint('p');
  op.constraint.columns = "(id, region)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("PRIMARY KEY constraint \"orders_pkey\""));
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT orders_id_not_null CHECK (id IS NOT NULL) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("VALIDATE CONSTRAINT orders_region_not_null;"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY orders_pkey_idx ON public.orders (id, region);"));
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey_idx;"));
  EXPECT_CONTAINS(f[0].hint, ("DROP CONSTRAINT orders_region_not_null;"));
  // The proof comes before the key, the cleanup after.
  EXPECT_LT(f[0].hint.find("NOT VALID"), f[0].hint.find("PRIMARY KEY USING INDEX"));
  EXPECT_GT(f[0].hint.find("DROP CONSTRAINT"), f[0].hint.find("PRIMARY KEY USING INDEX"));
}

TEST(UniqueConstraintBuildsIndex, ExclusionHasNoUsingIndex) {
  Operation op = add_constraint('x');
  op.constraint.name = "no_overlap";
  op.constraint.definition = "EXCLUDE USING gist (room WITH =, during WITH &&)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("no USING INDEX form"));
  EXPECT_CONTAINS(f[0].hint, ("maintenance window"));
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT no_overlap EXCLUDE USING gist"));
}

TEST(UniqueConstraintBuildsIndex, PartitionedGoesPartitionByPartition) {
  TableFacts t = large("events");
  t.kind = 'p';
  t.partitions = {{"public", "events_2024"}, {"public", "events_2025"}};
  t.partition_count = 3;
  Operation op = add_constraint('u', t);
  op.constraint.name = "events_uid_key";
  op.constraint.columns = "(uid, day)";
  auto f = run(op, "unique_constraint_builds_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY events_2024_events_uid_key ON "
                                   "public.events_2024 (uid, day);"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events_2025 ADD CONSTRAINT "
                                   "events_2025_events_uid_key UNIQUE USING INDEX "
                                   "events_2025_events_uid_key;"));
  EXPECT_CONTAINS(f[0].hint, ("the 1 other partitions"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events ADD CONSTRAINT events_uid_key UNIQUE (uid, day);"));
}

TEST(UniqueConstraintBuildsIndex, Silent) {
  Operation op = add_constraint('u');
  op.constraint.using_index = true;
  EXPECT_TRUE(run(op, "unique_constraint_builds_index").empty());
  EXPECT_TRUE(run(add_constraint('p', small()), "unique_constraint_builds_index").empty());
  op = add_constraint('u');
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "unique_constraint_builds_index").empty());
  EXPECT_TRUE(run(add_constraint('c'), "unique_constraint_builds_index").empty());
}

// ------------------------------------------------------------ attach_partition_scan

Operation attach(TableFacts part, const std::string& bound) {
  TableFacts parent = table("events", 0, 0);
  parent.kind = 'p';
  Operation op = op_of(OpKind::AttachPartition, parent);
  op.partition.partition = std::move(part);
  op.partition.scan_needed = true;
  op.partition.bound = bound;
  return op;
}

TEST(AttachPartitionScan, RangeBound) {
  Operation op = attach(large("events_2024"), "FOR VALUES FROM (1) TO (1000)");
  auto f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].relation, "public.events_2024");
  EXPECT_CONTAINS(f[0].message, ("attaching large partition \"public.events_2024\" to "
                                      "\"public.events\""));
  EXPECT_CONTAINS(f[0].detail, ("SHARE UPDATE EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events_2024 ADD CONSTRAINT "
                                   "events_2024_bound CHECK (<key> IS NOT NULL AND <key> >= 1 "
                                   "AND <key> < 1000) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("VALIDATE CONSTRAINT events_2024_bound;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events ATTACH PARTITION public.events_2024 "
                                   "FOR VALUES FROM (1) TO (1000);"));
  EXPECT_CONTAINS(f[0].hint, ("DROP CONSTRAINT events_2024_bound;"));
  expect_well_formed(f[0], op.partition.partition);
}

TEST(AttachPartitionScan, OtherBoundsAndDefaultPartition) {
  Operation op = attach(large("p"), "FOR VALUES FROM (MINVALUE) TO ('2024-01-01')");
  auto f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (<key> IS NOT NULL AND <key> < '2024-01-01') NOT VALID"));

  op = attach(large("p"), "FOR VALUES IN ('eu', 'us')");
  op.partition.default_partition = "public.events_default";
  f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (<key> IS NOT NULL AND <key> IN ('eu', 'us')) NOT VALID"));
  EXPECT_CONTAINS(f[0].detail, ("default partition \"public.events_default\""));
  EXPECT_CONTAINS(f[0].hint, ("default partition"));

  op = attach(large("p"), "FOR VALUES WITH (MODULUS 4, REMAINDER 0)");
  f = run(op, "attach_partition_scan");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("CHECK (<condition implying the bound>) NOT VALID"));
}

TEST(AttachPartitionScan, Silent) {
  Operation op = attach(large("p"), "FOR VALUES FROM (1) TO (2)");
  op.partition.scan_needed = false;
  EXPECT_TRUE(run(op, "attach_partition_scan").empty());
  EXPECT_TRUE(run(attach(small("p"), "FOR VALUES FROM (1) TO (2)"), "attach_partition_scan").empty());
  op = attach(large("p"), "FOR VALUES FROM (1) TO (2)");
  op.partition.partition.created_in_transaction = true;
  EXPECT_TRUE(run(op, "attach_partition_scan").empty());
}

// -------------------------------------------------------- detach_partition_blocking

Operation detach(TableFacts parent) {
  parent.kind = 'p';
  Operation op = op_of(OpKind::DetachPartition, std::move(parent));
  op.partition.partition = table("events_2020", 1000);
  return op;
}

TEST(DetachPartitionBlocking, Flags) {
  Operation op = detach(large("events"));
  auto f = run(op, "detach_partition_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("detaching partition \"public.events_2020\" without "
                                      "CONCURRENTLY"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events DETACH PARTITION "
                                   "public.events_2020 CONCURRENTLY;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.events DETACH PARTITION "
                                   "public.events_2020 FINALIZE;"));
  expect_well_formed(f[0], op.table);

  op.partition.default_partition = "public.events_default";
  f = run(op, "detach_partition_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("cannot be used while the table has a default partition"));
  EXPECT_LACKS(f[0].hint, ("CONCURRENTLY;"));
}

TEST(DetachPartitionBlocking, Silent) {
  Operation op = detach(large("events"));
  op.concurrently = true;
  EXPECT_TRUE(run(op, "detach_partition_blocking").empty());
  EXPECT_TRUE(run(detach(small("events")), "detach_partition_blocking").empty());
  op = detach(large("events"));
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "detach_partition_blocking").empty());
}

// --------------------------------------------------------- refresh_matview_blocking

TEST(RefreshMatviewBlocking, Flags) {
  TableFacts mv = large("daily_totals");
  mv.kind = 'm';
  Operation op = op_of(OpKind::RefreshMatview, mv);
  auto f = run(op, "refresh_matview_blocking");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("refreshing large materialized view \"public.daily_totals\""));
  EXPECT_CONTAINS(f[0].detail, ("Materialized view \"public.daily_totals\""));
  EXPECT_CONTAINS(f[0].hint, ("CREATE UNIQUE INDEX CONCURRENTLY daily_totals_key ON "
                                   "public.daily_totals (<columns>);"));
  EXPECT_CONTAINS(f[0].hint, ("REFRESH MATERIALIZED VIEW CONCURRENTLY public.daily_totals;"));
  expect_well_formed(f[0], op.table);
}

TEST(RefreshMatviewBlocking, Silent) {
  TableFacts mv = large("mv");
  mv.kind = 'm';
  Operation op = op_of(OpKind::RefreshMatview, mv);
  op.concurrently = true;
  EXPECT_TRUE(run(op, "refresh_matview_blocking").empty());
  mv = small("mv");
  mv.kind = 'm';
  EXPECT_TRUE(run(op_of(OpKind::RefreshMatview, mv), "refresh_matview_blocking").empty());
  mv = large("mv");
  mv.kind = 'm';
  mv.created_in_transaction = true;
  EXPECT_TRUE(run(op_of(OpKind::RefreshMatview, mv), "refresh_matview_blocking").empty());
}

// ---------------------------------------------------------- type_change_narrowing

Operation narrowing(TableFacts t, const std::string& from, const std::string& to) {
  Operation op = op_of(OpKind::AlterColumnType, std::move(t));
  op.alter_type.column = "code";
  op.alter_type.old_type = from;
  op.alter_type.new_type = to;
  op.alter_type.narrowing = true;
  op.alter_type.narrowing_reason = "character varying(10) is shorter than character varying(50).";
  return op;
}

TEST(TypeChangeNarrowing, FlagsEvenSmallTables) {
  Operation op = narrowing(small(), "character varying(50)", "character varying(10)");
  auto f = run(op, "type_change_narrowing");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("from character varying(50) to character varying(10) can "
                                      "fail or lose data"));
  EXPECT_CONTAINS(f[0].detail, ("Changing \"code\" from character varying(50) to character "
                                 "varying(10) narrows the column: character varying(10) is "
                                 "shorter than character varying(50). ALTER TABLE"));
  EXPECT_CONTAINS(f[0].hint, ("SELECT count(*) FROM public.orders WHERE length(code) > 10;"));
  EXPECT_CONTAINS(f[0].hint, ("ADD COLUMN code_new character varying(10);"));
  expect_well_formed(f[0], op.table);
}

TEST(TypeChangeNarrowing, ChecksPerType) {
  auto hint = [](const std::string& to) {
    auto f = run(narrowing(large(), "bigint", to), "type_change_narrowing");
    return f.empty() ? std::string() : f[0].hint;
  };
  EXPECT_CONTAINS(hint("integer"), ("WHERE code NOT BETWEEN -2147483648 AND 2147483647;"));
  EXPECT_CONTAINS(hint("smallint"), ("WHERE code NOT BETWEEN -32768 AND 32767;"));
  EXPECT_CONTAINS(hint("numeric(5,2)"),
              ("WHERE abs(code) >= 1e3 OR code <> round(code, 2);"));
  EXPECT_CONTAINS(hint("date"), ("WHERE <values of code that do not fit in date>;"));
}

TEST(TypeChangeNarrowing, Silent) {
  Operation op = narrowing(empty(), "text", "varchar(5)");
  EXPECT_TRUE(run(op, "type_change_narrowing").empty());
  op = narrowing(large(), "text", "varchar(5)");
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "type_change_narrowing").empty());
  op = narrowing(large(), "text", "varchar(5)");
  op.alter_type.narrowing = false;
  EXPECT_TRUE(run(op, "type_change_narrowing").empty());
}

// ----------------------------------------------------------------------- drop_table

TEST(DropTable, Flags) {
  Operation op = op_of(OpKind::DropTable, small("legacy_orders"));
  auto f = run(op, "drop_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].message, "dropping table \"public.legacy_orders\" destroys its rows");
  EXPECT_CONTAINS(f[0].detail, ("only a backup brings them back"));
  EXPECT_LACKS(f[0].detail, ("CASCADE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.legacy_orders RENAME TO "
                                   "legacy_orders_deprecated;"));
  EXPECT_CONTAINS(f[0].hint, ("DROP TABLE public.legacy_orders_deprecated;"));
  expect_well_formed(f[0], op.table);
  op.cascade = true;
  f = run(op, "drop_table");
  EXPECT_CONTAINS(f[0].detail, ("CASCADE also drops"));
  EXPECT_CONTAINS(f[0].hint, ("DROP TABLE public.legacy_orders_deprecated CASCADE;"));
}

TEST(DropTable, Silent) {
  EXPECT_TRUE(run(op_of(OpKind::DropTable, empty()), "drop_table").empty());
  TableFacts t = large();
  t.created_in_transaction = true;
  EXPECT_TRUE(run(op_of(OpKind::DropTable, t), "drop_table").empty());
  t = large();
  t.temporary = true;
  EXPECT_TRUE(run(op_of(OpKind::DropTable, t), "drop_table").empty());
  EXPECT_TRUE(run(op_of(OpKind::DropTable, table("t", -1, -1)), "drop_table").empty());
}

// ---------------------------------------------------------------------- drop_column

TEST(DropColumn, Flags) {
  Operation op = op_of(OpKind::DropColumn, table("orders", -1, 65536));  // never analyzed
  op.column.column = "legacy_note";
  op.column.type_sql = "text";
  auto f = run(op, "drop_column");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("dropping column \"legacy_note\" of table \"public.orders\""));
  EXPECT_CONTAINS(f[0].detail, ("\"legacy_note\" (text)"));
  EXPECT_CONTAINS(f[0].hint, ("CREATE TABLE public.orders_legacy_note_backup AS SELECT ctid "
                                   "AS source_ctid, legacy_note FROM public.orders;"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP COLUMN legacy_note;"));
  expect_well_formed(f[0], op.table);
}

TEST(DropColumn, Silent) {
  Operation op = op_of(OpKind::DropColumn, empty());
  op.column.column = "c";
  EXPECT_TRUE(run(op, "drop_column").empty());
  op.table = large();
  op.column.empty = true;  // every value NULL: nothing is lost
  EXPECT_TRUE(run(op, "drop_column").empty());
  op.column.empty = false;
  op.table = large();
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "drop_column").empty());
}

TEST(DropColumn, ByCascade) {
  Operation op = op_of(OpKind::DropColumn, large());
  op.column.column = "c";
  op.dependent = true;
  op.cascade = true;
  op.command = "DROP TYPE";
  auto f = run(op, "drop_column");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("DROP TYPE also drops column \"c\""));
  EXPECT_CONTAINS(f[0].hint, ("needs no CASCADE"));
  expect_well_formed(f[0], op.table);
}

TEST(DropTable, ByCascade) {
  Operation op = op_of(OpKind::DropTable, small());
  op.dependent = true;
  op.cascade = true;
  op.command = "DROP SCHEMA";
  auto f = run(op, "drop_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("DROP SCHEMA also drops table"));
  EXPECT_CONTAINS(f[0].hint, ("Do not let a table that has rows go as a dependency"));
  expect_well_formed(f[0], op.table);
}

// ------------------------------------------------------------------- truncate_table

TEST(TruncateTable, Flags) {
  Operation op = op_of(OpKind::Truncate, small());
  auto f = run(op, "truncate_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].message, "truncating table \"public.orders\" removes all its rows");
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("DELETE FROM public.orders WHERE ctid = ANY (ARRAY(SELECT ctid "
                                   "FROM public.orders LIMIT 10000));"));
  expect_well_formed(f[0], op.table);
  op.cascade = true;
  f = run(op, "truncate_table");
  EXPECT_CONTAINS(f[0].message, ("and those of the tables referencing it"));
  EXPECT_CONTAINS(f[0].hint, ("referencing rows"));
}

TEST(TruncateTable, Silent) {
  EXPECT_TRUE(run(op_of(OpKind::Truncate, empty()), "truncate_table").empty());
  TableFacts t = large();
  t.temporary = true;
  EXPECT_TRUE(run(op_of(OpKind::Truncate, t), "truncate_table").empty());
}

// -------------------------------------------------------------------- rename_column

TEST(RenameColumn, FlagsEvenEmptyTables) {
  Operation op = op_of(OpKind::RenameColumn, empty());
  op.column.column = "name";
  op.column.new_name = "full_name";
  auto f = run(op, "rename_column");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("renaming column \"name\" of table \"public.orders\" to "
                                      "\"full_name\""));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD COLUMN full_name <type of name>;"));
  EXPECT_CONTAINS(f[0].hint, ("UPDATE public.orders SET full_name = name WHERE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DROP COLUMN name;"));
  expect_well_formed(f[0], op.table);
}

TEST(RenameColumn, Silent) {
  Operation op = op_of(OpKind::RenameColumn, large());
  op.table.created_in_transaction = true;
  EXPECT_TRUE(run(op, "rename_column").empty());
  op.table.created_in_transaction = false;
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "rename_column").empty());
}

// --------------------------------------------------------------------- rename_table

TEST(RenameTable, Flags) {
  Operation op = op_of(OpKind::RenameTable, small("Orders"));
  op.object_name = "purchases";
  auto f = run(op, "rename_table");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_CONTAINS(f[0].message, ("renaming table \"public.Orders\" to \"purchases\""));
  EXPECT_CONTAINS(f[0].hint, ("BEGIN;\n"
                                   "ALTER TABLE public.\"Orders\" RENAME TO purchases;\n"
                                   "CREATE VIEW public.\"Orders\" AS SELECT * FROM "
                                   "public.purchases;\n"
                                   "COMMIT;"));
  EXPECT_CONTAINS(f[0].hint, ("DROP VIEW public.\"Orders\";"));
  expect_well_formed(f[0], op.table);
}

TEST(RenameTable, Silent) {
  TableFacts t = large();
  t.created_in_transaction = true;
  Operation op = op_of(OpKind::RenameTable, t);
  op.object_name = "x";
  EXPECT_TRUE(run(op, "rename_table").empty());
}

// ------------------------------------------------------ concurrently_in_transaction

TEST(ConcurrentlyInTransaction, CreateIndex) {
  Operation op = op_of(OpKind::CreateIndex, small());  // any size
  op.in_transaction_block = true;
  op.create_index.concurrently = true;
  op.create_index.statement = "CREATE INDEX CONCURRENTLY orders_idx ON orders (customer_id);\n";
  auto f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].message, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
  EXPECT_CONTAINS(f[0].hint, ("outside BEGIN/COMMIT"));
  EXPECT_CONTAINS(f[0].hint, ("disable_ddl_transaction!"));
  EXPECT_CONTAINS(f[0].hint, ("\nCREATE INDEX CONCURRENTLY orders_idx ON orders (customer_id);"));
  expect_well_formed(f[0], op.table);

  op.table.created_in_transaction = true;  // still fails
  EXPECT_EQ(run(op, "concurrently_in_transaction").size(), 1u);
}

TEST(ConcurrentlyInTransaction, OtherCommands) {
  Operation op = op_of(OpKind::DropIndex, large());
  op.in_transaction_block = true;
  op.concurrently = true;
  op.object_name = "orders_idx";
  auto f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("DROP INDEX CONCURRENTLY"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_idx;"));

  op.kind = OpKind::Reindex;
  f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("REINDEX INDEX CONCURRENTLY public.orders_idx;"));

  op.kind = OpKind::DetachPartition;
  op.partition.partition = table("orders_2020", 10);
  f = run(op, "concurrently_in_transaction");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders DETACH PARTITION "
                                   "public.orders_2020 CONCURRENTLY;"));
}

TEST(ConcurrentlyInTransaction, Silent) {
  Operation op = op_of(OpKind::CreateIndex, large());
  op.create_index.concurrently = true;
  EXPECT_TRUE(run(op, "concurrently_in_transaction").empty());  // no BEGIN
  op.in_transaction_block = true;
  op.create_index.concurrently = false;
  EXPECT_TRUE(run(op, "concurrently_in_transaction").empty());
  // REFRESH ... CONCURRENTLY is allowed in a transaction block.
  TableFacts mv = large("mv");
  mv.kind = 'm';
  op = op_of(OpKind::RefreshMatview, mv);
  op.in_transaction_block = true;
  op.concurrently = true;
  EXPECT_TRUE(run(op, "concurrently_in_transaction").empty());
}

// -------------------------------------------------------------------- invalid_index

TEST(InvalidIndex, CreateIndexOverInvalidSameName) {
  Operation op = op_of(OpKind::CreateIndex, large());
  op.create_index.concurrently = true;
  op.create_index.index_name = "orders_customer_idx";
  op.create_index.statement = "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)";
  op.create_index.invalid_same_name = "orders_customer_idx";
  auto f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("index \"orders_customer_idx\" already exists"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_customer_idx;\n"
                                   "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders "
                                   "(customer_id);"));
  expect_well_formed(f[0], op.table);

  op.create_index.invalid_same_name.clear();
  op.create_index.invalid_same_definition = "orders_customer_idx_old";
  f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("INVALID index \"orders_customer_idx_old\" with the same "
                                      "definition"));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.orders_customer_idx_old;"));
}

TEST(InvalidIndex, AnyOtherOperationOnceAndNamed) {
  Operation op = op_of(OpKind::AddColumn, small());
  op.table.invalid_indexes = {"a_idx", "b_idx_ccnew", "a_idx"};
  op.add_column.column = "c";
  op.add_column.type_sql = "int";
  auto f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_EQ(f[0].message, "table \"public.orders\" has 2 INVALID indexes");
  EXPECT_CONTAINS(f[0].detail, ("\"a_idx\" and \"b_idx_ccnew\""));
  EXPECT_CONTAINS(f[0].hint, ("DROP INDEX CONCURRENTLY public.a_idx;\n"
                                   "DROP INDEX CONCURRENTLY public.b_idx_ccnew;"));
  expect_well_formed(f[0], op.table);

  op.table.invalid_indexes = {"a_idx"};
  f = run(op, "invalid_index");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "table \"public.orders\" has an INVALID index");
}

TEST(InvalidIndex, Silent) {
  // No invalid index.
  EXPECT_TRUE(run(op_of(OpKind::AddColumn, large()), "invalid_index").empty());
  // A CREATE INDEX is judged on its own name and definition only.
  Operation op = op_of(OpKind::CreateIndex, large());
  op.create_index.concurrently = true;
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
  // Dropping that very index is the fix.
  op = op_of(OpKind::DropIndex, large());
  op.concurrently = true;
  op.object_name = "x_idx";
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
  // The table goes away with it.
  op = op_of(OpKind::DropTable, large());
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
  // A predicted rewrite event: the hook's operation already reported it.
  op = op_of(OpKind::TableRewrite, large());
  op.table_rewrite.predicted = true;
  op.table.invalid_indexes = {"x_idx"};
  EXPECT_TRUE(run(op, "invalid_index").empty());
}

// ------------------------------------------------------------------ interplay

TEST(RuleCatalog, ExistingRulesUnchangedForTheirOperations) {
  Operation op = op_of(OpKind::AddColumn, small());
  op.add_column.column = "status";
  op.add_column.type_sql = "text";
  op.add_column.not_null = true;
  auto all = evaluate(op, Settings{});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rule, "add_column_not_null_no_default");
  EXPECT_CONTAINS(all[0].hint, ("UPDATE public.orders SET status = <value> WHERE ctid"));
}

TEST(RuleCatalog, NarrowingRewriteReportsBoth) {
  Operation op = narrowing(large(), "bigint", "integer");
  op.alter_type.rewrite = true;
  auto all = evaluate(op, Settings{});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].rule, "table_rewrite");
  EXPECT_EQ(all[1].rule, "type_change_narrowing");
}

}  // namespace
}  // namespace mg
