// The rule catalog and the evaluation of an operation against it.
//
// Each rule lives in src/core/rules/<id>.cpp: its check, its message and its
// recipe side by side, and is documented in docs/rules/<id>.md.  A rule
// reports nothing when the facts make the statement harmless (a small or
// empty table, a table nobody else can see): a false positive teaches people
// to ignore the tool.
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
};

struct RuleInfo {
  const char* id;
  Severity severity;
  const char* summary;
  // Appends its findings for op, if any.
  void (*check)(const Operation& op, const Settings& settings, std::vector<Finding>& out);
  // Why the statement hurts: one paragraph.
  const char* explanation;
  // The safe recipe as a short generic SQL template.
  const char* recipe;
};

const std::vector<RuleInfo>& rule_catalog();
// nullptr when no rule has this id.
const RuleInfo* find_rule(std::string_view id);

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

// Shared recipe pieces.
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

namespace rules {
void index_not_concurrent(const Operation&, const Settings&, std::vector<Finding>&);
void add_column_not_null_no_default(const Operation&, const Settings&, std::vector<Finding>&);
void table_rewrite(const Operation&, const Settings&, std::vector<Finding>&);
void drop_index_not_concurrent(const Operation&, const Settings&, std::vector<Finding>&);
void reindex_not_concurrent(const Operation&, const Settings&, std::vector<Finding>&);
void set_not_null_scan(const Operation&, const Settings&, std::vector<Finding>&);
void constraint_without_not_valid(const Operation&, const Settings&, std::vector<Finding>&);
void unique_constraint_builds_index(const Operation&, const Settings&, std::vector<Finding>&);
void attach_partition_scan(const Operation&, const Settings&, std::vector<Finding>&);
void detach_partition_blocking(const Operation&, const Settings&, std::vector<Finding>&);
void refresh_matview_blocking(const Operation&, const Settings&, std::vector<Finding>&);
void type_change_narrowing(const Operation&, const Settings&, std::vector<Finding>&);
void drop_table(const Operation&, const Settings&, std::vector<Finding>&);
void drop_column(const Operation&, const Settings&, std::vector<Finding>&);
void truncate_table(const Operation&, const Settings&, std::vector<Finding>&);
void rename_column(const Operation&, const Settings&, std::vector<Finding>&);
void rename_table(const Operation&, const Settings&, std::vector<Finding>&);
void concurrently_in_transaction(const Operation&, const Settings&, std::vector<Finding>&);
void invalid_index(const Operation&, const Settings&, std::vector<Finding>&);
// Script-level rules (see review.hpp): their catalog check does nothing for a
// single operation.
void lock_held_across_statements(const Operation&, const Settings&, std::vector<Finding>&);
void lock_timeout_missing(const Operation&, const Settings&, std::vector<Finding>&);
void unbatched_backfill(const Operation&, const Settings&, std::vector<Finding>&);
void not_valid_validated_in_same_transaction(const Operation&, const Settings&,
                                             std::vector<Finding>&);
}  // namespace rules

}  // namespace mg
