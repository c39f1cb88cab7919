#include "core/review.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"

namespace mg {

namespace {

bool same_finding(const Finding& a, const Finding& b) {
  return a.rule == b.rule && a.severity == b.severity && a.relation == b.relation &&
         a.message == b.message && a.detail == b.detail && a.hint == b.hint &&
         a.safe_sql == b.safe_sql;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trimmed(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return out;
}

bool data_loss(const Finding& f) {
  const Rule* rule = find_rule(f.rule);
  return rule && rule->data_loss();
}

std::string_view severity_upper(Severity s) {
  switch (s) {
    case Severity::Error:
      return "ERROR";
    case Severity::Warning:
      return "WARNING";
    case Severity::Info:
      return "INFO";
  }
  return "INFO";
}

// The first one or two sentences of a DETAIL.
std::string first_sentences(std::string_view text, int count) {
  std::size_t pos = 0;
  for (int n = 0; n < count; ++n) {
    std::size_t dot = text.find(". ", pos);
    if (dot == std::string_view::npos) return std::string(text);
    pos = dot + 2;
  }
  return trimmed(text.substr(0, pos));
}

double op_seconds_on(const ScriptStatement& st, const QualifiedName& rel, const Settings& s) {
  double total = 0;
  const std::string name = display_name(rel);
  for (const Operation& op : st.ops) {
    DurationEstimate e = estimate(op, s);
    if (e.work != Work::None && display_name(e.table) == name) total += e.seconds;
  }
  return total;
}

std::string duration_cell(double seconds, bool has_work) {
  if (!has_work) return "-";
  return pretty_duration(seconds);
}

bool statement_has_work(const ScriptStatement& st, const Settings& s) {
  for (const Operation& op : st.ops)
    if (estimate(op, s).work != Work::None) return true;
  return false;
}

std::string rows_text(int64_t rows) { return rows < 0 ? "unknown" : pretty_count(rows); }
std::string bytes_text(int64_t bytes) { return bytes < 0 ? "unknown" : pretty_bytes(bytes); }

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  return fmt::format("{}", std::round(x * 10) / 10);
}
std::string json_int(int64_t x) { return x < 0 ? "null" : fmt::format("{}", x); }

// The undo of one operation.
std::string undo(const Operation& op, const ScriptStatement& st, const Settings& s) {
  const TableFacts& t = op.table;
  const std::string table = sql_name(t.name, s);
  switch (op.kind) {
    case OpKind::CreateIndex: {
      const std::string& name = op.create_index.index_name;
      if (name.empty())
        return fmt::format(
            "-- no automatic rollback: the index has no name in the statement; find it in "
            "pg_indexes and drop it with DROP INDEX CONCURRENTLY");
      const std::string index = sql_name(QualifiedName{t.name.schema, name}, s);
      if (t.kind == 'p') return fmt::format("DROP INDEX {};", index);
      return fmt::format("DROP INDEX CONCURRENTLY {};", index);
    }
    case OpKind::AddColumn:
      return fmt::format("ALTER TABLE {} DROP COLUMN {};", table, ident(op.add_column.column, s));
    case OpKind::AddConstraint:
      if (op.constraint.name.empty())
        return "-- no automatic rollback: the constraint has no name in the statement; find it "
               "in pg_constraint and drop it with ALTER TABLE ... DROP CONSTRAINT";
      return fmt::format("ALTER TABLE {} DROP CONSTRAINT {};", table,
                         ident(op.constraint.name, s));
    case OpKind::RenameColumn:
      return fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {};", table,
                         ident(op.column.new_name, s), ident(op.column.column, s));
    case OpKind::RenameTable:
      return fmt::format("ALTER TABLE {} RENAME TO {};",
                         sql_name(QualifiedName{t.name.schema, op.object_name}, s),
                         ident(t.name.name, s));
    case OpKind::SetNotNull:
      return fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;", table,
                         ident(op.column.column, s));
    case OpKind::AlterColumnType: {
      const AlterColumnTypeOp& at = op.alter_type;
      if (at.old_type.empty())
        return sql_comment(fmt::format(
            "no automatic rollback: the previous type of column {} is unknown",
            ident(at.column, s)));
      return fmt::format(
          "ALTER TABLE {} ALTER COLUMN {} TYPE {};  -- {} the table again, and cannot bring "
          "back values the first change altered or lost",
          table, ident(at.column, s), at.old_type, at.rewrite ? "rewrites" : "may rewrite");
    }
    case OpKind::DropTable:
      return sql_comment(
          fmt::format("not reversible: restore table {} from a backup", sql_name(t.name, s)));
    case OpKind::DropColumn:
      return sql_comment(fmt::format("not reversible: restore column {} of {} from a backup",
                                     ident(op.column.column, s), sql_name(t.name, s)));
    case OpKind::Truncate:
      return sql_comment(
          fmt::format("not reversible: restore the rows of {} from a backup", sql_name(t.name, s)));
    case OpKind::DropIndex:
      return sql_comment(fmt::format(
          "no automatic rollback: recreate index {} from its definition (pg_indexes.indexdef, "
          "saved before the migration)",
          sql_name(QualifiedName{t.name.schema, op.object_name}, s)));
    case OpKind::AttachPartition:
      if (op.partition.partition.name.name.empty()) break;
      return fmt::format("ALTER TABLE {} DETACH PARTITION {};", table,
                         sql_name(op.partition.partition.name, s));
    case OpKind::DetachPartition:
      if (op.partition.partition.name.name.empty() || op.partition.bound.empty()) break;
      return fmt::format("ALTER TABLE {} ATTACH PARTITION {} {};", table,
                         sql_name(op.partition.partition.name, s), op.partition.bound);
    case OpKind::SetPersistence: {
      std::string mode = upper(op.object_name);
      if (mode != "LOGGED" && mode != "UNLOGGED") break;
      return fmt::format("ALTER TABLE {} SET {};  -- rewrites the table again", table,
                         mode == "LOGGED" ? "UNLOGGED" : "LOGGED");
    }
    case OpKind::ValidateConstraint:
    case OpKind::Reindex:
    case OpKind::VacuumFull:
    case OpKind::Cluster:
    case OpKind::RefreshMatview:
      return sql_comment(fmt::format("nothing to undo: {} does not change the schema",
                                     st.command.empty() ? "the statement" : st.command));
    case OpKind::TableRewrite:
    case OpKind::LockRequest:
    case OpKind::HeldLock:
      return "";  // facts about locks, not changes: nothing of their own to undo
    default:
      break;
  }
  return sql_comment(fmt::format("no automatic rollback for statement {} ({})", st.no, st.command));
}

}  // namespace

