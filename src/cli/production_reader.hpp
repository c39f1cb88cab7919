// The reading of production's catalogs for review --production
// (production.cpp): what the shadow needs of every relation the script may
// name, read in a few queries under production's own settings.  Included by
// production.cpp only.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pq_util.hpp"
#include "shadow_schema.hpp"

namespace mg::cli::production_detail {

/*
 * The shadow gets a stub of each production function, never its body: the
 * shadow runs as a superuser on the reviewer's machine, and a body written by
 * a production role (called by a partition bound or a folded constant while
 * the migration is reviewed) would run there with those rights.  The stub has
 * the same name, arguments, result, volatility and strictness, which is all
 * the rules read; called, it raises an error.  Arguments and result are the
 * server's own deparse; the body is fixed text.
 */
inline std::string stub_function(const shadow::Function& fn, const std::string& kind,
                                 const std::string& arguments, const std::string& result,
                                 const std::string& volatility, bool strict) {
  const std::string body =
      " LANGUAGE plpgsql AS $mg$ BEGIN RAISE EXCEPTION 'migration-guard: a production function "
      "is not run in the shadow server'; END $mg$;";
  if (kind == "p")
    return "CREATE OR REPLACE PROCEDURE " + shadow::qualified(fn.schema, fn.name) + "(" + arguments + ")" +
           body;
  const char* vol = volatility == "i" ? " IMMUTABLE" : volatility == "s" ? " STABLE" : " VOLATILE";
  return "CREATE OR REPLACE FUNCTION " + shadow::qualified(fn.schema, fn.name) + "(" + arguments +
         ") RETURNS " + result + vol + (strict ? " STRICT" : "") + body;
}

using namespace shadow;

// Every integer in a catalog array's text ("1 2", "{1,-2}").
inline std::vector<long> numbers(const std::string& s) {
  std::vector<long> out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
      char* end = nullptr;
      out.push_back(std::strtol(s.c_str() + i, &end, 10));
      std::size_t next = static_cast<std::size_t>(end - s.c_str());
      i = next > i ? next : i + 1;
    } else {
      ++i;
    }
  }
  return out;
}

inline std::vector<int> ints(const std::string& s) {
  std::vector<int> out;
  for (long v : numbers(s)) out.push_back(static_cast<int>(v));
  return out;
}

template <typename C>
inline std::string oid_array(const C& oids) {
  std::string s = "{";
  bool first = true;
  for (long o : oids) {
    if (!first) s += ",";
    s += std::to_string(o);
    first = false;
  }
  return s + "}";
}

inline bool yes(const std::string& v) { return v == "t"; }

inline const char* const kSystemSchemas = "('pg_catalog', 'information_schema')";

// ------------------------------------------------------------ reading production

class ProductionReader {
 public:
  ProductionReader(PGconn* conn, Snapshot& s) : conn_(conn), s_(s) {}

