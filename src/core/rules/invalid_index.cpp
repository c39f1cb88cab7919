// invalid_index: INVALID indexes left by a failed CREATE INDEX CONCURRENTLY
// (or REINDEX CONCURRENTLY, which leaves "<index>_ccnew").  An INVALID index
// is never used by the planner, but every INSERT and UPDATE still maintains
// it (it is "ready" for inserts after the first phase), so it costs every
// write for nothing, and it takes disk space.
//
// Two findings:
// - a new CREATE INDEX CONCURRENTLY whose name or definition matches an
//   INVALID index: with the same name the build fails ("relation already
//   exists"), or with IF NOT EXISTS it silently keeps the invalid one; with
//   the same definition it adds a second copy next to the dead one.  Error.
// - any other operation on a table that carries INVALID indexes: a warning
//   naming them, once per operation.
//
// The fix is DROP INDEX CONCURRENTLY (or REINDEX INDEX CONCURRENTLY, which
// rebuilds it as valid), then the build again.
#include <algorithm>

#include <fmt/format.h>

#include "core/rules.hpp"

namespace mg::rules {

namespace {

std::string trimmed_statement(std::string_view stmt) {
  while (!stmt.empty() && (stmt.back() == ' ' || stmt.back() == '\n' || stmt.back() == '\t' ||
                           stmt.back() == '\r' || stmt.back() == ';'))
    stmt.remove_suffix(1);
  return std::string(stmt);
}

void create_index_finding(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  const CreateIndexOp& ci = op.create_index;
  const TableFacts& t = op.table;
  const bool same_name = !ci.invalid_same_name.empty();
  const std::string& invalid = same_name ? ci.invalid_same_name : ci.invalid_same_definition;
  const QualifiedName invalid_name{t.name.schema, invalid};

  Finding f = make_finding(invalid_index, t.name);
  f.message =
      same_name
          ? fmt::format("index \"{}\" already exists on table \"{}\" as an INVALID index",
                        invalid, f.relation)
          : fmt::format("INVALID index \"{}\" with the same definition exists on table \"{}\"",
                        invalid, f.relation);
  f.detail = fmt::format(
      "{} A previous CREATE INDEX CONCURRENTLY failed and left the INVALID index \"{}\": the "
      "planner never uses it, but every INSERT and UPDATE still maintains it. {}",
      table_facts_sentence(t), display_name(invalid_name),
      same_name ? "Building again under the same name fails, or with IF NOT EXISTS silently "
                  "keeps the invalid index."
                : "Building again adds a second copy next to it, which every write maintains "
                  "too.");
  std::string again = trimmed_statement(ci.statement);
  f.safe_sql = fmt::format(
      "DROP INDEX CONCURRENTLY {};\n"
      "{}",
      sql_name(invalid_name, s),
      again.empty() ? std::string("-- then the CREATE INDEX CONCURRENTLY again") : again + ";");
  f.hint = "Drop the invalid index without blocking writes, then build again:\n" + f.safe_sql;
  out.push_back(std::move(f));
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind == OpKind::CreateIndex) {
    const CreateIndexOp& ci = op.create_index;
    if (ci.concurrently && (!ci.invalid_same_name.empty() || !ci.invalid_same_definition.empty()))
      create_index_finding(op, s, out);
    return;
  }
  // The table goes away with its indexes; the hook already spoke for a
  // predicted rewrite.
  if (op.kind == OpKind::DropTable) return;
  if (op.kind == OpKind::TableRewrite && op.table_rewrite.predicted) return;
  const TableFacts& t = op.table;
  std::vector<std::string> names;
  for (const std::string& name : t.invalid_indexes) {
    // Dropping or rebuilding that very index is the fix, not a problem.
    if ((op.kind == OpKind::DropIndex || op.kind == OpKind::Reindex) && name == op.object_name)
      continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty()) return;

  std::string listed;
  std::string drops;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) listed += i + 1 == names.size() ? " and " : ", ";
    listed += fmt::format("\"{}\"", names[i]);
    if (!drops.empty()) drops += "\n";
    drops += fmt::format("DROP INDEX CONCURRENTLY {};",
                         sql_name(QualifiedName{t.name.schema, names[i]}, s));
  }
  Finding f = make_finding(invalid_index, t.name);
  f.severity = Severity::Warning;
  f.message = fmt::format("table \"{}\" has {} INVALID index{}", f.relation,
                          names.size() == 1 ? "an" : std::to_string(names.size()),
                          names.size() == 1 ? "" : "es");
  f.detail = fmt::format(
      "{} The index{} {} {} left INVALID by a failed CREATE INDEX CONCURRENTLY or REINDEX "
      "CONCURRENTLY: the planner never uses {}, but every INSERT and UPDATE still maintains {}.",
      table_facts_sentence(t), names.size() == 1 ? "" : "es", listed,
      names.size() == 1 ? "was" : "were",
      names.size() == 1 ? "it" : "them", names.size() == 1 ? "it" : "them");
  f.hint = fmt::format(
      "Drop {} without blocking writes (or rebuild {} with REINDEX INDEX CONCURRENTLY if {} "
      "needed):\n{}",
      names.size() == 1 ? "it" : "them", names.size() == 1 ? "it" : "them",
      names.size() == 1 ? "it is" : "they are", drops);
  // To run before the statement, which stays: the INVALID index is not the
  // statement's fault.
  f.safe_sql = drops;
  f.safe_sql_before = true;
  out.push_back(std::move(f));
}

}  // namespace

const Rule invalid_index = {
    "invalid_index",
    Severity::Error,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "an INVALID index left by a failed CREATE INDEX CONCURRENTLY costs every write and is "
    "never used",
    // explanation
    "When CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY fails, it leaves an INVALID "
    "index behind: the planner never uses it, but every INSERT and UPDATE still maintains "
    "it. Building again under the same name fails (or, with IF NOT EXISTS, silently keeps "
    "the invalid one). Drop it, concurrently, before building again.",
    // recipe
    "DROP INDEX CONCURRENTLY <schema>.<invalid_index>;\n"
    "CREATE INDEX CONCURRENTLY <index> ON <table> (<columns>);",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