std::string_view risk_name(Risk r) {
  switch (r) {
    case Risk::Low:
      return "LOW";
    case Risk::Medium:
      return "MEDIUM";
    case Risk::High:
      return "HIGH";
    case Risk::Critical:
      return "CRITICAL";
  }
  return "LOW";
}

bool is_dml(std::string_view command) {
  std::string c = upper(trimmed(command));
  for (const char* k : {"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"}) {
    std::string_view kw = k;
    if (c.compare(0, kw.size(), kw) == 0 && (c.size() == kw.size() || c[kw.size()] == ' '))
      return true;
  }
  return false;
}

double statement_seconds(const ScriptStatement& st, const Settings& s) {
  double total = 0;
  // A table rewritten by several subcommands of one statement is rewritten once.
  std::vector<std::pair<std::string, double>> rewrites;
  for (const Operation& op : st.ops) {
    if (op.kind == OpKind::TableRewrite) continue;
    DurationEstimate e = estimate(op, s);
    if (e.work != Work::Rewrite) {
      total += e.seconds;
      continue;
    }
    std::string name = display_name(e.table);
    auto it = std::find_if(rewrites.begin(), rewrites.end(),
                           [&](const auto& r) { return r.first == name; });
    if (it == rewrites.end())
      rewrites.emplace_back(name, e.seconds);
    else
      it->second = std::max(it->second, e.seconds);
  }
  for (const auto& r : rewrites) total += r.second;
  return total;
}

bool is_long_statement(const ScriptStatement& st, const Settings& s) {
  if (statement_seconds(st, s) >= 1) return true;
  for (const LockedRelation& r : st.rels)
    if ((r.effect == Effect::Scan || r.effect == Effect::IndexBuild ||
         r.effect == Effect::Rewrite) &&
        is_large(r.table.rows, r.table.bytes, s))
      return true;
  return false;
}

