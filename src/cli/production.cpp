// See production.hpp.
#include "production.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pq_util.hpp"
#include "production_reader.hpp"
#include "reviewer.hpp"
#include "shadow_schema.hpp"
#include "shadow_server.hpp"

namespace mg::cli {

namespace {

using namespace shadow;
using namespace production_detail;

// ------------------------------------------------------------ the report's additions

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else if (c != '\r') out += c;
  }
  return out;
}

std::string pretty_seconds(long long s) {
  if (s < 0) return "-";
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 172800) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " days";
}

struct Blocker {
  int stmt_no = 0;
  std::string relation;
  std::string requested;
  const LockHolder* holder = nullptr;
};

class ProductionExtras : public ReviewExtras {
 public:
  ProductionExtras(const Snapshot& s, std::string read_at, std::string shadow_version,
                   int shadow_version_num, std::vector<std::string> notes)
      : s_(s),
        read_at_(std::move(read_at)),
        shadow_version_(std::move(shadow_version)),
        shadow_version_num_(shadow_version_num),
        notes_(std::move(notes)) {}

  bool after_file(PGconn* conn, const Options& opts, const Input& in, FileReview& fr) override {
    std::vector<Blocker> blockers;
    if (!s_.lock_holders.empty()) {
      // The locks each statement requests, as the review saw them (the
      // review follows the script: tables it creates, functions the shadow
      // lacks in a DEFAULT), by relation name.
      Result res = exec(conn,
                        "SELECT (s.value->>'stmt_no')::int, r.value->>'relation', r.value->>'lock_mode'"
                        "  FROM jsonb_array_elements(migration_guard.report($1::text, 'json', $2::boolean)"
                        "                            ::jsonb -> 'statements') s,"
                        "       jsonb_array_elements(s.value -> 'relations') r"
                        " WHERE r.value->>'lock_mode' IS NOT NULL ORDER BY 1",
                        {in.file.content.c_str(), opts.in_transaction ? "true" : "false"});
      if (!ok(res)) {
        complain(in.name + ": " + one_line(server_error(res.get(), conn)));
        return false;
      }
      std::map<std::string, const Relation*> by_name;
      for (const Relation& r : s_.relations) by_name[r.schema + "." + r.name] = &r;
      for (int i = 0; i < PQntuples(res.get()); ++i) {
        auto it = by_name.find(value(res.get(), i, 1));
        if (it == by_name.end()) continue;
        const Relation* rel = it->second;
        std::string requested = value(res.get(), i, 2);
        for (const LockHolder& h : s_.lock_holders)
          if (h.relation_oid == rel->oid && lock_conflicts(h.mode, requested))
            blockers.push_back(Blocker{std::atoi(value(res.get(), i, 0).c_str()),
                                       rel->schema + "." + rel->name, requested, &h});
      }
    }
    switch (opts.format) {
      case Format::Markdown:
        if (!fr.report.empty() && fr.report.back() != '\n') fr.report += '\n';
        fr.report += markdown(blockers);
        break;
      case Format::Json: {
        std::size_t brace = fr.report.find('{');
        if (brace != std::string::npos) fr.report.insert(brace + 1, json(blockers) + ",");
        break;
      }
      case Format::Sarif:
      case Format::Github: {
        std::map<int, std::vector<long>> where;
        Result res = exec(conn,
                          "SELECT stmt_no, line, col, end_line, end_col"
                          "  FROM migration_guard.statement_locations($1::text)",
                          {in.file.content.c_str()});
        if (ok(res))
          for (int i = 0; i < PQntuples(res.get()); ++i)
            where[std::atoi(value(res.get(), i, 0).c_str())] = {
                std::atol(value(res.get(), i, 1).c_str()), std::atol(value(res.get(), i, 2).c_str()),
                std::atol(value(res.get(), i, 3).c_str()), std::atol(value(res.get(), i, 4).c_str())};
        for (const Blocker& b : blockers) {
          CiFinding f;
          f.file = in.name;
          f.stmt_no = b.stmt_no;
          auto w = where.find(b.stmt_no);
          if (w != where.end()) {
            f.line = w->second[0];
            f.column = w->second[1];
            f.end_line = w->second[2];
            f.end_column = w->second[3];
          }
          f.rule = "production_lock_holder";
          f.severity = "warning";
          f.relation = b.relation;
          f.message = holder_sentence(b);
          f.detail = holder_detail(*b.holder);
          f.hint = "Run the migration when that session is done, with a short lock_timeout so that "
                   "it gives up rather than queue in front of the application.";
          fr.findings.push_back(std::move(f));
        }
        break;
      }
    }
    return true;
  }

