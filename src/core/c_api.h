/*
 * The one door between the two worlds.
 *
 * The glue (which includes PostgreSQL headers and may longjmp) and the core
 * (C++ with exceptions and destructors) talk only through these plain structs
 * and the functions below.  The glue fills MgOperation with pointers to its own
 * palloc'd strings; the core copies what it needs, evaluates, and returns its
 * findings in malloc'd memory, never in palloc'd memory (palloc can longjmp out
 * of a C++ frame).  Every function here is noexcept: an exception is caught
 * inside and returned as MgResult.error.  The glue frees the result with
 * mg_result_free() before it ereports anything that may not return.
 *
 * Nothing here includes a PostgreSQL or C++ standard header.
 *
 * The codes that cross the door (lock modes, effects, modes, severities,
 * actions, rewrite reasons) are defined once, below.  The core
 * static_asserts that its enums have these values (c_convert.cpp), the glue
 * that PostgreSQL's codes do (glue/pg.hpp): a change on either side stops
 * the build instead of silently mislabelling a lock.
 */
#ifndef MIGRATION_GUARD_C_API_H
#define MIGRATION_GUARD_C_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Table-level lock modes: mg::LockMode, and PostgreSQL's LOCKMODE numbers
 * (storage/lockdefs.h), NoLock first. */
typedef enum MgLockMode {
  MG_LOCK_NONE = 0,
  MG_LOCK_ACCESS_SHARE = 1,
  MG_LOCK_ROW_SHARE = 2,
  MG_LOCK_ROW_EXCLUSIVE = 3,
  MG_LOCK_SHARE_UPDATE_EXCLUSIVE = 4,
  MG_LOCK_SHARE = 5,
  MG_LOCK_SHARE_ROW_EXCLUSIVE = 6,
  MG_LOCK_EXCLUSIVE = 7,
  MG_LOCK_ACCESS_EXCLUSIVE = 8,
} MgLockMode;

/* What a statement does to a relation, cheapest first: mg::Effect. */
typedef enum MgEffect {
  MG_EFFECT_NONE = 0,
  MG_EFFECT_METADATA = 1,
  MG_EFFECT_SCAN = 2,
  MG_EFFECT_INDEX_BUILD = 3,
  MG_EFFECT_REWRITE = 4,
  MG_EFFECT_TRUNCATE = 5,
  MG_EFFECT_DROP = 6,
} MgEffect;

/* migration_guard.mode: mg::Mode, and the GUC's values. */
typedef enum MgMode {
  MG_MODE_OFF = 0,
  MG_MODE_LOG = 1,
  MG_MODE_WARN = 2,
  MG_MODE_ENFORCE = 3,
} MgMode;

/* mg::Severity. */
typedef enum MgSeverity {
  MG_SEVERITY_INFO = 0,
  MG_SEVERITY_WARNING = 1,
  MG_SEVERITY_ERROR = 2,
} MgSeverity;

/* What the glue does with a finding: mg::Action. */
typedef enum MgAction {
  MG_ACTION_IGNORE = 0,
  MG_ACTION_LOG = 1,
  MG_ACTION_WARN = 2,
  MG_ACTION_REJECT = 3,
  MG_ACTION_ACKNOWLEDGE = 4,
} MgAction;

/* The reason bits of the table_rewrite event: mg::RewriteReason, and
 * PostgreSQL's AT_REWRITE_* (commands/event_trigger.h). */
typedef enum MgRewriteReason {
  MG_REWRITE_PERSISTENCE = 0x01,   /* SET LOGGED / SET UNLOGGED */
  MG_REWRITE_DEFAULT = 0x02,       /* a column added with a volatile default */
  MG_REWRITE_COLUMN = 0x04,        /* ALTER COLUMN ... TYPE */
  MG_REWRITE_ACCESS_METHOD = 0x08, /* SET ACCESS METHOD */
} MgRewriteReason;

typedef struct MgName {
  const char *schema;
  const char *name;
} MgName;

typedef struct MgTable {
  MgName name;
  char kind;     /* pg_class.relkind */
  int64_t rows;  /* -1: unknown */
  int64_t bytes; /* -1: unknown */
  bool created_in_transaction;
  bool temporary;
  const MgName *partitions; /* a prefix of the direct partitions */
  int npartitions;
  int64_t partition_count;
  /* Partitioned table, for one operation: its leaf partitions, and how many
   * of them the operation scans or rewrites when not all (rows and bytes are
   * then the sums over those only); -1: all of them, or not known. */
  int64_t leaf_count;
  int64_t leaves_affected;
  const char *const *invalid_indexes;
  int ninvalid_indexes;
} MgTable;

