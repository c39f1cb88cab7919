// review --production, the PostgreSQL-free part: what is read from
// production's catalogs (the snapshot), how it becomes the DDL of a shadow
// server, the reading of the expression trees the catalogs store
// (pg_node_tree), the names a migration mentions, and which lock modes
// conflict.  Unit-tested in test/unit/test_shadow_schema.cpp; the libpq part
// is in production.cpp.
//
// Why the expression trees: everything that would deparse an expression
// stored in a table's catalog rows (pg_get_indexdef, pg_get_constraintdef,
// pg_get_expr with a relation, pg_get_partkeydef, pg_get_viewdef) opens and
// locks that table.  Production is read with catalog queries only, so the
// trees are read as text and turned back into SQL here; what cannot be (a
// node or a constant of a kind not handled) gets a stand-in that keeps what
// the rules look at, and is reported.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mg::cli::shadow {

// ------------------------------------------------------------ quoting

std::string quote_ident(std::string_view s);    // as PostgreSQL's quote_ident()
std::string quote_literal(std::string_view s);  // '...' with '' (E'' when a backslash)
std::string qualified(std::string_view schema, std::string_view name);

// ------------------------------------------------------------ the snapshot

struct Column {
  int attnum = 0;
  std::string name;
  std::string type;  // format_type(), schema-qualified unless in pg_catalog
  long type_oid = 0;
  bool not_null = false;
  std::string default_sql;  // pg_get_expr(adbin, 0); empty: none
  char identity = 0;        // 'a' ALWAYS, 'd' BY DEFAULT
  char generated = 0;       // 's' STORED
  std::string generated_tree;  // pg_node_tree of a generated column
  std::string collation;       // qualified, when not the type's default
};

struct Index {
  long oid = 0;
  std::string name;
  std::string am;
  bool unique = false;
  bool primary = false;
  bool valid = true;
  bool nulls_not_distinct = false;
  bool exclusion = false;
  int nkeyatts = 0;
  std::vector<int> keys;                // attnums, 0 for an expression
  std::vector<long> opclasses;          // per key column
  std::vector<long> collations;         // per column, 0: none
  std::vector<int> options;             // per key column: 1 DESC, 2 NULLS FIRST
  std::string exprs_tree;               // pg_node_tree list, or empty
  std::string pred_tree;                // pg_node_tree, or empty
  std::string constraint;               // name of the PK/UNIQUE/EXCLUDE constraint it backs
  double reltuples = -1;
  long relpages = 0;
  std::string parent_index;  // qualified name of the partitioned index it is attached to
};

struct Constraint {
  std::string name;
  char type = 0;  // 'p' 'u' 'f' 'c' 'x'
  bool deferrable = false;
  bool deferred = false;
  bool validated = true;
  bool is_local = true;
  bool no_inherit = false;
  bool inherited_from_parent = false;  // conparentid <> 0 (a partition's copy)
  std::vector<int> keys;               // conkey
  long ref_oid = 0;                    // confrelid
  std::vector<int> ref_keys;           // confkey
  char on_update = 'a', on_delete = 'a', match = 's';
  std::string check_tree;  // conbin
  long index_oid = 0;      // conindid
  std::vector<long> exclusion_ops;
};

struct PartitionKey {
  char strategy = 0;  // 'r' 'l' 'h'
  std::vector<int> keys;  // attnums, 0 for an expression
  std::vector<long> opclasses;
  std::vector<long> collations;
  std::string exprs_tree;
};

struct Relation {
  long oid = 0;
  std::string schema;
  std::string name;
  char kind = 'r';         // r p m v f
  char persistence = 'p';  // p u
  std::string access_method;  // heap unless said
  double reltuples = -1;
  long relpages = 0;
  long toast_pages = 0;
  long long live_tuples = -1;  // pg_stat_all_tables.n_live_tup, -1: unknown
  bool has_subclass = false;
  std::string extension;  // member of this extension
  std::vector<Column> columns;
  std::vector<Index> indexes;
  std::vector<Constraint> constraints;
  PartitionKey partkey;           // kind 'p'
  long partition_of = 0;          // parent's OID for a partition
  std::string partition_bound;    // "FOR VALUES ..." or "DEFAULT"
  std::vector<long> inherits;     // parents (plain inheritance), in order
  std::vector<long> view_sources; // tables and views a view reads
  bool populated = true;          // kind 'm': has data (pg_class.relispopulated)
  std::map<std::string, double> null_fracs;  // column -> pg_stats.null_frac
};

struct Type {
  long oid = 0;
  std::string schema;
  std::string name;
  char typtype = 0;  // 'e' enum, 'd' domain, 'c' composite, 'r' range, 'b' base
  std::string extension;
  std::vector<std::string> labels;  // enum
  std::string base_type;            // domain: format_type(typbasetype, typtypmod)
  bool not_null = false;            // domain
  std::string default_sql;          // domain: pg_type.typdefault
  std::vector<std::pair<std::string, std::string>> constraints;  // domain: name, definition
  std::vector<std::pair<std::string, std::string>> attributes;   // composite: name, type
  std::string subtype;                                            // range
};

struct Function {
  long oid = 0;
  std::string schema;
  std::string name;
  std::string signature;   // identity arguments
  std::string definition;  // pg_get_functiondef()
  std::string language;
  std::string extension;
};

struct Sequence {
  std::string schema;
  std::string name;
};