  void add_rules(std::vector<CiRule>& rules) override {
    rules.push_back(CiRule{
        "production_lock_holder", "warning",
        "a production session holds or awaits a lock the migration's statement would wait for",
        "Read from production's pg_locks and pg_stat_activity when the review ran: a session "
        "holding (or queued for) a lock on a relation that conflicts with the lock a statement "
        "of the migration requests. The statement would wait for it, and every query on that "
        "relation would queue behind the statement.",
        "Run the migration when that session is done, with a short lock_timeout."});
  }

  // Said on standard error for the CI formats, where the report has no room.
  void say_notes() const {
    for (const std::string& n : header_notes()) complain("note: " + n);
    for (const std::string& n : notes_) complain("note: shadow: " + n);
  }

 private:
  std::vector<std::string> header_notes() const {
    std::vector<std::string> out;
    std::string major = major_version_note(s_.server_version_num, shadow_version_num_);
    if (!major.empty()) out.push_back(major);
    if (!s_.reads_all_stats)
      out.push_back("the production role is not a member of pg_read_all_stats: other roles' "
                    "sessions show without their state and query");
    for (const std::string& n : s_.notes) out.push_back(n);
    return out;
  }

  std::string holder_name(const LockHolder& h) const {
    if (h.pid == 0) return "a prepared transaction";
    std::string s = "pid " + std::to_string(h.pid);
    std::string who;
    if (!h.application.empty()) who = h.application;
    if (!h.user.empty()) who += (who.empty() ? "" : ", ") + h.user;
    return who.empty() ? s : s + " (" + who + ")";
  }

  std::string holder_sentence(const Blocker& b) const {
    return holder_name(*b.holder) + (b.holder->granted ? " holds " : " waits for ") +
           lock_sql_name(b.holder->mode) + " on " + b.relation + ": statement " +
           std::to_string(b.stmt_no) + " requests " + lock_sql_name(b.requested) +
           " and would wait for it";
  }

  std::string holder_detail(const LockHolder& h) const {
    std::string d;
    if (!h.state.empty()) d += "State: " + h.state + ". ";
    if (h.xact_seconds >= 0) d += "In its transaction for " + pretty_seconds(h.xact_seconds) + ". ";
    if (!h.query.empty()) d += "Query: " + h.query;
    return d;
  }

  std::string markdown(const std::vector<Blocker>& blockers) const {
    std::string md = "\n## Production\n\n";
    md += "Judged with production's facts (PostgreSQL " + s_.server_version + ", read at " +
          read_at_ + " UTC): row estimates and sizes from pg_class and pg_stat_all_tables, null "
          "fractions from pg_stats, in a shadow server (PostgreSQL " + shadow_version_ +
          ") that holds production's schema.\n";
    std::vector<std::string> header = header_notes();
    if (!header.empty()) {
      md += "\n";
      for (const std::string& n : header) md += "- " + markdown_cell(n) + "\n";
    }
    md += "\n### Sessions holding locks the migration needs\n\n";
    if (blockers.empty()) {
      md += "No session of production held or awaited a lock that a statement of the migration "
            "would wait for, when it was read.\n";
    } else {
      md += "| statement | relation | requests | session | holds | state | in transaction for | query |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
      for (const Blocker& b : blockers) {
        const LockHolder& h = *b.holder;
        md += "| " + std::to_string(b.stmt_no) + " | " + markdown_cell(b.relation) + " | " +
              lock_sql_name(b.requested) + " | " + markdown_cell(holder_name(h)) + " | " +
              lock_sql_name(h.mode) + (h.granted ? "" : " (waiting)") + " | " +
              markdown_cell(h.state.empty() ? "-" : h.state) + " | " +
              pretty_seconds(h.xact_seconds) + " | " +
              markdown_cell(h.query.empty() ? "-" : "`" + h.query + "`") + " |\n";
      }
    }
    if (!notes_.empty()) {
      md += "\n### What the shadow holds differently\n\n";
      for (const std::string& n : notes_) md += "- " + markdown_cell(n) + "\n";
    }
    return md;
  }

