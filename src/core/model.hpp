// The model of one DDL operation as the rules see it: what the statement does,
// and the live facts about the table it touches.  The glue fills it from the
// parse tree and the catalogs; the core never looks anything up itself.
#pragma once
#include "core/no_pg.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mg {

struct QualifiedName {
  std::string schema;
  std::string name;
};

struct TableFacts {
  QualifiedName name;
  char kind = 'r';  // pg_class.relkind: 'r' table, 'p' partitioned, 'm' matview
  // Planner-style estimates; -1 when nothing is known.  For a partitioned
  // table, the sums over its partitions.
  int64_t rows = -1;
  int64_t bytes = -1;
  // Created by the current transaction: no other session can see it yet.
  bool created_in_transaction = false;
  bool temporary = false;
  // Leaf partitions of a partitioned table (for recipes that go partition by
  // partition).  Possibly truncated by the glue; partition_count is the real
  // number.
  std::vector<QualifiedName> partitions;
  int64_t partition_count = 0;
};

enum class OpKind {
  CreateIndex,
  AddColumn,
  // Reported by the server itself (the table_rewrite event): a rewrite is
  // about to start.
  TableRewrite,
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
};

struct AddColumnOp {
  std::string column;
  std::string type_sql;       // format_type() of the column type, ready for SQL
  bool not_null = false;      // NOT NULL or PRIMARY KEY, or a NOT NULL domain
  bool has_default = false;   // DEFAULT clause, or the domain's default
  bool fills_values = false;  // identity, GENERATED ... STORED or serial
};

// The reason bits of pg_event_trigger_table_rewrite_reason() (AT_REWRITE_*).
enum RewriteReason : int {
  kRewritePersistence = 0x01,   // SET LOGGED / SET UNLOGGED
  kRewriteDefault = 0x02,       // a column added with a volatile default
  kRewriteColumn = 0x04,        // ALTER COLUMN ... TYPE
  kRewriteAccessMethod = 0x08,  // SET ACCESS METHOD
};

struct TableRewriteOp {
  std::string command;  // the command tag, "ALTER TABLE" or "ALTER TYPE"
  int reason = 0;
};

struct Operation {
  OpKind kind = OpKind::CreateIndex;
  TableFacts table;
  CreateIndexOp create_index;
  AddColumnOp add_column;
  TableRewriteOp table_rewrite;
};

}  // namespace mg