  bool read(const std::set<std::string>& name_set) {
    std::vector<std::string> names(name_set.begin(), name_set.end());
    names_ = text_array(names);
    Result r;
    // Production's own settings for this role, before ours.
    if (!q("SELECT current_setting('server_version_num')::int, current_setting('server_version'),"
           "       current_user, current_setting('block_size'),"
           "       (SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'search_path'),"
           "       (SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'),"
           "       (SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'statement_timeout'),"
           "       pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')"
           "       OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user),"
           "       pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')",
           {}, r, "server version and settings"))
      return false;
    s_.server_version_num = std::atoi(value(r.get(), 0, 0).c_str());
    s_.server_version = value(r.get(), 0, 1);
    s_.current_user = value(r.get(), 0, 2);
    s_.block_size = std::atol(value(r.get(), 0, 3).c_str());
    s_.search_path = value(r.get(), 0, 4);
    for (std::string::size_type at; (at = s_.search_path.find("\"$user\"")) != std::string::npos;)
      s_.search_path.replace(at, 7, quote_ident(s_.current_user));
    s_.lock_timeout = value(r.get(), 0, 5);
    s_.statement_timeout = value(r.get(), 0, 6);
    s_.reads_all_stats = yes(value(r.get(), 0, 7));
    read_at_ = value(r.get(), 0, 8);
    if (s_.server_version_num < 120000) {
      complain("production runs PostgreSQL " + s_.server_version +
               ": review --production reads the catalogs of PostgreSQL 12 and later");
      return false;
    }

    // Read-only, short timeouts, one snapshot of the catalogs, and every
    // name formatted schema-qualified (nothing but pg_catalog on the path).
    for (const char* set : {"SET default_transaction_read_only = on", "SET lock_timeout = '2s'",
                            "SET statement_timeout = '60s'",
                            "SET idle_in_transaction_session_timeout = '300s'",
                            "SET search_path = pg_catalog",
                            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"})
      if (!q(set, {}, r, set)) return false;

    if (!relations()) return false;
    if (!details()) return false;
    if (!types_functions_sequences()) return false;
    if (!lookups()) return false;
    if (!lock_holders()) return false;
    if (!check_no_table_locked()) return false;
    if (!q("COMMIT", {}, r, "COMMIT")) return false;
    return true;
  }

  const std::string& read_at() const { return read_at_; }

 private:
  bool q(const char* sql, const std::vector<const char*>& params, Result& out, const char* what) {
    out = exec(conn_, sql, params);
    if (command_ok(out)) return true;
    ServerError e = server_error(out.get(), conn_);
    complain(std::string("cannot read production's catalogs (") + what + "): " + one_line(e) +
             "\n" + detail_and_hint(e));
    return false;
  }

  // The relations the migration names (an index counts as its table), then
  // everything they lead to: partitions and parents, the tables their
  // foreign keys reference, the relations views read, and the tables whose
  // foreign keys reference a named one.
  bool relations() {
    Result r;
    if (!q("SELECT DISTINCT CASE WHEN c.relkind IN ('i', 'I') THEN i.indrelid ELSE c.oid END"
           "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
           "  LEFT JOIN pg_index i ON i.indexrelid = c.oid"
           " WHERE c.relname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'm', 'v', 'f', 'i', 'I')"
           "   AND c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
           "   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'",
           {names_.c_str()}, r, "relations named"))
      return false;
    std::set<long> set;
    for (int i = 0; i < PQntuples(r.get()); ++i) set.insert(std::atol(value(r.get(), i, 0).c_str()));
    if (!set.empty()) {
      std::string seeds = oid_array(set);
      if (!q("SELECT DISTINCT conrelid FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY ($1::oid[])",
             {seeds.c_str()}, r, "referencing tables"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i) set.insert(std::atol(value(r.get(), i, 0).c_str()));
    }
    std::set<long> frontier = set;
    for (int round = 0; round < 32 && !frontier.empty(); ++round) {
      std::string f = oid_array(frontier);
      if (!q("SELECT DISTINCT x FROM ("
             "  SELECT inhparent AS x FROM pg_inherits WHERE inhrelid = ANY ($1::oid[])"
             "  UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = ANY ($1::oid[])"
             "  UNION ALL SELECT confrelid FROM pg_constraint"
             "             WHERE contype = 'f' AND conrelid = ANY ($1::oid[])"
             "  UNION ALL SELECT d.refobjid FROM pg_rewrite w JOIN pg_depend d"
             "                ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid"
             "               AND d.refclassid = 'pg_class'::regclass"
             "             WHERE w.ev_class = ANY ($1::oid[]) AND d.refobjid <> w.ev_class) s"
             " JOIN pg_class c ON c.oid = s.x WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f')",
             {f.c_str()}, r, "related relations"))
        return false;
      frontier.clear();
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        long o = std::atol(value(r.get(), i, 0).c_str());
        if (set.insert(o).second) frontier.insert(o);
      }
    }
    rels_ = oid_array(set);
    return true;
  }

  Relation* rel(long oid) {
    auto it = index_.find(oid);
    return it == index_.end() ? nullptr : &s_.relations[it->second];
  }

  bool details() {
    Result r;
    const char* p = rels_.c_str();
    if (!q("SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.reltuples, c.relpages,"
           "       coalesce(st.n_live_tup, -1), coalesce(t.relpages, 0), c.relhassubclass,"
           "       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, 0) END,"
           "       coalesce(am.amname, ''), c.relispartition,"
           "       (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid"
           "         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'"
           "         LIMIT 1),"
           "       c.relispopulated"
           "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
           "  LEFT JOIN pg_stat_all_tables st ON st.relid = c.oid"
           "  LEFT JOIN pg_class t ON t.oid = c.reltoastrelid"
           "  LEFT JOIN pg_am am ON am.oid = c.relam"
           " WHERE c.oid = ANY ($1::oid[]) ORDER BY n.nspname, c.relname",
           {p}, r, "relations"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const PGresult* g = r.get();
      Relation x;
      x.oid = std::atol(value(g, i, 0).c_str());
      x.schema = value(g, i, 1);
      x.name = value(g, i, 2);
      x.kind = value(g, i, 3)[0];
      x.persistence = value(g, i, 4)[0];
      x.reltuples = std::atof(value(g, i, 5).c_str());
      x.relpages = std::atol(value(g, i, 6).c_str());
      x.live_tuples = std::atoll(value(g, i, 7).c_str());
      x.toast_pages = std::atol(value(g, i, 8).c_str());
      x.has_subclass = yes(value(g, i, 9));
      x.partition_bound = value(g, i, 10);
      x.access_method = value(g, i, 11);
      partitions_.insert(yes(value(g, i, 12)) ? x.oid : 0);
      x.extension = value(g, i, 13);
      x.populated = yes(value(g, i, 14));
      if (!x.extension.empty()) extensions_.insert(x.extension);
      s_.schemas.insert(x.schema);
      index_[x.oid] = s_.relations.size();
      s_.relations.push_back(std::move(x));
    }

    if (!q("SELECT inhrelid, inhparent FROM pg_inherits WHERE inhrelid = ANY ($1::oid[])"
           " ORDER BY inhrelid, inhseqno",
           {p}, r, "inheritance"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Relation* x = rel(std::atol(value(r.get(), i, 0).c_str()));
      long parent = std::atol(value(r.get(), i, 1).c_str());
      if (!x) continue;
      if (partitions_.count(x->oid)) x->partition_of = parent;
      else x->inherits.push_back(parent);
    }

    if (!q("SELECT partrelid, partstrat, partattrs::text, partclass::text, partcollation::text,"
           "       partexprs::text"
           "  FROM pg_partitioned_table WHERE partrelid = ANY ($1::oid[])",
           {p}, r, "partition keys"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Relation* x = rel(std::atol(value(r.get(), i, 0).c_str()));
      if (!x) continue;
      x->partkey.strategy = value(r.get(), i, 1)[0];
      x->partkey.keys = ints(value(r.get(), i, 2));
      x->partkey.opclasses = numbers(value(r.get(), i, 3));
      x->partkey.collations = numbers(value(r.get(), i, 4));
      x->partkey.exprs_tree = value(r.get(), i, 5);
      for (long oc : x->partkey.opclasses) opclasses_.insert(oc);
      trees_.push_back(x->partkey.exprs_tree);
    }

    if (!q("SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),"
           "       a.atttypid, a.attnotnull, a.attidentity, a.attgenerated,"
           "       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) END,"
           "       CASE WHEN a.attgenerated <> '' THEN d.adbin::text END,"
           "       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
           "            THEN cn.nspname END,"
           "       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
           "            THEN co.collname END"
           "  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
           "  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
           "  LEFT JOIN pg_collation co ON co.oid = a.attcollation"
           "  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
           " WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
           " ORDER BY a.attrelid, a.attnum",
           {p}, r, "columns"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const PGresult* g = r.get();
      Relation* x = rel(std::atol(value(g, i, 0).c_str()));
      if (!x) continue;
      Column c;
      c.attnum = std::atoi(value(g, i, 1).c_str());
      c.name = value(g, i, 2);
      c.type = value(g, i, 3);
      c.type_oid = std::atol(value(g, i, 4).c_str());
      c.not_null = yes(value(g, i, 5));
      std::string id = value(g, i, 6), gen = value(g, i, 7);
      c.identity = id.empty() ? 0 : id[0];
      c.generated = gen.empty() ? 0 : gen[0];
      c.default_sql = value(g, i, 8);
      c.generated_tree = value(g, i, 9);
      if (!value(g, i, 11).empty()) c.collation = qualified(value(g, i, 10), value(g, i, 11));
      type_oids_.insert(c.type_oid);
      trees_.push_back(c.generated_tree);
      x->columns.push_back(std::move(c));
    }

    std::string nnd = s_.server_version_num >= 150000 ? "i.indnullsnotdistinct" : "false";
    std::string sql =
        "SELECT i.indrelid, i.indexrelid, c.relname, am.amname, i.indisunique, i.indisprimary,"
        "       i.indisvalid, i.indnkeyatts, i.indkey::text, i.indclass::text, i.indoption::text,"
        "       i.indexprs::text, i.indpred::text, " + nnd + ", i.indisexclusion, c.reltuples,"
        "       c.relpages,"
        "       (SELECT con.conname FROM pg_constraint con WHERE con.conindid = i.indexrelid"
        "           AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x') LIMIT 1),"
        "       (SELECT pn.nspname FROM pg_inherits h JOIN pg_class pc ON pc.oid = h.inhparent"
        "          JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE h.inhrelid = i.indexrelid"
        "         LIMIT 1),"
        "       (SELECT pc.relname FROM pg_inherits h JOIN pg_class pc ON pc.oid = h.inhparent"
        "         WHERE h.inhrelid = i.indexrelid LIMIT 1)"
        "  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
        " WHERE i.indrelid = ANY ($1::oid[]) ORDER BY i.indrelid, c.relname";
    if (!q(sql.c_str(), {p}, r, "indexes")) return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const PGresult* g = r.get();
      Relation* x = rel(std::atol(value(g, i, 0).c_str()));
      if (!x) continue;
      Index ix;
      ix.oid = std::atol(value(g, i, 1).c_str());
      ix.name = value(g, i, 2);
      ix.am = value(g, i, 3);
      ix.unique = yes(value(g, i, 4));
      ix.primary = yes(value(g, i, 5));
      ix.valid = yes(value(g, i, 6));
      ix.nkeyatts = std::atoi(value(g, i, 7).c_str());
      ix.keys = ints(value(g, i, 8));
      ix.opclasses = numbers(value(g, i, 9));
      ix.options = ints(value(g, i, 10));
      ix.exprs_tree = value(g, i, 11);
      ix.pred_tree = value(g, i, 12);
      ix.nulls_not_distinct = yes(value(g, i, 13));
      ix.exclusion = yes(value(g, i, 14));
      ix.reltuples = std::atof(value(g, i, 15).c_str());
      ix.relpages = std::atol(value(g, i, 16).c_str());
      ix.constraint = value(g, i, 17);
      if (!value(g, i, 19).empty()) ix.parent_index = qualified(value(g, i, 18), value(g, i, 19));
      for (long oc : ix.opclasses) opclasses_.insert(oc);
      trees_.push_back(ix.exprs_tree);
      trees_.push_back(ix.pred_tree);
      x->indexes.push_back(std::move(ix));
    }

    if (!q("SELECT con.conrelid, con.conname, con.contype, con.condeferrable, con.condeferred,"
           "       con.convalidated, con.conislocal, con.connoinherit, con.conparentid <> 0,"
           "       con.conkey::text, con.confkey::text, con.confrelid, con.confupdtype,"
           "       con.confdeltype, con.confmatchtype, con.conbin::text, con.conindid,"
           "       con.conexclop::text"
           "  FROM pg_constraint con"
           " WHERE con.conrelid = ANY ($1::oid[]) AND con.contype IN ('p', 'u', 'f', 'c', 'x')"
           " ORDER BY con.conrelid, con.conname",
           {p}, r, "constraints"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const PGresult* g = r.get();
      Relation* x = rel(std::atol(value(g, i, 0).c_str()));
      if (!x) continue;
      Constraint c;
      c.name = value(g, i, 1);
      c.type = value(g, i, 2)[0];
      c.deferrable = yes(value(g, i, 3));
      c.deferred = yes(value(g, i, 4));
      c.validated = yes(value(g, i, 5));
      c.is_local = yes(value(g, i, 6));
      c.no_inherit = yes(value(g, i, 7));
      c.inherited_from_parent = yes(value(g, i, 8));
      c.keys = ints(value(g, i, 9));
      c.ref_keys = ints(value(g, i, 10));
      c.ref_oid = std::atol(value(g, i, 11).c_str());
      std::string u = value(g, i, 12), d = value(g, i, 13), m = value(g, i, 14);
      if (!u.empty()) c.on_update = u[0];
      if (!d.empty()) c.on_delete = d[0];
      if (!m.empty()) c.match = m[0];
      c.check_tree = value(g, i, 15);
      c.index_oid = std::atol(value(g, i, 16).c_str());
      c.exclusion_ops = numbers(value(g, i, 17));
      for (long op : c.exclusion_ops) operators_.insert(op);
      trees_.push_back(c.check_tree);
      x->constraints.push_back(std::move(c));
    }

    if (!q("SELECT DISTINCT w.ev_class, d.refobjid FROM pg_rewrite w JOIN pg_depend d"
           "    ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid"
           "   AND d.refclassid = 'pg_class'::regclass"
           " WHERE w.ev_class = ANY ($1::oid[]) AND d.refobjid <> w.ev_class"
           " ORDER BY 1, 2",
           {p}, r, "view sources"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Relation* x = rel(std::atol(value(r.get(), i, 0).c_str()));
      long src = std::atol(value(r.get(), i, 1).c_str());
      if (x && rel(src)) x->view_sources.push_back(src);
    }

    // Null fractions, where this role may read them (pg_stats shows only
    // the columns it can SELECT).
    if (!q("SELECT c.oid, s.attname, s.null_frac FROM pg_stats s"
           "  JOIN pg_namespace n ON n.nspname = s.schemaname"
           "  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename"
           " WHERE c.oid = ANY ($1::oid[]) AND s.inherited = c.relhassubclass",
           {p}, r, "null fractions"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      if (Relation* x = rel(std::atol(value(r.get(), i, 0).c_str())))
        x->null_fracs[value(r.get(), i, 1)] = std::atof(value(r.get(), i, 2).c_str());
    return true;
  }

  bool types_functions_sequences() {
    Result r;
    const char* p = rels_.c_str();
    // Functions: the ones the tables' defaults, constraints and indexes use,
    // and the ones the migration names.
    if (!q("SELECT DISTINCT d.refobjid FROM pg_depend d"
           " WHERE d.refclassid = 'pg_proc'::regclass AND ("
           "   (d.classid = 'pg_attrdef'::regclass"
           "    AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = ANY ($1::oid[])))"
           "   OR (d.classid = 'pg_constraint'::regclass"
           "    AND d.objid IN (SELECT oid FROM pg_constraint WHERE conrelid = ANY ($1::oid[])))"
           "   OR (d.classid = 'pg_class'::regclass"
           "    AND d.objid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY ($1::oid[]))))",
           {p}, r, "functions used"))
      return false;
    std::set<long> funcs;
    for (int i = 0; i < PQntuples(r.get()); ++i) funcs.insert(std::atol(value(r.get(), i, 0).c_str()));
    std::string f = oid_array(funcs);
    std::string sqlbody = s_.server_version_num >= 140000 ? "p.prosqlbody IS NULL" : "true";
    std::string sql =
        "SELECT p.oid, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),"
        "       CASE WHEN p.prokind IN ('f', 'p') AND " + sqlbody +
        "            THEN pg_get_functiondef(p.oid) END,"
        "       l.lanname, p.prorettype, p.proargtypes::text, p.prokind,"
        "       (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid"
        "         WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'"
        "         LIMIT 1),"
        "       pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),"
        "       p.provolatile, p.proisstrict"
        "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        "  JOIN pg_language l ON l.oid = p.prolang"
        " WHERE (p.oid = ANY ($1::oid[]) OR p.proname = ANY ($2::text[]))"
        "   AND n.nspname NOT IN " + std::string(kSystemSchemas) +
        " ORDER BY n.nspname, p.proname, p.oid";
    if (!q(sql.c_str(), {f.c_str(), names_.c_str()}, r, "functions")) return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const PGresult* g = r.get();
      Function fn;
      fn.oid = std::atol(value(g, i, 0).c_str());
      fn.schema = value(g, i, 1);
      fn.name = value(g, i, 2);
      fn.signature = value(g, i, 3);
      fn.definition = value(g, i, 4);
      fn.language = value(g, i, 5);
      fn.extension = value(g, i, 9);
      std::string kind = value(g, i, 8);
      if (!fn.extension.empty()) {
        extensions_.insert(fn.extension);
      } else {
        if (kind != "f" && kind != "p") continue;  // aggregates, window functions
        if (fn.definition.empty()) {
          s_.notes.push_back("function " + qualified(fn.schema, fn.name) + "(" + fn.signature +
                             ") is not recreated: its SQL-standard body cannot be read without "
                             "locking the tables it uses");
          continue;
        }
        s_.schemas.insert(fn.schema);
        fn.definition = stub_function(fn, kind, value(g, i, 10), value(g, i, 11),
                                      value(g, i, 12), value(g, i, 13) == "t");
      }
      type_oids_.insert(std::atol(value(g, i, 6).c_str()));
      for (long t : numbers(value(g, i, 7))) type_oids_.insert(t);
      s_.functions.push_back(std::move(fn));
    }

    if (!q("SELECT DISTINCT n.nspname, c.relname FROM pg_class c"
           "  JOIN pg_namespace n ON n.oid = c.relnamespace"
           " WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
           "   AND (c.relname = ANY ($2::text[]) OR c.oid IN ("
           "        SELECT d.refobjid FROM pg_depend d JOIN pg_attrdef ad"
           "            ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid"
           "         WHERE ad.adrelid = ANY ($1::oid[]) AND d.refclassid = 'pg_class'::regclass))"
           " ORDER BY 1, 2",
           {p, names_.c_str()}, r, "sequences"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      s_.sequences.push_back(Sequence{value(r.get(), i, 0), value(r.get(), i, 1)});
      s_.schemas.insert(value(r.get(), i, 0));
    }

    // Types: of the columns and functions, the ones the migration names, and
    // what they are made of.
    if (!q("SELECT t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
           " WHERE t.typname = ANY ($1::text[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
           "   AND t.typtype IN ('e', 'd', 'c', 'r', 'b')"
           "   AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')",
           {names_.c_str()}, r, "types named"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) type_oids_.insert(std::atol(value(r.get(), i, 0).c_str()));
    std::set<long> seen;
    std::set<long> todo = type_oids_;
    for (int round = 0; round < 16 && !todo.empty(); ++round) {
      std::string t = oid_array(todo);
      for (long o : todo) seen.insert(o);
      todo.clear();
      if (!q("SELECT t.oid, n.nspname, t.typname, t.typtype, t.typelem, t.typbasetype,"
             "       format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,"
             "       t.typcategory,"
             "       (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid"
             "         WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid"
             "           AND d.deptype = 'e' LIMIT 1),"
             "       (SELECT format_type(g.rngsubtype, NULL) FROM pg_range g WHERE g.rngtypid = t.oid),"
             "       (SELECT g.rngsubtype FROM pg_range g WHERE g.rngtypid = t.oid),"
             "       CASE WHEN t.typrelid <> 0 THEN (SELECT relkind FROM pg_class WHERE oid = t.typrelid) END"
             "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
             " WHERE t.oid = ANY ($1::oid[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
             {t.c_str()}, r, "types"))
        return false;
      std::vector<long> domains, enums, composites;
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        const PGresult* g = r.get();
        Type ty;
        ty.oid = std::atol(value(g, i, 0).c_str());
        ty.schema = value(g, i, 1);
        ty.name = value(g, i, 2);
        ty.typtype = value(g, i, 3)[0];
        long elem = std::atol(value(g, i, 4).c_str());
        long base = std::atol(value(g, i, 5).c_str());
        ty.base_type = value(g, i, 6);
        ty.not_null = yes(value(g, i, 7));
        ty.default_sql = value(g, i, 8);
        std::string category = value(g, i, 9);
        ty.extension = value(g, i, 10);
        ty.subtype = value(g, i, 11);
        long subtype = std::atol(value(g, i, 12).c_str());
        std::string relkind = value(g, i, 13);
        auto more = [&](long o) {
          if (o && !seen.count(o)) todo.insert(o);
        };
        if (category == "A" && elem) {  // an array: its element type
          more(elem);
          continue;
        }
        if (ty.typtype == 'c' && relkind != "c") continue;  // a table's row type
        if (ty.typtype == 'm' || ty.typtype == 'p') continue;
        if (!ty.extension.empty()) {
          extensions_.insert(ty.extension);
        } else {
          s_.schemas.insert(ty.schema);
          if (ty.typtype == 'd') domains.push_back(ty.oid), more(base);
          if (ty.typtype == 'e') enums.push_back(ty.oid);
          if (ty.typtype == 'c') composites.push_back(ty.oid);
          if (ty.typtype == 'r') more(subtype);
        }
        s_.types.push_back(std::move(ty));
      }
      Result e;
      if (!enums.empty()) {
        std::string a = oid_array(enums);
        if (!q("SELECT enumtypid, enumlabel FROM pg_enum WHERE enumtypid = ANY ($1::oid[])"
               " ORDER BY enumtypid, enumsortorder",
               {a.c_str()}, e, "enum labels"))
          return false;
        for (int i = 0; i < PQntuples(e.get()); ++i)
          for (Type& ty : s_.types)
            if (ty.oid == std::atol(value(e.get(), i, 0).c_str())) ty.labels.push_back(value(e.get(), i, 1));
      }
      if (!domains.empty()) {
        // A domain's constraints belong to no table: deparsing them locks nothing.
        std::string a = oid_array(domains);
        if (!q("SELECT contypid, conname, pg_get_constraintdef(oid) FROM pg_constraint"
               " WHERE contypid = ANY ($1::oid[]) ORDER BY contypid, conname",
               {a.c_str()}, e, "domain constraints"))
          return false;
        for (int i = 0; i < PQntuples(e.get()); ++i)
          for (Type& ty : s_.types)
            if (ty.oid == std::atol(value(e.get(), i, 0).c_str()))
              ty.constraints.emplace_back(value(e.get(), i, 1), value(e.get(), i, 2));
      }
      if (!composites.empty()) {
        std::string a = oid_array(composites);
        if (!q("SELECT t.oid, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid"
               "  FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid"
               " WHERE t.oid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
               " ORDER BY t.oid, a.attnum",
               {a.c_str()}, e, "composite types"))
          return false;
        for (int i = 0; i < PQntuples(e.get()); ++i) {
          for (Type& ty : s_.types)
            if (ty.oid == std::atol(value(e.get(), i, 0).c_str()))
              ty.attributes.emplace_back(value(e.get(), i, 1), value(e.get(), i, 2));
          long at = std::atol(value(e.get(), i, 3).c_str());
          if (!seen.count(at)) todo.insert(at);
        }
      }
    }
    // Composites and domains may use each other: in the order found, the
    // ones found later (the parts) first.
    std::reverse(s_.types.begin(), s_.types.end());

    if (!extensions_.empty()) {
      std::vector<std::string> ext(extensions_.begin(), extensions_.end());
      std::string a = text_array(ext);
      if (!q("SELECT e.extname, e.extversion, n.nspname FROM pg_extension e"
             "  JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ANY ($1::text[])",
             {a.c_str()}, r, "extensions"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i)
        s_.extensions[value(r.get(), i, 0)] = Snapshot::Extension{value(r.get(), i, 1), value(r.get(), i, 2)};
    }
    return true;
  }

  // Names of what the stored expressions use.
  bool lookups() {
    std::set<long> types, operators = operators_, functions, collations;
    std::set<std::pair<long, int>> typmods;
    for (const std::string& t : trees_) {
      if (t.empty()) continue;
      std::unique_ptr<Node> n = parse_node_tree(t);
      if (n) collect_oids(*n, types, typmods, operators, functions, collations);
    }
    for (const auto& tm : typmods) types.insert(tm.first);
    Lookups& lk = s_.lookups;
    Result r;
    // Types, with the element and base types their constants are made of.
    std::set<long> seen;
    for (int round = 0; round < 4 && !types.empty(); ++round) {
      std::string a = oid_array(types);
      for (long t : types) seen.insert(t);
      types.clear();
      if (!q("SELECT oid, format_type(oid, -1), typtype, typbasetype, typelem, typlen, typbyval,"
             "       typalign, typcategory"
             "  FROM pg_type WHERE oid = ANY ($1::oid[])",
             {a.c_str()}, r, "expression types"))
        return false;
      std::vector<long> enums;
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        const PGresult* g = r.get();
        Lookups::TypeInfo ti;
        long oid = std::atol(value(g, i, 0).c_str());
        ti.sql = value(g, i, 1);
        ti.typtype = value(g, i, 2)[0];
        ti.basetype = std::atol(value(g, i, 3).c_str());
        ti.elemtype = value(g, i, 8) == "A" ? std::atol(value(g, i, 4).c_str()) : 0;
        ti.typlen = std::atoi(value(g, i, 5).c_str());
        ti.byval = yes(value(g, i, 6));
        ti.align = value(g, i, 7)[0];
        for (long more : {ti.basetype, ti.elemtype})
          if (more && !seen.count(more)) types.insert(more);
        if (ti.typtype == 'e') enums.push_back(oid);
        lk.types[oid] = ti;
      }
      if (!enums.empty()) {
        std::string e = oid_array(enums);
        Result el;
        if (!q("SELECT oid, enumlabel FROM pg_enum WHERE enumtypid = ANY ($1::oid[])", {e.c_str()}, el,
               "enum labels"))
          return false;
        for (int i = 0; i < PQntuples(el.get()); ++i)
          lk.enum_labels[std::atol(value(el.get(), i, 0).c_str())] = value(el.get(), i, 1);
      }
    }
    if (!typmods.empty()) {
      std::vector<long> o;
      std::vector<long> m;
      for (const auto& tm : typmods) {
        o.push_back(tm.first);
        m.push_back(tm.second);
      }
      std::string ao = oid_array(o), am = oid_array(m);
      if (!q("SELECT o, m, format_type(o, m) FROM unnest($1::oid[], $2::int[]) AS u(o, m)",
             {ao.c_str(), am.c_str()}, r, "expression types"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i)
        lk.typmod_types[{std::atol(value(r.get(), i, 0).c_str()), std::atoi(value(r.get(), i, 1).c_str())}] =
            value(r.get(), i, 2);
    }
    if (!operators.empty()) {
      std::string a = oid_array(operators);
      if (!q("SELECT o.oid, n.nspname, o.oprname FROM pg_operator o"
             "  JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE o.oid = ANY ($1::oid[])",
             {a.c_str()}, r, "operators"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i)
        lk.operators[std::atol(value(r.get(), i, 0).c_str())] =
            Lookups::Operator{value(r.get(), i, 1), value(r.get(), i, 2)};
    }
    if (!functions.empty()) {
      std::string a = oid_array(functions);
      if (!q("SELECT p.oid, n.nspname, p.proname FROM pg_proc p"
             "  JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = ANY ($1::oid[])",
             {a.c_str()}, r, "functions of expressions"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i)
        lk.functions[std::atol(value(r.get(), i, 0).c_str())] =
            qualified(value(r.get(), i, 1), value(r.get(), i, 2));
    }
    if (!collations.empty()) {
      std::string a = oid_array(collations);
      if (!q("SELECT c.oid, n.nspname, c.collname FROM pg_collation c"
             "  JOIN pg_namespace n ON n.oid = c.collnamespace WHERE c.oid = ANY ($1::oid[])",
             {a.c_str()}, r, "collations"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i)
        lk.collations[std::atol(value(r.get(), i, 0).c_str())] =
            qualified(value(r.get(), i, 1), value(r.get(), i, 2));
    }
    if (!opclasses_.empty()) {
      std::string a = oid_array(opclasses_);
      if (!q("SELECT c.oid, n.nspname, c.opcname FROM pg_opclass c"
             "  JOIN pg_namespace n ON n.oid = c.opcnamespace"
             " WHERE c.oid = ANY ($1::oid[]) AND NOT c.opcdefault",
             {a.c_str()}, r, "operator classes"))
        return false;
      for (int i = 0; i < PQntuples(r.get()); ++i)
        lk.opclasses[std::atol(value(r.get(), i, 0).c_str())] =
            qualified(value(r.get(), i, 1), value(r.get(), i, 2));
    }
    return true;
  }

  bool lock_holders() {
    Result r;
    if (!q("SELECT l.relation, coalesce(l.pid, 0), l.mode, l.granted, a.usename, a.application_name,"
           "       a.state, extract(epoch FROM now() - a.xact_start)::bigint,"
           "       extract(epoch FROM now() - a.state_change)::bigint, left(a.query, 300)"
           "  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
           " WHERE l.locktype = 'relation' AND l.relation = ANY ($1::oid[])"
           "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
           "   AND l.pid IS DISTINCT FROM pg_backend_pid()"
           " ORDER BY l.relation, l.granted DESC, l.pid",
           {rels_.c_str()}, r, "sessions holding locks"))
      return false;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const PGresult* g = r.get();
      LockHolder h;
      h.relation_oid = std::atol(value(g, i, 0).c_str());
      h.pid = std::atol(value(g, i, 1).c_str());
      h.mode = value(g, i, 2);
      h.granted = yes(value(g, i, 3));
      h.user = value(g, i, 4);
      h.application = value(g, i, 5);
      h.state = value(g, i, 6);
      h.xact_seconds = PQgetisnull(g, i, 7) ? -1 : std::atoll(value(g, i, 7).c_str());
      h.state_seconds = PQgetisnull(g, i, 8) ? -1 : std::atoll(value(g, i, 8).c_str());
      h.query = value(g, i, 9);
      s_.lock_holders.push_back(std::move(h));
    }
    return true;
  }

  // The promise kept: at the end of the reading, this session holds no lock
  // on anything but the system catalogs.
  bool check_no_table_locked() {
    Result r;
    if (!q("SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname), ', ')"
           "  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
           "  JOIN pg_namespace n ON n.oid = c.relnamespace"
           " WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'"
           "   AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
           {}, r, "own locks"))
      return false;
    std::string locked = value(r.get(), 0, 0);
    if (!locked.empty()) {
      complain("internal error: reading production's catalogs locked " + locked);
      return false;
    }
    return true;
  }

  PGconn* conn_;
  Snapshot& s_;
  std::string names_;
  std::string rels_;
  std::string read_at_;
  std::map<long, std::size_t> index_;
  std::set<long> partitions_;
  std::set<long> type_oids_;
  std::set<long> opclasses_;
  std::set<long> operators_;
  std::set<std::string> extensions_;
  std::vector<std::string> trees_;
};

}  // namespace mg::cli::production_detail
