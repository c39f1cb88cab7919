// The one undo generator (core/undo.cpp): the history's rollback_sql and the
// report's rollback plan come from it, so the cases where they used to
// disagree (CREATE INDEX, DROP INDEX, SET DEFAULT, ALTER TYPE) are pinned here
// once, and a hostile name stays quoted or inside a comment.
#include "core/undo.hpp"

#include "core/review.hpp"
#include "script_support.hpp"
#include "test_support.hpp"

namespace mg {
namespace {

std::string run_sql(const StatementUndo& u) {
  std::string sql;
  for (const UndoStep& s : u.steps)
    if (!s.sql.empty()) sql += (sql.empty() ? "" : "\n") + s.sql;
  return sql;
}

TEST(Undo, CreateIndexDroppedTheWayItWasBuilt) {
  Operation op = test::operation(OpKind::CreateIndex, test::large_table());
  op.create_index.index_name = "orders_created_idx";
  EXPECT_EQ(run_sql(undo_statement({op}, {}, "CREATE INDEX", 1, Settings{})),
            "DROP INDEX public.orders_created_idx;");
  op.create_index.concurrently = true;
  EXPECT_EQ(run_sql(undo_statement({op}, {}, "CREATE INDEX", 1, Settings{})),
            "DROP INDEX CONCURRENTLY public.orders_created_idx;");
  op.table.kind = 'p';  // an index of a partitioned table cannot be dropped CONCURRENTLY
  EXPECT_EQ(run_sql(undo_statement({op}, {}, "CREATE INDEX", 1, Settings{})),
            "DROP INDEX public.orders_created_idx;");
  op.undo.existed = true;
  EXPECT_EQ(run_sql(undo_statement({op}, {}, "CREATE INDEX", 1, Settings{})),
            "-- nothing to undo: the index existed already");
}

TEST(Undo, DropIndexFromItsDefinition) {
  Operation op = test::operation(OpKind::DropIndex, test::large_table());
  op.object_name = "orders_created_idx";
  StatementUndo unknown = undo_statement({op}, {}, "DROP INDEX", 1, Settings{});
  EXPECT_EQ(run_sql(unknown), "");
  EXPECT_EQ(unknown.reasons, "the dropped index's definition is unknown; ");
  op.undo.old_definition =
      "CREATE UNIQUE INDEX orders_created_idx ON public.orders USING btree (created_at)";
  op.concurrently = true;
  StatementUndo known = undo_statement({op}, {}, "DROP INDEX", 1, Settings{});
  EXPECT_EQ(run_sql(known), "CREATE UNIQUE INDEX CONCURRENTLY orders_created_idx ON "
                            "public.orders USING btree (created_at);");
  EXPECT_EQ(known.reasons, "");
}

TEST(Undo, SetDefaultAndTypeFromTheOldValues) {
  UndoFact def;
  def.kind = UndoFactKind::ColumnDefault;
  def.table = {"public", "orders"};
  def.name = "Status";
  def.has_old = true;
  def.old_sql = "'new'::text";
  Operation at = test::operation(OpKind::AlterColumnType, test::large_table());
  at.alter_type.column = "n";
  at.alter_type.old_type = "integer";
  at.alter_type.narrowing = true;
  StatementUndo u = undo_statement({at}, {def}, "ALTER TABLE", 1, Settings{});
  EXPECT_EQ(run_sql(u),
            "ALTER TABLE public.orders ALTER COLUMN n TYPE integer;  -- lossy: values the first "
            "change altered are not restored\n"
            "ALTER TABLE public.orders ALTER COLUMN \"Status\" SET DEFAULT 'new'::text;");
  EXPECT_TRUE(u.covered);
  def.has_old = false;
  EXPECT_EQ(run_sql(undo_statement({}, {def}, "ALTER TABLE", 1, Settings{})),
            "ALTER TABLE public.orders ALTER COLUMN \"Status\" DROP DEFAULT;");
}

TEST(Undo, HostileNamesStayQuotedOrCommented) {
  Operation op = test::operation(OpKind::DropIndex, test::table("public", "t\nDROP x", 1, 1));
  op.object_name = "i\n; DROP TABLE y; --";
  StatementUndo u = undo_statement({op}, {}, "DROP INDEX", 1, Settings{});
  ASSERT_EQ(u.steps.size(), 1u);
  // The note is a comment on every line whatever the name holds.
  for (std::size_t at = 0; at != std::string::npos; at = u.steps[0].note.find('\n', at + 1))
    EXPECT_EQ(u.steps[0].note.compare(at == 0 ? 0 : at + 1, 3, "-- "), 0) << u.steps[0].note;
  UndoFact rename;
  rename.kind = UndoFactKind::RenameConstraint;
  rename.table = {"public", "orders"};
  rename.name = "a\"b";
  rename.new_name = "c";
  EXPECT_EQ(run_sql(undo_statement({}, {rename}, "ALTER TABLE", 1, Settings{})),
            "ALTER TABLE public.orders RENAME CONSTRAINT c TO \"a\"\"b\";");
}

UndoFact fact(UndoFactKind kind, QualifiedName table, std::string name = "") {
  UndoFact f;
  f.kind = kind;
  f.table = std::move(table);
  f.name = std::move(name);
  return f;
}

TEST(Undo, SetSchemaBackToTheOldSchema) {
  UndoFact f = fact(UndoFactKind::SetSchema, {"archive", "Orders"}, "public");
  f.keyword = "TABLE";
  EXPECT_EQ(run_sql(undo_statement({}, {f}, "ALTER TABLE", 1, Settings{})),
            "ALTER TABLE archive.\"Orders\" SET SCHEMA public;");
  f.name = "archive";  // moved to the schema it was in: nothing
  StatementUndo same = undo_statement({}, {f}, "ALTER TABLE", 1, Settings{});
  EXPECT_EQ(run_sql(same), "");
  EXPECT_TRUE(same.covered);
}

TEST(Undo, RelOptionsOfOneTableMakeOneSetAndOneReset) {
  UndoFact fill = fact(UndoFactKind::RelOption, {"public", "orders"}, "fillfactor");
  fill.keyword = "TABLE";
  fill.has_old = true;
  fill.old_sql = "70";
  UndoFact vac = fact(UndoFactKind::RelOption, {"public", "orders"}, "autovacuum_enabled");
  vac.keyword = "TABLE";
  UndoFact toast = fact(UndoFactKind::RelOption, {"public", "orders"}, "autovacuum_enabled");
  toast.keyword = "TABLE";
  toast.new_name = "toast";
  UndoFact odd = fact(UndoFactKind::RelOption, {"public", "orders"}, "user_catalog_table");
  odd.keyword = "TABLE";
  odd.has_old = true;
  odd.old_sql = "it's\\";
  StatementUndo u = undo_statement({}, {fill, vac, toast, odd}, "ALTER TABLE", 1, Settings{});
  EXPECT_EQ(run_sql(u),
            "ALTER TABLE public.orders SET (fillfactor = '70', user_catalog_table = E'it''s\\\\');\n"
            "ALTER TABLE public.orders RESET (autovacuum_enabled);");
  EXPECT_EQ(u.reasons, "the previous value of toast.autovacuum_enabled is not recorded; ");
}

TEST(Undo, ReplacedViewComesBack) {
  UndoFact f = fact(UndoFactKind::ViewReplaced, {"public", "v"});
  StatementUndo unknown = undo_statement({}, {f}, "CREATE VIEW", 1, Settings{});
  EXPECT_EQ(run_sql(unknown), "");
  EXPECT_EQ(unknown.reasons, "the replaced view's definition is unknown; ");
  f.has_old = true;
  f.old_sql = "CREATE VIEW public.v AS\n SELECT 1 AS a;";
  f.same_columns = true;
  EXPECT_EQ(run_sql(undo_statement({}, {f}, "CREATE VIEW", 1, Settings{})),
            "CREATE OR REPLACE VIEW public.v AS\n SELECT 1 AS a;");
  f.same_columns = false;  // CREATE OR REPLACE cannot drop the columns it added
  EXPECT_EQ(run_sql(undo_statement({}, {f}, "CREATE VIEW", 1, Settings{})),
            "DROP VIEW public.v;\nCREATE VIEW public.v AS\n SELECT 1 AS a;");
}

TEST(Undo, CreatedObjectsDropped) {
  UndoFact schema = fact(UndoFactKind::CreatedObject, {}, "My Schema");
  schema.keyword = "SCHEMA";
  EXPECT_EQ(run_sql(undo_statement({}, {schema}, "CREATE SCHEMA", 1, Settings{})),
            "DROP SCHEMA \"My Schema\";");
  schema.cascade = true;
  EXPECT_EQ(run_sql(undo_statement({}, {schema}, "CREATE SCHEMA", 1, Settings{})),
            "DROP SCHEMA \"My Schema\" CASCADE  -- with the objects it was created with;");
  UndoFact trigger = fact(UndoFactKind::CreatedObject, {"public", "orders"}, "audit\n;DROP");
  trigger.keyword = "TRIGGER";
  EXPECT_EQ(run_sql(undo_statement({}, {trigger}, "CREATE TRIGGER", 1, Settings{})),
            "DROP TRIGGER \"audit\n;DROP\" ON public.orders;");
  UndoFact type = fact(UndoFactKind::CreatedObject, {"app", "mood"});
  type.keyword = "TYPE";
  EXPECT_EQ(run_sql(undo_statement({}, {type}, "CREATE TYPE", 1, Settings{})),
            "DROP TYPE app.mood;");
  UndoFact unknown = fact(UndoFactKind::CreatedObject, {});
  unknown.keyword = "TRIGGER";  // CREATE OR REPLACE TRIGGER: the one before is not recorded
  StatementUndo u = undo_statement({}, {unknown}, "CREATE TRIGGER", 1, Settings{});
  EXPECT_EQ(run_sql(u), "");
  EXPECT_EQ(u.reasons, "the object before the statement is not recorded; ");
}

TEST(Undo, WhatCascadeTookIsNamed) {
  UndoFact table = fact(UndoFactKind::CascadeDropped, {"public", "child"});
  table.rows = 5000;
  table.bytes = 262144;
  UndoFact column = fact(UndoFactKind::CascadeDropped, {"public", "v"}, "Total");
  column.rows = 10;
  UndoFact empty = column;
  empty.column_empty = true;
  UndoFact unread = fact(UndoFactKind::DefinitionUnread, {"public", "report"});
  UndoFact unknown = fact(UndoFactKind::DroppedUnknown, {}, "DROP TYPE");
  StatementUndo u = undo_statement({}, {table, column, empty, unread, unknown}, "DROP TYPE", 1,
                                   Settings{});
  EXPECT_EQ(run_sql(u), "");
  EXPECT_EQ(u.reasons,
            "CASCADE dropped table public.child with about 5000 rows (262144 bytes); "
            "CASCADE dropped column public.v.\"Total\" with the values of about 10 rows; "
            "CASCADE dropped column public.v.\"Total\" (every value NULL); "
            "the definition of public.report was not read: a relation it reads was locked by "
            "another session; "
            "the definition of what DROP TYPE dropped is not recorded; ");
}

TEST(Undo, DroppedSequenceComesBackWithOwnerGrantsAndPosition) {
  SequenceFacts seq;
  seq.name = {"public", "orders_id_seq"};
  seq.type_sql = "bigint";
  seq.increment = 1;
  seq.min = 1;
  seq.max = 9223372036854775807;
  seq.start = 1;
  seq.cache = 1;
  seq.owner = "app owner";
  seq.grants = {{"USAGE", "", false}, {"SELECT", "reader", true}};
  seq.has_position = true;
  seq.position = 42;
  EXPECT_EQ(recreate_sequence(seq, Settings{}),
            "CREATE SEQUENCE public.orders_id_seq AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE "
            "9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;\n"
            "ALTER SEQUENCE public.orders_id_seq OWNER TO \"app owner\";\n"
            "GRANT USAGE ON SEQUENCE public.orders_id_seq TO PUBLIC;\n"
            "GRANT SELECT ON SEQUENCE public.orders_id_seq TO reader WITH GRANT OPTION;\n"
            "SELECT pg_catalog.setval('public.orders_id_seq', 42);");
  seq.name = {"public", "it's\n; DROP TABLE x; --"};
  seq.grants.clear();
  seq.position_readable = false;
  EXPECT_EQ(recreate_sequence(seq, Settings{}),
            "CREATE SEQUENCE public.\"it's\n; DROP TABLE x; --\" AS bigint INCREMENT BY 1 "
            "MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;\n"
            "ALTER SEQUENCE public.\"it's\n; DROP TABLE x; --\" OWNER TO \"app owner\";\n"
            "-- its position was not readable by the role that dropped it");
}

TEST(Undo, DroppedViewComesBackWithItsOptions) {
  ViewFacts view;
  view.name = {"Reports", "daily"};
  view.options = {{"security_barrier", "true"}, {"check_option", "it's"}};
  view.option_has_value = {true, true};
  view.definition = " SELECT 1 AS a;";
  EXPECT_EQ(recreate_view(view, Settings{}),
            "CREATE VIEW \"Reports\".daily WITH (security_barrier = 'true', check_option = "
            "'it''s') AS\n SELECT 1 AS a;");
  view.materialized = true;
  view.options.clear();
  view.option_has_value.clear();
  EXPECT_EQ(recreate_view(view, Settings{}),
            "CREATE MATERIALIZED VIEW \"Reports\".daily AS\n SELECT 1 AS a;");
}

TEST(Undo, SetTablespaceMovesItBack) {
  Operation op = test::operation(OpKind::SetTablespace, test::large_table());
  op.object_name = "archive";
  StatementUndo unknown = undo_statement({op}, {}, "ALTER TABLE", 1, Settings{});
  EXPECT_EQ(run_sql(unknown), "");
  EXPECT_NE(unknown.reasons, "");
  op.undo.old_definition = "fast ssd";
  EXPECT_EQ(run_sql(undo_statement({op}, {}, "ALTER TABLE", 1, Settings{})),
            "ALTER TABLE public.orders SET TABLESPACE \"fast ssd\";  -- copies the files back");
}

TEST(Undo, ReportPlanIsTheHistoryUndo) {
  // The report's rollback plan runs the same SQL as the history's undo.
  Operation op = test::operation(OpKind::DropIndex, test::large_table());
  op.object_name = "orders_created_idx";
  op.undo.old_definition = "CREATE INDEX orders_created_idx ON public.orders USING btree (a)";
  ScriptStatement st = script_test::stmt(1, "DROP INDEX orders_created_idx", "DROP INDEX");
  st.ops.push_back(op);
  UndoFact created;
  created.kind = UndoFactKind::Created;
  created.keyword = "TABLE";
  created.table = {"public", "t"};
  std::vector<RollbackStep> plan = rollback_plan(review_script({st}, Settings{}), Settings{});
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].sql, run_sql(undo_statement({op}, {}, "DROP INDEX", 1, Settings{})));
  EXPECT_EQ(run_sql(undo_statement({}, {created}, "CREATE TABLE", 1, Settings{})),
            undo_created("TABLE", "public.t"));
}

}  // namespace
}  // namespace mg
