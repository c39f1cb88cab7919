// See shadow_schema.hpp: the DDL that builds the shadow schema from a
// snapshot of production's catalogs.
#include "shadow_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

namespace mg::cli::shadow {

// ------------------------------------------------------------ the shadow's DDL

namespace {

std::map<int, std::string> column_names(const Relation& r) {
  std::map<int, std::string> m;
  for (const Column& c : r.columns) m[c.attnum] = c.name;
  return m;
}

std::string column_name(const Relation& r, int attnum) {
  for (const Column& c : r.columns)
    if (c.attnum == attnum) return c.name;
  return std::string();
}

std::string column_list(const Relation& r, const std::vector<int>& keys, bool& ok) {
  std::string s;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string n = column_name(r, keys[i]);
    if (n.empty()) ok = false;
    s += (i ? ", " : "") + quote_ident(n);
  }
  return s;
}

std::string rel_name(const Relation& r) { return qualified(r.schema, r.name); }

// Items of a pg_node_tree list (index expressions, partition expressions).
std::vector<const Node*> tree_items(const std::unique_ptr<Node>& tree) {
  std::vector<const Node*> out;
  if (!tree) return out;
  if (tree->kind == Node::Kind::List)
    for (const auto& i : tree->items) out.push_back(i.get());
  else if (tree->kind == Node::Kind::Object)
    out.push_back(tree.get());
  return out;
}

std::string first_column(const Relation& r) {
  return r.columns.empty() ? std::string() : quote_ident(r.columns.front().name);
}

// The key list of an index or a partition key: columns and expressions.
bool key_list(const Relation& r, const std::vector<int>& keys, int nkeys,
              const std::string& exprs_tree, const std::vector<long>& opclasses,
              const std::vector<int>& options, const Lookups& lk, bool standin, std::string& out,
              std::string& why) {
  std::unique_ptr<Node> tree;
  if (!exprs_tree.empty()) {
    std::string err;
    tree = parse_node_tree(exprs_tree, &err);
    if (!tree && !standin) {
      why = "unreadable expression (" + err + ")";
      return false;
    }
  }
  std::vector<const Node*> exprs = tree_items(tree);
  std::size_t next_expr = 0;
  std::map<int, std::string> cols = column_names(r);
  out.clear();
  for (int i = 0; i < nkeys && i < static_cast<int>(keys.size()); ++i) {
    std::string item;
    if (keys[i] != 0) {
      item = quote_ident(column_name(r, keys[i]));
    } else {
      const Node* e = next_expr < exprs.size() ? exprs[next_expr] : nullptr;
      ++next_expr;
      std::string sql, w;
      if (e && deparse(*e, cols, lk, sql, &w)) {
        item = "(" + sql + ")";
      } else if (standin && !r.columns.empty()) {
        item = "((" + first_column(r) + " IS NULL))";
      } else {
        why = "expression not readable: " + (w.empty() ? std::string("missing") : w);
        return false;
      }
    }
    if (i < static_cast<int>(opclasses.size())) {
      auto oc = lk.opclasses.find(opclasses[i]);
      if (oc != lk.opclasses.end() && !(standin && keys[i] == 0)) item += " " + oc->second;
    }
    if (i < static_cast<int>(options.size())) {
      bool desc = options[i] & 1, nulls_first = options[i] & 2;
      if (desc) item += " DESC";
      if (nulls_first != desc) item += nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
    out += (i ? ", " : "") + item;
  }
  return true;
}

std::string deferrable(const Constraint& c) {
  if (!c.deferrable) return "";
  return c.deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string fk_action(char a) {
  switch (a) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return "NO ACTION";
  }
}

// Parents before children: plain inheritance and partitions.
std::vector<const Relation*> parents_first(const Snapshot& s) {
  std::vector<const Relation*> out;
  std::set<long> placed;
  std::function<void(const Relation&, int)> place = [&](const Relation& r, int depth) {
    if (placed.count(r.oid) || depth > 64) return;
    std::vector<long> parents = r.inherits;
    if (r.partition_of) parents.push_back(r.partition_of);
    for (long p : parents)
      if (const Relation* pr = s.relation(p)) place(*pr, depth + 1);
    if (placed.insert(r.oid).second) out.push_back(&r);
  };
  for (const Relation& r : s.relations) place(r, 0);
  return out;
}

int partition_depth(const Snapshot& s, const Relation& r) {
  int d = 0;
  const Relation* p = &r;
  while (p && p->partition_of && d < 64) {
    p = s.relation(p->partition_of);
    ++d;
  }
  return d;
}

bool type_available(const Snapshot& s, const ShadowEnv& env, long type_oid) {
  for (const Type& t : s.types)
    if (t.oid == type_oid) return t.extension.empty() || env.available_extensions.count(t.extension);
  return true;  // built-in, or a user type recreated
}

}  // namespace

std::vector<Step> shadow_steps(const Snapshot& s, const ShadowEnv& env,
                               std::vector<std::string>& notes) {
  std::vector<Step> steps;
  const Lookups& lk = s.lookups;
  auto add = [&](std::string what, std::string sql, std::string fallback = "",
                 std::string fallback_note = "", bool dup = true) {
    Step st;
    st.what = std::move(what);
    st.sql = std::move(sql);
    st.fallback_sql = std::move(fallback);
    st.fallback_note = std::move(fallback_note);
    st.ignore_duplicate = dup;
    steps.push_back(std::move(st));
  };

  for (const std::string& schema : s.schemas)
    add("schema " + quote_ident(schema), "CREATE SCHEMA IF NOT EXISTS " + quote_ident(schema));

  for (const auto& e : s.extensions) {
    if (!env.available_extensions.count(e.first)) {
      notes.push_back("extension " + e.first + " (" + e.second.version +
                      " on production) is not available in the shadow server: what uses it is "
                      "left out");
      continue;
    }
    std::string sql = "CREATE EXTENSION IF NOT EXISTS " + quote_ident(e.first);
    add("extension " + e.first,
        e.second.schema.empty() ? sql : sql + " SCHEMA " + quote_ident(e.second.schema), sql);
  }

  // Types: enums and ranges, then domains, then composites.
  for (int pass = 0; pass < 3; ++pass)
    for (const Type& t : s.types) {
      if (!t.extension.empty()) continue;
      const std::string name = qualified(t.schema, t.name);
      if (pass == 0 && t.typtype == 'e') {
        std::string labels;
        for (std::size_t i = 0; i < t.labels.size(); ++i)
          labels += (i ? ", " : "") + quote_literal(t.labels[i]);
        add("type " + name, "CREATE TYPE " + name + " AS ENUM (" + labels + ")", "", "", true);
      } else if (pass == 0 && t.typtype == 'r') {
        add("type " + name, "CREATE TYPE " + name + " AS RANGE (SUBTYPE = " + t.subtype + ")", "",
            "", true);
      } else if (pass == 1 && t.typtype == 'd') {
        std::string sql = "CREATE DOMAIN " + name + " AS " + t.base_type;
        std::string plain = sql;
        if (!t.default_sql.empty()) sql += " DEFAULT " + t.default_sql;
        if (t.not_null) sql += " NOT NULL";
        for (const auto& c : t.constraints) sql += " CONSTRAINT " + quote_ident(c.first) + " " + c.second;
        add("domain " + name, sql, plain,
            "domain " + name + " recreated without its default and constraints", true);
      } else if (pass == 2 && t.typtype == 'c') {
        std::string attrs;
        for (std::size_t i = 0; i < t.attributes.size(); ++i)
          attrs += (i ? ", " : "") + quote_ident(t.attributes[i].first) + " " + t.attributes[i].second;
        add("type " + name, "CREATE TYPE " + name + " AS (" + attrs + ")", "", "", true);
      } else if (pass == 0 && t.typtype == 'b') {
        notes.push_back("base type " + name +
                        " (written in C) cannot be recreated: columns of that type are left out");
      }
    }

  for (const Function& f : s.functions) {
    if (!f.extension.empty()) continue;
    add("function " + qualified(f.schema, f.name) + "(" + f.signature + ")", f.definition);
  }
  for (const Sequence& q : s.sequences)
    add("sequence " + qualified(q.schema, q.name),
        "CREATE SEQUENCE IF NOT EXISTS " + qualified(q.schema, q.name));

  std::vector<const Relation*> ordered = parents_first(s);

  // Tables.
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    const std::string name = rel_name(r);
    if (r.kind == 'f') {
      notes.push_back("foreign table " + name + " is not recreated");
      continue;
    }
    if (r.kind != 'r' && r.kind != 'p') continue;
    std::map<int, std::string> cols = column_names(r);
    std::string full, minimal, omitted;
    std::vector<std::string> approximations;
    for (const Column& c : r.columns) {
      if (!type_available(s, env, c.type_oid)) {
        omitted += (omitted.empty() ? "" : ", ") + quote_ident(c.name) + " " + c.type;
        continue;
      }
      std::string def = quote_ident(c.name) + " " + c.type;
      std::string min = def;
      if (!c.collation.empty()) {
        if (env.collations.count(c.collation)) def += " COLLATE " + c.collation;
        else approximations.push_back("column " + quote_ident(c.name) + " without COLLATE " + c.collation);
      }
      if (c.generated == 's') {
        std::string sql, why;
        std::unique_ptr<Node> tree = parse_node_tree(c.generated_tree);
        if (tree && deparse(*tree, cols, lk, sql, &why))
          def += " GENERATED ALWAYS AS (" + sql + ") STORED";
        else
          approximations.push_back("generated column " + quote_ident(c.name) +
                                   " is a plain column (expression not readable: " + why + ")");
      } else if (c.identity) {
        def += c.identity == 'a' ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY";
      } else if (!c.default_sql.empty()) {
        def += " DEFAULT " + c.default_sql;
      }
      if (c.not_null) {
        def += " NOT NULL";
        min += " NOT NULL";
      }
      full += (full.empty() ? "" : ", ") + def;
      minimal += (minimal.empty() ? "" : ", ") + min;
    }
    if (!omitted.empty())
      notes.push_back("table " + name + ": columns left out (their type cannot be recreated): " + omitted);
    for (const std::string& a : approximations) notes.push_back("table " + name + ": " + a);
    std::string tail;
    if (!r.inherits.empty()) {
      tail += " INHERITS (";
      for (std::size_t i = 0; i < r.inherits.size(); ++i) {
        const Relation* p = s.relation(r.inherits[i]);
        tail += (i ? ", " : "") + (p ? rel_name(*p) : std::string("?"));
      }
      tail += ")";
    }
    if (r.kind == 'p') {
      std::string keys, why;
      if (key_list(r, r.partkey.keys, static_cast<int>(r.partkey.keys.size()), r.partkey.exprs_tree,
                   r.partkey.opclasses, {}, lk, false, keys, why)) {
        tail += std::string(" PARTITION BY ") +
                (r.partkey.strategy == 'r' ? "RANGE" : r.partkey.strategy == 'l' ? "LIST" : "HASH") +
                " (" + keys + ")";
      } else {
        notes.push_back("partitioned table " + name +
                        " is a plain table in the shadow (partition key " + why +
                        "): its partitions are plain tables");
      }
    }
    if (!r.access_method.empty() && r.access_method != "heap" && r.kind == 'r')
      notes.push_back("table " + name + " uses access method " + r.access_method +
                      ": recreated with heap");
    const std::string create =
        std::string("CREATE ") + (r.persistence == 'u' ? "UNLOGGED " : "") + "TABLE " + name + " (";
    add("table " + name, create + full + ")" + tail, create + minimal + ")" + tail,
        "table " + name + " recreated without defaults, collations and generated expressions",
        true);
  }