ScriptReview review_script(std::vector<ScriptStatement> statements, const Settings& settings) {
  std::vector<std::vector<Finding>> findings(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    for (const Operation& op : statements[i].ops) {
      for (Finding& f : evaluate(op, settings)) {
        bool dup = std::any_of(findings[i].begin(), findings[i].end(),
                               [&](const Finding& g) { return same_finding(f, g); });
        if (!dup) findings[i].push_back(std::move(f));
      }
    }
  }
  for (const Rule* rule : rule_catalog())
    if (rule->script_check) rule->script_check(statements, settings, findings);

  ScriptReview review;
  bool ddl = false, dml = false;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    ReviewedStatement rs;
    rs.seconds = statement_seconds(statements[i], settings);
    rs.stmt = std::move(statements[i]);
    rs.findings = std::move(findings[i]);
    if (rs.stmt.modelled) ddl = true;
    if (is_dml(rs.stmt.command)) dml = true;
    for (const Finding& f : rs.findings) {
      Risk r = Risk::Low;
      if (f.severity == Severity::Warning) {
        ++review.warnings;
        r = Risk::Medium;
      } else if (f.severity == Severity::Error) {
        ++review.errors;
        r = Risk::High;
        for (const LockedRelation& rel : rs.stmt.rels)
          if (display_name(rel.table.name) == f.relation &&
              (rel.effect == Effect::Rewrite || rel.effect == Effect::Drop ||
               rel.effect == Effect::Truncate))
            r = Risk::Critical;
      }
      if (data_loss(f)) r = Risk::Critical;
      review.risk = std::max(review.risk, r);
    }
    review.statements.push_back(std::move(rs));
  }
  review.type = ddl && dml ? "mixed" : ddl ? "schema change" : dml ? "data migration" : "no-op";
  return review;
}

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
    std::vector<std::string> lines;
    for (auto op = st.ops.rbegin(); op != st.ops.rend(); ++op) {
      std::string line = undo(*op, st, s);
      if (!line.empty() && std::find(lines.begin(), lines.end(), line) == lines.end())
        lines.push_back(std::move(line));
    }
    if (lines.empty()) {
      if (upper(st.command) == "CREATE TABLE" && !st.rels.empty())
        lines.push_back(fmt::format("DROP TABLE {};", sql_name(st.rels.front().table.name, s)));
      else
        lines.push_back(sql_comment(fmt::format("no automatic rollback for statement {} ({})", st.no,
                                                st.command.empty() ? "unknown command" : st.command)));
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) step.sql += "\n";
      step.sql += lines[i];
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::string recommended_sql(const ScriptReview& review) {
  std::string out;
  auto add = [&out](const std::string& block) {
    if (block.empty()) return;
    if (!out.empty()) out += "\n";
    out += block;
  };
  for (const ReviewedStatement& rs : review.statements) {
    const ScriptStatement& st = rs.stmt;
    const std::string text = with_semicolon(st.text);
    std::string before;
    const Finding* replacement = nullptr;
    for (const Finding& f : rs.findings) {
      if (f.safe_sql.empty()) continue;
      if (f.safe_sql_before) {
        before += sql_comment(fmt::format("statement {}: {}", st.no, f.rule)) + "\n" + f.safe_sql + "\n";
        continue;
      }
      if (!replacement) replacement = &f;
    }
    if (!replacement) {
      add(before + text);
      continue;
    }
    std::string block = before + sql_comment(fmt::format("statement {} ({}), safe form ({}):", st.no,
                                                          st.command, replacement->rule)) + "\n";
    std::string sql = replacement->safe_sql;
    if (st.tx > 0) {
      // Inside the script's transaction the recipe needs transactions of its
      // own: CONCURRENTLY cannot run in a transaction block, and a VALIDATE
      // must not run under the lock that ADD CONSTRAINT ... NOT VALID took.
      if (sql.find("CONCURRENTLY") != std::string::npos) {
        sql = "COMMIT;  -- CONCURRENTLY cannot run inside a transaction block\n" + sql +
              "\nBEGIN;";
      } else {
        std::size_t at = sql.find("VALIDATE CONSTRAINT");
        if (at != std::string::npos) {
          std::size_t line = sql.rfind('\n', at);
          line = line == std::string::npos ? 0 : line + 1;
          if (line > 0)
            sql.insert(line, "COMMIT;  -- release the lock before the validation scan\nBEGIN;\n");
        }
      }
    }
    block += sql;
    add(block);
  }
  return out.empty() ? out : out + "\n";
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
          else
            out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence, copied when valid (no overlong form, no surrogate).
    std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xc0) == 0x80;
    if (ok && len == 3) {
      if (c == 0xe0 && p[i + 1] < 0xa0) ok = false;
      if (c == 0xed && p[i + 1] >= 0xa0) ok = false;
    }
    if (ok && len == 4) {
      if (c == 0xf0 && p[i + 1] < 0x90) ok = false;
      if (c == 0xf4 && p[i + 1] >= 0x90) ok = false;
    }
    if (!ok) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    out.append(reinterpret_cast<const char*>(p + i), len);
    i += len;
  }
  return out + "\"";
}

