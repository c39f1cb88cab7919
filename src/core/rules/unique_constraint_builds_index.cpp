// unique_constraint_builds_index: ALTER TABLE ... ADD CONSTRAINT ... UNIQUE,
// PRIMARY KEY or EXCLUDE, without USING INDEX, on a large table.  The
// constraint is backed by an index, and ALTER TABLE builds it while holding
// ACCESS EXCLUSIVE (AlterTableGetLockLevel: "essentially the same as CREATE
// INDEX", but with the strongest lock): no one can read or write the table
// for the whole build.  A PRIMARY KEY also sets its columns NOT NULL, which
// scans the table under the same lock unless a valid CHECK (col IS NOT NULL)
// proves it.
//
// The safe form builds the unique index first with CREATE UNIQUE INDEX
// CONCURRENTLY (SHARE UPDATE EXCLUSIVE, reads and writes go on), then turns
// it into the constraint with ADD CONSTRAINT ... UNIQUE / PRIMARY KEY USING
// INDEX, which holds ACCESS EXCLUSIVE only for a moment.  There is no USING
// INDEX form for EXCLUDE, nor for a partitioned table, where each partition
// gets its constraint first and the parent's ADD CONSTRAINT then adopts them.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

const char* constraint_word(char type) {
  switch (type) {
    case 'p':
      return "PRIMARY KEY";
    case 'x':
      return "EXCLUDE";
    default:
      return "UNIQUE";
  }
}

// The name the server would give the constraint: <table>_pkey,
// <table>_<columns>_key, <table>_<column>_excl.
// The key columns as names: from the glue, else read from the list as written.
std::vector<std::string> key_columns(const ConstraintOp& c) {
  if (!c.key_columns.empty()) return c.key_columns;
  std::vector<std::string> out;
  for (const std::string& written : split_column_list(c.columns))
    out.push_back(identifier_value(written));
  return out;
}

std::string default_name(const Operation& op) {
  const ConstraintOp& c = op.constraint;
  if (!c.chosen_name.empty()) return c.chosen_name;  // the server's own choice
  const std::string& table = op.table.name.name;
  if (c.type == 'p') return truncate_identifier(table + "_pkey");
  std::string cols;
  for (const std::string& col : key_columns(c)) {
    if (!cols.empty()) cols += "_";
    cols += col;
  }
  const char* suffix = c.type == 'x' ? "excl" : "key";
  return truncate_identifier(cols.empty() ? fmt::format("{}_{}", table, suffix)
                                          : fmt::format("{}_{}_{}", table, cols, suffix));
}

