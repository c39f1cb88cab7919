// review --production's PostgreSQL-free part: the expression trees of the
// catalogs turned back into SQL, the shadow's DDL, facts, names and locks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/shadow_schema.hpp"

namespace mg::cli::shadow {
namespace {

// Trees as PostgreSQL 15 stores them (pg_constraint.conbin, pg_index.indpred ...).
const char* kCheckAnd =
    "{BOOLEXPR :boolop and :args ({OPEXPR :opno 521 :opfuncid 147 :opresulttype 16 :opretset false "
    ":opcollid 0 :inputcollid 0 :args ({VAR :varno 1 :varattno 2 :vartype 23 :vartypmod -1 "
    ":varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn 2 :location 155} {CONST :consttype 23 "
    ":consttypmod -1 :constcollid 0 :constlen 4 :constbyval true :constisnull false :location 159 "
    ":constvalue 4 [ 0 0 0 0 0 0 0 0 ]}) :location 157} {NULLTEST :arg {VAR :varno 1 :varattno 3 "
    ":vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 3 :location "
    "165} :nulltesttype 1 :argisrow false :location 167}) :location 161}";
const char* kInList =
    "{SCALARARRAYOPEXPR :opno 98 :opfuncid 67 :hashfuncid 0 :negfuncid 0 :useOr true :inputcollid "
    "100 :args ({VAR :varno 1 :varattno 3 :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 "
    ":varnosyn 1 :varattnosyn 3 :location 188} {ARRAYEXPR :array_typeid 1009 :array_collid 100 "
    ":element_typeid 25 :elements ({CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen "
    "-1 :constbyval false :constisnull false :location 194 :constvalue 5 [ 20 0 0 0 97 ]} {CONST "
    ":consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull "
    "false :location 198 :constvalue 7 [ 28 0 0 0 98 32 99 ]} {CONST :consttype 25 :consttypmod -1 "
    ":constcollid 100 :constlen -1 :constbyval false :constisnull false :location 205 :constvalue "
    "7 [ 28 0 0 0 100 39 101 ]}) :multidims false :location -1}) :location 190}";
const char* kNumeric =
    "{OPEXPR :opno 1756 :opfuncid 1720 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 "
    ":args ({VAR :varno 1 :varattno 5 :vartype 1700 :vartypmod 655366 :varcollid 0 :varlevelsup 0 "
    ":varnosyn 1 :varattnosyn 5 :location 222} {CONST :consttype 1700 :consttypmod -1 :constcollid "
    "0 :constlen -1 :constbyval false :constisnull false :location 226 :constvalue 10 [ 40 0 0 0 "
    "-128 -128 1 0 -120 19 ]}) :location 224}";
const char* kEnum =
    "{OPEXPR :opno 3517 :opfuncid 3509 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 "
    ":args ({VAR :varno 1 :varattno 4 :vartype 16385 :vartypmod -1 :varcollid 0 :varlevelsup 0 "
    ":varnosyn 1 :varattnosyn 4 :location 239} {CONST :consttype 16385 :consttypmod -1 :constcollid "
    "0 :constlen 4 :constbyval true :constisnull false :location 244 :constvalue 4 [ 2 64 0 0 0 0 0 "
    "0 ]}) :location 241}";
const char* kTimestamptz =
    "{OPEXPR :opno 1324 :opfuncid 1157 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 "
    ":args ({VAR :varno 1 :varattno 6 :vartype 1184 :vartypmod -1 :varcollid 0 :varlevelsup 0 "
    ":varnosyn 1 :varattnosyn 6 :location 261} {CONST :consttype 1184 :consttypmod -1 :constcollid "
    "0 :constlen 8 :constbyval true :constisnull false :location 266 :constvalue 8 [ 96 -76 -10 54 "
    "30 62 2 0 ]}) :location 264}";
const char* kImplicitCastsAndFunction =
    "({OPEXPR :opno 551 :opfuncid 177 :opresulttype 23 :opretset false :opcollid 0 :inputcollid 0 "
    ":args ({VAR :varno 1 :varattno 2 :vartype 23 :vartypmod -1 :varcollid 0 :varlevelsup 0 "
    ":varnosyn 1 :varattnosyn 2 :location 27} {CONST :consttype 23 :consttypmod -1 :constcollid 0 "
    ":constlen 4 :constbyval true :constisnull false :location 29 :constvalue 4 [ 1 0 0 0 0 0 0 0 "
    "]}) :location 28} {FUNCEXPR :funcid 870 :funcresulttype 25 :funcretset false :funcvariadic "
    "false :funcformat 0 :funccollid 100 :inputcollid 100 :args ({VAR :varno 1 :varattno 3 :vartype "
    "25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 3 :location 39}) "
    ":location 33})";

Lookups lookups() {
  Lookups lk;
  lk.operators[521] = {"pg_catalog", ">"};
  lk.operators[98] = {"pg_catalog", "="};
  lk.operators[1756] = {"pg_catalog", ">"};
  lk.operators[3517] = {"pg_catalog", "<>"};
  lk.operators[1324] = {"pg_catalog", ">"};
  lk.operators[551] = {"pg_catalog", "+"};
  lk.functions[870] = "\"pg_catalog\".\"lower\"";
  lk.types[23] = {"integer", 'b', 0, 0, 4, true, 'i'};
  lk.types[25] = {"text", 'b', 0, 0, -1, false, 'i'};
  lk.types[1700] = {"numeric", 'b', 0, 0, -1, false, 'i'};
  lk.types[1184] = {"timestamp with time zone", 'b', 0, 0, 8, true, 'd'};
  lk.types[16385] = {"public.mood", 'e', 0, 0, 4, true, 'i'};
  lk.types[1007] = {"integer[]", 'b', 0, 23, -1, false, 'i'};
  lk.enum_labels[16386] = "happy";
  return lk;
}

std::map<int, std::string> columns() {
  return {{1, "id"}, {2, "v"}, {3, "s"}, {4, "m"}, {5, "n"}, {6, "ts"}};
}

std::string sql_of(const char* tree) {
  std::string error;
  std::unique_ptr<Node> n = parse_node_tree(tree, &error);
  EXPECT_TRUE(n) << error;
  if (!n) return "";
  std::string out, why;
  EXPECT_TRUE(deparse(*n, columns(), lookups(), out, &why)) << why;
  return out;
}

TEST(NodeTree, Parses) {
  std::string error;
  std::unique_ptr<Node> n = parse_node_tree(kCheckAnd, &error);
  ASSERT_TRUE(n) << error;
  EXPECT_EQ(n->kind, Node::Kind::Object);
  EXPECT_EQ(n->atom, "BOOLEXPR");
  EXPECT_EQ(n->text("boolop"), "and");
  const Node* args = n->field("args");
  ASSERT_TRUE(args);
  ASSERT_EQ(args->items.size(), 2u);
  EXPECT_EQ(args->items[1]->atom, "NULLTEST");
  EXPECT_FALSE(parse_node_tree("{OPEXPR :opno", &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(parse_node_tree("{CONST :constvalue 4 [ 1 2", &error));
}

TEST(NodeTree, DeparsesWhatIndexesAndChecksHold) {
  EXPECT_EQ(sql_of(kCheckAnd), "((\"v\" > 0) AND (\"s\" IS NOT NULL))");
  EXPECT_EQ(sql_of(kInList), "(\"s\" = ANY (ARRAY['a'::text, 'b c'::text, 'd''e'::text]))");
  EXPECT_EQ(sql_of(kNumeric), "(\"n\" > '1.5'::numeric)");
  EXPECT_EQ(sql_of(kEnum), "(\"m\" <> 'happy'::public.mood)");
  EXPECT_EQ(sql_of(kTimestamptz),
            "(\"ts\" > '2020-01-02 03:04:05.5+00'::timestamp with time zone)");
  std::unique_ptr<Node> list = parse_node_tree(kImplicitCastsAndFunction);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 2u);
  std::string a, b;
  EXPECT_TRUE(deparse(*list->items[0], columns(), lookups(), a));
  EXPECT_TRUE(deparse(*list->items[1], columns(), lookups(), b));
  EXPECT_EQ(a, "(\"v\" + 1)");
  EXPECT_EQ(b, "\"pg_catalog\".\"lower\"(\"s\")");
}

TEST(NodeTree, SearchedCase) {
  const char* tree =
      "{CASEEXPR :casetype 25 :casecollid 100 :arg <> :args ({CASEWHEN :expr {OPEXPR :opno 521 "
      ":opfuncid 147 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 :args ({VAR :varno "
      "1 :varattno 1 :vartype 23 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn "
      "1 :location 37} {CONST :consttype 23 :consttypmod -1 :constcollid 0 :constlen 4 :constbyval "
      "true :constisnull false :location 41 :constvalue 4 [ 1 0 0 0 0 0 0 0 ]}) :location 39} "
      ":result {CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false "
      ":constisnull false :location 48 :constvalue 5 [ 20 0 0 0 120 ]} :location 32}) :defresult "
      "{VAR :varno 1 :varattno 3 :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :varnosyn 1 "
      ":varattnosyn 3 :location 81} :location 27}";
  EXPECT_EQ(sql_of(tree), "CASE WHEN (\"id\" > 1) THEN 'x'::text ELSE \"s\" END");
}

TEST(NodeTree, UnknownNodesAreRefusedNotGuessed) {
  std::unique_ptr<Node> n = parse_node_tree(
      "{SUBLINK :subLinkType 0 :subLinkId 0 :testexpr <> :operName <> :subselect <> :location 1}");
  ASSERT_TRUE(n);
  std::string out, why;
  EXPECT_FALSE(deparse(*n, columns(), lookups(), out, &why));
  EXPECT_EQ(why, "SUBLINK");
  // An operator that was not looked up.
  Lookups lk = lookups();
  lk.operators.erase(521);
  std::unique_ptr<Node> c = parse_node_tree(kCheckAnd);
  EXPECT_FALSE(deparse(*c, columns(), lk, out, &why));
}

TEST(NodeTree, ProvenNotNull) {
  std::unique_ptr<Node> n = parse_node_tree(kCheckAnd);
  ASSERT_TRUE(n);
  EXPECT_EQ(proven_not_null(*n), (std::set<int>{3}));
  std::unique_ptr<Node> m = parse_node_tree(kNumeric);
  EXPECT_TRUE(proven_not_null(*m).empty());
}

TEST(NodeTree, CollectsTheOidsToLookUp) {
  std::unique_ptr<Node> n = parse_node_tree(kImplicitCastsAndFunction);
  std::set<long> types, ops, funcs, colls;
  std::set<std::pair<long, int>> typmods;
  collect_oids(*n, types, typmods, ops, funcs, colls);
  EXPECT_TRUE(ops.count(551));
  EXPECT_TRUE(funcs.count(870));
  EXPECT_TRUE(types.count(23));
  EXPECT_TRUE(types.count(25));
}

TEST(NodeTree, IntegerArrayConstant) {
  // '{1,2,3}'::int[] as a Const: ndim 1, no nulls, elemtype 23, dims 3, lbound 1.
  std::string tree =
      "{CONST :consttype 1007 :consttypmod -1 :constcollid 0 :constlen -1 :constbyval false "
      ":constisnull false :location 1 :constvalue 36 [ -112 0 0 0 1 0 0 0 0 0 0 0 23 0 0 0 3 0 0 0 "
      "1 0 0 0 1 0 0 0 2 0 0 0 3 0 0 0 ]}";
  std::unique_ptr<Node> n = parse_node_tree(tree);
  ASSERT_TRUE(n);
  std::string out;
  EXPECT_TRUE(const_literal(*n, lookups(), out));
  EXPECT_EQ(out, "'{\"1\",\"2\",\"3\"}'::integer[]");
}

TEST(Names, WordsAndQuotedIdentifiers) {
  std::set<std::string> n =
      candidate_names("ALTER TABLE Sales.\"Order Lines\" ADD x int; -- see Customers\n"
                      "SELECT 'big_table'::regclass, $1, t2.c$1");
  for (const char* w : {"alter", "ALTER", "sales", "Sales", "Order Lines", "customers",
                        "big_table", "t2", "c$1"})
    EXPECT_TRUE(n.count(w)) << w;
  EXPECT_FALSE(n.count("order lines"));
  EXPECT_FALSE(n.count("1"));
}

TEST(Locks, ConflictTable) {
  EXPECT_TRUE(lock_conflicts("AccessShareLock", "AccessExclusiveLock"));
  EXPECT_FALSE(lock_conflicts("AccessShareLock", "ShareLock"));
  EXPECT_TRUE(lock_conflicts("RowExclusiveLock", "ShareLock"));
  EXPECT_FALSE(lock_conflicts("RowExclusiveLock", "RowExclusiveLock"));
  EXPECT_TRUE(lock_conflicts("ShareUpdateExclusiveLock", "ShareUpdateExclusiveLock"));
  EXPECT_FALSE(lock_conflicts("ShareLock", "ShareLock"));
  EXPECT_TRUE(lock_conflicts("ExclusiveLock", "RowShareLock"));
  EXPECT_FALSE(lock_conflicts("ExclusiveLock", "AccessShareLock"));
  EXPECT_FALSE(lock_conflicts("SIReadLock", "AccessExclusiveLock"));
  EXPECT_EQ(lock_sql_name("ShareUpdateExclusiveLock"), "SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(lock_sql_name("AccessExclusiveLock"), "ACCESS EXCLUSIVE");
}

TEST(Facts, FromTheCatalogOnly) {
  Relation r;
  r.reltuples = 5000;
  r.relpages = 30;
  r.live_tuples = 10000;  // counted twice after an ANALYZE: not used
  r.toast_pages = 2;
  Facts f = relation_facts(r, 8192);
  EXPECT_EQ(f.rows, 5000);
  EXPECT_EQ(f.bytes, 32 * 8192);
  r.reltuples = -1;
  r.relpages = 0;
  r.toast_pages = 0;
  r.live_tuples = 700;  // never analyzed: the counters
  f = relation_facts(r, 8192);
  EXPECT_EQ(f.rows, 700);
  EXPECT_EQ(f.bytes, -1);
  r.live_tuples = 0;
  f = relation_facts(r, 8192);
  EXPECT_EQ(f.rows, -1);
  r.reltuples = 0;
  f = relation_facts(r, 8192);
  EXPECT_EQ(f.rows, 0);
  EXPECT_EQ(f.bytes, 0);
}

Column col(int attnum, const char* name, const char* type, long oid, bool not_null = false) {
  Column c;
  c.attnum = attnum;
  c.name = name;
  c.type = type;
  c.type_oid = oid;
  c.not_null = not_null;
  return c;
}

Snapshot small_snapshot() {
  Snapshot s;
  s.server_version_num = 150000;
  s.schemas = {"public"};
  s.lookups = lookups();
  Relation parent;
  parent.oid = 10;
  parent.schema = "public";
  parent.name = "events";
  parent.kind = 'p';
  parent.columns = {col(1, "id", "integer", 23, true), col(2, "at", "date", 1082, true)};
  parent.partkey.strategy = 'r';
  parent.partkey.keys = {2};
  Index pidx;
  pidx.oid = 100;
  pidx.name = "events_at_idx";
  pidx.am = "btree";
  pidx.nkeyatts = 1;
  pidx.keys = {2};
  parent.indexes = {pidx};
  Relation part = parent;
  part.oid = 11;
  part.name = "events_2024";
  part.kind = 'r';
  part.partition_of = 10;
  part.partition_bound = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')";
  part.partkey = PartitionKey();
  part.indexes[0].oid = 101;
  part.indexes[0].name = "events_2024_at_idx";
  part.indexes[0].parent_index = "\"public\".\"events_at_idx\"";
  part.indexes[0].valid = false;
  Relation users;
  users.oid = 12;
  users.schema = "public";
  users.name = "users";
  users.columns = {col(1, "id", "integer", 23, true), col(2, "s", "text", 25), col(3, "email", "text", 25)};
  Constraint pk;
  pk.name = "users_pkey";
  pk.type = 'p';
  pk.keys = {1};
  Constraint chk;
  chk.name = "users_s_check";
  chk.type = 'c';
  chk.validated = false;
  chk.check_tree = kCheckAnd;
  Constraint fk;
  fk.name = "events_user_fk";
  fk.type = 'f';
  fk.keys = {1};
  fk.ref_oid = 12;
  fk.ref_keys = {1};
  fk.on_delete = 'c';
  users.constraints = {pk, chk};
  parent.constraints = {fk};
  // Children first in the snapshot: the steps still create parents first.
  s.relations = {part, users, parent};
  return s;
}

TEST(ShadowSteps, RecreatesTheSchemaInOrder) {
  Snapshot s = small_snapshot();
  ShadowEnv env;
  env.server_version_num = 150000;
  std::vector<std::string> notes;
  std::vector<Step> steps = shadow_steps(s, env, notes);
  std::string all;
  for (const Step& st : steps) all += st.sql + ";\n";
  auto at = [&](const std::string& sql) {
    std::size_t p = all.find(sql);
    EXPECT_NE(p, std::string::npos) << sql << "\nin:\n" << all;
    return p;
  };
  std::size_t create_parent = at("CREATE TABLE \"public\".\"events\" (\"id\" integer NOT NULL, \"at\" date NOT NULL) PARTITION BY RANGE (\"at\")");
  std::size_t create_part = at("CREATE TABLE \"public\".\"events_2024\" (");
  std::size_t parent_index = at("CREATE INDEX \"events_at_idx\" ON ONLY \"public\".\"events\" USING \"btree\" (\"at\")");
  std::size_t attach = at("ALTER TABLE \"public\".\"events\" ATTACH PARTITION \"public\".\"events_2024\" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  std::size_t attach_index = at("ALTER INDEX \"public\".\"events_at_idx\" ATTACH PARTITION \"public\".\"events_2024_at_idx\"");
  at("ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_pkey\" PRIMARY KEY (\"id\")");
  at("ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_s_check\" CHECK (((\"s\" > 0) AND (\"email\" IS NOT NULL))) NOT VALID");
  std::size_t fkp = at("ALTER TABLE \"public\".\"events\" ADD CONSTRAINT \"events_user_fk\" FOREIGN KEY (\"id\") REFERENCES \"public\".\"users\" (\"id\") ON UPDATE NO ACTION ON DELETE CASCADE;");
  std::size_t invalid = at("UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = '\"public\".\"events_2024_at_idx\"'::pg_catalog.regclass");
  EXPECT_LT(create_parent, create_part);
  EXPECT_LT(parent_index, attach);
  EXPECT_LT(attach, attach_index);
  EXPECT_LT(attach, fkp);
  EXPECT_LT(attach_index, invalid);
  EXPECT_TRUE(notes.empty());
}

TEST(ShadowSteps, WhatCannotBeRecreatedIsSaid) {
  Snapshot s = small_snapshot();
  // An index expression of an unknown node: a stand-in with the same name.
  s.relations[1].indexes.push_back(Index());
  Index& ix = s.relations[1].indexes.back();
  ix.name = "users_expr_idx";
  ix.am = "btree";
  ix.nkeyatts = 1;
  ix.keys = {0};
  ix.exprs_tree = "({SUBLINK :subLinkType 0})";
  // A column of an extension's type the shadow does not have.
  Type citext;
  citext.oid = 50000;
  citext.schema = "public";
  citext.name = "citext";
  citext.typtype = 'b';
  citext.extension = "citext";
  s.types.push_back(citext);
  s.extensions["citext"] = {"1.6", "public"};
  s.relations[1].columns.push_back(col(4, "nick", "public.citext", 50000));
  ShadowEnv env;
  std::vector<std::string> notes;
  std::vector<Step> steps = shadow_steps(s, env, notes);
  std::string all_notes;
  for (const std::string& n : notes) all_notes += n + "\n";
  EXPECT_NE(all_notes.find("extension citext (1.6 on production) is not available"), std::string::npos) << all_notes;
  EXPECT_NE(all_notes.find("columns left out (their type cannot be recreated): \"nick\" public.citext"), std::string::npos) << all_notes;
  EXPECT_NE(all_notes.find("index \"public\".\"users_expr_idx\" is a stand-in"), std::string::npos) << all_notes;
  bool standin = false;
  for (const Step& st : steps)
    standin = standin || st.sql.find("CREATE INDEX \"users_expr_idx\" ON \"public\".\"users\" USING \"btree\" (((\"id\" IS NULL)))") != std::string::npos;
  EXPECT_TRUE(standin);
}

TEST(Versions, ADifferentMajorIsSaid) {
  EXPECT_EQ(major_version_note(150004, 150020), "");
  std::string n = major_version_note(170002, 150020);
  EXPECT_NE(n.find("production runs PostgreSQL 17 and the shadow server 15"), std::string::npos) << n;
  EXPECT_NE(n.find("judged by what PostgreSQL 15 does"), std::string::npos) << n;
}

TEST(Quoting, IdentifiersAndLiterals) {
  EXPECT_EQ(quote_ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
  EXPECT_EQ(quote_literal("a\\b"), "E'a\\\\b'");
  EXPECT_EQ(qualified("s", "t"), "\"s\".\"t\"");
}

}  // namespace
}  // namespace mg::cli::shadow
