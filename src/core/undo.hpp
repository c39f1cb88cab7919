// The inverse SQL of a statement: the one generator used both by the history
// (migration_guard.history.rollback_sql, read by rollback_script()) and by the
// report's rollback plan, so that the two cannot disagree.
//
// The glue collects facts only (glue/undo_facts.cpp): an index's definition
// before DROP INDEX as the server deparses it, a column's default before SET
// DEFAULT, whether the object of an IF NOT EXISTS was there already...  Every
// name written here goes through quote_ident/quote_qualified (sql_name,
// ident), every piece of prose that holds a name through sql_comment() or
// one_line() (the history's reason is made one line by the glue).
#pragma once
#include "core/no_pg.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/policy.hpp"

namespace mg {

// A subcommand the model has no operation for, with what its undo needs.
enum class UndoFactKind {
  ColumnDefault,     // ALTER COLUMN SET/DROP DEFAULT: old_sql is the default before (has_old)
  DropNotNull,       // ALTER COLUMN DROP NOT NULL: was_not_null
  DropConstraint,    // DROP CONSTRAINT: old_sql is the server's ADD CONSTRAINT command (has_old)
  RenameIndex,       // ALTER INDEX RENAME: table is the index by its old name
  RenameConstraint,  // RENAME CONSTRAINT name TO new_name
  Created,           // CREATE TABLE/VIEW/SEQUENCE...: keyword, table is what was created
  SetSchema,         // ALTER ... SET SCHEMA: keyword, table in its new schema, name the old schema
  RelOption,         // ALTER ... SET/RESET (option): keyword, table, name the option, new_name
                     // its namespace ("toast"; not recorded), old_sql its value before (has_old);
                     // the RelOption facts of one table make one SET and one RESET
  ViewReplaced,      // CREATE OR REPLACE VIEW of an existing view: old_sql the server's CREATE
                     // VIEW before (has_old), same_columns when its columns did not change
  CreatedObject,     // CREATE SCHEMA/EXTENSION/TRIGGER/DOMAIN/TYPE: keyword; name the schema,
                     // extension or trigger; table the trigger's table or the type; cascade when
                     // the schema was created with objects in it; nothing known: empty name/table
  CascadeDropped,    // what CASCADE dropped for good: table; name the column (empty: the table),
                     // rows, bytes, column_empty
  DefinitionUnread,  // a dropped view's definition could not be read (a lock): table
  DroppedUnknown,    // what DROP of a type, function, schema... took is not recorded
};

struct UndoFact {
  UndoFactKind kind = UndoFactKind::ColumnDefault;
  QualifiedName table;
  std::string name;      // the column, or the constraint's old name
  std::string new_name;  // renames
  std::string old_sql;   // see UndoFactKind
  bool has_old = false;
  bool was_not_null = false;
  std::string keyword;   // Created: "TABLE", "VIEW", ...
  bool same_columns = false;
  bool cascade = false;
  bool column_empty = false;
  int64_t rows = 0;
  int64_t bytes = 0;
};

// The undo of one operation or fact.
struct UndoStep {
  std::string sql;           // what to run (may be a "-- nothing to undo" comment); empty: none
  std::string irreversible;  // why it cannot be undone, or what was lost; empty: reversible
  std::string note;          // the report's comment line when there is no sql
};

struct StatementUndo {
  std::vector<UndoStep> steps;  // in the order to run them: last operation first
  std::string reasons;          // every irreversible reason, each followed by "; "
  bool covered = false;         // a fact was handled, even if nothing is to undo
};

// The undo of a statement: its operations (last first), then its other
// subcommands (last first).  stmt_no and command only word the notes.
StatementUndo undo_statement(const std::vector<Operation>& ops, const std::vector<UndoFact>& facts,
                             std::string_view command, int stmt_no, const Settings& s);

// The DROP of a relation a CREATE made ("TABLE", "VIEW"...; name already quoted).
std::string undo_created(std::string_view keyword, const std::string& name_sql);

// What CASCADE drops and the history brings back: a sequence, as it was.
struct SequenceGrant {
  std::string privilege;  // USAGE, SELECT, UPDATE
  std::string grantee;    // empty: PUBLIC
  bool grant_option = false;
};
struct SequenceFacts {
  QualifiedName name;
  std::string type_sql;  // format_type()'s output: SQL
  int64_t increment = 1, min = 1, max = 0, start = 1, cache = 1;
  bool cycle = false;
  std::string owner;
  std::vector<SequenceGrant> grants;
  bool position_readable = true;  // the role that dropped it could read its position
  bool has_position = false;      // nextval() was called
  int64_t position = 0;
};
// CREATE SEQUENCE, its owner and grants, and setval() to where it was.
std::string recreate_sequence(const SequenceFacts& seq, const Settings& s);

// A view or materialized view, as the server deparses its query.
struct ViewFacts {
  bool materialized = false;
  QualifiedName name;
  std::vector<std::pair<std::string, std::string>> options;  // reloptions; value empty: none
  std::vector<bool> option_has_value;
  std::string definition;  // pg_get_viewdef(): " SELECT ...;", SQL
};
std::string recreate_view(const ViewFacts& view, const Settings& s);

}  // namespace mg
