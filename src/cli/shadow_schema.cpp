// See shadow_schema.hpp.  Here: quoting, the names a statement may use,
// the facts of a relation, the lock table; the pg_node_tree reader and
// deparser are in shadow_node_tree.cpp, the shadow's DDL in shadow_ddl.cpp.
#include "shadow_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

namespace mg::cli::shadow {

// ------------------------------------------------------------ quoting

std::string quote_ident(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal(std::string_view s) {
  bool backslash = s.find('\\') != std::string_view::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

const Relation* Snapshot::relation(long oid) const {
  for (const Relation& r : relations)
    if (r.oid == oid) return &r;
  return nullptr;
}

// ------------------------------------------------------------ names

std::set<std::string> candidate_names(std::string_view sql) {
  std::set<std::string> names;
  auto word_char = [](unsigned char c, bool first) {
    return std::isalpha(c) || c == '_' || c >= 0x80 || (!first && (std::isdigit(c) || c == '$'));
  };
  for (std::size_t i = 0; i < sql.size();) {
    unsigned char c = static_cast<unsigned char>(sql[i]);
    if (c == '"') {
      std::string ident;
      std::size_t j = i + 1;
      for (; j < sql.size(); ++j) {
        if (sql[j] == '"') {
          if (j + 1 < sql.size() && sql[j + 1] == '"') {
            ident += '"';
            ++j;
            continue;
          }
          break;
        }
        ident += sql[j];
      }
      if (!ident.empty()) names.insert(ident);
      i = j + 1;
      continue;
    }
    if (word_char(c, true)) {
      std::size_t j = i;
      while (j < sql.size() && word_char(static_cast<unsigned char>(sql[j]), false)) ++j;
      std::string w(sql.substr(i, j - i));
      names.insert(w);
      for (char& ch : w)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      names.insert(w);
      i = j;
      continue;
    }
    ++i;
  }
  return names;
}

Facts relation_facts(const Relation& r, long bs) {
  // The last VACUUM or ANALYZE's counts; the activity counters only for a
  // table never analyzed (they run ahead right after an ANALYZE: the rows
  // inserted before it are counted again when the inserting session reports).
  Facts f;
  if (r.reltuples >= 0)
    f.rows = static_cast<long long>(r.reltuples);
  else if (r.live_tuples > 0)
    f.rows = r.live_tuples;
  if (r.relpages > 0)
    f.bytes = static_cast<long long>(r.relpages) * bs;
  else if (f.rows == 0)
    f.bytes = 0;
  if (f.bytes >= 0) f.bytes += static_cast<long long>(r.toast_pages) * bs;
  return f;
}

Facts index_facts(const Index& i, long bs) {
  Facts f;
  f.rows = i.reltuples >= 0 ? static_cast<long long>(i.reltuples) : -1;
  f.bytes = static_cast<long long>(i.relpages) * bs;
  return f;
}

std::string major_version_note(int production, int shadow) {
  int p = production / 10000, s = shadow / 10000;
  if (p == s) return "";
  return "production runs PostgreSQL " + std::to_string(p) + " and the shadow server " +
         std::to_string(s) + ": the migration was judged by what PostgreSQL " + std::to_string(s) +
         " does (its locks, rewrites and scans), which may differ from what " + std::to_string(p) +
         " will do";
}

// ------------------------------------------------------------ locks

namespace {

int lock_rank(std::string_view mode) {
  static const char* const names[] = {"AccessShareLock", "RowShareLock", "RowExclusiveLock",
                                      "ShareUpdateExclusiveLock", "ShareLock",
                                      "ShareRowExclusiveLock", "ExclusiveLock",
                                      "AccessExclusiveLock"};
  for (int i = 0; i < 8; ++i)
    if (mode == names[i]) return i + 1;
  return 0;
}

}  // namespace

bool lock_conflicts(std::string_view held, std::string_view requested) {
  // LockConflicts[] of the server's lock.c, by rank 1..8.
  static const int conflicts[9] = {
      0,
      1 << 8,
      (1 << 7) | (1 << 8),
      (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 3) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
  };
  int h = lock_rank(held), r = lock_rank(requested);
  return h && r && (conflicts[r] & (1 << h));
}

std::string lock_sql_name(std::string_view mode) {
  std::string m(mode);
  if (m.size() > 4 && m.compare(m.size() - 4, 4, "Lock") == 0) m.resize(m.size() - 4);
  std::string out;
  for (std::size_t i = 0; i < m.size(); ++i) {
    char c = m[i];
    if (i > 0 && c >= 'A' && c <= 'Z') out += ' ';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace mg::cli::shadow