// A Markdown code fence longer than any run of backticks in text, so that
// nothing in it (a name holding ```) can end the block.
std::string code_fence(std::string_view text) {
  std::size_t run = 0, longest = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

// A table cell: nothing in it can end the cell or the row, open markup, or
// reach a terminal as a control sequence.  Line breaks become <br>.
std::string markdown_cell(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '|') {
      out += "\\|";
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "<br>";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '`') {
      out += "\\`";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      out += one_line(std::string_view(&s[i], 1));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string render_markdown(const ScriptReview& review, const Settings& s) {
  std::string md = "# Migration review\n\n";
  int modelled = 0;
  for (const ReviewedStatement& rs : review.statements)
    if (rs.stmt.modelled) ++modelled;
  md += fmt::format("**Risk: {}**. Type: {}. {} statement{} ({} modelled), {} error{}, {} "
                    "warning{}.\n",
                    risk_name(review.risk), review.type, review.statements.size(),
                    review.statements.size() == 1 ? "" : "s", modelled, review.errors,
                    review.errors == 1 ? "" : "s", review.warnings,
                    review.warnings == 1 ? "" : "s");

  // ---- Tables affected
  struct TableRow {
    std::string name;
    TableFacts facts;
    LockMode lock = LockMode::None;
    Effect effect = Effect::None;
  };
  std::vector<TableRow> tables;
  for (const ReviewedStatement& rs : review.statements)
    for (const LockedRelation& r : rs.stmt.rels) {
      std::string name = display_name(r.table.name);
      auto it = std::find_if(tables.begin(), tables.end(),
                             [&](const TableRow& t) { return t.name == name; });
      if (it == tables.end()) {
        tables.push_back(TableRow{name, r.table, r.lock, r.effect});
        continue;
      }
      it->lock = std::max(it->lock, r.lock);
      it->effect = std::max(it->effect, r.effect);
    }
  md += "\n## Tables affected\n\n";
  if (tables.empty()) {
    md += "No table is touched by a statement migration_guard models.\n";
  } else {
    md += "| table | estimated rows | size | strongest lock | effect |\n"
          "| --- | --- | --- | --- | --- |\n";
    for (const TableRow& t : tables) {
      std::string name = t.name;
      if (t.facts.created_in_transaction) name += " (new)";
      else if (t.facts.temporary) name += " (temporary)";
      md += fmt::format("| {} | {} | {} | {} | {} |\n", markdown_cell(name),
                        rows_text(t.facts.rows), bytes_text(t.facts.bytes),
                        t.lock == LockMode::None ? "-" : lock_sql_name(t.lock),
                        effect_name(t.effect));
    }
  }

  // ---- Safety
  md += "\n## Safety\n\n";
  if (modelled == 0 && review.errors + review.warnings == 0) {
    md += "Nothing to check: no statement of the script is a schema change migration_guard "
          "models.\n";
  } else {
    md += "| status | statement | issue | impact |\n| --- | --- | --- | --- |\n";
    for (const ReviewedStatement& rs : review.statements) {
      for (const Finding& f : rs.findings)
        md += fmt::format("| {} | {} | `{}`: {} | {} |\n", severity_upper(f.severity),
                          rs.stmt.no, f.rule, markdown_cell(f.message),
                          markdown_cell(first_sentences(f.detail, 2)));
      if (rs.findings.empty() && rs.stmt.modelled)
        md += fmt::format("| OK | {} | {} | - |\n", rs.stmt.no,
                          markdown_cell(rs.stmt.command.empty() ? "no issue"
                                                                : rs.stmt.command + ": no issue"));
    }
  }

  // ---- Locks
  md += "\n## Locks\n\n";
  bool any_lock = false;
  std::string rows;
  for (const ReviewedStatement& rs : review.statements) {
    const ScriptStatement& st = rs.stmt;
    for (const LockedRelation& r : st.rels) {
      if (r.lock == LockMode::None) continue;
      any_lock = true;
      bool has_work = false;
      for (const Operation& op : st.ops) {
        DurationEstimate e = estimate(op, s);
        if (e.work != Work::None && display_name(e.table) == display_name(r.table.name))
          has_work = true;
      }
      std::string operation = st.command;
      if (r.effect != Effect::None && r.effect != Effect::Metadata) {
        operation += fmt::format(": {}", effect_name(r.effect));
        if (!r.cause.empty()) operation += fmt::format(" ({})", r.cause);
      }
      rows += fmt::format("| {} | {} | {} | {} | {} | {} |\n", st.no, markdown_cell(operation),
                          markdown_cell(display_name(r.table.name)), lock_sql_name(r.lock),
                          markdown_cell(lock_blocks(r.lock)),
                          duration_cell(op_seconds_on(st, r.table.name, s), has_work));
    }
  }
  if (!any_lock) {
    md += "No lock is taken by a statement migration_guard models.\n";
  } else {
    md += "| statement | operation | relation | lock mode | blocks | estimated duration |\n"
          "| --- | --- | --- | --- | --- | --- |\n";
    md += rows;
  }
  // How long each strong lock is held in each transaction.
  std::vector<int> txs;
  for (const ReviewedStatement& rs : review.statements)
    if (rs.stmt.tx > 0 && std::find(txs.begin(), txs.end(), rs.stmt.tx) == txs.end())
      txs.push_back(rs.stmt.tx);
  std::string tx_lines;
  for (int tx : txs) {
    std::vector<const ReviewedStatement*> in_tx;
    for (const ReviewedStatement& rs : review.statements)
      if (rs.stmt.tx == tx) in_tx.push_back(&rs);
    struct Held {
      std::string name;
      LockMode lock;
      std::size_t from;
    };
    std::vector<Held> held;
    for (std::size_t k = 0; k < in_tx.size(); ++k)
      for (const LockedRelation& r : in_tx[k]->stmt.rels) {
        if (r.lock < LockMode::Share || !visible_to_others(r.table)) continue;
        std::string name = display_name(r.table.name);
        auto it = std::find_if(held.begin(), held.end(),
                               [&](const Held& h) { return h.name == name; });
        if (it == held.end())
          held.push_back(Held{name, r.lock, k});
        else
          it->lock = std::max(it->lock, r.lock);
      }
    for (const Held& h : held) {
      double total = 0;
      bool has_work = false;
      for (std::size_t k = h.from; k < in_tx.size(); ++k) {
        total += in_tx[k]->seconds;
        has_work = has_work || statement_has_work(in_tx[k]->stmt, s);
      }
      tx_lines += fmt::format(
          "- Transaction {} (statements {} to {}): {} on {}, taken by statement {}, is held to "
          "the end of the transaction: {}{}.\n",
          tx, in_tx.front()->stmt.no, in_tx.back()->stmt.no, lock_sql_name(h.lock),
          markdown_cell(h.name), in_tx[h.from]->stmt.no,
          has_work ? pretty_duration(total) : "no long work after it",
          has_work && total >= 1 ? " in total (estimate)" : "");
    }
  }
  if (!tx_lines.empty()) md += "\nLocks held inside transactions:\n\n" + tx_lines;

  // ---- Rollback plan
  md += "\n## Rollback plan\n\n";
  std::vector<RollbackStep> steps = rollback_plan(review, s);
  if (steps.empty()) {
    md += "Nothing to roll back.\n";
  } else {
    std::string body;
    for (const RollbackStep& step : steps) {
      std::string command;
      for (const ReviewedStatement& rs : review.statements)
        if (rs.stmt.no == step.stmt_no) command = rs.stmt.command;
      body += sql_comment(fmt::format("undo statement {}{}", step.stmt_no,
                                      command.empty() ? "" : fmt::format(" ({})", command))) +
              "\n" + step.sql + "\n";
    }
    const std::string fence = code_fence(body);
    md += "Run in this order (last statement first):\n\n" + fence + "sql\n" + body + fence + "\n";
  }

  // ---- Recommended migration
  md += "\n## Recommended migration\n\n";
  std::string sql = recommended_sql(review);
  bool replaced = false;
  for (const ReviewedStatement& rs : review.statements)
    for (const Finding& f : rs.findings)
      if (!f.safe_sql.empty()) replaced = true;
  bool placeholders = false;
  for (std::size_t i = 0; i + 1 < sql.size() && !placeholders; ++i)
    placeholders = sql[i] == '<' && sql[i + 1] >= 'a' && sql[i + 1] <= 'z' &&
                   sql.find('>', i) != std::string::npos;
  if (!replaced)
    md += "No statement needs a safer form.\n\n";
  else
    md += placeholders ? "Each flagged statement is replaced by its safe form; replace the "
                         "`<placeholders>` before running it.\n\n"
                       : "Each flagged statement is replaced by its safe form.\n\n";
  const std::string fence = code_fence(sql);
  md += fence + "sql\n" + sql + fence + "\n";
  return md;
}

std::string render_json(const ScriptReview& review, const Settings& s) {
  std::string j = "{";
  j += fmt::format("\"risk\":{},\"type\":{},", json_string(risk_name(review.risk)),
                   json_string(review.type));
  j += fmt::format("\"errors\":{},\"warnings\":{},", review.errors, review.warnings);
  j += "\"statements\":[";
  for (std::size_t i = 0; i < review.statements.size(); ++i) {
    const ReviewedStatement& rs = review.statements[i];
    const ScriptStatement& st = rs.stmt;
    if (i > 0) j += ",";
    j += fmt::format(
        "{{\"stmt_no\":{},\"statement\":{},\"command\":{},\"transaction\":{},\"modelled\":{},"
        "\"estimated_seconds\":{},\"relations\":[",
        st.no, json_string(st.text), json_string(st.command), st.tx,
        st.modelled ? "true" : "false", json_number(rs.seconds));
    for (std::size_t k = 0; k < st.rels.size(); ++k) {
      const LockedRelation& r = st.rels[k];
      if (k > 0) j += ",";
      j += fmt::format(
          "{{\"relation\":{},\"lock_mode\":{},\"effect\":{},\"rows\":{},\"bytes\":{},"
          "\"estimated_seconds\":{}}}",
          json_string(display_name(r.table.name)),
          r.lock == LockMode::None ? std::string("null") : json_string(lock_server_name(r.lock)),
          json_string(effect_name(r.effect)), json_int(r.table.rows), json_int(r.table.bytes),
          json_number(op_seconds_on(st, r.table.name, s)));
    }
    j += "],\"findings\":[";
    for (std::size_t k = 0; k < rs.findings.size(); ++k) {
      const Finding& f = rs.findings[k];
      if (k > 0) j += ",";
      j += fmt::format(
          "{{\"rule\":{},\"severity\":{},\"relation\":{},\"message\":{},\"detail\":{},"
          "\"hint\":{},\"safe_sql\":{}}}",
          json_string(f.rule), json_string(severity_name(f.severity)), json_string(f.relation),
          json_string(f.message), json_string(f.detail), json_string(f.hint),
          json_string(f.safe_sql));
    }
    j += "]}";
  }
  j += "],\"rollback\":[";
  std::vector<RollbackStep> steps = rollback_plan(review, s);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    if (k > 0) j += ",";
    j += fmt::format("{{\"stmt_no\":{},\"sql\":{}}}", steps[k].stmt_no, json_string(steps[k].sql));
  }
  j += fmt::format("],\"recommended_sql\":{}}}", json_string(recommended_sql(review)));
  return j;
}

}  // namespace mg
