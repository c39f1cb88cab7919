// The model of a DDL statement as the rules see it: every relation it locks,
// with the lock mode the server will take and what it does to that relation,
// and the operations it carries, with the live facts about the tables they
// touch.  The glue fills it from the parse tree and the catalogs, asking the
// server's own functions wherever they exist (AlterTableGetLockLevel, the
// coercion machinery, the constraint-implication prover); the core never
// looks anything up itself.
#pragma once
#include "core/no_pg.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "core/lock.hpp"

namespace mg {

struct QualifiedName {
  std::string schema;
  std::string name;
};

struct TableFacts {
  QualifiedName name;
  char kind = 'r';  // pg_class.relkind: 'r' table, 'p' partitioned, 'm' matview, 'i' index...
  // Planner-style estimates; -1 when nothing is known.  For a partitioned
  // table, the sums over its partitions.
  int64_t rows = -1;
  int64_t bytes = -1;
  // Created by the current transaction: no other session can see it yet.
  bool created_in_transaction = false;
  bool temporary = false;
  // Direct partitions of a partitioned table (for recipes that go partition
  // by partition).  Possibly truncated by the glue; partition_count is the
  // real number.
  std::vector<QualifiedName> partitions;
  int64_t partition_count = 0;
  // For one operation on a partitioned table that scans or rewrites only
  // some of its leaf partitions (the others are proven, or have nothing to
  // do): the number of leaves, and of those it works on; rows and bytes are
  // then the sums over the leaves it works on.  -1 when it works on all.
  int64_t leaf_count = -1;
  int64_t leaves_affected = -1;
  // INVALID indexes left on the table by failed CREATE INDEX CONCURRENTLY.
  std::vector<std::string> invalid_indexes;
};

// What a statement does to one relation, cheapest first: the rules and the
// report take the costliest.
enum class Effect {
  None = 0,
  Metadata,    // catalog only
  Scan,        // reads every row under the lock
  IndexBuild,  // reads every row and writes an index
  Rewrite,     // writes a new copy of the table and its indexes
  Truncate,
  Drop,
};

std::string_view effect_name(Effect e);  // "metadata", "scan", ...

struct LockedRelation {
  TableFacts table;
  LockMode lock = LockMode::None;
  Effect effect = Effect::None;
  std::string cause;  // why a scan or rewrite: "a column type change", ...
};

enum class OpKind {
  CreateIndex,
  AddColumn,
  // Reported by the server itself (the table_rewrite event): a rewrite is
  // about to start.
  TableRewrite,
  DropIndex,
  Reindex,
  AlterColumnType,
  SetNotNull,
  AddConstraint,
  ValidateConstraint,
  AttachPartition,
  DetachPartition,
  RefreshMatview,
  DropTable,
  DropColumn,
  Truncate,
  RenameColumn,
  RenameTable,
  VacuumFull,
  Cluster,
  SetPersistence,
  SetAccessMethod,
  // The strongest lock a statement requests on a table others use (one per
  // statement): what lock_timeout_missing judges.
  LockRequest,
  // At execution time, inside a transaction that already holds a strong lock
  // taken by earlier DDL, a statement that touches many rows runs: table is
  // the relation still locked, held_lock.target what the statement works on.
  HeldLock,
  // ALTER TABLE ... SET TABLESPACE to another tablespace (object_name): the
  // table's files (and its TOAST table's) are copied block by block under
  // ACCESS EXCLUSIVE; its indexes stay where they are.
  SetTablespace,
  // CREATE TABLE ... PARTITION OF, or ATTACH PARTITION, when the parent has a
  // default partition (table): check_default_partition_contents() reads it
  // under ACCESS EXCLUSIVE for rows that belong in the new partition
  // (partition.partition: its name; partition.bound), unless the default's
  // own constraints prove there are none.
  DefaultPartitionScan,
};

struct CreateIndexOp {
  // The statement's own text, and two offsets into it found with the server's
  // scanner: just after the INDEX keyword (where CONCURRENTLY goes), and just
  // after the table name (where the column list begins).  npos when unknown.
  std::string statement;
  std::size_t concurrently_at = std::string::npos;
  std::size_t relation_end = std::string::npos;
  std::string index_name;  // empty when the statement names no index
  bool concurrently = false;
  bool unique = false;
  // An INVALID index with this name, or with the same definition, exists.
  std::string invalid_same_name;
  std::string invalid_same_definition;
};

struct AddColumnOp {
  std::string column;
  std::string type_sql;       // format_type() of the column type, ready for SQL
  bool not_null = false;      // NOT NULL or PRIMARY KEY, or a NOT NULL domain
  bool has_default = false;   // DEFAULT clause, or the domain's default
  bool fills_values = false;  // identity, GENERATED ... STORED or serial
  bool volatile_default = false;  // the default must be computed row by row: rewrite
  std::string default_sql;        // the DEFAULT expression as written, if any
};

// The reason bits of pg_event_trigger_table_rewrite_reason() (AT_REWRITE_*).
enum RewriteReason : int {
  kRewritePersistence = 0x01,   // SET LOGGED / SET UNLOGGED
  kRewriteDefault = 0x02,       // a column added with a volatile default
  kRewriteColumn = 0x04,        // ALTER COLUMN ... TYPE
  kRewriteAccessMethod = 0x08,  // SET ACCESS METHOD
  // Ours, predicted by the hook: SET EXPRESSION of a stored generated column
  // (PostgreSQL 17+; the server's own event says kRewriteDefault).
  kRewriteSetExpression = 0x10000,
};

struct TableRewriteOp {
  std::string command;  // the command tag, "ALTER TABLE" or "ALTER TYPE"
  int reason = 0;
  bool predicted = false;  // the hook already reported this rewrite
};

struct AlterColumnTypeOp {
  std::string column;
  std::string old_type;  // format_type() with typmod
  std::string new_type;
  bool rewrite = false;        // the server will rewrite (not binary coercible, or USING)
  bool has_using = false;
  // Values may not fit: shorter varchar/char, smaller integer, smaller numeric
  // precision or scale, or a cast that can fail.
  bool narrowing = false;
  std::string narrowing_reason;
  int rebuilt_indexes = 0;     // indexes on the column that will be rebuilt
  // With USING: its expression as the server assigns it (casts shown), on
  // the table's columns and on NEW's (for a trigger); empty when unknown.
  std::string using_sql;
  std::string using_row_sql;
};

struct ConstraintOp {
  // 'c' check, 'f' foreign key, 'u' unique, 'p' primary key, 'x' exclusion, 'n' not null
  char type = 'c';
  std::string name;        // may be empty (the server picks one)
  std::string definition;  // "CHECK (amount > 0)", "FOREIGN KEY (a) REFERENCES b (id)"
  bool not_valid = false;
  bool using_index = false;  // UNIQUE/PRIMARY KEY USING INDEX: no build
  std::string columns;       // "(a, b)" for unique/primary key, as written
  // The key columns as names (primary key, unique, foreign key), and the name
  // the server would choose when the statement names none: data from the
  // glue, not SQL text to parse again.  Empty when unknown.
  std::vector<std::string> key_columns;
  std::string chosen_name;
  TableFacts referenced;     // FOREIGN KEY: the referenced table
  LockMode referenced_lock = LockMode::None;
  // ALTER DOMAIN ... ADD CONSTRAINT / SET NOT NULL: the domain (as SQL) that
  // the table's columns (domain_columns, for messages) use; the table is one
  // of those the statement checks, under a SHARE lock.
  std::string domain;
  std::string domain_columns;
  // Written inline in ALTER TABLE ... ADD COLUMN: the column as SQL without
  // its constraints ("qty integer NOT NULL DEFAULT 0"), for recipes that add
  // the column first and the constraint on its own.  Empty otherwise.
  std::string added_column;
};

struct PartitionOp {
  TableFacts partition;
  bool concurrently = false;
  bool scan_needed = false;      // ATTACH: the partition's constraints do not imply the bound
  std::string default_partition;  // ATTACH: a default partition that will be scanned too
  // ATTACH: the partitioned table's indexes that no index of the partition
  // matches, built on it (AttachPartitionEnsureIndexes): how many, their
  // names ("a, b"), and CREATE INDEX CONCURRENTLY statements on the
  // partition that would be attached instead (one a line; may be empty).
  int built_indexes = 0;
  std::string built_index_names;
  std::string built_index_sql;
  std::string bound;              // "FOR VALUES FROM (1) TO (10)", as written
};

struct ColumnOp {
  std::string column;
  std::string new_name;  // RENAME
  std::string type_sql;  // DROP COLUMN: its type, for the rollback note
  bool empty = false;    // DROP COLUMN: the statistics say every value is NULL
  // DROP COLUMN: the column was added by the current transaction (run time)
  // or earlier in the script under review: nobody else ever wrote a value.
  bool added_in_transaction = false;
};

// LockRequest: what the lock manager said just before the statement ran.
// Unknown in a review (probed false): the rule judges the risk.
struct LockRequestOp {
  bool probed = false;
  // Other sessions holding or waiting for a conflicting lock, which the
  // statement would wait for without limit (0: it gets its locks at once).
  int blockers = 0;
  std::string blocker_list;  // one line per session
};

// REFRESH MATERIALIZED VIEW: what its defining query reads (tables,
// materialized views and partitions, through the views it names), summed
// over the relations the role may see.
struct RefreshOp {
  int sources = 0;       // relations read (0: none known)
  int64_t rows = -1;     // their rows, summed (-1: unknown)
  int64_t bytes = -1;    // their size, summed (-1: unknown)
  bool populated = true; // false: WITH NO DATA so far (unreadable; no CONCURRENTLY)
};

struct HeldLockOp {
  LockMode held = LockMode::None;  // the mode held on Operation::table
  std::string command;             // the long statement: "UPDATE", "CREATE INDEX" ...
  TableFacts target;               // what it works on
  int64_t rows = -1;               // rows it touches, from its plan (-1: unknown)
  bool is_dml = false;
  bool no_where = false;  // UPDATE/DELETE of every row (no WHERE clause)
  // lock_held_across_statements was already reported for this lock in this
  // transaction: a warning is given once, not for every later statement.
  bool reported = false;
};

// What the undo of an operation needs to know of the catalogs as they were
// before the statement ran (collected by the glue, glue/undo_facts.cpp; the
// defaults when nothing was read).
struct OpUndoFacts {
  bool existed = false;        // CREATE INDEX / ADD COLUMN: the object was there already
  bool was_not_null = false;   // SET NOT NULL: the column was NOT NULL already
  std::string old_definition;  // DROP INDEX: the index's definition, as the server deparses it;
                               // SET TABLESPACE: the tablespace before
  int column_width = 0;        // DROP COLUMN: average width of a value (statistics), 0: unknown
};

struct Operation {
  OpKind kind = OpKind::CreateIndex;
  TableFacts table;
  // What the model says this operation does to table (a scan, an index
  // build, a rewrite...): the rule that owns (kind, effect) judges it
  // (Rule::kinds and Rule::effects).  None when not told (unit tests that
  // describe an operation by its flags only).
  Effect effect = Effect::None;
  bool concurrently = false;  // DROP INDEX, REINDEX, REFRESH, DETACH
  std::string object_name;    // DROP INDEX / REINDEX: the index; RENAME TABLE: new name
  bool cascade = false;
  // DROP TABLE / DROP COLUMN: dropped only because an object it depends on
  // was (CASCADE), by the statement named in command.
  bool dependent = false;
  std::string command;
  bool in_transaction_block = false;  // an explicit BEGIN is open
  LockMode lock = LockMode::None;     // LockRequest: the mode requested on table
  CreateIndexOp create_index;
  AddColumnOp add_column;
  TableRewriteOp table_rewrite;
  AlterColumnTypeOp alter_type;
  ConstraintOp constraint;
  PartitionOp partition;
  ColumnOp column;
  HeldLockOp held_lock;
  LockRequestOp lock_request;
  RefreshOp refresh;
  OpUndoFacts undo;
};

struct Statement {
  std::string command;  // the command tag: "ALTER TABLE", "CREATE INDEX", ...
  std::string text;     // the statement alone
  std::vector<LockedRelation> relations;  // the main target first
  std::vector<Operation> ops;
  bool in_transaction_block = false;  // an explicit BEGIN is open
};

}  // namespace mg
