// The inverse SQL of every operation kind (undo.hpp): one generator for the
// history's rollback_sql and the report's rollback plan.
#include "core/undo.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/quote.hpp"
#include "core/review.hpp"
#include "core/rules.hpp"

namespace mg {

namespace {

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return out;
}

// "CREATE [UNIQUE] INDEX ..." as the server deparses it, built CONCURRENTLY.
std::string concurrent_index_definition(const std::string& def) {
  for (std::string_view prefix : {"CREATE INDEX ", "CREATE UNIQUE INDEX "})
    if (def.compare(0, prefix.size(), prefix) == 0)
      return std::string(prefix) + "CONCURRENTLY " + def.substr(prefix.size());
  return def;
}

UndoStep irreversible(std::string reason, std::string note) {
  UndoStep step;
  step.irreversible = std::move(reason);
  step.note = std::move(note);
  return step;
}

UndoStep runnable(std::string sql) {
  UndoStep step;
  step.sql = std::move(sql);
  return step;
}

UndoStep undo_operation(const Operation& op, std::string_view command, int stmt_no,
                        const Settings& s) {
  const TableFacts& t = op.table;
  const std::string table = sql_name(t.name, s);
  const std::string what = command.empty() ? "the statement" : std::string(command);
  switch (op.kind) {
    case OpKind::CreateIndex: {
      const std::string& name = op.create_index.index_name;
      if (op.undo.existed) return runnable("-- nothing to undo: the index existed already");
      if (name.empty())
        return irreversible(
            "the index was created without a name",
            "-- no automatic rollback: the index has no name in the statement; find it in "
            "pg_indexes and drop it with DROP INDEX CONCURRENTLY");
      // CONCURRENTLY if it was built so (then it runs outside a transaction
      // block too); an index of a partitioned table cannot be.
      return runnable(fmt::format("DROP INDEX {}{};",
                                  op.create_index.concurrently && t.kind != 'p' ? "CONCURRENTLY "
                                                                                : "",
                                  sql_name(QualifiedName{t.name.schema, name}, s)));
    }
    case OpKind::AddColumn:
      if (op.undo.existed) return runnable("-- nothing to undo: the column existed already");
      return runnable(
          fmt::format("ALTER TABLE {} DROP COLUMN {};", table, ident(op.add_column.column, s)));
    case OpKind::AddConstraint:
      // Written inline in ADD COLUMN: it goes with the column.
      if (!op.constraint.added_column.empty()) return UndoStep{};
      if (op.constraint.name.empty())
        return irreversible(
            "the constraint was added without a name",
            "-- no automatic rollback: the constraint has no name in the statement; find it "
            "in pg_constraint and drop it with ALTER TABLE ... DROP CONSTRAINT");
      return runnable(fmt::format("ALTER TABLE {} DROP CONSTRAINT {};", table,
                                  ident(op.constraint.name, s)));
    case OpKind::RenameColumn:
      return runnable(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {};", table,
                                  ident(op.column.new_name, s), ident(op.column.column, s)));
    case OpKind::RenameTable:
      return runnable(fmt::format("ALTER TABLE {} RENAME TO {};",
                                  sql_name(QualifiedName{t.name.schema, op.object_name}, s),
                                  ident(t.name.name, s)));
    case OpKind::SetNotNull:
      if (op.undo.was_not_null)
        return runnable("-- nothing to undo: the column was NOT NULL already");
      return runnable(fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;", table,
                                  ident(op.column.column, s)));
    case OpKind::AlterColumnType: {
      const AlterColumnTypeOp& at = op.alter_type;
      if (at.old_type.empty())
        return irreversible(
            fmt::format("the previous type of column {} is unknown", ident(at.column, s)),
            sql_comment(fmt::format("no automatic rollback: the previous type of column {} is "
                                    "unknown",
                                    ident(at.column, s))));
      // old_type is format_type()'s output: SQL, not a name to quote.
      return runnable(fmt::format(
          "ALTER TABLE {} ALTER COLUMN {} TYPE {};{}", table, ident(at.column, s), at.old_type,
          at.narrowing ? "  -- lossy: values the first change altered are not restored" : ""));
    }
    case OpKind::DropTable:
      // A materialized view comes back from its definition, noted as it is
      // dropped (the history's captured drops).
      if (t.kind == 'm')
        return irreversible("", sql_comment(fmt::format(
                                    "not reversible: restore table {} from a backup", table)));
      return irreversible(
          fmt::format("DROP TABLE {} lost about {} rows ({} bytes)", table,
                      std::max<int64_t>(t.rows, 0), std::max<int64_t>(t.bytes, 0)),
          sql_comment(fmt::format("not reversible: restore table {} from a backup", table)));
    case OpKind::DropColumn: {
      std::string reason =
          fmt::format("DROP COLUMN {}.{} lost the values of about {} rows", table,
                      ident(op.column.column, s), std::max<int64_t>(t.rows, 0));
      if (op.column.empty)
        reason += " (every value NULL)";
      else if (op.undo.column_width > 0 && t.rows > 0)
        reason += fmt::format(" (about {} bytes)",
                              static_cast<int64_t>(op.undo.column_width) * t.rows);
      return irreversible(std::move(reason),
                          sql_comment(fmt::format("not reversible: restore column {} of {} from "
                                                  "a backup",
                                                  ident(op.column.column, s), table)));
    }
    case OpKind::Truncate:
      return irreversible(
          fmt::format("TRUNCATE {} lost about {} rows ({} bytes)", table,
                      std::max<int64_t>(t.rows, 0), std::max<int64_t>(t.bytes, 0)),
          sql_comment(fmt::format("not reversible: restore the rows of {} from a backup", table)));
    case OpKind::DropIndex: {
      const std::string& def = op.undo.old_definition;
      if (!def.empty())
        return runnable((op.concurrently ? concurrent_index_definition(def) : def) + ";");
      return irreversible(
          "the dropped index's definition is unknown",
          sql_comment(fmt::format(
              "no automatic rollback: recreate index {} from its definition "
              "(pg_indexes.indexdef, saved before the migration)",
              sql_name(QualifiedName{t.name.schema, op.object_name}, s))));
    }
    case OpKind::AttachPartition:
      if (op.partition.partition.name.name.empty()) break;
      return runnable(fmt::format("ALTER TABLE {} DETACH PARTITION {};", table,
                                  sql_name(op.partition.partition.name, s)));
    case OpKind::DetachPartition:
      if (op.partition.partition.name.name.empty() || op.partition.bound.empty()) break;
      // bound is the server's deparsed partition bound: SQL, not a name.
      return runnable(fmt::format("ALTER TABLE {} ATTACH PARTITION {} {};", table,
                                  sql_name(op.partition.partition.name, s), op.partition.bound));
    case OpKind::SetTablespace:
      if (op.undo.old_definition.empty()) break;
      return runnable(fmt::format("ALTER {} {} SET TABLESPACE {};  -- copies the files back",
                                  t.kind == 'm' ? "MATERIALIZED VIEW" : "TABLE", table,
                                  ident(op.undo.old_definition, s)));
    case OpKind::SetPersistence: {
      std::string mode = upper(op.object_name);
      if (mode != "LOGGED" && mode != "UNLOGGED") break;
      return runnable(fmt::format("ALTER TABLE {} SET {};  -- rewrites the table again", table,
                                  mode == "LOGGED" ? "UNLOGGED" : "LOGGED"));
    }
    case OpKind::ValidateConstraint:
    case OpKind::Reindex:
    case OpKind::VacuumFull:
    case OpKind::Cluster:
    case OpKind::RefreshMatview:
      return runnable(
          sql_comment(fmt::format("nothing to undo: {} does not change the schema", what)));
    case OpKind::TableRewrite:
    case OpKind::LockRequest:
    case OpKind::HeldLock:
    case OpKind::DefaultPartitionScan:
      return UndoStep{};
    default:
      break;
  }
  return irreversible("no inverse is recorded for this kind of statement",
                      sql_comment(fmt::format("no automatic rollback for statement {} ({})",
                                              stmt_no, command)));
}

