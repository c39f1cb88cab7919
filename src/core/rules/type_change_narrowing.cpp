// type_change_narrowing: ALTER TABLE ... ALTER COLUMN ... TYPE to a type that
// may not hold the existing values (a shorter varchar or char, a smaller
// integer, a numeric with less precision or scale, or a cast that can fail),
// on a table that has rows.  ATRewriteTable converts every row under ACCESS
// EXCLUSIVE: one value that does not fit ("value too long for type character
// varying(20)", "smallint out of range", "numeric field overflow") makes the
// statement fail after all the work, with the queue behind the lock paid for
// nothing; a conversion that rounds (numeric scale) or truncates (explicit
// casts in USING) changes data without any error.
//
// This is data safety, not blocking: the rule fires whatever the table size.
// The safe form checks the values first, or goes through a new column
// (expand/contract) so that nothing is lost if values do not fit.
#include <cctype>

#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

// "character varying(20)" -> 20 when t starts with one of the prefixes.
bool type_with_modifier(const std::string& type, std::initializer_list<const char*> prefixes,
                        std::string& args) {
  for (const char* prefix : prefixes) {
    std::string p = std::string(prefix) + "(";
    if (type.compare(0, p.size(), p) == 0 && type.back() == ')') {
      args = type.substr(p.size(), type.size() - p.size() - 1);
      return true;
    }
  }
  return false;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// A condition true for the values of col that do not fit in type; empty when
// the type is not one we know how to check.
std::string does_not_fit(const std::string& col, const std::string& type) {
  std::string args;
  if (type_with_modifier(type, {"character varying", "varchar", "character", "char", "bpchar"},
                         args) &&
      all_digits(args))
    return fmt::format("length({}) > {}", col, args);
  if (type == "smallint" || type == "int2")
    return fmt::format("{} NOT BETWEEN -32768 AND 32767", col);
  if (type == "integer" || type == "int" || type == "int4")
    return fmt::format("{} NOT BETWEEN -2147483648 AND 2147483647", col);
  if (type_with_modifier(type, {"numeric", "decimal"}, args)) {
    std::string precision = args, scale = "0";
    std::size_t comma = args.find(',');
    if (comma != std::string::npos) {
      precision = args.substr(0, comma);
      scale = args.substr(comma + 1);
      while (!scale.empty() && scale.front() == ' ') scale.erase(0, 1);
    }
    if (!all_digits(precision) || !all_digits(scale)) return "";
    int digits = std::stoi(precision) - std::stoi(scale);
    if (digits < 0 || digits > 1000) return "";
    return fmt::format("abs({0}) >= 1e{1} OR {0} <> round({0}, {2})", col, digits, scale);
  }
  return "";
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::AlterColumnType || !op.alter_type.narrowing) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!has_rows(t)) return;

  const AlterColumnTypeOp& at = op.alter_type;
  Finding f = make_finding(type_change_narrowing, t.name);
  f.message = fmt::format(
      "changing column \"{}\" of table \"{}\" from {} to {} can fail or lose data", at.column,
      f.relation, at.old_type, at.new_type);
  std::string reason = trim_sentence(at.narrowing_reason);
  f.detail = fmt::format(
      "{} Changing \"{}\" from {} to {} narrows the column{}. ALTER TABLE converts every row "
      "under an {} lock, which blocks {}. One value that does not fit makes it fail after all "
      "that work, and a conversion that rounds or truncates changes the data without an error.",
      table_facts_sentence(t), at.column, at.old_type, at.new_type,
      reason.empty() ? ", and the existing values may not fit" : ": " + reason,
      lock_sql_name(LockMode::AccessExclusive), lock_blocks(LockMode::AccessExclusive));

  const std::string table = sql_name(t.name, s);
  const std::string col = ident(at.column, s);
  std::string cond = does_not_fit(col, at.new_type);
  const std::string new_col = ident(truncate_identifier(at.column + "_new"), s);
  const std::string old_col = ident(truncate_identifier(at.column + "_old"), s);
  // The safe SQL is the expand-and-contract form: it replaces the statement
  // and loses nothing; the count is a check to run before the plain form.
  f.safe_sql = fmt::format(
      "ALTER TABLE {0} ADD COLUMN {2} {3};\n"
      "-- have the application (or a trigger) write both columns, then backfill:\n"
      "{4}\n"
      "BEGIN;\n"
      "ALTER TABLE {0} RENAME COLUMN {5} TO {6};\n"
      "ALTER TABLE {0} RENAME COLUMN {2} TO {5};\n"
      "COMMIT;\n"
      "ALTER TABLE {0} DROP COLUMN {6};  -- once the application no longer uses it",
      table, cond.empty() ? fmt::format("<values of {} that do not fit in {}>", col, at.new_type) : cond,
      new_col, at.new_type,
      batch_update_sql(table,
                       fmt::format("{} = {}", new_col,
                                   !at.has_using ? fmt::format("CAST({} AS {})", col, at.new_type)
                                   : at.using_sql.empty() ? std::string("<the USING expression>")
                                                          : at.using_sql),
                       fmt::format("{} IS NULL AND {} IS NOT NULL", new_col, col)),
      col, old_col);
  f.hint = fmt::format(
      "Count the values that do not fit before changing the type, and fix them first:\n"
      "SELECT count(*) FROM {0} WHERE {1};\n"
      "or change it through a new column, so that nothing is lost and the table is never "
      "locked for long (expand and contract):\n"
      "{2}",
      table, cond.empty() ? fmt::format("<values of {} that do not fit in {}>", col, at.new_type) : cond,
      f.safe_sql);
  out.push_back(std::move(f));
}

}  // namespace

const Rule type_change_narrowing = {
    "type_change_narrowing",
    Severity::Error,
    kDataLoss,
    0,  // speaks for no effect of its own
    // summary
    "a column type change to a narrower type can fail half-way or lose data",
    // explanation
    "When the new type is narrower than the old one (a shorter varchar, a smaller integer, "
    "less numeric precision or scale, or a cast that can fail), ALTER TABLE converts every "
    "existing row under an ACCESS EXCLUSIVE lock: a single value that does not fit makes the "
    "statement fail after all that work, and a cast that rounds or truncates changes the "
    "data without any error.",
    // recipe
    "SELECT count(*) FROM <table> WHERE <values of the column that do not fit>;\n"
    "-- or expand and contract: add a column of the new type, backfill, swap, drop",
    check,
    nullptr,  // no script-level check
};

}  // namespace mg::rules