  std::string json(const std::vector<Blocker>& blockers) const {
    std::string j = "\"production\":{\"server_version\":" + json_string(s_.server_version) +
                    ",\"shadow_version\":" + json_string(shadow_version_) +
                    ",\"read_at\":" + json_string(read_at_ + " UTC") +
                    ",\"same_major\":" +
                    (s_.server_version_num / 10000 == shadow_version_num_ / 10000 ? "true" : "false") +
                    ",\"lock_holders\":[";
    for (std::size_t i = 0; i < blockers.size(); ++i) {
      const Blocker& b = blockers[i];
      const LockHolder& h = *b.holder;
      if (i) j += ",";
      j += "{\"stmt_no\":" + std::to_string(b.stmt_no) + ",\"relation\":" + json_string(b.relation) +
           ",\"requests\":" + json_string(b.requested) + ",\"pid\":" +
           (h.pid ? std::to_string(h.pid) : "null") + ",\"mode\":" + json_string(h.mode) +
           ",\"granted\":" + (h.granted ? "true" : "false") + ",\"user\":" + json_string(h.user) +
           ",\"application\":" + json_string(h.application) + ",\"state\":" + json_string(h.state) +
           ",\"xact_seconds\":" + (h.xact_seconds >= 0 ? std::to_string(h.xact_seconds) : "null") +
           ",\"query\":" + json_string(h.query) + "}";
    }
    j += "],\"notes\":[";
    std::vector<std::string> all = header_notes();
    for (const std::string& n : notes_) all.push_back("shadow: " + n);
    for (std::size_t i = 0; i < all.size(); ++i) j += (i ? "," : "") + json_string(all[i]);
    return j + "]}";
  }

  const Snapshot& s_;
  std::string read_at_;
  std::string shadow_version_;
  int shadow_version_num_;
  std::vector<std::string> notes_;
};

// ------------------------------------------------------------ the shadow

bool shadow_exec(PGconn* conn, const std::string& sql, std::string* error = nullptr) {
  Result res = exec(conn, sql.c_str());
  if (command_ok(res)) return true;
  ServerError e = server_error(res.get(), conn);
  if (error) *error = e.sqlstate + ": " + e.message;
  else complain("shadow: " + one_line(e));
  return false;
}

// Runs the steps, each in a savepoint; what fails is noted.
bool build_schema(PGconn* conn, const std::vector<Step>& steps, std::vector<std::string>& notes) {
  if (!shadow_exec(conn, "BEGIN")) return false;
  for (const Step& st : steps) {
    if (!shadow_exec(conn, "SAVEPOINT step")) return false;
    std::string error;
    bool done = shadow_exec(conn, st.sql, &error);
    if (!done && st.ignore_duplicate &&
        (error.rfind("42P07", 0) == 0 || error.rfind("42710", 0) == 0)) {
      done = true;  // already there (an extension or a parent created it)
    }
    if (!done) {
      if (!shadow_exec(conn, "ROLLBACK TO SAVEPOINT step")) return false;
      std::string error2;
      if (!st.fallback_sql.empty() && shadow_exec(conn, st.fallback_sql, &error2)) {
        if (!st.fallback_note.empty()) notes.push_back(st.fallback_note + " (" + error + ")");
      } else {
        if (!st.fallback_sql.empty() && !shadow_exec(conn, "ROLLBACK TO SAVEPOINT step")) return false;
        notes.push_back(st.what + " not recreated: " + error);
      }
    }
    if (!shadow_exec(conn, "RELEASE SAVEPOINT step")) return false;
  }
  return shadow_exec(conn, "COMMIT");
}

