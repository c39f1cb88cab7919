// The recommended migration: the script with each flagged statement replaced
// by its safe form, every original statement kept (review.hpp).
#include "core/review.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/quote.hpp"

namespace mg {

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
    std::vector<std::string> put_before;  // the same SQL once, whichever rules ask for it
    const Finding* replacement = nullptr;
    for (const Finding& f : rs.findings) {
      if (f.safe_sql.empty()) continue;
      if (f.safe_sql_before) {
        if (std::find(put_before.begin(), put_before.end(), f.safe_sql) != put_before.end())
          continue;
        put_before.push_back(f.safe_sql);
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

}  // namespace mg