typedef enum MgOpKind {
  MG_OP_CREATE_INDEX = 1,
  MG_OP_ADD_COLUMN = 2,
  MG_OP_TABLE_REWRITE = 3,
  MG_OP_DROP_INDEX,
  MG_OP_REINDEX,
  MG_OP_ALTER_COLUMN_TYPE,
  MG_OP_SET_NOT_NULL,
  MG_OP_ADD_CONSTRAINT,
  MG_OP_VALIDATE_CONSTRAINT,
  MG_OP_ATTACH_PARTITION,
  MG_OP_DETACH_PARTITION,
  MG_OP_REFRESH_MATVIEW,
  MG_OP_DROP_TABLE,
  MG_OP_DROP_COLUMN,
  MG_OP_TRUNCATE,
  MG_OP_RENAME_COLUMN,
  MG_OP_RENAME_TABLE,
  MG_OP_VACUUM_FULL,
  MG_OP_CLUSTER,
  MG_OP_SET_PERSISTENCE,
  MG_OP_SET_ACCESS_METHOD,
  MG_OP_LOCK_REQUEST,
  MG_OP_HELD_LOCK,
  MG_OP_SET_TABLESPACE, /* to another tablespace; object_name: the tablespace */
  MG_OP_DEFAULT_PARTITION_SCAN, /* table: the default partition; partition: the new one; bound */
} MgOpKind;