bool same_table(const QualifiedName& a, const QualifiedName& b) {
  return a.schema == b.schema && a.name == b.name;
}

UndoStep undo_fact(const UndoFact& f, const Settings& s) {
  const std::string table = sql_name(f.table, s);
  switch (f.kind) {
    case UndoFactKind::ColumnDefault:
      // old_sql is the server's deparsed expression: SQL, not a name.
      if (f.has_old)
        return runnable(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};", table,
                                    ident(f.name, s), f.old_sql));
      return runnable(
          fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT;", table, ident(f.name, s)));
    case UndoFactKind::DropNotNull:
      if (!f.was_not_null) return UndoStep{};
      return runnable(
          fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;", table, ident(f.name, s)));
    case UndoFactKind::DropConstraint:
      // The server's own "ALTER TABLE ... ADD CONSTRAINT ..." command.
      if (f.has_old) return runnable(f.old_sql + ";");
      return irreversible("the dropped constraint's definition is unknown",
                          sql_comment(fmt::format("no automatic rollback: the definition of "
                                                  "constraint {} of {} is unknown",
                                                  ident(f.name, s), table)));
    case UndoFactKind::RenameIndex:
      return runnable(fmt::format("ALTER INDEX {} RENAME TO {};",
                                  sql_name(QualifiedName{f.table.schema, f.new_name}, s),
                                  ident(f.table.name, s)));
    case UndoFactKind::RenameConstraint:
      return runnable(fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {};", table,
                                  ident(f.new_name, s), ident(f.name, s)));
    case UndoFactKind::Created:
      return runnable(undo_created(f.keyword, table));
    case UndoFactKind::SetSchema:
      if (f.name == f.table.schema) return UndoStep{};
      return runnable(fmt::format("ALTER {} {} SET SCHEMA {};", f.keyword, table, ident(f.name, s)));
    case UndoFactKind::RelOption:
      return UndoStep{};  // merged per table by reloption_steps()
    case UndoFactKind::ViewReplaced: {
      if (!f.has_old) return irreversible("the replaced view's definition is unknown", "");
      // old_sql is the server's "CREATE VIEW ..." of the view before: SQL.
      // Its columns changed: CREATE OR REPLACE cannot drop columns.
      const std::string_view create = "CREATE ";
      if (f.same_columns && f.old_sql.compare(0, create.size(), create) == 0)
        return runnable("CREATE OR REPLACE " + f.old_sql.substr(create.size()));
      return runnable(fmt::format("DROP VIEW {};\n{}", table, f.old_sql));
    }
    case UndoFactKind::CreatedObject: {
      if (f.keyword == "SCHEMA" && !f.name.empty())
        return runnable(fmt::format("DROP SCHEMA {}{};", ident(f.name, s),
                                    f.cascade ? " CASCADE  -- with the objects it was created with"
                                              : ""));
      if (f.keyword == "EXTENSION" && !f.name.empty())
        return runnable(fmt::format("DROP EXTENSION {};", ident(f.name, s)));
      if (f.keyword == "TRIGGER" && !f.name.empty() && !f.table.name.empty())
        return runnable(fmt::format("DROP TRIGGER {} ON {};", ident(f.name, s), table));
      if ((f.keyword == "DOMAIN" || f.keyword == "TYPE") && !f.table.name.empty())
        return runnable(fmt::format("DROP {} {};", f.keyword, table));
      return irreversible("the object before the statement is not recorded", "");
    }
    case UndoFactKind::CascadeDropped:
      if (f.name.empty())
        return irreversible(fmt::format("CASCADE dropped table {} with about {} rows ({} bytes)",
                                        table, std::max<int64_t>(f.rows, 0),
                                        std::max<int64_t>(f.bytes, 0)),
                            "");
      return irreversible(
          fmt::format("CASCADE dropped column {}.{}{}", table, ident(f.name, s),
                      f.column_empty ? std::string(" (every value NULL)")
                                     : fmt::format(" with the values of about {} rows",
                                                   std::max<int64_t>(f.rows, 0))),
          "");
    case UndoFactKind::DefinitionUnread:
      return irreversible(
          fmt::format("the definition of {} was not read: a relation it reads was locked by "
                      "another session",
                      table),
          "");
    case UndoFactKind::DroppedUnknown:
      return irreversible(fmt::format("the definition of what {} dropped is not recorded",
                                      f.name.empty() ? std::string("the statement") : f.name),
                          "");
  }
  return UndoStep{};
}