// CHECK (col IS NOT NULL) NOT VALID, VALIDATE, for each key column: the
// PRIMARY KEY's implicit SET NOT NULL then needs no scan.  The CHECK
// constraints are dropped after the key is added.  On PostgreSQL 18, a NOT
// NULL constraint added NOT VALID and validated, which the key then uses.
void not_null_proof(const Operation& op, const Settings& s, std::string& before,
                    std::string& after) {
  const TableFacts& t = op.table;
  const std::string table = sql_name(t.name, s);
  for (const std::string& col : key_columns(op.constraint)) {
    std::string check = ident(not_null_check_name(t, col), s);
    if (has_not_valid_not_null(s)) {
      before += not_null_without_scan_sql(table, ident(col, s), check, s) + "\n";
      continue;
    }
    before += fmt::format(
        "ALTER TABLE {0} ADD CONSTRAINT {2} CHECK ({1} IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE {0} VALIDATE CONSTRAINT {2};\n",
        table, ident(col, s), check);
    after += fmt::format("\nALTER TABLE {} DROP CONSTRAINT {};", table, check);
  }
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::AddConstraint) return;
  const ConstraintOp& c = op.constraint;
  if ((c.type != 'u' && c.type != 'p' && c.type != 'x') || c.using_index) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;

  const std::string name = c.name.empty() ? default_name(op) : c.name;
  const char* word = constraint_word(c.type);
  Finding f = make_finding(unique_constraint_builds_index, t.name);
  f.message = fmt::format(
      "adding {} constraint \"{}\" builds its index on large table \"{}\" under an ACCESS "
      "EXCLUSIVE lock",
      word, name, f.relation);
  f.detail = fmt::format(
      "{} ALTER TABLE builds the index of the constraint while it holds an {} lock, which "
      "blocks {}, for the whole build.{}",
      table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive),
      c.type != 'p' ? ""
      : has_not_valid_not_null(s)
          ? " A PRIMARY KEY also makes its columns NOT NULL, which scans the table under the "
            "same lock unless a valid NOT NULL or CHECK constraint proves it."
          : " A PRIMARY KEY also makes its columns NOT NULL, which scans the table under the "
            "same lock unless a valid CHECK constraint proves it.");

  const std::string table = sql_name(t.name, s);
  const std::string con = ident(name, s);
  const std::string columns = c.columns.empty() ? "(<columns>)" : c.columns;
  if (c.type == 'x') {
    f.hint = fmt::format(
        "An exclusion constraint has no USING INDEX form, so its index cannot be built "
        "concurrently: add it in a maintenance window, with a lock timeout so that it does not "
        "queue in front of the application:\n"
        "SET lock_timeout = '5s';\n"
        "ALTER TABLE {} ADD CONSTRAINT {} {};",
        table, con, c.definition.empty() ? "EXCLUDE <definition>" : c.definition);
    f.safe_sql = fmt::format("SET lock_timeout = '5s';\nALTER TABLE {} ADD CONSTRAINT {} {};",
                             table, con,
                             c.definition.empty() ? "EXCLUDE <definition>" : c.definition);
  } else if (t.kind == 'p') {
    std::string parts;
    for (const QualifiedName& part : t.partitions) {
      std::string idx = truncate_identifier(fmt::format("{}_{}", part.name, name));
      parts += fmt::format(
          "CREATE UNIQUE INDEX CONCURRENTLY {1} ON {0} {2};\n"
          "ALTER TABLE {0} ADD CONSTRAINT {1} {3} USING INDEX {1};\n",
          sql_name(part, s), ident(idx, s), columns, word);
    }
    int64_t rest = t.partition_count - static_cast<int64_t>(t.partitions.size());
    if (t.partitions.empty())
      parts = fmt::format(
          "CREATE UNIQUE INDEX CONCURRENTLY <partition>_{0} ON <partition> {1};  -- for each "
          "partition\n"
          "ALTER TABLE <partition> ADD CONSTRAINT <partition>_{0} {2} USING INDEX "
          "<partition>_{0};\n",
          name, columns, word);
    else if (rest > 0)
      parts += fmt::format("-- and the same for the {} other partitions\n", rest);
    f.hint = fmt::format(
        "ADD CONSTRAINT ... USING INDEX is not supported on a partitioned table: give each "
        "partition the constraint first, from an index built concurrently; ADD CONSTRAINT on "
        "the parent then adopts them instead of building new indexes{}:\n"
        "{}ALTER TABLE {} ADD CONSTRAINT {} {} {};",
        c.type != 'p' ? ""
        : has_not_valid_not_null(s)
            ? " (make the key columns NOT NULL first with NOT NULL constraints added NOT VALID "
              "and validated)"
            : " (prove NOT NULL on the key columns of each partition first with a validated "
              "CHECK (column IS NOT NULL) constraint)",
        parts, table, con, word, columns);
    f.safe_sql =
        fmt::format("{}ALTER TABLE {} ADD CONSTRAINT {} {} {};", parts, table, con, word, columns);
  } else {
    const std::string index = ident(truncate_identifier(name + "_idx"), s);
    std::string before;
    std::string after;
    if (c.type == 'p') not_null_proof(op, s, before, after);
    f.hint = fmt::format(
        "Build the unique index without blocking writes (CONCURRENTLY cannot run inside a "
        "transaction block), then turn it into the constraint, which needs the {} lock only for "
        "a moment{}:\n"
        "{}CREATE UNIQUE INDEX CONCURRENTLY {} ON {} {};\n"
        "ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {};{}",
        lock_sql_name(LockMode::AccessExclusive),
        c.type != 'p'               ? ""
        : has_not_valid_not_null(s) ? "; a PRIMARY KEY also needs its columns NOT NULL: add "
                                      "NOT NULL constraints NOT VALID and validate them first so "
                                      "that no scan happens under that lock"
                                    : "; a PRIMARY KEY also needs its columns NOT NULL: prove it "
                                      "first with validated CHECK constraints so that no scan "
                                      "happens under that lock",
        before, index, table, columns, table, con, word, index, after);
    f.safe_sql = fmt::format(
        "{}CREATE UNIQUE INDEX CONCURRENTLY {} ON {} {};\n"
        "ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {};{}",
        before, index, table, columns, table, con, word, index, after);
  }
  if (!c.added_column.empty()) first_add_the_column(op, s, f);
  out.push_back(std::move(f));
}

}  // namespace

const Rule unique_constraint_builds_index = {
    "unique_constraint_builds_index",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::IndexBuild),
    // summary
    "ADD CONSTRAINT UNIQUE, PRIMARY KEY or EXCLUDE builds its index on a large table under "
    "ACCESS EXCLUSIVE",
    // explanation
    "A UNIQUE, PRIMARY KEY or EXCLUDE constraint is backed by an index, and ALTER TABLE "
    "builds that index while holding an ACCESS EXCLUSIVE lock: no one can read or write the "
    "table for the whole build, longer than a plain CREATE INDEX, which at least lets reads "
    "go on. Building the unique index first with CREATE INDEX CONCURRENTLY and then adding "
    "the constraint with USING INDEX needs the strong lock only for a moment. A PRIMARY KEY "
    "also makes its columns NOT NULL, which scans the table unless a CHECK constraint proves "
    "it.",
    // recipe
    "CREATE UNIQUE INDEX CONCURRENTLY <name>_idx ON <table> (<columns>);\n"
    "ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE USING INDEX <name>_idx;\n"
    "-- or PRIMARY KEY USING INDEX, after proving NOT NULL on the columns",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::AddConstraint),
};

}  // namespace mg::rules
