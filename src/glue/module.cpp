/*
 * migration_guard: the module's entry point.  The settings' values are in
 * settings.cpp, the reporting of findings in messages.cpp.
 *
 * _PG_init runs when the library is loaded: from shared_preload_libraries at
 * server start, from session_preload_libraries at connection, or lazily, the
 * first time one of our SQL functions (an event trigger included) is called in
 * a session.  In that last case an ERROR here would break every DDL statement
 * of the database, so nothing in _PG_init may fail: defining GUCs and storing
 * a hook pointer cannot.
 */
#include "glue/findings_store.hpp"
#include "glue/held_locks.hpp"
#include "glue/hook.hpp"
#include "glue/lock_guard.hpp"
#include "glue/settings.hpp"
#include "glue/policy_guard.hpp"
#include "glue/statement_state.hpp"
#include "glue/tool_settings.hpp"

extern "C" {
#include "storage/proc.h"
#include "tcop/tcopprot.h"
}

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
PG_FUNCTION_INFO_V1(mg_is_preloaded);
}

/* Values of mg_mode: MgMode (c_api.h). */
static const struct config_enum_entry conflict_options[] = {
	{"wait", 0, false},
	{"warn", 1, false},
	{"fail", 2, false},
	{"poll", 3, false},
	{NULL, 0, false},
};

static const struct config_enum_entry mode_options[] = {
    {"off", MG_MODE_OFF, false},
    {"log", MG_MODE_LOG, false},
    {"warn", MG_MODE_WARN, false},
    {"enforce", MG_MODE_ENFORCE, false},
    {NULL, 0, false},
};


/*
 * quote_identifier()'s test, for the core's quoting: a word must be quoted
 * unless it is not a keyword or an unreserved one.  ScanKeywordLookup is a
 * pure hash look-up: it neither allocates nor raises errors, so the core may
 * call it from C++ frames.
 */
static bool
mg_is_keyword(const char *word)
{
	int			kwnum = ScanKeywordLookup(word, &ScanKeywords);

	return kwnum >= 0 && ScanKeywordCategories[kwnum] != UNRESERVED_KEYWORD;
}

/* Whether a preload list setting names our library. */
static bool
preload_list_names_us(const char *value)
{
	const char *p;

	if (value == NULL)
		return false;
	for (p = strstr(value, "migration_guard"); p != NULL;
		 p = strstr(p + 1, "migration_guard"))
	{
		char		after = p[strlen("migration_guard")];

		if ((p == value || p[-1] == ',' || p[-1] == ' ' || p[-1] == '/' || p[-1] == '"') &&
			(after == '\0' || after == ',' || after == ' ' || after == '"' || after == '.'))
			return true;
	}
	return false;
}