// ALTER ... SET (k = v) / RESET (k) of one table: the values before back
// (SET), or RESET of the options that had none.  A RESET of an option that
// was not set needs nothing.  Steps in the order to run them.
std::vector<UndoStep> reloption_steps(const std::vector<UndoFact>& facts, std::size_t first,
                                      const Settings& s, std::string& reasons) {
  const UndoFact& head = facts[first];
  std::string set;
  std::string reset;
  for (std::size_t i = first; i < facts.size(); ++i) {
    const UndoFact& f = facts[i];
    if (f.kind != UndoFactKind::RelOption || !same_table(f.table, head.table)) continue;
    if (!f.new_name.empty()) {
      reasons += fmt::format("the previous value of {}.{} is not recorded; ", f.new_name, f.name);
      continue;
    }
    if (f.has_old)
      set += fmt::format("{}{} = {}", set.empty() ? "" : ", ", ident(f.name, s),
                         quote_literal(f.old_sql));
    else
      reset += fmt::format("{}{}", reset.empty() ? "" : ", ", ident(f.name, s));
  }
  std::vector<UndoStep> steps;
  const std::string table = sql_name(head.table, s);
  if (!set.empty())
    steps.push_back(runnable(fmt::format("ALTER {} {} SET ({});", head.keyword, table, set)));
  if (!reset.empty())
    steps.push_back(runnable(fmt::format("ALTER {} {} RESET ({});", head.keyword, table, reset)));
  return steps;
}

}  // namespace