  // Views and materialized views: stand-ins that read the same relations.
  bool any_view = false;
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    if (r.kind != 'v' && r.kind != 'm') continue;
    any_view = true;
    std::string select;
    for (const Column& c : r.columns)
      select += (select.empty() ? "" : ", ") + std::string("NULL::") + c.type + " AS " + quote_ident(c.name);
    if (select.empty()) select = "NULL AS \"?column?\"";
    std::string from;
    // A materialized view with data in production has data in the shadow
    // (its query reads the empty stand-ins: nothing): a REFRESH of it is
    // judged as in production, where one never populated is not.
    bool with_data = r.kind == 'm' && r.populated;
    for (long src : r.view_sources)
      if (const Relation* sr = s.relation(src)) {
        from += (from.empty() ? "" : ", ") + rel_name(*sr);
        if (sr->kind == 'm' && !sr->populated) with_data = false;
      }
    std::string sql = std::string(r.kind == 'm' ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ") +
                      rel_name(r) + " AS SELECT " + select + (from.empty() ? "" : " FROM " + from) +
                      (r.kind == 'm' && !with_data ? " WITH NO DATA" : "");
    add(std::string(r.kind == 'm' ? "materialized view " : "view ") + rel_name(r), sql, "", "",
        true);
  }
  if (any_view)
    notes.push_back("views and materialized views are stand-ins that read the same relations "
                    "(their queries are not read: that would lock their tables)");

