// constraint_without_not_valid: ALTER TABLE ... ADD CONSTRAINT ... CHECK or
// FOREIGN KEY without NOT VALID on a large table.  The server checks every
// existing row in phase 3 of ALTER TABLE while it holds the statement's lock:
// - CHECK: ACCESS EXCLUSIVE (AlterTableGetLockLevel), which blocks reads and
//   writes for the whole scan;
// - FOREIGN KEY: SHARE ROW EXCLUSIVE on the table and on the referenced table
//   (both get triggers), which blocks their writes while validateForeignKey-
//   Constraint runs its anti-join over the whole table.
//
// With NOT VALID the constraint is recorded at once and enforced for new and
// updated rows only; ALTER TABLE ... VALIDATE CONSTRAINT then checks the
// existing rows under SHARE UPDATE EXCLUSIVE (ROW SHARE on the referenced
// table), which lets reads and writes go on.  PostgreSQL 15 does not support
// a NOT VALID foreign key on a partitioned table: it must be added partition
// by partition there; PostgreSQL 18 does (docs/versions.md), and gets the
// plain recipe.
#include <cctype>

#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"
#include "core/rules.hpp"

namespace mg::rules {

namespace {

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string lower(std::string_view w) {
  std::string out;
  for (char c : w) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// Words of a CHECK expression that are not column names.
bool sql_word(const std::string& w) {
  static const char* const kWords[] = {
      "check", "not", "null", "is", "and", "or", "true", "false", "in", "between", "like",
      "ilike", "similar", "to", "case", "when", "then", "else", "end", "distinct", "from",
      "any", "all", "some", "array", "cast", "as", "escape", "symmetric", "unknown", "collate",
      "at", "time", "zone", "interval", "date", "timestamp", "value"};
  for (const char* k : kWords)
    if (w == k) return true;
  return false;
}

// The first column an expression refers to, as the server picks the default
// name of a CHECK constraint: the first word that is neither a keyword, a
// function name, a number nor inside a string literal.
std::string first_column(std::string_view expr) {
  std::size_t i = 0;
  while (i < expr.size()) {
    char c = expr[i];
    if (c == '\'') {  // string literal
      for (++i; i < expr.size(); ++i) {
        if (expr[i] == '\'' && !(i + 1 < expr.size() && expr[i + 1] == '\'')) break;
        if (expr[i] == '\'') ++i;
      }
      ++i;
      continue;
    }
    if (c == ':' && i + 1 < expr.size() && expr[i + 1] == ':') {  // ::type
      i += 2;
      while (i < expr.size() && (word_char(expr[i]) || expr[i] == ' ')) ++i;
      continue;
    }
    if (c == '"') {
      std::size_t end = i + 1;
      while (end < expr.size() && !(expr[end] == '"' && !(end + 1 < expr.size() && expr[end + 1] == '"'))) {
        if (expr[end] == '"') ++end;
        ++end;
      }
      return identifier_value(expr.substr(i, end + 1 - i));
    }
    if (word_char(c)) {
      std::size_t end = i;
      while (end < expr.size() && word_char(expr[end])) ++end;
      std::string word = lower(expr.substr(i, end - i));
      std::size_t next = end;
      while (next < expr.size() && expr[next] == ' ') ++next;
      bool call = next < expr.size() && expr[next] == '(';
      bool number = std::isdigit(static_cast<unsigned char>(word[0])) != 0;
      if (!call && !number && !sql_word(word)) return word;
      i = end;
      continue;
    }
    ++i;
  }
  return "";
}

// The columns of "FOREIGN KEY (a, b) REFERENCES ...", as names.
std::vector<std::string> fk_columns(std::string_view def) {
  std::vector<std::string> out;
  std::size_t open = def.find('(');
  if (open == std::string_view::npos) return out;
  std::size_t close = def.find(')', open);
  if (close == std::string_view::npos) return out;
  for (const std::string& c : split_column_list(def.substr(open, close + 1 - open)))
    out.push_back(identifier_value(c));
  return out;
}

// The name the server would give the constraint.
std::string default_name(const Operation& op) {
  const ConstraintOp& c = op.constraint;
  if (!c.chosen_name.empty()) return c.chosen_name;  // the server's own choice
  const std::string& table = op.table.name.name;
  if (c.type == 'f') {
    std::string cols;
    for (const std::string& col : c.key_columns.empty() ? fk_columns(c.definition) : c.key_columns) {
      if (!cols.empty()) cols += "_";
      cols += col;
    }
    return truncate_identifier(cols.empty() ? table + "_fkey"
                                            : fmt::format("{}_{}_fkey", table, cols));
  }
  std::string_view def = c.definition;
  std::size_t open = def.find('(');
  std::string col = open == std::string_view::npos ? "" : first_column(def.substr(open));
  return truncate_identifier(col.empty() ? table + "_check"
                                         : fmt::format("{}_{}_check", table, col));
}

// ALTER DOMAIN ... ADD CONSTRAINT ... CHECK without NOT VALID: the server
// checks every row of every table that uses the domain (validateDomain-
// Constraint), each under a SHARE lock, which blocks its writes.  A domain's
// VALIDATE CONSTRAINT takes the same lock, so NOT VALID only moves the scan
// to a moment of one's choosing.
void domain_check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  const ConstraintOp& c = op.constraint;
  const TableFacts& t = op.table;
  const std::string name = c.name.empty() ? "<name>" : c.name;
  Finding f = make_finding(constraint_without_not_valid, t.name);
  f.message = fmt::format(
      "adding CHECK constraint \"{}\" to domain {} without NOT VALID checks every row of large "
      "table \"{}\" under a SHARE lock",
      name, c.domain, f.relation);
  f.detail = fmt::format(
      "{} Its column{} {} of domain {}. ALTER DOMAIN checks every existing value in each table "
      "that uses the domain while it holds a {} lock on that table, which blocks {}.",
      table_facts_sentence(t), c.domain_columns.find(',') == std::string::npos ? " is" : "s are",
      c.domain_columns, c.domain, lock_sql_name(LockMode::Share), lock_blocks(LockMode::Share));
  const std::string con = ident(name, s);
  const std::string def = c.definition.empty() ? "<definition>" : c.definition;
  f.safe_sql = fmt::format("ALTER DOMAIN {} ADD CONSTRAINT {} {} NOT VALID;", c.domain, con, def);
  f.hint = fmt::format(
      "Add it NOT VALID, which is instant and checks new and updated values only; validating "
      "it later (ALTER DOMAIN ... VALIDATE CONSTRAINT) takes the same {} lock on every table "
      "that uses the domain, so run that in a quiet period, or leave the constraint NOT VALID "
      "once a query has shown that no existing value breaks it:\n{}",
      lock_sql_name(LockMode::Share), f.safe_sql);
  out.push_back(std::move(f));
}

void check(const Operation& op, const Settings& s, std::vector<Finding>& out) {
  if (op.kind != OpKind::AddConstraint) return;
  const ConstraintOp& c = op.constraint;
  if ((c.type != 'c' && c.type != 'f') || c.not_valid) return;
  const TableFacts& t = op.table;
  if (!visible_to_others(t)) return;
  if (!is_large(t.rows, t.bytes, s)) return;
  if (!c.domain.empty()) return domain_check(op, s, out);

  const bool fk = c.type == 'f';
  // ADD COLUMN holds ACCESS EXCLUSIVE whatever it carries.
  const LockMode table_lock = fk && c.added_column.empty() ? LockMode::ShareRowExclusive
                                                           : LockMode::AccessExclusive;
  const std::string name = c.name.empty() ? default_name(op) : c.name;
  Finding f = make_finding(constraint_without_not_valid, t.name);
  f.message = fmt::format(
      "adding {} constraint \"{}\" without NOT VALID checks every row of large table \"{}\" "
      "under {} lock",
      fk ? "FOREIGN KEY" : "CHECK", name, f.relation, lock_with_article(table_lock));
  if (fk) {
    LockMode ref_lock =
        c.referenced_lock == LockMode::None ? LockMode::ShareRowExclusive : c.referenced_lock;
    f.detail = fmt::format(
        "{} ALTER TABLE checks every existing row against the referenced table while it holds "
        "{} lock on \"{}\", which blocks {}. It also holds {} lock on the referenced table "
        "\"{}\", which blocks {}.",
        table_facts_sentence(t), lock_with_article(table_lock), f.relation,
        lock_blocks(table_lock), lock_with_article(ref_lock), display_name(c.referenced.name), lock_blocks(ref_lock));
  } else {
    f.detail = fmt::format(
        "{} ALTER TABLE checks every existing row while it holds an {} lock, which blocks {}.",
        table_facts_sentence(t), lock_sql_name(LockMode::AccessExclusive),
        lock_blocks(LockMode::AccessExclusive));
  }

  const std::string table = sql_name(t.name, s);
  const std::string con = ident(name, s);
  const std::string def = c.definition.empty() ? "<definition>" : c.definition;
  if (fk && t.kind == 'p' && !server_at_least(s, 18)) {
    f.hint = fmt::format(
        "PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table: add it NOT "
        "VALID to each partition and validate it there (VALIDATE takes {0} and lets writes go "
        "on), then add it to the parent, which finds it already valid on every partition:\n"
        "ALTER TABLE <partition> ADD CONSTRAINT {1} {2} NOT VALID;  -- for each partition\n"
        "ALTER TABLE <partition> VALIDATE CONSTRAINT {1};\n"
        "ALTER TABLE {3} ADD CONSTRAINT {1} {2};",
        lock_sql_name(LockMode::ShareUpdateExclusive), con, def, table);
    f.safe_sql = fmt::format(
        "ALTER TABLE <partition> ADD CONSTRAINT {0} {1} NOT VALID;  -- for each partition\n"
        "ALTER TABLE <partition> VALIDATE CONSTRAINT {0};\n"
        "ALTER TABLE {2} ADD CONSTRAINT {0} {1};",
        con, def, table);
  } else {
    f.hint = fmt::format(
        "Add it NOT VALID, which is instant and enforces it for new rows, then validate the "
        "existing rows under a {} lock, which lets reads and writes go on{}:\n"
        "ALTER TABLE {} ADD CONSTRAINT {} {} NOT VALID;\n"
        "ALTER TABLE {} VALIDATE CONSTRAINT {};",
        lock_sql_name(LockMode::ShareUpdateExclusive),
        fk ? fmt::format(" ({} on the referenced table)", lock_sql_name(LockMode::RowShare)) : "",
        table, con, def, table, con);
    f.safe_sql = fmt::format(
        "ALTER TABLE {0} ADD CONSTRAINT {1} {2} NOT VALID;\n"
        "ALTER TABLE {0} VALIDATE CONSTRAINT {1};",
        table, con, def);
  }
  if (!c.added_column.empty()) first_add_the_column(op, s, f);
  out.push_back(std::move(f));
}

}  // namespace

const Rule constraint_without_not_valid = {
    "constraint_without_not_valid",
    Severity::Error,
    kReportsDuration,
    effect_bit(Effect::Scan),
    // summary
    "ADD CONSTRAINT CHECK or FOREIGN KEY without NOT VALID checks every row of a large table "
    "under a lock that blocks writes",
    // explanation
    "Adding a CHECK constraint reads every row to check it under an ACCESS EXCLUSIVE lock, "
    "which blocks reads and writes; adding a FOREIGN KEY checks every row under SHARE ROW "
    "EXCLUSIVE locks on both the table and the referenced table, which block their writes. "
    "With NOT VALID the constraint is added at once and enforced for new rows; VALIDATE "
    "CONSTRAINT then checks the existing rows under SHARE UPDATE EXCLUSIVE (ROW SHARE on the "
    "referenced table), which lets reads and writes go on.",
    // recipe
    "ALTER TABLE <table> ADD CONSTRAINT <name> <definition> NOT VALID;\n"
    "ALTER TABLE <table> VALIDATE CONSTRAINT <name>;",
    check,
    nullptr,  // no script-level check
    // the operations whose effects above it judges
    kind_bit(OpKind::AddConstraint),
};

}  // namespace mg::rules