typedef struct MgOperation {
  MgOpKind kind;
  MgTable table;
  /* MG_OP_CREATE_INDEX */
  const char *statement;
  int concurrently_at; /* -1: unknown */
  int relation_end;    /* -1: unknown */
  const char *index_name; /* NULL: unnamed */
  bool concurrently;
  bool unique;
  /* MG_OP_ADD_COLUMN */
  const char *column;
  const char *type_sql;
  bool not_null;
  bool has_default;
  bool fills_values;
  /* MG_OP_TABLE_REWRITE */
  const char *command;
  int rewrite_reason; /* MgRewriteReason bits, or MG_REWRITE_SET_EXPRESSION */
  bool rewrite_predicted;
  /* every kind */
  bool in_transaction_block;
  bool cascade;
  const char *object_name;
  /* MG_OP_CREATE_INDEX: INVALID indexes that match */
  const char *invalid_same_name;
  const char *invalid_same_definition;
  /* MG_OP_ADD_COLUMN */
  bool volatile_default;
  const char *default_sql;
  /* MG_OP_ALTER_COLUMN_TYPE (column in .column) */
  const char *old_type;
  const char *new_type;
  bool rewrite;
  bool has_using;
  bool narrowing;
  const char *narrowing_reason;
  int rebuilt_indexes;
  /* constraints */
  char contype;
  const char *constraint_name;
  const char *definition;
  bool not_valid;
  bool using_index;
  const char *columns;
  /* The key columns of a PRIMARY KEY, UNIQUE or FOREIGN KEY constraint, as
   * names (not SQL), and the name the server would choose for it when the
   * statement names none (NULL: unknown). */
  const char *const *key_columns;
  int nkey_columns;
  const char *chosen_name;
  MgTable referenced;
  int referenced_lock; /* MgLockMode */
  /* partitions */
  MgTable partition;
  bool scan_needed;
  const char *default_partition;
  /* ATTACH PARTITION: the partitioned table's indexes that no index of the
   * partition matches, built on it under its ACCESS EXCLUSIVE lock: their
   * number, names ("a, b") and the CREATE INDEX CONCURRENTLY statements that
   * would make them attach instead (one a line; NULL when none can). */
  int built_indexes;
  const char *built_index_names;
  const char *built_index_sql;
  const char *bound;
  /* columns */
  const char *new_name;
  /* MG_OP_LOCK_REQUEST: the mode requested on table (MgLockMode);
   * MG_OP_HELD_LOCK: the mode held on table */
  int lock_mode;
  /* MG_OP_HELD_LOCK: the statement that runs while the lock is held */
  const char *held_command;
  MgTable held_target;
  int64_t held_rows;
  bool held_is_dml;
  bool held_no_where;
  /* DROP TABLE / DROP COLUMN: dropped because another object was (CASCADE),
   * by the statement in .command; DROP COLUMN: the statistics say every
   * value of the column is NULL */
  bool dependent;
  bool column_empty;
  /* MG_OP_ADD_CONSTRAINT / MG_OP_SET_NOT_NULL made by ALTER DOMAIN: the
   * domain (as SQL) and the table's columns of that domain (for the DETAIL) */
  const char *domain;
  const char *domain_columns;
  /* What the undo needs, read from the catalogs before the statement runs
   * (glue/undo_facts.cpp; core/undo.hpp): CREATE INDEX / ADD COLUMN: the
   * object was there already; SET NOT NULL: the column was NOT NULL already;
   * DROP INDEX: the index's definition as the server deparses it (NULL:
   * unknown), SET TABLESPACE: the tablespace before; DROP COLUMN: the
   * average width of a value (0: unknown). */
  bool undo_existed;
  bool undo_was_not_null;
  const char *undo_old_definition;
  int undo_column_width;
  /* every kind: what the operation does to table (MgEffect), as the model
   * says; the rule that owns (kind, effect) judges it */
  int effect;
  /* MG_OP_ADD_CONSTRAINT written inline in ADD COLUMN: the column as SQL
   * without its constraints */
  const char *added_column;
  /* MG_OP_ALTER_COLUMN_TYPE with USING: the expression as SQL on the
   * table's columns, and on NEW's (for a trigger); NULL when unknown */
  const char *using_sql;
  const char *using_row_sql;
  /* MG_OP_DROP_COLUMN: the column was added by the current transaction (at
   * run time) or earlier in the script (review): its values are the
   * migration's own */
  bool column_new;
  /* MG_OP_LOCK_REQUEST at run time: lock_probed, the glue looked at the lock
   * manager just before the statement; lock_blockers, the other sessions that
   * hold or wait for a conflicting lock and that the statement would wait
   * for without limit (0: it gets its locks at once, or never queues without
   * limit); lock_blocker_list, one line per session (pid, user, state,
   * age, query).  In review() nothing is probed. */
  bool lock_probed;
  int lock_blockers;
  const char *lock_blocker_list;
  /* MG_OP_HELD_LOCK: lock_held_across_statements was already reported for
   * this lock in this transaction */
  bool held_reported;
  /* MG_OP_REFRESH_MATVIEW: what the defining query reads (tables,
   * materialized views and partitions, through views), summed over those the
   * role may see: nsources of them (0: none known), source_rows and
   * source_bytes (-1: unknown); unpopulated: the view has no data yet (WITH
   * NO DATA): nobody can read it, and CONCURRENTLY is refused */
  int nsources;
  int64_t source_rows;
  int64_t source_bytes;
  bool unpopulated;
} MgOperation;

/* A subcommand the model has no operation for, with what its undo needs
 * (mg::UndoFact). */
typedef enum MgUndoFactKind {
  MG_UNDO_COLUMN_DEFAULT = 1, /* old_sql: the default before (NULL: none) */
  MG_UNDO_DROP_NOT_NULL,      /* was_not_null */
  MG_UNDO_DROP_CONSTRAINT,    /* old_sql: the server's ADD CONSTRAINT command (NULL: unknown) */
  MG_UNDO_RENAME_INDEX,       /* table: the index by its old name; new_name */
  MG_UNDO_RENAME_CONSTRAINT,  /* name TO new_name */
  MG_UNDO_CREATED,            /* keyword ("TABLE", "VIEW"...), table: what was created */
  MG_UNDO_SET_SCHEMA,         /* keyword, table in its new schema, name: the old schema */
  MG_UNDO_RELOPTION,          /* keyword, table, name: option, new_name: its namespace,
                                 old_sql: its value before (NULL: not set) */
  MG_UNDO_VIEW_REPLACED,      /* table, old_sql: CREATE VIEW before (NULL: unknown), same_columns */
  MG_UNDO_CREATED_OBJECT,     /* keyword SCHEMA/EXTENSION/TRIGGER/DOMAIN/TYPE, name, table, cascade */
  MG_UNDO_CASCADE_DROPPED,    /* table, name: column (NULL: the table), rows, bytes, column_empty */
  MG_UNDO_DEFINITION_UNREAD,  /* table */
  MG_UNDO_DROPPED_UNKNOWN,    /* name: the command */
} MgUndoFactKind;