std::string undo_created(std::string_view keyword, const std::string& name_sql) {
  return fmt::format("DROP {} {};{}", keyword, name_sql,
                     keyword == "TABLE" ? "  -- with every row written to it since" : "");
}

std::string recreate_sequence(const SequenceFacts& seq, const Settings& s) {
  const std::string name = sql_name(seq.name, s);
  std::string sql = fmt::format(
      "CREATE SEQUENCE {} AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE "
      "{}{};",
      name, seq.type_sql, seq.increment, seq.min, seq.max, seq.start, seq.cache,
      seq.cycle ? " CYCLE" : " NO CYCLE");
  if (!seq.owner.empty())
    sql += fmt::format("\nALTER SEQUENCE {} OWNER TO {};", name, ident(seq.owner, s));
  for (const SequenceGrant& g : seq.grants)
    sql += fmt::format("\nGRANT {} ON SEQUENCE {} TO {}{};", g.privilege, name,
                       g.grantee.empty() ? std::string("PUBLIC") : ident(g.grantee, s),
                       g.grant_option ? " WITH GRANT OPTION" : "");
  if (!seq.position_readable)
    sql += "\n-- its position was not readable by the role that dropped it";
  else if (seq.has_position)
    sql += fmt::format("\nSELECT pg_catalog.setval({}, {});", quote_literal(name), seq.position);
  return sql;
}

