// The Markdown report of a script review, for a DBA: one section after the
// other (tables, safety, locks, rollback plan, recommended migration).
#include "core/review.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "core/lock.hpp"
#include "core/quote.hpp"

namespace mg {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trimmed(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
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

}  // namespace

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
                          duration_cell(seconds_on(st, r.table.name, s), has_work));
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

}  // namespace mg
