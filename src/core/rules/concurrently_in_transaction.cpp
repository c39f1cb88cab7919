// concurrently_in_transaction: CREATE INDEX CONCURRENTLY, DROP INDEX
// CONCURRENTLY, REINDEX CONCURRENTLY or ALTER TABLE ... DETACH PARTITION ...
// CONCURRENTLY inside an explicit transaction block.  These commands commit
// between their phases, so they call PreventInTransactionBlock() and the
// server refuses them: "CREATE INDEX CONCURRENTLY cannot run inside a
// transaction block".  The migration stops with an error and everything done
// before it in the transaction is rolled back.  Whatever the table size: the
// statement will fail.  (REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed in
// a transaction block.)
//
// Migration tools that wrap each migration in a transaction must be told not
// to for this one.
#include <fmt/format.h>

#include "core/rules.hpp"

namespace mg::rules {

namespace {

std::string statement_sql(const Operation& op, const Settings& s) {
  const TableFacts& t = op.table;
  switch (op.kind) {
    case OpKind::CreateIndex: {
      std::string_view stmt = op.create_index.statement;
      while (!stmt.empty() && (stmt.back() == ' ' || stmt.back() == '\n' ||
                               stmt.back() == '\t' || stmt.back() == '\r' || stmt.back() == ';'))
        stmt.remove_suffix(1);
      if (stmt.empty()) return fmt::format("CREATE INDEX CONCURRENTLY ... ON {} ...;", sql_name(t.name, s));
      return std::string(stmt) + ";";
    }
    case OpKind::DropIndex:
      return fmt::format("DROP INDEX CONCURRENTLY {};",
                         sql_name(QualifiedName{t.name.schema, op.object_name}, s));
    case OpKind::Reindex:
      if (op.object_name.empty())
        return fmt::format("REINDEX TABLE CONCURRENTLY {};", sql_name(t.name, s));
      return fmt::format("REINDEX INDEX CONCURRENTLY {};",
                         sql_name(QualifiedName{t.name.schema, op.object_name}, s));
    default:
      return fmt::format("ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY;", sql_name(t.name, s),
                         op.partition.partition.name.name.empty()
                             ? std::string("<partition>")
                             : sql_name(op.partition.partition.name, s));
  }
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (!op.in_transaction_block) return;
  const char* command = nullptr;
  switch (op.kind) {
    case OpKind::CreateIndex:
      if (op.create_index.concurrently) command = "CREATE INDEX CONCURRENTLY";
      break;
    case OpKind::DropIndex:
      if (op.concurrently) command = "DROP INDEX CONCURRENTLY";
      break;
    case OpKind::Reindex:
      if (op.concurrently) command = "REINDEX CONCURRENTLY";
      break;
    case OpKind::DetachPartition:
      if (op.concurrently) command = "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY";
      break;
    default:
      break;
  }
  if (!command) return;

  Finding f = make_finding(concurrently_in_transaction, op.table.name);
  f.message = fmt::format("{} cannot run inside a transaction block", command);
  f.detail = fmt::format(
      "{} An explicit transaction block is open. {} commits between its phases, so the server "
      "refuses it there: the migration stops with an error and everything done before it in "
      "the transaction is rolled back.",
      table_facts_sentence(op.table), command);
  f.hint = fmt::format(
      "Run it on its own, outside BEGIN/COMMIT; with a migration tool, turn off the "
      "transaction of this migration (Rails: disable_ddl_transaction!; Django: atomic = False; "
      "Flyway: executeInTransaction=false in the script's .conf file; Alembic: "
      "op.get_context().autocommit_block()):\n"
      "{}",
      statement_sql(op, s));
  f.safe_sql = statement_sql(op, s);
  out.push_back(std::move(f));
}

}  // namespace

const Rule concurrently_in_transaction = {
    "concurrently_in_transaction",
    Severity::Error,
    kNoFlags,
    0,  // speaks for no effect of its own
    // summary
    "a CONCURRENTLY statement inside a transaction block always fails",
    // explanation
    "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH "
    "PARTITION CONCURRENTLY commit between their phases, so the server refuses them inside a "
    "transaction block: the migration stops with an error and everything done before it in "
    "the transaction is rolled back. Migration tools that wrap each migration in a "
    "transaction must be told not to for this one.",
    // recipe
    "-- outside BEGIN/COMMIT, in a migration of its own:\n"
    "CREATE INDEX CONCURRENTLY <index> ON <table> (<columns>);",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
