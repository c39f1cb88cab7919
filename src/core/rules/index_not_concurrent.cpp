// index_not_concurrent: CREATE [UNIQUE] INDEX without CONCURRENTLY on a large
// table.  DefineIndex() takes a SHARE lock on the table (and on every partition
// of a partitioned table) and keeps it until the build is over: every INSERT,
// UPDATE, DELETE and MERGE waits for the whole build.  CREATE INDEX
// CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets writes go on.
//
// PostgreSQL 15 cannot build an index concurrently on a partitioned table, so
// the recipe there is the documented one: the index on the parent alone (ON
// ONLY), then each partition concurrently, then ALTER INDEX ... ATTACH.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {


std::string trim_statement(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == ';'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string plain_recipe(const CreateIndexOp& ci, std::string& safe_sql) {
  std::string stmt = trim_statement(ci.statement);
  if (ci.concurrently_at == std::string::npos || ci.concurrently_at > stmt.size())
    return "Build the index with CREATE INDEX CONCURRENTLY, outside any transaction block.";
  std::string sql =
      fmt::format("{} CONCURRENTLY{};", stmt.substr(0, ci.concurrently_at),
                  stmt.substr(ci.concurrently_at));
  safe_sql = sql;
  return fmt::format(
      "Build it without blocking writes; CONCURRENTLY cannot run inside a transaction block{}:\n"
      "{}",
      ci.unique ? ", and if it fails it leaves an INVALID index to drop (DROP INDEX "
                  "CONCURRENTLY) before trying again"
                : "",
      sql);
}

std::string partitioned_recipe(const Operation& op, const Settings& s, std::string& safe_sql) {
  const CreateIndexOp& ci = op.create_index;
  const TableFacts& t = op.table;
  std::string stmt = trim_statement(ci.statement);
  const std::string intro =
      "CREATE INDEX CONCURRENTLY is not supported on a partitioned table: create the index on "
      "the parent alone with ON ONLY (it stays invalid and blocks nothing), build it on each "
      "partition with CONCURRENTLY, then attach each one; the parent index becomes valid with "
      "the last attachment";
  if (ci.concurrently_at == std::string::npos || ci.relation_end == std::string::npos ||
      ci.relation_end > stmt.size() || ci.concurrently_at > ci.relation_end ||
      t.partitions.empty())
    return intro + ".";

  std::string index_name =
      ci.index_name.empty() ? truncate_identifier(t.name.name + "_idx") : ci.index_name;
  std::string head = stmt.substr(0, ci.concurrently_at);  // "CREATE [UNIQUE] INDEX"
  std::string tail = stmt.substr(ci.relation_end);        // "(cols) ..."
  if (!tail.empty() && tail[0] != ' ' && tail[0] != '\n' && tail[0] != '\t') tail.insert(0, " ");
  std::string out = fmt::format("{} {} ON ONLY {}{};", head,
                                quote_ident(index_name, s.quote_all_identifiers),
                                sql_name(t.name, s), tail);
  QualifiedName parent_index{t.name.schema, index_name};
  for (const QualifiedName& part : t.partitions) {
    QualifiedName part_index{part.schema,
                             truncate_identifier(fmt::format("{}_{}", part.name, index_name))};
    out += fmt::format("\n{} CONCURRENTLY {} ON {}{};", head,
                       quote_ident(part_index.name, s.quote_all_identifiers),
                       sql_name(part, s), tail);
    out += fmt::format("\nALTER INDEX {} ATTACH PARTITION {};", sql_name(parent_index, s),
                       sql_name(part_index, s));
  }
  int64_t rest = t.partition_count - static_cast<int64_t>(t.partitions.size());
  if (rest > 0)
    out += fmt::format("\n-- and the same for the {} other partition{}", rest, rest == 1 ? "" : "s");
  safe_sql = out;
  return intro + ":\n" + out;
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::CreateIndex || op.create_index.concurrently) return;
  // The model says nothing is built (IF NOT EXISTS of an index that exists).
  if (op.effect != Effect::None && op.effect != Effect::IndexBuild) return;
  const TableFacts& t = op.table;
  // A materialized view has no writers to block but REFRESH; a table nobody
  // else can see has no one to block at all.
  if (t.kind != 'r' && t.kind != 'p') return;
  if (t.created_in_transaction || t.temporary) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const CreateIndexOp& ci = op.create_index;
  Finding f = make_finding(index_not_concurrent, t.name);
  f.message =
      ci.index_name.empty()
          ? fmt::format("creating an index on large table \"{}\" without CONCURRENTLY blocks "
                        "writes",
                        f.relation)
          : fmt::format("creating index \"{}\" on large table \"{}\" without CONCURRENTLY "
                        "blocks writes",
                        ci.index_name, f.relation);
  f.detail = fmt::format(
      "{} CREATE INDEX holds a {} lock on it{} for the whole build, which blocks {}.",
      table_facts_sentence(t), lock_sql_name(LockMode::Share),
      t.kind == 'p' ? " and on each partition" : "", lock_blocks(LockMode::Share));
  f.hint = t.kind == 'p' ? partitioned_recipe(op, s, f.safe_sql) : plain_recipe(ci, f.safe_sql);
  out.push_back(std::move(f));
}

}  // namespace

const Rule index_not_concurrent = {
    "index_not_concurrent",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::IndexBuild),
    // summary
    "CREATE INDEX without CONCURRENTLY on a large table blocks every write for the whole "
    "build",
    // explanation
    "CREATE INDEX takes a SHARE lock on the table, and on every partition of a partitioned "
    "table, and keeps it until the index is built: every INSERT, UPDATE, DELETE and MERGE "
    "waits for the whole build, which on a large table takes minutes to hours. CREATE INDEX "
    "CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets reads and writes go on, "
    "at the price of two table scans and of waiting for running transactions.",
    // recipe
    "CREATE INDEX CONCURRENTLY <index> ON <table> (<columns>);  -- outside BEGIN/COMMIT\n"
    "-- partitioned table:\n"
    "CREATE INDEX <index> ON ONLY <parent> (<columns>);\n"
    "CREATE INDEX CONCURRENTLY <partition_index> ON <partition> (<columns>);\n"
    "ALTER INDEX <index> ATTACH PARTITION <partition_index>;  -- for each partition",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::CreateIndex),
};

}  // namespace mg::rules
