// table_rewrite: the server's table_rewrite event (and the rewrites the hook
// predicts) on a large table.
#include <gtest/gtest.h>

#include <string>

#include "core/rules.hpp"
#include "rules/rule_test.hpp"
#include "test_support.hpp"

namespace mg {
namespace {

using test::findings_of;

const char* const kRule = "table_rewrite";

const std::string kCopySentence =
    "It writes a new copy of the table and of all its indexes under an ACCESS EXCLUSIVE lock, "
    "which blocks every other access to it, plain SELECT included, until the end of the "
    "transaction.";

const std::string kColumnAdvice =
    "Change the type without a rewrite where the server allows it (varchar(n) to a longer "
    "varchar or to text, numeric to a larger precision with the same scale), or add a new column "
    "of the new type, backfill it in batches, switch the application to it, then drop the old "
    "one.";
const std::string kDefaultAdvice =
    "Add the column with no default or a constant one (no rewrite), set the volatile default with "
    "ALTER COLUMN ... SET DEFAULT for new rows, and fill the existing rows in batches.";
const std::string kPersistenceAdvice =
    "SET LOGGED/UNLOGGED always rewrites the table: run it in a maintenance window.";
const std::string kAccessMethodAdvice =
    "SET ACCESS METHOD always rewrites the table: run it in a maintenance window.";

Operation rewrite_event(int reason, TableFacts t = test::large_table()) {
  Operation op = test::operation(OpKind::TableRewrite, std::move(t));
  op.table_rewrite.command = "ALTER TABLE";
  op.table_rewrite.reason = reason;
  return op;
}

// ---------------------------------------------------------- the event's wording

TEST(TableRewriteEvent, ColumnTypeChangeWithExactWording) {
  auto f = findings_of(kRule, rewrite_event(kRewriteColumn));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_EQ(f[0].relation, "public.orders");
  EXPECT_EQ(f[0].message, "ALTER TABLE rewrites large table \"public.orders\"");
  EXPECT_EQ(f[0].detail,
            "Table \"public.orders\" holds about 200 thousand rows (11 MB). The rewrite is caused "
            "by a column type change. " + kCopySentence);
  EXPECT_EQ(f[0].hint, kColumnAdvice);
}

TEST(TableRewriteEvent, VolatileDefaultReason) {
  auto f = findings_of(kRule, rewrite_event(kRewriteDefault));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail, "The rewrite is caused by a column added with a volatile default.");
  EXPECT_EQ(f[0].hint, kDefaultAdvice);
}

TEST(TableRewriteEvent, PersistenceReason) {
  auto f = findings_of(kRule, rewrite_event(kRewritePersistence));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail, "The rewrite is caused by SET LOGGED or SET UNLOGGED.");
  EXPECT_EQ(f[0].hint, kPersistenceAdvice);
}

TEST(TableRewriteEvent, AccessMethodReason) {
  auto f = findings_of(kRule, rewrite_event(kRewriteAccessMethod));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail, "The rewrite is caused by SET ACCESS METHOD.");
  EXPECT_EQ(f[0].hint, kAccessMethodAdvice);
}

TEST(TableRewriteEvent, SeveralReasonsAreJoined) {
  auto f = findings_of(kRule, rewrite_event(kRewriteColumn | kRewriteDefault));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail,
                "The rewrite is caused by a column type change and a column added with a "
                "volatile default.");
  EXPECT_EQ(f[0].hint, kColumnAdvice + "\n" + kDefaultAdvice);
}

TEST(TableRewriteEvent, UnknownReason) {
  auto f = findings_of(kRule, rewrite_event(0));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail,
                "The rewrite is caused by a change the server cannot make in place.");
  EXPECT_EQ(f[0].hint, "Run the statement in a maintenance window.");

  f = findings_of(kRule, rewrite_event(0x100));  // a bit this version does not know
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].hint, "Run the statement in a maintenance window.");
}

TEST(TableRewriteEvent, CommandTagInTheMessage) {
  Operation op = rewrite_event(kRewriteColumn);
  op.table_rewrite.command = "ALTER TYPE";
  auto f = findings_of(kRule, op);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "ALTER TYPE rewrites large table \"public.orders\"");

  op.table_rewrite.command.clear();
  f = findings_of(kRule, op);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "ALTER TABLE rewrites large table \"public.orders\"");
}

TEST(TableRewriteEvent, QuotedNamesAreShownUnquoted) {
  auto f = findings_of(kRule, rewrite_event(kRewriteColumn, test::table("Sales", "Order Items",
                                                                        200000, 11 * test::kMiB)));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].relation, "Sales.Order Items");
  EXPECT_EQ(f[0].message, "ALTER TABLE rewrites large table \"Sales.Order Items\"");
}

// ------------------------------------------------------------- not flagged

