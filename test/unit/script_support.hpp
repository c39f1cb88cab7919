// Builders of reviewed scripts, shared by the review's unit tests and the
// script-level rules' (lock_held_across_statements,
// not_valid_validated_in_same_transaction): statements with the relations
// they lock and the operations they carry, as the glue would model them.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/review.hpp"
#include "test_support.hpp"

namespace mg::script_test {

using test::kMiB;

inline TableFacts big(const std::string& name) { return test::table("public", name, 40000000, 2146 * kMiB); }

inline LockedRelation rel(TableFacts t, LockMode lock, Effect effect, std::string cause = "") {
  LockedRelation r;
  r.table = std::move(t);
  r.lock = lock;
  r.effect = effect;
  r.cause = std::move(cause);
  return r;
}

inline ScriptStatement stmt(int no, std::string text, std::string command, int tx = 0) {
  ScriptStatement st;
  st.no = no;
  st.text = std::move(text);
  st.command = std::move(command);
  st.tx = tx;
  st.modelled = true;
  return st;
}

inline ScriptStatement control(int no, const std::string& word, int tx) {
  ScriptStatement st = stmt(no, word + ";", word, tx);
  st.transaction_control = true;
  st.modelled = false;
  return st;
}

inline ScriptStatement dml(int no, std::string text, std::string command, int tx = 0) {
  ScriptStatement st = stmt(no, std::move(text), std::move(command), tx);
  st.modelled = false;
  return st;
}

inline ScriptStatement add_column(int no, TableFacts t, const std::string& column, int tx = 0) {
  ScriptStatement st = stmt(no, "ALTER TABLE " + t.name.name + " ADD COLUMN " + column + " text",
                            "ALTER TABLE", tx);
  st.rels.push_back(rel(t, LockMode::AccessExclusive, Effect::Metadata));
  Operation op = test::operation(OpKind::AddColumn, t);
  op.add_column.column = column;
  op.add_column.type_sql = "text";
  op.in_transaction_block = tx > 0;
  st.ops.push_back(op);
  return st;
}

inline ScriptStatement create_index(int no, TableFacts t, const std::string& name, bool concurrently,
                             int tx = 0) {
  std::string text = "CREATE INDEX " + name + " ON " + t.name.name + " (created_at)";
  if (concurrently) text = "CREATE INDEX CONCURRENTLY " + name + " ON " + t.name.name + " (created_at)";
  ScriptStatement st = stmt(no, text + ";", "CREATE INDEX", tx);
  st.rels.push_back(rel(t, concurrently ? LockMode::ShareUpdateExclusive : LockMode::Share,
                        Effect::IndexBuild));
  Operation op = test::operation(OpKind::CreateIndex, t);
  op.create_index.statement = text;
  op.create_index.concurrently_at = 12;
  op.create_index.index_name = name;
  op.create_index.concurrently = concurrently;
  op.in_transaction_block = tx > 0;
  st.ops.push_back(op);
  return st;
}

inline ScriptStatement add_check(int no, TableFacts t, const std::string& name, bool not_valid,
                          int tx = 0) {
  ScriptStatement st =
      stmt(no,
           "ALTER TABLE " + t.name.name + " ADD CONSTRAINT " + name + " CHECK (total >= 0)" +
               (not_valid ? " NOT VALID" : ""),
           "ALTER TABLE", tx);
  st.rels.push_back(
      rel(t, LockMode::AccessExclusive, not_valid ? Effect::Metadata : Effect::Scan));
  Operation op = test::operation(OpKind::AddConstraint, t);
  op.constraint.type = 'c';
  op.constraint.name = name;
  op.constraint.definition = "CHECK (total >= 0)";
  op.constraint.not_valid = not_valid;
  st.ops.push_back(op);
  return st;
}

inline ScriptStatement validate(int no, TableFacts t, const std::string& name, int tx = 0) {
  ScriptStatement st =
      stmt(no, "ALTER TABLE " + t.name.name + " VALIDATE CONSTRAINT " + name, "ALTER TABLE", tx);
  st.rels.push_back(rel(t, LockMode::ShareUpdateExclusive, Effect::Scan, "constraint validation"));
  Operation op = test::operation(OpKind::ValidateConstraint, t);
  op.constraint.name = name;
  st.ops.push_back(op);
  return st;
}

inline std::vector<const Finding*> findings_of(const ScriptReview& r, const std::string& rule) {
  std::vector<const Finding*> out;
  for (const ReviewedStatement& rs : r.statements)
    for (const Finding& f : rs.findings)
      if (f.rule == rule) out.push_back(&f);
  return out;
}

inline const ReviewedStatement& statement(const ScriptReview& r, int no) {
  for (const ReviewedStatement& rs : r.statements)
    if (rs.stmt.no == no) return rs;
  throw std::out_of_range("no such statement");
}

}  // namespace mg::script_test
