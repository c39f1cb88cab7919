// attach_partition_scan: ALTER TABLE ... ATTACH PARTITION of a large table
// whose constraints do not imply the partition bound.  The server must check
// that every row fits the bound: QueuePartitionConstraintValidation reads the
// whole partition in phase 3 under an ACCESS EXCLUSIVE lock on it (since
// PostgreSQL 12 the parent itself only gets SHARE UPDATE EXCLUSIVE).  When the
// parent has a default partition, that one is locked ACCESS EXCLUSIVE and
// scanned too, for rows that belong in the new partition.
//
// The scan is skipped when a valid CHECK constraint of the partition implies
// the bound (PartConstraintImpliedByRelConstraint, weak implication, so the
// constraint must also say the key IS NOT NULL).  Adding that constraint NOT
// VALID is instant and VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE, which
// lets reads and writes go on; the constraint can be dropped after attaching.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_word(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[i]) return false;
  }
  return true;
}

// The text inside the parentheses that start at s[0]; npos-safe.  Sets end to
// just past the closing parenthesis.
bool paren_group(std::string_view s, std::string_view& inside, std::size_t& end) {
  if (s.empty() || s[0] != '(') return false;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) {
      inside = trim(s.substr(1, i - 1));
      end = i + 1;
      return true;
    }
  }
  return false;
}

bool single_value(std::string_view v) {
  int depth = 0;
  bool quoted = false;
  for (char c : v) {
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) return false;
  }
  return !v.empty();
}

// A CHECK condition that implies the bound, with <key> for the partition key
// (which the operation does not carry); a placeholder when the bound is not a
// single-column range or list.
std::string bound_condition(std::string_view bound) {
  const std::string placeholder = "<condition implying the bound>";
  bound = trim(bound);
  if (!starts_with_word(bound, "FOR VALUES")) return placeholder;
  // The bound as written, with what the plain scan below does not read (a
  // comment, which may hold a parenthesis; a quoted identifier, a dollar
  // quote or a backslash escape, which may hold a quote): no condition is
  // made of it, so that no comment or string swallows the SQL after it.
  for (std::string_view token : {"--", "/*", "\"", "$", "\\"})
    if (bound.find(token) != std::string_view::npos) return placeholder;
  std::string_view rest = trim(bound.substr(10));
  if (starts_with_word(rest, "FROM")) {
    rest = trim(rest.substr(4));
    std::string_view from, to;
    std::size_t end = 0;
    if (!paren_group(rest, from, end)) return placeholder;
    rest = trim(rest.substr(end));
    if (!starts_with_word(rest, "TO")) return placeholder;
    rest = trim(rest.substr(2));
    if (!paren_group(rest, to, end)) return placeholder;
    if (!single_value(from) || !single_value(to)) return placeholder;
    std::string cond = "<key> IS NOT NULL";
    if (!starts_with_word(from, "MINVALUE")) cond += fmt::format(" AND <key> >= {}", from);
    if (!starts_with_word(to, "MAXVALUE")) cond += fmt::format(" AND <key> < {}", to);
    return cond;
  }
  if (starts_with_word(rest, "IN")) {
    rest = trim(rest.substr(2));
    std::string_view values;
    std::size_t end = 0;
    if (!paren_group(rest, values, end)) return placeholder;
    // A list that admits NULL needs more than a plain IN.
    for (std::size_t i = 0; i + 4 <= values.size(); ++i)
      if (starts_with_word(values.substr(i), "NULL")) return placeholder;
    return fmt::format("<key> IS NOT NULL AND <key> IN ({})", values);
  }
  return placeholder;
}

// The bound as the server cut it (whole tokens), for the recipe's ATTACH; a
// placeholder when it holds a comment, which would swallow the rest of the
// line if a client printed the recipe on one line.
std::string bound_sql(const std::string& bound) {
  if (bound.empty() || bound.find("--") != std::string::npos ||
      bound.find("/*") != std::string::npos)
    return "<bound>";
  return bound;
}

// "It also builds the partitioned table's index "a" on it ..." (empty when none).
std::string built_sentence(const PartitionOp& p) {
  if (p.built_indexes == 0) return "";
  return fmt::format(
      " No valid index of the partition matches the partitioned table's {} {}, so ATTACH "
      "PARTITION also builds {} on the partition under the same lock.",
      p.built_indexes == 1 ? "index" : "indexes", p.built_index_names,
      p.built_indexes == 1 ? "a copy of it" : "a copy of each");
}

