// Unit tests of the rule catalog as a whole: every descriptor complete, ids
// unique, one line of list.def per rule, a documentation page and a test
// file per rule, the flags as the review and the duration estimate expect
// them.  Each rule's own cases are in test/unit/rules/<id>_test.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/rules.hpp"
#include "rules/rule_test.hpp"

#ifndef MG_SOURCE_DIR
#error "MG_SOURCE_DIR (the top of the source tree) must be defined by the build"
#endif

namespace mg {
namespace {

using namespace rule_test;

const std::string kRoot = MG_SOURCE_DIR "/";

bool file_exists(const std::string& path) { return std::ifstream(kRoot + path).good(); }

// ---------------------------------------------------------------- catalog

TEST(RuleCatalog, EveryRuleIsCompleteAndUnique) {
  std::set<std::string> ids;
  for (const Rule* rp : rule_catalog()) {
    const Rule& r = *rp;
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    // Something to judge: one operation, or a whole script.
    EXPECT_TRUE(r.check != nullptr || r.script_check != nullptr) << r.id;
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

// The name on each line of list.def is the descriptor's id, and the catalog
// holds the lines in their order.
TEST(RuleCatalog, OneLineOfListDefPerRule) {
  std::vector<std::string> listed;
#define MG_RULE(name) \
  listed.push_back(#name); \
  EXPECT_STREQ(rules::name.id, #name);
#include "core/rules/list.def"
#undef MG_RULE
  ASSERT_EQ(listed.size(), rule_catalog().size());
  for (std::size_t i = 0; i < listed.size(); ++i) EXPECT_EQ(listed[i], rule_catalog()[i]->id);
}

TEST(RuleCatalog, EveryRuleIsDocumented) {
  ASSERT_TRUE(file_exists("README.md")) << "source tree not found at " << kRoot;
  for (const Rule* r : rule_catalog()) {
    const std::string page = std::string("docs/rules/") + r->id + ".md";
    EXPECT_TRUE(file_exists(page)) << page;
  }
}

TEST(RuleCatalog, EveryRuleHasItsOwnTests) {
  ASSERT_TRUE(file_exists("README.md")) << "source tree not found at " << kRoot;
  for (const Rule* r : rule_catalog()) {
    const std::string unit = std::string("test/unit/rules/") + r->id + "_test.cpp";
    EXPECT_TRUE(file_exists(unit)) << unit;
    const std::string regress = std::string("sql/rules/") + r->id + ".sql";
    EXPECT_TRUE(file_exists(regress)) << regress;
    const std::string expected = std::string("expected/rules/") + r->id + ".out";
    EXPECT_TRUE(file_exists(expected)) << expected;
  }
}

// The flags that replaced the lists of rule names in rules.cpp and review.cpp.
TEST(RuleCatalog, Flags) {
  std::set<std::string> duration, data_loss, script;
  for (const Rule* r : rule_catalog()) {
    if (r->reports_duration()) duration.insert(r->id);
    if (r->data_loss()) data_loss.insert(r->id);
    if (r->script_check) script.insert(r->id);
  }
  EXPECT_EQ(duration, (std::set<std::string>{
                          "index_not_concurrent", "reindex_not_concurrent", "table_rewrite",
                          "default_partition_scan", "set_not_null_scan",
                          "constraint_without_not_valid",
                          "unique_constraint_builds_index", "attach_partition_scan",
                          "refresh_matview_blocking", "type_change_scan"}));
  EXPECT_EQ(data_loss,
            (std::set<std::string>{"drop_table", "truncate_table", "type_change_narrowing"}));
  EXPECT_EQ(script, (std::set<std::string>{"lock_held_across_statements",
                                           "not_valid_validated_in_same_transaction"}));
}

// Every costly effect a statement can have on a relation has a rule that
// speaks for it.
TEST(RuleCatalog, EveryCostlyEffectHasARule) {
  for (Effect e : {Effect::Scan, Effect::IndexBuild, Effect::Rewrite, Effect::Truncate,
                   Effect::Drop}) {
    bool owned = false;
    for (const Rule* r : rule_catalog()) owned = owned || r->owns(e);
    EXPECT_TRUE(owned) << effect_name(e);
  }
  EXPECT_TRUE(find_rule("table_rewrite")->owns(Effect::Rewrite));
  EXPECT_FALSE(find_rule("table_rewrite")->owns(Effect::Scan));
}

// What the model can say an operation does to a large table others can see,
// under a lock that stops writes: each (kind, effect) pair, as the model
// (src/glue/model/) builds the operation.  A new effect in the model
// belongs here, and then needs a rule that owns it.
struct ModelledEffect {
  const char* what;
  Operation op;
};

std::vector<ModelledEffect> modelled_effects() {
  std::vector<ModelledEffect> all;
  auto add = [&](const char* what, OpKind kind, Effect effect, auto&& fill) {
    Operation op = op_of(kind, large());
    op.effect = effect;
    fill(op);
    all.push_back({what, std::move(op)});
  };
  auto nothing = [](Operation&) {};
  add("CREATE INDEX", OpKind::CreateIndex, Effect::IndexBuild, [](Operation& op) {
    op.create_index.statement = "CREATE INDEX ON orders (a)";
  });
  add("ADD UNIQUE", OpKind::AddConstraint, Effect::IndexBuild, [](Operation& op) {
    op.constraint.type = 'u';
    op.constraint.columns = "(a)";
  });
  add("ADD PRIMARY KEY", OpKind::AddConstraint, Effect::IndexBuild, [](Operation& op) {
    op.constraint.type = 'p';
    op.constraint.columns = "(a)";
  });
  add("ADD CHECK", OpKind::AddConstraint, Effect::Scan, [](Operation& op) {
    op.constraint.type = 'c';
    op.constraint.definition = "CHECK (a > 0)";
  });
  add("ADD FOREIGN KEY", OpKind::AddConstraint, Effect::Scan, [](Operation& op) {
    op.constraint.type = 'f';
    op.constraint.definition = "FOREIGN KEY (a) REFERENCES customers (id)";
    op.constraint.referenced = large("customers");
  });
  add("ALTER DOMAIN ADD CHECK", OpKind::AddConstraint, Effect::Scan, [](Operation& op) {
    op.constraint.type = 'c';
    op.constraint.domain = "public.positive";
    op.constraint.domain_columns = "a";
    op.constraint.definition = "CHECK (VALUE > 0)";
  });
  add("SET NOT NULL", OpKind::SetNotNull, Effect::Scan, [](Operation& op) {
    op.column.column = "a";
    op.partition.scan_needed = true;
  });
  add("ADD COLUMN NOT NULL", OpKind::AddColumn, Effect::Scan, [](Operation& op) {
    op.add_column.column = "a";
    op.add_column.type_sql = "integer";
    op.add_column.not_null = true;
  });
  add("ADD COLUMN volatile default", OpKind::AddColumn, Effect::Rewrite, [](Operation& op) {
    op.add_column.column = "a";
    op.add_column.type_sql = "uuid";
    op.add_column.has_default = true;
    op.add_column.volatile_default = true;
    op.add_column.default_sql = "gen_random_uuid()";
  });
  add("ADD COLUMN identity", OpKind::AddColumn, Effect::Rewrite, [](Operation& op) {
    op.add_column.column = "a";
    op.add_column.type_sql = "bigint";
    op.add_column.fills_values = true;
  });
  // Nothing but the effect: a column of a domain with constraints.
  add("ADD COLUMN constrained domain", OpKind::AddColumn, Effect::Rewrite, [](Operation& op) {
    op.add_column.column = "a";
    op.add_column.type_sql = "positive";
  });
  add("ALTER COLUMN TYPE", OpKind::AlterColumnType, Effect::Rewrite, [](Operation& op) {
    op.alter_type.column = "a";
    op.alter_type.old_type = "integer";
    op.alter_type.new_type = "bigint";
    op.alter_type.rewrite = true;
  });
  add("ALTER COLUMN TYPE (effect only)", OpKind::AlterColumnType, Effect::Rewrite,
      [](Operation& op) {
        op.alter_type.column = "a";
        op.alter_type.old_type = "integer";
        op.alter_type.new_type = "bigint";
      });
  add("ALTER COLUMN TYPE validating a CHECK again", OpKind::AlterColumnType, Effect::Scan,
      [](Operation& op) {
        op.alter_type.column = "a";
        op.alter_type.old_type = "numeric(10,2)";
        op.alter_type.new_type = "numeric(12,2)";
      });
  add("ALTER COLUMN TYPE building an index again", OpKind::AlterColumnType, Effect::IndexBuild,
      [](Operation& op) {
        op.alter_type.column = "a";
        op.alter_type.old_type = "text";
        op.alter_type.new_type = "text";
      });
  add("table_rewrite event", OpKind::TableRewrite, Effect::Rewrite, [](Operation& op) {
    op.table_rewrite.command = "ALTER TABLE";
    op.table_rewrite.reason = kRewriteColumn;
  });
  add("SET EXPRESSION", OpKind::TableRewrite, Effect::Rewrite, [](Operation& op) {
    op.table_rewrite.command = "ALTER TABLE";
    op.table_rewrite.reason = kRewriteSetExpression;
  });
  add("SET LOGGED", OpKind::SetPersistence, Effect::Rewrite,
      [](Operation& op) { op.object_name = "LOGGED"; });
  add("SET ACCESS METHOD", OpKind::SetAccessMethod, Effect::Rewrite,
      [](Operation& op) { op.object_name = "heap"; });
  add("SET TABLESPACE", OpKind::SetTablespace, Effect::Rewrite,
      [](Operation& op) { op.object_name = "archive"; });
  add("VACUUM FULL", OpKind::VacuumFull, Effect::Rewrite, nothing);
  add("CLUSTER", OpKind::Cluster, Effect::Rewrite, nothing);
  add("ATTACH PARTITION", OpKind::AttachPartition, Effect::Scan, [](Operation& op) {
    op.table.kind = 'p';
    op.partition.partition = large("orders_2024");
    op.partition.scan_needed = true;
    op.partition.bound = "FOR VALUES FROM (1) TO (10)";
  });
  add("ATTACH PARTITION building an index", OpKind::AttachPartition, Effect::IndexBuild,
      [](Operation& op) {
        op.table.kind = 'p';
        op.partition.partition = large("orders_2024");
        op.partition.bound = "FOR VALUES FROM (1) TO (10)";
        op.partition.built_indexes = 1;
        op.partition.built_index_names = "orders_a_idx";
      });
  add("a new partition checked against the default partition", OpKind::DefaultPartitionScan,
      Effect::Scan, [](Operation& op) {
        op.partition.partition = large("orders_2024");
        op.partition.bound = "FOR VALUES FROM (1) TO (10)";
      });
  add("REFRESH MATERIALIZED VIEW", OpKind::RefreshMatview, Effect::Rewrite,
      [](Operation& op) { op.table.kind = 'm'; });
  add("REINDEX", OpKind::Reindex, Effect::IndexBuild, nothing);
  add("TRUNCATE", OpKind::Truncate, Effect::Truncate, nothing);
  add("DROP TABLE", OpKind::DropTable, Effect::Drop, nothing);
  add("DROP INDEX", OpKind::DropIndex, Effect::Drop,
      [](Operation& op) { op.object_name = "orders_a_idx"; });
  return all;
}

// Rules judge the model's effects by construction: every (operation kind,
// effect) the model gives a large table others can see has exactly one rule
// that owns it, and that rule reports it, whatever else the operation says.
TEST(RuleCatalog, EveryModelledEffectHasExactlyOneJudge) {
  Settings s;
  std::set<std::pair<int, int>> modelled;
  for (const ModelledEffect& m : modelled_effects()) {
    const OpKind kind = m.op.kind;
    const Effect effect = m.op.effect;
    modelled.insert({static_cast<int>(kind), static_cast<int>(effect)});
    std::vector<std::string> owners;
    for (const Rule* r : rule_catalog())
      if (r->judges(kind, effect)) owners.push_back(r->id);
    ASSERT_EQ(owners.size(), 1u) << m.what << ": " << owners.size() << " rules own "
                                 << effect_name(effect);
    int judged = 0;
    for (const Finding& f : evaluate(m.op, s)) {
      if (!find_rule(f.rule)->judges(kind, effect)) continue;
      ++judged;
      EXPECT_EQ(f.rule, owners[0]) << m.what;
    }
    EXPECT_EQ(judged, 1) << m.what << " on a large table: " << owners[0] << " said nothing";
    // Silent on an empty table.
    Operation empty_op = m.op;
    empty_op.table = empty();
    empty_op.partition.partition = empty("orders_2024");
    empty_op.constraint.referenced = empty("customers");
    for (const Finding& f : evaluate(empty_op, s))
      EXPECT_FALSE(find_rule(f.rule)->judges(kind, effect))
          << m.what << " on an empty table: " << f.rule;
  }
  // And no rule claims a pair the model never produces.
  for (const Rule* r : rule_catalog())
    for (unsigned k = 0; k < 64; ++k)
      for (unsigned e = 0; e <= static_cast<unsigned>(Effect::Drop); ++e)
        if (r->judges(static_cast<OpKind>(k), static_cast<Effect>(e))) {
          EXPECT_TRUE(modelled.count({static_cast<int>(k), static_cast<int>(e)}))
              << r->id << " claims kind " << k << ", " << effect_name(static_cast<Effect>(e));
        }
}

// A finding carries the id and the default severity of its descriptor.
TEST(RuleCatalog, FindingsAreMadeFromTheDescriptor) {
  Finding f = make_finding(rules::drop_index_not_concurrent, QualifiedName{"public", "orders"});
  EXPECT_EQ(f.rule, "drop_index_not_concurrent");
  EXPECT_EQ(f.severity, Severity::Warning);
  EXPECT_EQ(f.relation, "public.orders");
  EXPECT_FALSE(f.safe_sql_before);
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

// The facts sentence of an operation on a partitioned table that works on
// some of its leaves only, and on an inheritance parent with its children
// (issue 14.3): the sums the glue computed, and over what.
TEST(RuleCatalog, FactsSentenceOfTrees) {
  TableFacts t = mg::test::table("public", "events", 3000, 72 * 1024);
  t.kind = 'p';
  t.partition_count = 3;
  EXPECT_EQ(table_facts_sentence(t),
            "Partitioned table \"public.events\" holds about 3000 rows (72 kB) in 3 partitions.");
  t.leaf_count = 4;
  t.leaves_affected = 3;
  EXPECT_EQ(table_facts_sentence(t),
            "Partitioned table \"public.events\": the 3 of its 4 leaf partitions that the "
            "statement works on hold about 3000 rows (72 kB).");
  TableFacts i = mg::test::table("public", "log", 600, 24 * 1024);
  i.leaf_count = 2;
  i.leaves_affected = 2;
  EXPECT_EQ(table_facts_sentence(i),
            "Table \"public.log\" and the 2 tables that inherit from it hold about 600 rows "
            "(24 kB).");
  i.leaves_affected = 1;
  EXPECT_EQ(table_facts_sentence(i),
            "Table \"public.log\" and 1 of the 2 tables that inherit from it hold about 600 rows "
            "(24 kB).");
}
}  // namespace
}  // namespace mg
