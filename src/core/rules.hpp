// The rule catalog and the evaluation of an operation against it.
//
// A rule is one descriptor (struct Rule below), defined in
// src/core/rules/<id>.cpp next to its check: id, default severity, flags,
// the effects it speaks for, summary, explanation, recipe.  The one list of
// rules is src/core/rules/list.def (one line each); it declares the
// descriptors here and makes the catalog in rules.cpp.  Findings are made
// from the descriptor (make_finding), so the id and the severity are written
// once.  Each rule is documented in docs/rules/<id>.md and tested in
// test/unit/rules/<id>_test.cpp and sql/rules/<id>.sql.
//
// A rule reports nothing when the facts make the statement harmless (a small
// or empty table, a table nobody else can see): a false positive teaches
// people to ignore the tool.
#pragma once
#include "core/no_pg.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/policy.hpp"

namespace mg {

struct Finding {
  std::string rule;
  Severity severity = Severity::Warning;
  std::string relation;  // schema.name of the table concerned, unquoted
  std::string message;   // primary message: lower case, no period
  std::string detail;    // facts: complete sentences
  std::string hint;      // the safe alternative, as runnable SQL
  // The SQL of the main recipe alone, without the prose of the hint: what
  // replaces the statement in a recommended migration.  Empty when the rule
  // has no SQL to offer.
  std::string safe_sql;
  // The safe SQL goes before the statement, which stays, instead of
  // replacing it: the problem is not the statement's (an INVALID index
  // already on its table).
  bool safe_sql_before = false;
};

struct ScriptStatement;  // review.hpp

// Flags of a rule (Rule::flags).
enum RuleFlag : unsigned {
  kNoFlags = 0,
  // Its finding is about how long the statement blocks others: evaluate()
  // appends the duration estimate to its DETAIL.
  kReportsDuration = 1u << 0,
  // Its finding means data that cannot be brought back: the review of a
  // script rates its risk CRITICAL.
  kDataLoss = 1u << 1,
};

// The bit of an effect in Rule::effects.
constexpr unsigned effect_bit(Effect e) { return 1u << static_cast<unsigned>(e); }
// The bit of an operation kind in Rule::kinds.
constexpr unsigned long long kind_bit(OpKind k) { return 1ull << static_cast<unsigned>(k); }

// Appends the findings of a rule for one operation, if any.
using RuleCheck = void (*)(const Operation& op, const Settings& settings,
                           std::vector<Finding>& out);
// A script-level check, run by review_script() after every statement has
// been evaluated: appends to findings[i], the findings of statements[i].
using ScriptCheck = void (*)(const std::vector<ScriptStatement>& statements,
                             const Settings& settings,
                             std::vector<std::vector<Finding>>& findings);

// Everything about one rule.
struct Rule {
  const char* id;
  Severity severity;  // the default; migration_guard.rules may change it
  unsigned flags;     // RuleFlag bits
  // What the statements it judges do to a relation (model.hpp): the costly
  // effects on a large table others can see each have a rule that speaks for
  // them.  effect_bit() bits.  With kinds: the rule judges every operation
  // of a kind in kinds whose effect (Operation::effect) is in effects, and
  // each such (kind, effect) pair has exactly one owner
  // (test/unit/test_rule_catalog.cpp).
  unsigned effects;
  const char* summary;      // one line
  const char* explanation;  // why the statement hurts: one paragraph
  const char* recipe;       // the safe recipe as a short generic SQL template
  RuleCheck check;          // nullptr: nothing to judge in a single operation
  ScriptCheck script_check;  // nullptr: not a script-level rule
  // The operation kinds whose effects (above) it judges: kind_bit() bits.
  unsigned long long kinds = 0;