bool set_facts(PGconn* conn, const Snapshot& s) {
  // The shadow's relations by name.
  std::vector<std::string> schemas(s.schemas.begin(), s.schemas.end());
  std::string sa = text_array(schemas);
  Result res = exec(conn,
                    "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c"
                    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = ANY ($1::text[])",
                    {sa.c_str()});
  if (!ok(res)) {
    complain("shadow: " + one_line(server_error(res.get(), conn)));
    return false;
  }
  std::map<std::pair<std::string, std::string>, long> shadow_oid;
  for (int i = 0; i < PQntuples(res.get()); ++i)
    shadow_oid[{value(res.get(), i, 1), value(res.get(), i, 2)}] =
        std::atol(value(res.get(), i, 0).c_str());
  std::vector<long> rels;
  std::vector<std::string> rows, bytes;
  std::vector<long> col_rels;
  std::vector<std::string> col_names, col_fracs;
  auto add = [&](long oid, const Facts& f) {
    rels.push_back(oid);
    rows.push_back(f.rows >= 0 ? std::to_string(f.rows) : "NULL");
    bytes.push_back(f.bytes >= 0 ? std::to_string(f.bytes) : "NULL");
  };
  for (const Relation& r : s.relations) {
    auto it = shadow_oid.find({r.schema, r.name});
    if (it == shadow_oid.end()) continue;
    if (r.kind == 'r' || r.kind == 'm') add(it->second, relation_facts(r, s.block_size));
    for (const Index& i : r.indexes) {
      auto ii = shadow_oid.find({r.schema, i.name});
      if (ii != shadow_oid.end()) add(ii->second, index_facts(i, s.block_size));
    }
    for (const auto& nf : r.null_fracs) {
      bool exists = false;
      for (const Column& c : r.columns) exists = exists || c.name == nf.first;
      if (!exists) continue;
      col_rels.push_back(it->second);
      col_names.push_back(nf.first);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", nf.second);
      col_fracs.push_back(buf);
    }
  }
  auto plain_array = [](const std::vector<std::string>& v) {
    std::string a = "{";
    for (std::size_t i = 0; i < v.size(); ++i) a += (i ? "," : "") + v[i];
    return a + "}";
  };
  std::string ro = oid_array(rels), rr = plain_array(rows), rb = plain_array(bytes);
  res = exec(conn,
             "SELECT migration_guard.override_facts($1::oid[]::regclass[], $2::bigint[], $3::bigint[])",
             {ro.c_str(), rr.c_str(), rb.c_str()});
  if (!ok(res)) {
    ServerError e = server_error(res.get(), conn);
    complain("shadow: cannot set production's facts: " + one_line(e) +
             (e.sqlstate == "42883" ? " (the shadow's migration_guard is older than 0.3.0)" : ""));
    return false;
  }
  std::string co = oid_array(col_rels), cn = text_array(col_names), cf = plain_array(col_fracs);
  res = exec(conn,
             "SELECT migration_guard.override_null_fractions($1::oid[]::regclass[], $2::name[],"
             "       $3::real[])",
             {co.c_str(), cn.c_str(), cf.c_str()});
  if (!ok(res)) {
    complain("shadow: cannot set production's null fractions: " +
             one_line(server_error(res.get(), conn)));
    return false;
  }
  return true;
}

bool shadow_env(PGconn* conn, ShadowEnv& env) {
  env.server_version_num = PQserverVersion(conn);
  Result res = exec(conn, "SELECT name FROM pg_catalog.pg_available_extensions");
  if (!ok(res)) return false;
  for (int i = 0; i < PQntuples(res.get()); ++i) env.available_extensions.insert(value(res.get(), i, 0));
  res = exec(conn,
             "SELECT n.nspname, c.collname FROM pg_catalog.pg_collation c"
             "  JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace"
             " WHERE c.collencoding IN (-1, pg_catalog.pg_char_to_encoding('UTF8'))");
  if (!ok(res)) return false;
  for (int i = 0; i < PQntuples(res.get()); ++i)
    env.collations.insert(qualified(value(res.get(), i, 0), value(res.get(), i, 1)));
  return true;
}

}  // namespace