// The partition's rows fit its bound, but the parent's indexes are built on it.
void index_finding(const Operation& op, std::vector<Finding>& out) {
  const PartitionOp& p = op.partition;
  const TableFacts& part = p.partition;
  Finding f = make_finding(attach_partition_scan, part.name);
  f.message = fmt::format(
      "attaching large partition \"{}\" to \"{}\" builds {} under an ACCESS EXCLUSIVE lock",
      f.relation, display_name(op.table.name),
      p.built_indexes == 1 ? "an index" : fmt::format("{} indexes", p.built_indexes));
  f.detail = fmt::format(
      "{} No valid index of the partition matches the partitioned table's {} {}, so ATTACH "
      "PARTITION builds {} on the partition, reading every row while holding an {} lock on the partition, "
      "which blocks {}.",
      table_facts_sentence(part), p.built_indexes == 1 ? "index" : "indexes",
      p.built_index_names, p.built_indexes == 1 ? "a copy of it" : "a copy of each",
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));
  f.safe_sql = p.built_index_sql;
  f.hint = fmt::format(
      "Build the matching indexes on the table first without blocking writes, with CREATE INDEX "
      "CONCURRENTLY (for an index that backs a PRIMARY KEY or UNIQUE constraint, add the "
      "constraint on the table too, with ADD CONSTRAINT ... USING INDEX); ATTACH PARTITION then "
      "attaches them instead of building them{}",
      p.built_index_sql.empty() ? "." : ":\n" + p.built_index_sql);
  // The statement stays: the indexes built before it make it attach them.
  f.safe_sql_before = !f.safe_sql.empty();
  out.push_back(std::move(f));
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::AttachPartition) return;
  const PartitionOp& p = op.partition;
  const TableFacts& part = p.partition;
  if (!visible_to_others(part)) return;
  if (!is_large(part.rows, part.bytes, s)) return;
  if (!p.scan_needed) {
    if (p.built_indexes > 0) index_finding(op, out);
    return;
  }

  Finding f = make_finding(attach_partition_scan, part.name);
  f.message = fmt::format(
      "attaching large partition \"{}\" to \"{}\" scans it under an ACCESS EXCLUSIVE lock",
      f.relation, display_name(op.table.name));
  f.detail = fmt::format(
      "{} No valid CHECK constraint of the partition implies its bound, so ATTACH PARTITION "
      "reads every row to check it while holding an {} lock on the partition, which blocks {}. "
      "The partitioned table \"{}\" is only locked {}, which blocks {}.",
      table_facts_sentence(part), lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive), display_name(op.table.name),
      lock_sql_name(LockMode::ShareUpdateExclusive),
      lock_blocks(LockMode::ShareUpdateExclusive));
  if (!p.default_partition.empty())
    f.detail += fmt::format(
        " The default partition \"{}\" is locked {} and scanned too, for rows that belong in "
        "the new partition.",
        p.default_partition, lock_sql_name(LockMode::AccessExclusive));
  f.detail += built_sentence(p);

  const std::string part_sql = sql_name(part.name, s);
  const std::string check =
      ident(truncate_identifier(fmt::format("{}_bound", part.name.name)), s);
  const std::string cond = bound_condition(p.bound);
  const bool has_key = cond.find("<key>") != std::string::npos;
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} ADD CONSTRAINT {1} CHECK ({2}) NOT VALID;{3}\n"
      "ALTER TABLE {0} VALIDATE CONSTRAINT {1};\n"
      "ALTER TABLE {4} ATTACH PARTITION {0} {5};\n"
      "ALTER TABLE {0} DROP CONSTRAINT {1};",
      part_sql, check, cond, has_key ? "  -- <key>: the partition key column" : "",
      sql_name(op.table.name, s), bound_sql(p.bound));
  f.hint = fmt::format(
      "Prove the bound first with a CHECK constraint, validated under a {0} lock that lets "
      "reads and writes go on; ATTACH PARTITION then skips the scan{1}:\n{2}",
      lock_sql_name(LockMode::ShareUpdateExclusive),
      p.default_partition.empty()
          ? ""
          : "; give the default partition a CHECK constraint excluding the bound the same "
            "way, so that it is not scanned either",
      f.safe_sql);
  out.push_back(std::move(f));
}

}  // namespace

std::string partition_bound_condition(std::string_view bound) { return bound_condition(bound); }

const Rule attach_partition_scan = {
    "attach_partition_scan",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::Scan) | effect_bit(Effect::IndexBuild),
    // summary
    "ATTACH PARTITION scans a large partition under ACCESS EXCLUSIVE when no constraint "
    "implies its bound",
    // explanation
    "ATTACH PARTITION checks that every row of the new partition fits its bound, reading the "
    "whole partition under an ACCESS EXCLUSIVE lock on it (the parent only gets SHARE UPDATE "
    "EXCLUSIVE since PostgreSQL 12), unless a valid CHECK constraint of the partition implies "
    "the bound. A default partition is scanned too, under ACCESS EXCLUSIVE, for rows that "
    "belong in the new partition. Each index of the partitioned table that no valid index of "
    "the partition matches is built on the partition under the same lock. A CHECK constraint "
    "added NOT VALID and validated under SHARE UPDATE EXCLUSIVE beforehand, and the matching "
    "indexes built CONCURRENTLY beforehand, make the attachment instant.",
    // recipe
    "ALTER TABLE <partition> ADD CONSTRAINT <partition>_bound CHECK (<condition implying the "
    "bound>) NOT VALID;\n"
    "ALTER TABLE <partition> VALIDATE CONSTRAINT <partition>_bound;\n"
    "ALTER TABLE <parent> ATTACH PARTITION <partition> <bound>;\n"
    "ALTER TABLE <partition> DROP CONSTRAINT <partition>_bound;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::AttachPartition),
};

}  // namespace mg::rules