TEST(TableRewriteEvent, SilentWhenTheHookAlreadyPredictedIt) {
  Operation op = rewrite_event(kRewriteColumn);
  op.table_rewrite.predicted = true;
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(TableRewriteEvent, SilentOnSmallTable) {
  EXPECT_TRUE(findings_of(kRule, rewrite_event(kRewriteColumn, test::small_table())).empty());
}

TEST(TableRewriteEvent, SilentOnEmptyTable) {
  EXPECT_TRUE(findings_of(kRule, rewrite_event(kRewriteColumn, test::empty_table())).empty());
}

TEST(TableRewriteEvent, SilentOnTableCreatedInTransaction) {
  TableFacts t = test::large_table();
  t.created_in_transaction = true;
  EXPECT_TRUE(findings_of(kRule, rewrite_event(kRewriteColumn, t)).empty());
}

TEST(TableRewriteEvent, SilentOnTemporaryTable) {
  TableFacts t = test::large_table();
  t.temporary = true;
  EXPECT_TRUE(findings_of(kRule, rewrite_event(kRewritePersistence, t)).empty());
}

TEST(TableRewriteEvent, LargeBySizeWithUnknownRows) {
  auto f = findings_of(kRule,
                       rewrite_event(kRewriteColumn, test::table("public", "orders", -1,
                                                                 200 * test::kMiB)));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].detail.rfind("Table \"public.orders\" has 200 MB of data. ", 0), 0u)
      << f[0].detail;
}

// ------------------------------------------------------------ predicted feeds

TEST(TableRewritePredicted, TypeChangeWithoutRewriteIsSilent) {
  Operation op = test::operation(OpKind::AlterColumnType, test::large_table());
  op.alter_type.column = "note";
  op.alter_type.old_type = "character varying(20)";
  op.alter_type.new_type = "text";
  op.alter_type.rewrite = false;
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(TableRewritePredicted, TypeChangeWithUsingSaysSo) {
  Operation op = test::operation(OpKind::AlterColumnType, test::large_table());
  op.alter_type.column = "amount";
  op.alter_type.old_type = "text";
  op.alter_type.new_type = "numeric";
  op.alter_type.rewrite = true;
  op.alter_type.has_using = true;
  auto f = findings_of(kRule, op);
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].detail, "Changing \"amount\" from text to numeric uses a USING expression, "
                             "so ALTER TABLE rewrites the table.");
  MG_EXPECT_HAS(f[0].hint, "<the USING expression>");
}

TEST(TableRewritePredicted, ConstantDefaultIsSilent) {
  Operation op = test::operation(OpKind::AddColumn, test::large_table());
  op.add_column.column = "flag";
  op.add_column.type_sql = "boolean";
  op.add_column.has_default = true;
  op.add_column.default_sql = "false";
  EXPECT_TRUE(findings_of(kRule, op).empty());
}

TEST(TableRewritePredicted, PersistenceKeepsTheRequestedMode) {
  Operation op = test::operation(OpKind::SetPersistence, test::large_table());
  op.object_name = "UNLOGGED";
  auto f = findings_of(kRule, op);
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].hint, "\nALTER TABLE public.orders SET UNLOGGED;");
}

TEST(TableRewritePredicted, PgRepackArgumentIsShellQuoted) {
  auto f = findings_of(kRule, test::operation(OpKind::VacuumFull,
                                              test::table("Sales", "Order Items", 200000,
                                                          11 * test::kMiB)));
  ASSERT_EQ(f.size(), 1u);
  MG_EXPECT_HAS(f[0].hint,
                "pg_repack --no-order --table='\"Sales\".\"Order Items\"' --dbname=<database>");
  MG_EXPECT_HAS(f[0].hint, "VACUUM (VERBOSE) \"Sales\".\"Order Items\";");
}

TEST(TableRewritePredicted, SilentOnSmallOrInvisibleTables) {
  for (OpKind kind : {OpKind::SetPersistence, OpKind::SetAccessMethod, OpKind::VacuumFull,
                      OpKind::Cluster}) {
    EXPECT_TRUE(findings_of(kRule, test::operation(kind, test::small_table())).empty());
    TableFacts t = test::large_table();
    t.created_in_transaction = true;
    EXPECT_TRUE(findings_of(kRule, test::operation(kind, t)).empty());
  }
}

// ------------------------------------------- predicted rewrites, each cause

namespace predicted {

using namespace rule_test;

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

  Operation ts = op_of(OpKind::SetTablespace, large());
  ts.object_name = "archive";
  f = run(ts, "table_rewrite");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("SET TABLESPACE copies large table \"public.orders\""));
  EXPECT_CONTAINS(f[0].detail, ("its indexes stay where they are"));
  EXPECT_CONTAINS(f[0].hint,
                  ("pg_repack --no-order --tablespace=archive --moveidx --table=public.orders"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders SET TABLESPACE archive;"));
  expect_well_formed(f[0], ts.table);

  for (OpKind k : {OpKind::SetPersistence, OpKind::SetAccessMethod, OpKind::VacuumFull,
                   OpKind::Cluster, OpKind::SetTablespace}) {
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

}  // namespace predicted

}  // namespace
}  // namespace mg