void
_PG_init(void)
{
	DefineCustomEnumVariable("migration_guard.mode",
							 "What migration_guard does with a risky DDL statement.",
							 "off: nothing; log: server log only; warn: WARNING to the client; "
							 "enforce: findings of severity error are rejected, the rest warned.",
							 &mg_mode,
							 MG_MODE_WARN,
							 mode_options,
							 PGC_USERSET,
							 0,
							 mg_check_mode, NULL, NULL);

	DefineCustomIntVariable("migration_guard.large_table_rows",
							"Estimated number of rows from which a table counts as large.",
							"A table is large when it reaches this many rows or "
							"migration_guard.large_table_size.",
							&mg_large_table_rows,
							100000,
							1, INT_MAX,
							PGC_USERSET,
							0,
							mg_check_large_table_rows, NULL, NULL);

	DefineCustomIntVariable("migration_guard.large_table_size",
							"Size from which a table counts as large.",
							"A table is large when it reaches this size or "
							"migration_guard.large_table_rows.",
							&mg_large_table_size_kb,
							100 * 1024,
							1, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							mg_check_large_table_size, NULL, NULL);

	DefineCustomStringVariable("migration_guard.rules",
							   "Per-rule severity overrides, e.g. 'drop_column=error, rename_column=off'.",
							   "Levels: off, info, warning, error. Downgrading a rule needs privilege.",
							   &mg_rule_overrides,
							   "",
							   PGC_USERSET,
							   GUC_LIST_INPUT,
							   mg_check_rule_overrides, NULL, NULL);

	DefineCustomStringVariable("migration_guard.allow",
							   "Rules acknowledged for the current session or transaction (SET LOCAL).",
							   "Statements flagged only by these rules run; a NOTICE and the server log say who acknowledged what. Needs privilege.",
							   &mg_allow,
							   "",
							   PGC_USERSET,
							   GUC_LIST_INPUT,
							   mg_check_allow, NULL, NULL);

	DefineCustomIntVariable("migration_guard.scan_rate",
							"Assumed speed of a full-table scan, per second, for duration estimates.",
							"Used to estimate how long SET NOT NULL, constraint validation and "
							"ATTACH PARTITION hold their lock.",
							&mg_scan_rate_kb,
							200 * 1024,
							1, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("migration_guard.rewrite_rate",
							"Assumed speed of a table rewrite, per second, for duration estimates.",
							"Used to estimate how long ALTER COLUMN TYPE, VACUUM FULL, CLUSTER and "
							"other rewrites hold their lock.",
							&mg_rewrite_rate_kb,
							50 * 1024,
							1, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("migration_guard.index_build_rate",
							"Assumed speed of an index build, per second of table data, for duration estimates.",
							"Used to estimate how long CREATE INDEX, REINDEX and UNIQUE constraints "
							"hold their lock.",
							&mg_index_build_rate_kb,
							50 * 1024,
							1, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("migration_guard.lock_timeout",
							"lock_timeout applied to a statement that blocks reads or writes of a table in use, when the session has none.",
							"0 turns it off.",
							&mg_lock_timeout_ms,
							0,
							0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							mg_check_lock_timeout, NULL, NULL);

	DefineCustomEnumVariable("migration_guard.on_lock_conflict",
							 "What a guarded statement does when other sessions hold conflicting locks.",
							 "wait: queue as usual; warn: WARNING with the blockers, then queue; "
							 "fail: ERROR at once; poll: retry without ever queueing, for up to "
							 "migration_guard.lock_wait_max.",
							 &mg_on_lock_conflict,
							 1,
							 conflict_options,
							 PGC_USERSET,
							 0,
							 mg_check_on_lock_conflict, NULL, NULL);

	DefineCustomIntVariable("migration_guard.lock_wait_max",
							"How long on_lock_conflict = poll keeps trying to take its locks.",
							NULL,
							&mg_lock_wait_max_ms,
							10000,
							0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							mg_check_lock_wait_max, NULL, NULL);

	DefineCustomIntVariable("migration_guard.max_blocker_age",
							"Transactions younger than this are not reported as blockers.",
							"So that ordinary short transactions do not make every DDL fail.",
							&mg_max_blocker_age_ms,
							1000,
							0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							mg_check_max_blocker_age, NULL, NULL);

	DefineCustomBoolVariable("migration_guard.history",
							 "Records every judged DDL statement, with its undo SQL, in migration_guard.history.",
							 "Turning it off needs superuser: the history is the audit trail of migrations.",
							 &mg_history,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("migration_guard.history_retention",
							"How long rows stay in migration_guard.history; 0 or -1 keeps them forever.",
							"Older rows are deleted by the backend that records a DDL statement, at most every ten minutes.",
							&mg_history_retention_min,
							90 * 24 * 60,
							-1, INT_MAX,
							PGC_SUSET,
							GUC_UNIT_MIN,
							NULL, NULL, NULL);

	mg_define_tool_settings();
	mg_findings_store_init();

	MarkGUCPrefixReserved("migration_guard");

	mg_loaded_at_startup = process_shared_preload_libraries_in_progress ||
		preload_list_names_us(GetConfigOption("session_preload_libraries", true, false)) ||
		preload_list_names_us(GetConfigOption("local_preload_libraries", true, false));

	mg_set_keyword_predicate(mg_is_keyword);
	mg_install_hook();
	mg_install_executor_hook();
}

Datum
mg_is_preloaded(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(mg_loaded_at_startup);
}
