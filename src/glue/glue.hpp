// Declarations shared by the glue files.
#pragma once

#include "glue/pg.hpp"

// GUC values (module.cpp).
extern int mg_mode;
extern int mg_large_table_rows;
extern int mg_large_table_size_kb;
extern bool mg_history;
extern int mg_history_retention_min;
// True while the extension runs SQL of its own (the history's pruning).
extern bool mg_running_internal_sql;

// True when the library was loaded by shared_preload_libraries or
// session_preload_libraries/local_preload_libraries (module.cpp).
extern bool mg_loaded_at_startup;

extern char *mg_rule_overrides;
extern char *mg_allow;

/* Check hooks that keep unprivileged roles from weakening the policy (policy_guard.cpp). */
bool		mg_check_mode(int *newval, void **extra, GucSource source);
bool		mg_check_large_table_rows(int *newval, void **extra, GucSource source);
bool		mg_check_large_table_size(int *newval, void **extra, GucSource source);
bool		mg_check_rule_overrides(char **newval, void **extra, GucSource source);
bool		mg_check_allow(char **newval, void **extra, GucSource source);
bool		mg_check_lock_timeout(int *newval, void **extra, GucSource source);
bool		mg_check_lock_wait_max(int *newval, void **extra, GucSource source);
bool		mg_check_max_blocker_age(int *newval, void **extra, GucSource source);
bool		mg_check_on_lock_conflict(int *newval, void **extra, GucSource source);

// The settings the core needs, read from the GUCs now.
void mg_current_settings(MgSettings *settings);

// Fills *table with the live facts about relid: names, kind, planner-style
// row and size estimates, whether this transaction created it.  Takes no lock
// and never raises an error for a relation that vanished: it returns false.
bool mg_table_facts(Oid relid, MgTable *table);
// The same, with the facts a superuser set for plan()/review()/report() in
// place of the live ones when use_overrides is true (facts_override.cpp).
// Only the SQL review functions pass true: the hook never does.
bool mg_table_facts_with(Oid relid, MgTable *table, bool use_overrides);

// Production's facts set by migration-guard review --production in its shadow
// server (facts_override.cpp): row and byte estimates of a relation with
// storage, null fraction of a column.  False when none was set.
bool mg_overridden_table_facts(Oid relid, int64 *rows, int64 *bytes);
bool mg_overridden_null_frac(Oid relid, AttrNumber attnum, double *null_frac);

// Calls fn for the pg_index row of every index of relid.
void mg_foreach_index(Oid relid, void (*fn)(HeapTuple indextup, void *arg), void *arg);
// Calls fn for the pg_constraint row of every constraint of relid.
void mg_foreach_constraint(Oid relid, void (*fn)(HeapTuple contup, TupleDesc desc, void *arg),
						   void *arg);

// Turns the core's findings into ereport() calls: LOG, WARNING, and at the
// end ERROR for the first finding the policy rejects.  Frees *result.
// statement: the text kept with each finding in the findings store (NULL: the
// client's query string).
void mg_report_findings(MgResult *result, const char *statement);

void mg_install_hook(void);

/*
 * The model of one statement (analyze.cpp): the relations it locks and the
 * operations the rules judge.  Everything in it is palloc'd.
 */
typedef struct MgModel
{
	const char *command;		/* "ALTER TABLE", ... */
	const char *query;			/* the whole source string: parse locations point into it */
	const char *text;			/* the statement alone */
	bool		in_transaction_block;
	/*
	 * Read the facts a superuser overrode (production's, in a shadow server)
	 * instead of the live ones.  Set only by plan(), plan_locks(), review()
	 * and report(); the hook's models leave it false, so that an override
	 * can never change what the run-time guard decides.
	 */
	bool		use_overrides;
	MgLockedRelation *rels;		/* the main target first */
	Oid		   *relids;
	int			nrels;
	int			maxrels;
	MgOperation *ops;
	Oid		   *op_relids;		/* the table of each operation */
	int			nops;
	int			maxops;
	/*
	 * The statement acts on the tables it lists by a right of its own, which
	 * the model already checked: the database owner's VACUUM FULL or REINDEX
	 * DATABASE, the domain owner's ALTER DOMAIN.  Otherwise the hook says
	 * nothing about a table the role has no privilege on (the server refuses
	 * the statement with its own error).
	 */
	bool		acts_by_right;
} MgModel;

/* Whether the role owns relid or holds any privilege on it (analyze.cpp). */
bool		mg_relation_visible(Oid relid);

/*
 * Fills *m for one raw or utility parse tree; false when the statement is not
 * one we model.  query is the source string, text the statement's own text.
 */
bool		mg_analyze(Node *parsetree, const char *query, const char *text, MgModel *m);
const char *mg_trim_leading(const char *text);

/* SQL-function helpers (sql_functions.cpp). */
ReturnSetInfo *mg_begin_srf(FunctionCallInfo fcinfo);
List	   *mg_parse_script(const char *sql);
char	   *mg_raw_statement_text(const char *sql, RawStmt *rs);
const char *mg_skip_blanks_and_comments(const char *p, const char *end);

/* What the script under review changed so far (review.cpp); false outside a review. */
bool		mg_reviewing(void);
bool		mg_script_proves_not_null(Oid relid, const char *column);
bool		mg_script_added_column(Oid relid, const char *column);
bool		mg_script_pending_constraint(Oid relid, const char *name, Oid *refrelid);