int review_production(const Options& opts) {
  std::vector<Input> inputs = read_inputs(opts.files);
  std::set<std::string> names;
  for (const Input& in : inputs)
    if (in.file.ok) {
      std::set<std::string> n = candidate_names(in.file.content);
      names.insert(n.begin(), n.end());
    }

  // 1. Production, read-only.
  Snapshot snap;
  std::string read_at;
  {
    std::string error;
    Conn prod = connect(opts.production_dsn, {{"connect_timeout", "10"}}, {}, &error);
    if (!prod) {
      complain("could not connect to production: " + error);
      return kExitFailure;
    }
    ProductionReader reader(prod.get(), snap);
    if (!reader.read(names)) return kExitFailure;
    read_at = reader.read_at();
  }
  for (const Relation& r : snap.relations)
    if ((r.kind == 'r' || r.kind == 'm') && relation_facts(r, snap.block_size).rows < 0)
      snap.notes.push_back("production has no statistics for " + r.schema + "." + r.name +
                           " (never analyzed, no activity counters): its size is unknown to "
                           "the review; run ANALYZE on it");

  // 2. The shadow.
  ShadowServer shadow;
  if (!(opts.shadow_dsn.empty() ? shadow.start(opts.pg_bindir) : shadow.attach(opts.shadow_dsn)))
    return kExitFailure;
  if (opts.keep_shadow) shadow.keep();
  PGconn* conn = shadow.conn();
  Result res = exec(conn,
                    "SELECT default_version FROM pg_catalog.pg_available_extensions"
                    " WHERE name = 'migration_guard'");
  if (!ok(res) || PQntuples(res.get()) == 0) {
    complain("the shadow server (" + shadow.description() +
             ") has no migration_guard extension to install");
    return kExitFailure;
  }
  ShadowEnv env;
  if (!shadow_env(conn, env)) {
    complain("shadow: cannot read what the server offers: " + trim_right(PQerrorMessage(conn)));
    return kExitFailure;
  }
  std::vector<std::string> notes;
  std::vector<Step> steps = shadow_steps(snap, env, notes);
  // Our own DDL is no migration: no judging, no history, no notices.
  for (const char* set : {"SET migration_guard.mode = off", "SET migration_guard.history = off",
                          "SET check_function_bodies = off", "SET client_min_messages = error"})
    if (!shadow_exec(conn, set)) return kExitFailure;
  if (!build_schema(conn, steps, notes)) return kExitFailure;
  if (!shadow_exec(conn, "CREATE EXTENSION IF NOT EXISTS migration_guard")) return kExitFailure;
  for (const char* set : {"RESET migration_guard.mode", "RESET migration_guard.history",
                          "RESET check_function_bodies", "RESET client_min_messages"})
    if (!shadow_exec(conn, set)) return kExitFailure;
  if (!set_facts(conn, snap)) return kExitFailure;

  // 3. The review, in production's session settings.
  for (const auto& kv : std::vector<std::pair<std::string, std::string>>{
           {"search_path", snap.search_path},
           {"lock_timeout", snap.lock_timeout},
           {"statement_timeout", snap.statement_timeout}}) {
    res = exec(conn, "SELECT pg_catalog.set_config($1, $2, false)", {kv.first.c_str(), kv.second.c_str()});
    if (!ok(res)) notes.push_back("production's " + kv.first + " (" + kv.second + ") not applied: " +
                                  one_line(server_error(res.get(), conn)));
  }
  if (!apply_settings(conn, opts)) return kExitFailure;
  const char* shadow_version = PQparameterStatus(conn, "server_version");
  ProductionExtras extras(snap, read_at, shadow_version ? shadow_version : "?", PQserverVersion(conn),
                          notes);
  if (opts.format == Format::Sarif || opts.format == Format::Github) extras.say_notes();
  int status = review_inputs(conn, opts, inputs, &extras);
  shadow.finish();
  return status;
}

}  // namespace mg::cli