  // PRIMARY KEY, UNIQUE and EXCLUDE constraints, then the other indexes.
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    if (r.kind != 'r' && r.kind != 'p' && r.kind != 'm') continue;
    const std::string only = r.kind == 'p' ? "ONLY " : "";
    for (const Constraint& c : r.constraints) {
      if (c.type != 'p' && c.type != 'u' && c.type != 'x') continue;
      const Index* idx = nullptr;
      for (const Index& i : r.indexes)
        if (i.oid == c.index_oid) idx = &i;
      std::string sql = "ALTER TABLE " + only + rel_name(r) + " ADD CONSTRAINT " + quote_ident(c.name);
      bool ok = true;
      if (c.type == 'x') {
        if (!idx) continue;
        std::string keys, why;
        if (!key_list(r, idx->keys, idx->nkeyatts, idx->exprs_tree, idx->opclasses, {}, lk, false,
                      keys, why)) {
          notes.push_back("exclusion constraint " + quote_ident(c.name) + " of " + rel_name(r) +
                          " not recreated: " + why);
          continue;
        }
        // "a, (b)" -> "a WITH op, (b) WITH op": the key items in order.
        std::vector<std::string> items;
        int depth = 0;
        std::string cur;
        for (char ch : keys) {
          if (ch == '(') ++depth;
          if (ch == ')') --depth;
          if (ch == ',' && depth == 0) {
            items.push_back(cur);
            cur.clear();
            continue;
          }
          cur += ch;
        }
        items.push_back(cur);
        std::string ex;
        for (std::size_t i = 0; i < items.size() && i < c.exclusion_ops.size(); ++i) {
          auto op = lk.operators.find(c.exclusion_ops[i]);
          if (op == lk.operators.end()) ok = false;
          else
            ex += (i ? ", " : "") + items[i] + " WITH " +
                  (op->second.schema == "pg_catalog"
                       ? op->second.name
                       : "OPERATOR(" + quote_ident(op->second.schema) + "." + op->second.name + ")");
        }
        sql += " EXCLUDE USING " + quote_ident(idx->am) + " (" + ex + ")";
      } else {
        std::vector<int> key_cols(c.keys);
        sql += c.type == 'p' ? " PRIMARY KEY " : " UNIQUE ";
        if (c.type == 'u' && idx && idx->nulls_not_distinct && env.server_version_num >= 150000)
          sql += "NULLS NOT DISTINCT ";
        sql += "(" + column_list(r, key_cols, ok) + ")";
        if (idx && static_cast<int>(idx->keys.size()) > idx->nkeyatts) {
          std::vector<int> inc(idx->keys.begin() + idx->nkeyatts, idx->keys.end());
          sql += " INCLUDE (" + column_list(r, inc, ok) + ")";
        }
      }
      sql += deferrable(c);
      if (!ok) {
        notes.push_back("constraint " + quote_ident(c.name) + " of " + rel_name(r) + " not recreated");
        continue;
      }
      add("constraint " + quote_ident(c.name) + " of " + rel_name(r), sql);
    }
    for (const Index& i : r.indexes) {
      if (!i.constraint.empty()) continue;
      std::string keys, why, pred;
      bool standin = false;
      if (!key_list(r, i.keys, i.nkeyatts, i.exprs_tree, i.opclasses, i.options, lk, false, keys, why)) {
        key_list(r, i.keys, i.nkeyatts, i.exprs_tree, i.opclasses, i.options, lk, true, keys, why);
        standin = true;
      }
      if (!i.pred_tree.empty()) {
        std::unique_ptr<Node> tree = parse_node_tree(i.pred_tree);
        std::string sql, w;
        if (tree && deparse(*tree, column_names(r), lk, sql, &w)) {
          pred = sql;
        } else {
          pred = "(" + first_column(r) + " IS NOT NULL)";
          why = "predicate not readable: " + w;
          standin = true;
        }
      }
      std::string sql = std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " +
                        quote_ident(i.name) + " ON " + only + rel_name(r) + " USING " +
                        quote_ident(i.am) + " (" + keys + ")";
      if (static_cast<int>(i.keys.size()) > i.nkeyatts) {
        bool ok = true;
        std::vector<int> inc(i.keys.begin() + i.nkeyatts, i.keys.end());
        sql += " INCLUDE (" + column_list(r, inc, ok) + ")";
      }
      if (i.nulls_not_distinct && env.server_version_num >= 150000) sql += " NULLS NOT DISTINCT";
      if (!pred.empty()) sql += " WHERE " + pred;
      if (standin)
        notes.push_back("index " + qualified(r.schema, i.name) +
                        " is a stand-in with the same name, columns and uniqueness (" + why + ")");
      add("index " + qualified(r.schema, i.name), sql);
    }
  }

  // CHECK constraints (a plain-inheritance child gets its parents' own).
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    if (r.kind != 'r' && r.kind != 'p') continue;
    for (const Constraint& c : r.constraints) {
      if (c.type != 'c') continue;
      if (!c.is_local && !r.inherits.empty()) continue;
      std::unique_ptr<Node> tree = parse_node_tree(c.check_tree);
      std::string expr, why;
      if (!tree || !deparse(*tree, column_names(r), lk, expr, &why)) {
        std::string standin;
        if (tree)
          for (int attnum : proven_not_null(*tree))
            standin += (standin.empty() ? "" : " AND ") + quote_ident(column_name(r, attnum)) + " IS NOT NULL";
        notes.push_back("CHECK constraint " + quote_ident(c.name) + " of " + rel_name(r) +
                        " is a stand-in that proves the same columns NOT NULL (expression not "
                        "readable: " + why + ")");
        expr = standin.empty() ? "true" : standin;
      }
      add("constraint " + quote_ident(c.name) + " of " + rel_name(r),
          "ALTER TABLE " + rel_name(r) + " ADD CONSTRAINT " + quote_ident(c.name) + " CHECK (" +
              expr + ")" + (c.no_inherit ? " NO INHERIT" : "") + (c.validated ? "" : " NOT VALID"),
          "", "", true);
    }
  }

  // Partitions attached, the deepest first; then their indexes.
  std::vector<const Relation*> parts;
  for (const Relation* rp : ordered)
    if (rp->partition_of && !rp->partition_bound.empty() && (rp->kind == 'r' || rp->kind == 'p')) parts.push_back(rp);
  std::stable_sort(parts.begin(), parts.end(), [&](const Relation* a, const Relation* b) {
    return partition_depth(s, *a) > partition_depth(s, *b);
  });
  for (const Relation* rp : parts) {
    const Relation* parent = s.relation(rp->partition_of);
    if (!parent) continue;
    add("partition " + rel_name(*rp) + " of " + rel_name(*parent),
        "ALTER TABLE " + rel_name(*parent) + " ATTACH PARTITION " + rel_name(*rp) + " " +
            rp->partition_bound);
  }
  for (const Relation* rp : ordered)
    for (const Index& i : rp->indexes)
      if (!i.parent_index.empty())
        add("index " + qualified(rp->schema, i.name) + " attached to " + i.parent_index,
            "ALTER INDEX " + i.parent_index + " ATTACH PARTITION " + qualified(rp->schema, i.name));

  // Foreign keys (a partition's copies come with its parent's).
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    for (const Constraint& c : r.constraints) {
      if (c.type != 'f' || c.inherited_from_parent) continue;
      const Relation* ref = s.relation(c.ref_oid);
      bool ok = ref != nullptr;
      std::string cols = column_list(r, c.keys, ok);
      std::string refcols = ref ? column_list(*ref, c.ref_keys, ok) : "";
      if (!ok) {
        notes.push_back("foreign key " + quote_ident(c.name) + " of " + rel_name(r) + " not recreated");
        continue;
      }
      add("foreign key " + quote_ident(c.name) + " of " + rel_name(r),
          "ALTER TABLE " + rel_name(r) + " ADD CONSTRAINT " + quote_ident(c.name) + " FOREIGN KEY (" +
              cols + ") REFERENCES " + rel_name(*ref) + " (" + refcols + ")" +
              (c.match == 'f' ? " MATCH FULL" : "") + " ON UPDATE " + fk_action(c.on_update) +
              " ON DELETE " + fk_action(c.on_delete) + deferrable(c) +
              (c.validated ? "" : " NOT VALID"),
          "", "", true);
    }
  }

  // INVALID indexes (a CREATE INDEX CONCURRENTLY that failed on production).
  for (const Relation* rp : ordered)
    for (const Index& i : rp->indexes)
      if (!i.valid)
        add("index " + qualified(rp->schema, i.name) + " marked INVALID",
            "UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = " +
                quote_literal(qualified(rp->schema, i.name)) + "::pg_catalog.regclass");
  return steps;
}


}  // namespace mg::cli::shadow