/* Lock prevention at execution time (lock_guard.cpp). */
extern int	mg_on_lock_conflict;
extern int	mg_lock_wait_max_ms;
extern int	mg_max_blocker_age_ms;
extern int	mg_lock_timeout_ms;
void		mg_guard_locks(const MgModel *m);
/* Applies migration_guard.lock_timeout if needed: the GUC nest level to pop, or -1. */
int			mg_auto_lock_timeout_nestlevel(const MgModel *m);

/* Strong locks held across a transaction (lock_guard.cpp). */
void		mg_track_held_locks(const MgModel *m);
void		mg_check_held_locks_ddl(const MgModel *m);
void		mg_install_executor_hook(void);
LocalTransactionId mg_current_lxid(void);
/* Whether a DefElem option (FULL, CONCURRENTLY...) is given and true (analyze.cpp). */
bool		mg_option_is_set(List *options, const char *name);

/* The migration history (history.cpp). */
typedef struct MgUndo
{
	char	   *sql;			/* the statements that undo it, or NULL */
	bool		reversible;
	char	   *reason;			/* why not, or what was lost */
	/* built before the statement runs, finished after (mg_finish_undo) */
	StringInfoData sqlbuf;
	StringInfoData reasonbuf;
	bool		covered;		/* a known kind of statement, even if nothing is to undo */
	bool		existed;		/* CREATE ... IF NOT EXISTS: it was there already */
	bool		temporary;		/* a temporary object: not recorded */
	char	   *old_view_sql;	/* CREATE OR REPLACE VIEW: the view before */
	char	   *old_view_columns;
	List	   *extra_relations;	/* created or dropped relations the model does not name */
	bool		capturing;		/* its drops were noted (mg_capture_drops_begin) ... */
	int			capture_start;	/* ... from this position in mg_captured_drops() */
} MgUndo;
extern List *mg_last_findings;	/* rule ids reported for the statement being judged */
extern int	mg_last_decision;	/* 0 allowed, 1 warned, 2 acknowledged */
void		mg_start_findings(bool nested);
void		mg_note_finding(const char *rule);
/* What was dropped while a statement ran, noted just before (dropped.cpp). */
typedef struct MgDropped
{
	Oid			relid;
	int32		attnum;			/* a column, or 0 for the relation */
	MgTable		table;			/* the table's facts then */
	bool		have_facts;
	char	   *column;			/* a column: its name, type, whether every value was NULL */
	char	   *type_sql;
	bool		column_empty;
	char	   *recreate_sql;	/* a view, sequence or materialized view index: how to get it back */
	int			recreate_rank;	/* 0 sequence, 1 view or materialized view, 2 index */
	bool		is_index;
	bool		definition_unknown;	/* a view whose sources were locked by another session */
} MgDropped;
int			mg_capture_drops_begin(bool with_indexes);
void		mg_capture_drops_end(int start, bool failed);
List	   *mg_captured_drops(void);
MgDropped  *mg_find_dropped(Oid relid, int32 attnum);
bool		mg_column_all_null(Oid relid, AttrNumber attnum);
bool		mg_column_stats(Oid relid, AttrNumber attnum, double *null_frac, int *avg_width);
char	   *mg_reloptions_clause(Oid relid);
char	   *mg_view_create_sql(Oid relid);
/* The model of the statement running now, while it runs (hook.cpp). */
extern const MgModel *mg_running_model;
bool		mg_model_covers(const MgModel *m, Oid relid);

bool		mg_history_available(void);
MgUndo	   *mg_prepare_undo(const MgModel *m, Node *parsetree);
/* After the statement ran: what it created, and what it dropped by CASCADE; false: record nothing. */
bool		mg_finish_undo(MgUndo *undo, const MgModel *m, Node *parsetree);
void		mg_record_history(const MgModel *m, const MgUndo *undo);

/* Relations whose rewrite the hook predicted for the statement running now. */
void		mg_note_predicted_rewrites(const MgModel *m);
bool		mg_rewrite_was_predicted(Oid relid);

/* The findings store (findings_store.cpp): shared memory, read by migration_guard.findings. */
typedef struct MgStoredInput
{
	const char *rule;
	const char *relation;
	const char *message;
	const char *statement;
	int			severity;		/* mg::Severity */
	int			action;			/* MG_ACTION_* */
} MgStoredInput;
extern int	mg_findings_max;
void		mg_findings_store_init(void);
bool		mg_findings_store_active(void);
/* Keeps one finding; nothing when the library was not preloaded.  Never raises an error. */
void		mg_store_finding(const MgStoredInput *in);

/* Settings for migration tools (tool_settings.cpp). */
extern int	mg_error_format;	/* 0 standard, 1 inline */
extern char *mg_migration_id;
extern char *mg_history_exclude;
void		mg_define_tool_settings(void);
/* Whether DDL on every one of these relations (schema-qualified names) is left out of the history. */
bool		mg_history_excludes(List *qualified_names);
/* Whether the history leaves out DDL on objects of this schema (alone). */
bool		mg_history_excludes_schema(const char *schema);
/* Whether a statement without relations (CREATE SCHEMA, COMMENT, GRANT) is on excluded objects. */
bool		mg_history_excludes_statement(Node *parsetree);

/* A lock timeout in a judged statement: the blockers named in the error (lock_guard.cpp). */
bool		mg_explains_lock_timeouts(int timeout_nestlevel);
/* In a PG_CATCH: raises the error again with the blockers, or returns (the caller re-throws). */
void		mg_explain_lock_timeout(const MgModel *m, MemoryContext cxt, bool applied_by_us);