typedef struct MgUndoFact {
  int kind; /* MgUndoFactKind */
  MgName table;
  const char *name;     /* the column, or the constraint's old name */
  const char *new_name; /* renames */
  const char *old_sql;
  bool was_not_null;
  const char *keyword;
  bool same_columns;
  bool cascade;
  bool column_empty;
  int64_t rows;
  int64_t bytes;
} MgUndoFact;



/* A relation a statement locks (for plan() and the report). */
typedef struct MgLockedRelation {
  MgTable table;
  int lock;   /* MgLockMode */
  int effect; /* MgEffect */
  const char *cause;
} MgLockedRelation;

typedef struct MgSettings {
  int mode; /* MgMode */
  int64_t large_table_rows;
  int64_t large_table_bytes;
  bool quote_all_identifiers;
  bool in_extension_script;
  /* Throughputs for duration estimates, in bytes per second (0: no estimate). */
  int64_t scan_rate;
  int64_t rewrite_rate;
  int64_t index_build_rate;
  /* lock_timeout and statement_timeout of the session, migration_guard.lock_timeout (ms) */
  int64_t session_lock_timeout_ms;
  int64_t session_statement_timeout_ms;
  int64_t auto_lock_timeout_ms;
  /* migration_guard.rules and migration_guard.allow (NULL: empty) */
  const char *rule_overrides;
  const char *allow;
  /* The statement runs outside a transaction block (autocommit): what ran
   * before it is committed, and SET LOCAL has no effect (presentation.hpp). */
  bool outside_transaction_block;
  /* migration_guard.error_format: 0 standard, 1 inline (presentation.hpp) */
  int error_format;
  /* The server's version, PG_VERSION_NUM (150018, 180006...): the model,
   * the rules and the recipes follow the running version.  0: unknown, taken
   * as the oldest supported one (15). */
  int server_version_num;
} MgSettings;

typedef struct MgFinding {
  char *rule;
  int severity; /* MgSeverity */
  int action;   /* MgAction */
  char *relation;
  char *message;
  char *detail;
  char *hint;
} MgFinding;

typedef struct MgResult {
  MgFinding *findings;
  int nfindings;
  char *error; /* non-NULL when the core failed; findings is then empty */
} MgResult;

/* A rewrite reason of our own (mg::kRewriteSetExpression): SET EXPRESSION of a
 * stored generated column, predicted by the hook (the server reports it as
 * AT_REWRITE_DEFAULT_VAL). */
#define MG_REWRITE_SET_EXPRESSION 0x10000

typedef struct MgUndoResult {
  char *sql;    /* the statements that undo it, last first (NULL: none) */
  char *reason; /* why it cannot be undone, each reason followed by "; " (NULL: none) */
  bool covered; /* a fact was handled, even if nothing is to undo */
  char *error;  /* non-NULL when the core failed */
} MgUndoResult;

/* The inverse SQL of a statement (core/undo.cpp): the same generator writes
 * the history's rollback_sql and the report's rollback plan. */
void mg_undo(const MgOperation *ops, int nops, const MgUndoFact *facts, int nfacts,
             const char *command, const MgSettings *settings, MgUndoResult *out) noexcept;
void mg_undo_free(MgUndoResult *result) noexcept;

/*
 * What CASCADE drops and the history brings back (core/undo.hpp): the
 * statements that create a sequence or a view again, in out->sql; free with
 * mg_undo_free().
 */
typedef struct MgSequenceGrant {
  const char *privilege; /* USAGE, SELECT, UPDATE */
  const char *grantee;   /* NULL: PUBLIC */
  bool grant_option;
} MgSequenceGrant;

typedef struct MgSequenceFacts {
  MgName name;
  const char *type_sql; /* format_type()'s output */
  int64_t increment, min, max, start, cache;
  bool cycle;
  const char *owner;
  const MgSequenceGrant *grants;
  int ngrants;
  bool position_readable;
  bool has_position;
  int64_t position;
} MgSequenceFacts;

typedef struct MgViewFacts {
  bool materialized;
  MgName name;
  const char *const *option_names;
  const char *const *option_values; /* an entry NULL: the option has no value */
  int noptions;
  const char *definition; /* pg_get_viewdef() */
} MgViewFacts;

