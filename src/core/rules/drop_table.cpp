// drop_table: DROP TABLE on a table that has rows.  After COMMIT the rows are
// gone: no statement brings them back, only a backup (and point-in-time
// recovery restores the whole cluster, not one table).  Every application
// version still running that uses the table fails from that moment, and with
// CASCADE the views, foreign keys and other objects that depend on the table
// are dropped too.  DROP TABLE also takes ACCESS EXCLUSIVE, which queues
// behind running queries.
//
// The safe form keeps a way back: rename the table away (instant), let the
// release run without it, take a backup, and drop it in a later release.
// Silent for an empty table, and for a table created in this transaction or
// temporary: nobody else can rely on it.
#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::DropTable) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!has_rows(t)) return;

  Finding f = make_finding(drop_table, t.name);
  f.message = op.dependent
                  ? fmt::format("{} also drops table \"{}\", which destroys its rows",
                                op.command, f.relation)
                  : fmt::format("dropping table \"{}\" destroys its rows", f.relation);
  f.detail = fmt::format(
      "{} After COMMIT the rows are gone, and only a backup brings them back; every "
      "application version still running that uses the table fails from that moment.{} DROP "
      "TABLE takes an {} lock, which blocks {}.",
      table_facts_sentence(t),
      op.dependent ? " The table depends on what the statement drops (through CASCADE, or as "
                     "a member of a dropped extension), so it goes too."
      : op.cascade ? " CASCADE also drops every object that depends on the table: views, "
                   "foreign key constraints of other tables, and so on."
                 : "",
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));

  const std::string deprecated_name = truncate_identifier(t.name.name + "_deprecated");
  const QualifiedName deprecated{t.name.schema, deprecated_name};
  // pg_dump is a shell command: its words are shell-quoted, and the line that
  // carries them stays one comment line whatever the names hold.
  const std::string backup = sql_comment(fmt::format(
      "later, after: pg_dump --format=custom --table={} --file={} <database>",
      shell_word(sql_name(deprecated, s)), shell_word(deprecated_name + ".dump")));
  f.hint = fmt::format(
      "Keep a way back: rename the table away now (instant), and drop it in a later release, "
      "after a backup of it:\n"
      "ALTER TABLE {} RENAME TO {};\n"
      "{}\n"
      "DROP TABLE {}{};",
      sql_name(t.name, s), ident(deprecated_name, s), backup, sql_name(deprecated, s),
      op.cascade ? " CASCADE" : "");
  if (op.dependent)
    f.hint = "Do not let a table that has rows go as a dependency: deal with it on its own "
             "first. " +
             f.hint;
  // The drop belongs to a later release: in a script it stays a comment.
  f.safe_sql = fmt::format(
      "ALTER TABLE {} RENAME TO {};\n{}\n{}", sql_name(t.name, s), ident(deprecated_name, s),
      sql_comment(fmt::format(
          "in a later release, after: pg_dump --format=custom --table={} --file={} <database>",
          shell_word(sql_name(deprecated, s)), shell_word(deprecated_name + ".dump"))),
      sql_comment(fmt::format("DROP TABLE {}{};", sql_name(deprecated, s),
                              op.cascade ? " CASCADE" : "")));
  out.push_back(std::move(f));
}

}  // namespace

const Rule drop_table = {
    "drop_table",
    Severity::Error,
    kDataLoss,
    effect_bit(Effect::Drop),
    // summary
    "DROP TABLE on a table that has rows destroys them: after COMMIT only a backup brings "
    "them back",
    // explanation
    "DROP TABLE deletes the table's rows for good once the transaction commits, and any "
    "application version still running that uses the table starts failing at once. With "
    "CASCADE it drops the views and foreign keys that depend on it too. Renaming the table "
    "away first and dropping it in a later release, after a backup, keeps a way back.",
    // recipe
    "ALTER TABLE <table> RENAME TO <table>_deprecated;\n"
    "-- a later release, after pg_dump --table=<table>_deprecated:\n"
    "DROP TABLE <table>_deprecated;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::DropTable),
};

}  // namespace mg::rules