  bool reports_duration() const { return (flags & kReportsDuration) != 0; }
  bool data_loss() const { return (flags & kDataLoss) != 0; }
  bool owns(Effect e) const { return (effects & effect_bit(e)) != 0; }
  bool judges(OpKind k, Effect e) const { return owns(e) && (kinds & kind_bit(k)) != 0; }
};

// The descriptors, one per line of list.def, each defined in its own file.
namespace rules {
// A partition bound as written ("FOR VALUES FROM (1) TO (10)") as a SQL
// condition on "<key>", the partition key column (attach_partition_scan.cpp).
std::string partition_bound_condition(std::string_view bound);
#define MG_RULE(id) extern const Rule id;
#include "core/rules/list.def"
#undef MG_RULE
}  // namespace rules

// Every rule, in the order of list.def (the order of evaluation).
const std::vector<const Rule*>& rule_catalog();
// nullptr when no rule has this id.
const Rule* find_rule(std::string_view id);

// A finding of rule about a relation: its id and default severity.
Finding make_finding(const Rule& rule, std::string relation);
Finding make_finding(const Rule& rule, const QualifiedName& relation);

std::vector<Finding> evaluate(const Operation& op, const Settings& settings);

// Shared wording, so every rule states the facts the same way.
std::string display_name(const QualifiedName& n);  // public.orders, unquoted
std::string sql_name(const QualifiedName& n, const Settings& s);  // quoted for SQL
// "Table "public.orders" holds about 250 thousand rows (11 MB)."
std::string table_facts_sentence(const TableFacts& t);

// Shared facts.
// The table holds at least one row; unknown rows (never analyzed) count when
// the table has data on disk.
bool has_rows(const TableFacts& t);
// Other sessions can see the table: not created by the current transaction,
// not temporary.  Rules about blocking others, and about losing data others
// rely on, stay silent for a table nobody else can see.
bool visible_to_others(const TableFacts& t);

// What a relation is, from pg_class.relkind: "table", "index",
// "materialized view", "partitioned table"...
std::string_view relation_kind_word(char kind);

// Shared recipe pieces.
// A constraint written inline in ADD COLUMN (ConstraintOp::added_column):
// the recipe adds the column without it first, and the hint says so.
void first_add_the_column(const Operation& op, const Settings& s, Finding& f);
// An identifier quoted for SQL under the settings.
std::string ident(std::string_view name, const Settings& s);
// The name of the CHECK (col IS NOT NULL) constraint of the recipes:
// <table>_<column>_not_null, truncated as the server would.
std::string not_null_check_name(const TableFacts& t, std::string_view column);
// One batch of a backfill, with the comment saying to repeat it:
// UPDATE t SET ... WHERE ctid = ANY (ARRAY(SELECT ctid FROM t WHERE ... LIMIT 10000));
std::string batch_update_sql(const std::string& table_sql, const std::string& set_clause,
                             const std::string& where);
// The statements that make a column NOT NULL without an ACCESS EXCLUSIVE scan,
// the best ones of the running version (docs/versions.md):
// - PostgreSQL 18+: ADD CONSTRAINT name NOT NULL col NOT VALID (a catalog
//   row, new rows checked at once), VALIDATE CONSTRAINT name (SHARE UPDATE
//   EXCLUSIVE): the column is then NOT NULL;
// - before: CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (which
//   then needs no scan, PostgreSQL 12+), DROP CONSTRAINT.
// name_sql names the constraint (not_null_check_name(): <table>_<col>_not_null,
// the name PostgreSQL 18 gives a NOT NULL constraint itself).  Lines end with
// ";", joined by newlines, no trailing newline.
std::string not_null_without_scan_sql(const std::string& table_sql, const std::string& column_sql,
                                      const std::string& name_sql, const Settings& s);
// Whether the running server has NOT NULL constraints that can be added NOT
// VALID and validated later (PostgreSQL 18+).
bool has_not_valid_not_null(const Settings& s);
// The column names of a list as written, "(a, \"B c\")" -> {"a", "\"B c\""};
// empty when the text is not a parenthesized list.
std::vector<std::string> split_column_list(std::string_view list);
// The name an identifier written in SQL stands for: "B c" unquoted, other
// names folded to lower case.
std::string identifier_value(std::string_view written);
// Drops one trailing period and surrounding blanks, so that a phrase from the
// glue can be embedded in a sentence.
std::string trim_sentence(std::string_view text);

}  // namespace mg
