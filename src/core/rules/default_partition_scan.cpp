// default_partition_scan: a new partition, made by CREATE TABLE ... PARTITION
// OF or ATTACH PARTITION, of a partitioned table whose default partition is
// large.  The server checks that no row of the default partition belongs in
// the new one (check_default_partition_contents): it reads the whole default
// partition under an ACCESS EXCLUSIVE lock on it (and CREATE TABLE ...
// PARTITION OF holds ACCESS EXCLUSIVE on the parent meanwhile), unless the
// default partition's own valid constraints prove that it holds none
// (PartConstraintImpliedByRelConstraint: the model asks the server the same).
//
// A CHECK constraint on the default partition excluding the new bound, added
// NOT VALID and validated under SHARE UPDATE EXCLUSIVE (reads and writes go
// on), makes the new partition instant; it is dropped afterwards, before the
// bounds change again.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::DefaultPartitionScan) return;
  const TableFacts& def = op.table;
  const PartitionOp& p = op.partition;
  if (!visible_to_others(def) || !is_large(def.rows, def.bytes, s)) return;

  Finding f = make_finding(default_partition_scan, def.name);
  const std::string part = p.partition.name.name.empty()
                               ? std::string("a new partition")
                               : fmt::format("partition \"{}\"", display_name(p.partition.name));
  f.message = fmt::format(
      "adding {} scans the large default partition \"{}\" under an ACCESS EXCLUSIVE lock", part,
      f.relation);
  f.detail = fmt::format(
      "{} No valid constraint of the default partition excludes the new partition's bound, so "
      "the server reads every row of it, looking for rows that belong in the new partition, "
      "while holding an {} lock on it, which blocks {}.",
      table_facts_sentence(def), lock_sql_name(LockMode::AccessExclusive),
      lock_blocks(LockMode::AccessExclusive));

  const std::string def_sql = sql_name(def.name, s);
  const std::string check =
      ident(truncate_identifier(fmt::format("{}_excludes_new", def.name.name)), s);
  const std::string cond = partition_bound_condition(p.bound);
  const bool has_key = cond.find("<key>") != std::string::npos;
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} ADD CONSTRAINT {1} CHECK (NOT ({2})) NOT VALID;{3}\n"
      "ALTER TABLE {0} VALIDATE CONSTRAINT {1};",
      def_sql, check, cond, has_key ? "  -- <key>: the partition key column" : "");
  f.hint = fmt::format(
      "Prove first that the default partition holds no row of the new bound, with a CHECK "
      "constraint validated under a {0} lock that lets reads and writes go on; the statement "
      "then skips the scan. Drop the constraint after it (ALTER TABLE {1} DROP CONSTRAINT {2}), "
      "before the bounds change again:\n{3}",
      lock_sql_name(LockMode::ShareUpdateExclusive), def_sql, check, f.safe_sql);
  // The statement stays, after the constraint that spares it the scan.
  f.safe_sql_before = true;
  out.push_back(std::move(f));
}

}  // namespace

const Rule default_partition_scan = {
    "default_partition_scan",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::Scan),
    // summary
    "a new partition (CREATE TABLE ... PARTITION OF, ATTACH PARTITION) scans a large default "
    "partition under ACCESS EXCLUSIVE",
    // explanation
    "When a partitioned table has a default partition, adding a partition makes the server check "
    "that no row of the default partition belongs in the new one: it reads the whole default "
    "partition under an ACCESS EXCLUSIVE lock on it, which blocks every query on it, unless a "
    "valid CHECK constraint of the default partition already excludes the new bound. A CHECK "
    "constraint added NOT VALID and validated under SHARE UPDATE EXCLUSIVE beforehand makes the "
    "new partition instant.",
    // recipe
    "ALTER TABLE <default> ADD CONSTRAINT <default>_excludes_new CHECK (NOT (<new bound as a "
    "condition>)) NOT VALID;\n"
    "ALTER TABLE <default> VALIDATE CONSTRAINT <default>_excludes_new;\n"
    "CREATE TABLE <partition> PARTITION OF <parent> <bound>;  -- or ATTACH PARTITION\n"
    "ALTER TABLE <default> DROP CONSTRAINT <default>_excludes_new;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::DefaultPartitionScan),
};

}  // namespace mg::rules