std::string recreate_view(const ViewFacts& view, const Settings& s) {
  std::string with;
  for (std::size_t i = 0; i < view.options.size(); ++i) {
    with += i == 0 ? " WITH (" : ", ";
    with += ident(view.options[i].first, s);
    // Values quoted as literals, which every option accepts.
    if (i < view.option_has_value.size() && view.option_has_value[i])
      with += " = " + quote_literal(view.options[i].second);
  }
  if (!with.empty()) with += ")";
  return fmt::format("CREATE {} {}{} AS\n{}", view.materialized ? "MATERIALIZED VIEW" : "VIEW",
                     sql_name(view.name, s), with, view.definition);
}

StatementUndo undo_statement(const std::vector<Operation>& ops, const std::vector<UndoFact>& facts,
                             std::string_view command, int stmt_no, const Settings& s) {
  StatementUndo out;
  // Reasons in the order of the statement: its other subcommands first (as
  // the history always listed them), then its operations.
  std::vector<UndoStep> created;
  for (std::size_t i = 0; i < facts.size(); ++i) {
    const UndoFact& f = facts[i];
    out.covered = true;
    if (f.kind == UndoFactKind::RelOption) {
      bool seen = false;
      for (std::size_t j = 0; j < i && !seen; ++j)
        seen = facts[j].kind == UndoFactKind::RelOption && same_table(facts[j].table, f.table);
      if (seen) continue;
      // Reversed below with the rest: pushed last first.
      std::vector<UndoStep> steps = reloption_steps(facts, i, s, out.reasons);
      for (auto it = steps.rbegin(); it != steps.rend(); ++it) out.steps.push_back(std::move(*it));
      continue;
    }
    UndoStep step = undo_fact(f, s);
    if (!step.irreversible.empty()) out.reasons += step.irreversible + "; ";
    (f.kind == UndoFactKind::Created || f.kind == UndoFactKind::CreatedObject ? created
                                                                               : out.steps)
        .push_back(std::move(step));
  }
  for (const Operation& op : ops) {
    UndoStep step = undo_operation(op, command, stmt_no, s);
    if (!step.irreversible.empty()) out.reasons += step.irreversible + "; ";
    out.steps.push_back(std::move(step));
  }
  // Run last first: the operations reversed, then the other subcommands reversed.
  // What the statement created goes first (the history's undo of a CREATE
  // is written once it ran, and put before the rest).
  std::reverse(out.steps.begin(), out.steps.end());
  out.steps.insert(out.steps.begin(), created.begin(), created.end());
  return out;
}

// The undo of each modelled statement of a reviewed script, last first.
std::vector<RollbackStep> rollback_plan(const ScriptReview& review, const Settings& s) {
  std::vector<RollbackStep> steps;
  for (auto it = review.statements.rbegin(); it != review.statements.rend(); ++it) {
    const ScriptStatement& st = it->stmt;
    if (st.transaction_control) continue;
    RollbackStep step;
    step.stmt_no = st.no;
    if (!st.modelled) {
      if (!is_dml(st.command)) continue;
      step.sql =
          "-- no automatic rollback: it changes data; undo it by hand or restore from a backup";
      steps.push_back(std::move(step));
      continue;
    }
    // The same generator as the history's rollback_sql (undo.cpp); a step
    // with nothing to run shows its note, or why it cannot be undone.
    std::vector<std::string> lines;
    for (const UndoStep& u : undo_statement(st.ops, st.undo_facts, st.command, st.no, s).steps) {
      std::string line = !u.sql.empty() ? u.sql
                         : !u.note.empty() ? u.note
                         : u.irreversible.empty()
                             ? std::string()
                             : sql_comment("no automatic rollback: " + u.irreversible);
      if (!line.empty() && std::find(lines.begin(), lines.end(), line) == lines.end())
        lines.push_back(std::move(line));
    }
    if (lines.empty())
      lines.push_back(sql_comment(fmt::format("no automatic rollback for statement {} ({})", st.no,
                                              st.command.empty() ? "unknown command" : st.command)));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) step.sql += "\n";
      step.sql += lines[i];
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace mg