// A session of production that holds or waits for a lock on a relation the
// migration touches.
struct LockHolder {
  long relation_oid = 0;
  long pid = 0;  // 0: a prepared transaction
  std::string mode;  // "AccessShareLock", ...
  bool granted = true;
  std::string user;
  std::string application;
  std::string state;
  long long xact_seconds = -1;
  long long state_seconds = -1;
  std::string query;
};

// What the expression trees name, resolved on production.
struct Lookups {
  struct Operator {
    std::string schema, name;
  };
  struct TypeInfo {
    std::string sql;  // format_type(oid, -1)
    char typtype = 'b';
    long basetype = 0;  // domain's base type
    long elemtype = 0;  // array's element type
    int typlen = -1;
    bool byval = false;
    char align = 'i';
  };
  std::map<long, Operator> operators;
  std::map<long, std::string> functions;   // qualified, quoted
  std::map<long, TypeInfo> types;
  std::map<std::pair<long, int>, std::string> typmod_types;  // format_type(oid, typmod)
  std::map<long, std::string> collations;  // qualified, quoted
  std::map<long, std::string> opclasses;   // qualified, quoted; only the non-default ones
  std::map<long, std::string> enum_labels;
};

struct Snapshot {
  int server_version_num = 0;
  std::string server_version;
  std::string current_user;
  std::string search_path;  // production's default for this role ("$user" already replaced)
  std::string lock_timeout = "0";
  std::string statement_timeout = "0";
  long block_size = 8192;
  bool reads_all_stats = false;
  std::vector<Relation> relations;  // parents before children
  std::vector<Type> types;
  std::vector<Function> functions;
  std::vector<Sequence> sequences;
  std::set<std::string> schemas;
  struct Extension {
    std::string version;
    std::string schema;
  };
  std::map<std::string, Extension> extensions;  // needed: name -> production's
  std::vector<LockHolder> lock_holders;
  Lookups lookups;
  std::vector<std::string> notes;  // what was not read, and why

  const Relation* relation(long oid) const;
};

// ------------------------------------------------------------ the names a migration mentions

// Every word of the script, as written and lowercased, and every quoted
// identifier: a superset of the relations, types and functions it names.
std::set<std::string> candidate_names(std::string_view sql);

// ------------------------------------------------------------ pg_node_tree

struct Node {
  enum class Kind { Null, Atom, List, Object, Bytes } kind = Kind::Null;
  std::string atom;                          // Atom; Object: the node name
  std::vector<std::unique_ptr<Node>> items;  // List
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> fields;  // Object
  std::vector<unsigned char> bytes;                                   // Bytes (constvalue)
  char list_type = 0;  // 'i' 'o' 'b' for a list of scalars, 0 for a list of nodes

  const Node* field(std::string_view name) const;
  std::string text(std::string_view name) const;  // a field's atom, "" when absent
  long number(std::string_view name, long otherwise = 0) const;
};

// Reads the text form of a pg_node_tree; nullptr and an error on bad input.
std::unique_ptr<Node> parse_node_tree(std::string_view text, std::string* error = nullptr);

// The type, collation, operator, function and enum OIDs an expression tree
// uses, for the look-ups (type and typmod pairs for casts).
void collect_oids(const Node& n, std::set<long>& types, std::set<std::pair<long, int>>& typmods,
                  std::set<long>& operators, std::set<long>& functions, std::set<long>& collations);

// SQL for an expression tree whose Vars (varno 1) are the columns by attnum;
// false (with the unsupported node in *why) when some part cannot be written.
bool deparse(const Node& n, const std::map<int, std::string>& columns, const Lookups& lookups,
             std::string& out, std::string* why = nullptr);

// The columns an expression proves NOT NULL when true, as the server's
// predicate prover sees the simplest cases: IS NOT NULL alone or in an AND.
std::set<int> proven_not_null(const Node& n);

// A Const's value as a SQL literal of its type; false when not decodable.
bool const_literal(const Node& n, const Lookups& lookups, std::string& out);

// ------------------------------------------------------------ the shadow's DDL

// What the shadow server offers (asked before the DDL is made).
struct ShadowEnv {
  int server_version_num = 0;
  std::set<std::string> available_extensions;
  std::set<std::string> collations;  // qualified, quoted, as in Column::collation
};

struct Step {
  std::string what;  // "table public.orders", for the notes
  std::string sql;
  std::string fallback_sql;   // tried when sql fails
  std::string fallback_note;  // said when the fallback was used
  bool ignore_duplicate = true;  // "already exists" is no failure (an extension created it)
};

// The statements that recreate the snapshot's schema in an empty database,
// in order; notes gets what is recreated only approximately (stand-ins).
std::vector<Step> shadow_steps(const Snapshot& s, const ShadowEnv& env,
                               std::vector<std::string>& notes);

// The facts of one relation with storage, as the extension's override takes them.
struct Facts {
  long long rows = -1;   // -1: unknown
  long long bytes = -1;  // -1: unknown
};
Facts relation_facts(const Relation& r, long block_size);
Facts index_facts(const Index& i, long block_size);

// The note when production and the shadow run different majors ("" when the
// same): the shadow judges by what its own major does.
std::string major_version_note(int production_version_num, int shadow_version_num);

// ------------------------------------------------------------ locks

// pg_locks.mode names ("AccessShareLock", ...) of table locks: whether a lock
// held in mode `held` makes a request in mode `requested` wait.
bool lock_conflicts(std::string_view held, std::string_view requested);

// "ACCESS EXCLUSIVE" for "AccessExclusiveLock".
std::string lock_sql_name(std::string_view mode);

}  // namespace mg::cli::shadow