void mg_recreate_sequence(const MgSequenceFacts *seq, const MgSettings *settings,
                          MgUndoResult *out) noexcept;
void mg_recreate_view(const MgViewFacts *view, const MgSettings *settings,
                      MgUndoResult *out) noexcept;

/* Evaluates the operations against the rule catalog.  Always fills *out. */
void mg_evaluate(const MgOperation *ops, int nops, const MgSettings *settings, MgResult *out)
    noexcept;
void mg_result_free(MgResult *result) noexcept;

/*
 * A whole script for review (migration_guard.review() and report()).  The
 * glue parses the script, models each statement, and tracks what the script
 * itself changes (transactions, tables it creates, constraints it validates);
 * the core judges every statement, adds the script-level findings and renders
 * the report.
 */
typedef struct MgScriptStatement {
  int stmt_no;
  const char *text;
  const char *command;
  /* 0: runs in its own transaction; n > 0: the n-th transaction of the script */
  int tx;
  bool transaction_control; /* BEGIN, COMMIT, ROLLBACK, ... */
  bool modelled;            /* false: not DDL we model (DML, SET, ...) */
  const MgLockedRelation *rels; /* the main target first */
  int nrels;
  const MgOperation *ops;
  int nops;
  const MgUndoFact *undo_facts; /* for the rollback plan */
  int nundo_facts;
} MgScriptStatement;

typedef enum MgReviewFormat {
  MG_REVIEW_ROWS = 0, /* rows only */
  MG_REVIEW_MARKDOWN = 1,
  MG_REVIEW_JSON = 2,
} MgReviewFormat;

typedef struct MgReviewRow {
  int stmt_no;
  char *rule;
  char *severity; /* "info", "warning", "error" */
  char *relation;
  char *message;
  char *detail;
  char *hint;
} MgReviewRow;

typedef struct MgReviewResult {
  MgReviewRow *rows;
  int nrows;
  char *text;  /* the report, for MG_REVIEW_MARKDOWN and MG_REVIEW_JSON */
  char *error; /* non-NULL when the core failed */
} MgReviewResult;

void mg_review(const MgScriptStatement *stmts, int nstmts, const MgSettings *settings,
               MgReviewFormat format, MgReviewResult *out) noexcept;
void mg_review_free(MgReviewResult *result) noexcept;

/* One entry of the rule catalog; the strings are static. */
typedef struct MgRuleInfo {
  const char *id;
  const char *severity; /* "info", "warning", "error" */
  const char *summary;
  const char *explanation;
  const char *recipe;
} MgRuleInfo;

/* The number of rules, and rule i (0-based); false when i is out of range. */
int mg_rule_count(void) noexcept;
bool mg_rule_get(int i, MgRuleInfo *out) noexcept;

/* "metadata", "scan", ...: the name of an MgEffect value (static). */
const char *mg_effect_name(int effect) noexcept;

/*
 * Validation of migration_guard.rules (kind 'r') and migration_guard.allow
 * (kind 'a'), and whether going from `from` to `to` weakens the policy.
 * Returns false with a message in errbuf when `to` is invalid.
 */
bool mg_check_rule_list(char kind, const char *from, const char *to, bool *weakens,
                        char *errbuf, int errbuflen) noexcept;

/*
 * text on one line, for a generated comment or a log line: control characters
 * written as \n, \r, \t or \xHH (mg::one_line).  Writes at most outsize bytes,
 * NUL included, into out (4 * strlen(in) + 1 always suffice) and returns the
 * length of the whole result; on failure out is the empty string.
 */
size_t mg_one_line(const char *in, char *out, size_t outsize) noexcept;

/*
 * migration_guard.history_exclude (name_list.hpp): whether the list is valid
 * (false with a message in errbuf), and whether it covers the object named
 * qualified ("schema.table", or "schema" for a schema itself), quoted as in
 * SQL.  A list that does not parse covers nothing.
 */
bool mg_name_list_valid(const char *list, char *errbuf, int errbuflen) noexcept;
bool mg_name_list_covers(const char *list, const char *qualified) noexcept;

/* Installs the server's keyword test used for identifier quoting. */
void mg_set_keyword_predicate(bool (*is_keyword)(const char *word)) noexcept;

#endif
