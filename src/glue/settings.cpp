/*
 * The values of every migration_guard setting (defined in _PG_init,
 * module.cpp, and in tool_settings.cpp), and the settings the core needs,
 * read from them.  A leaf of the glue: it calls no other glue file.
 */
#include "glue/settings.hpp"

extern "C" {
#include "access/xact.h"
#include "commands/extension.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/guc.h"
}

int mg_mode = MG_MODE_WARN;
int mg_large_table_rows = 100000;
int mg_large_table_size_kb = 100 * 1024;
int mg_scan_rate_kb = 200 * 1024;
bool mg_history = true;
int mg_history_retention_min = 90 * 24 * 60;
int mg_rewrite_rate_kb = 50 * 1024;
int mg_index_build_rate_kb = 50 * 1024;
bool mg_loaded_at_startup = false;

/* migration_guard.rules and migration_guard.allow (checked by policy_guard.cpp). */
char	   *mg_rule_overrides = NULL;
char	   *mg_allow = NULL;

/* Lock prevention (lock_guard.cpp); on_lock_conflict: 1 is "warn". */
int			mg_on_lock_conflict = 1;
int			mg_lock_wait_max_ms = 10000;
int			mg_max_blocker_age_ms = 1000;
int			mg_lock_timeout_ms = 0;

/* Settings for migration tools (tool_settings.cpp). */
int			mg_error_format = 0;
char	   *mg_migration_id = NULL;
char	   *mg_history_exclude = NULL;

void
mg_current_settings(MgSettings *settings)
{
	settings->mode = mg_mode;
	settings->large_table_rows = mg_large_table_rows;
	settings->large_table_bytes = (int64_t) mg_large_table_size_kb * 1024;
	settings->quote_all_identifiers = quote_all_identifiers;
	settings->in_extension_script = creating_extension;
	settings->scan_rate = (int64_t) mg_scan_rate_kb * 1024;
	settings->rewrite_rate = (int64_t) mg_rewrite_rate_kb * 1024;
	settings->index_build_rate = (int64_t) mg_index_build_rate_kb * 1024;
	settings->session_lock_timeout_ms = LockTimeout;
	/*
	 * A statement_timeout bounds the lock wait only when it is short: no
	 * longer than migration_guard.lock_wait_max (issue 14.8).
	 */
	settings->session_statement_timeout_ms =
		StatementTimeout > 0 && StatementTimeout <= mg_lock_wait_max_ms ? StatementTimeout : 0;
	settings->auto_lock_timeout_ms = mg_lock_timeout_ms;
	settings->rule_overrides = mg_rule_overrides;
	settings->allow = mg_allow;
	settings->outside_transaction_block = !IsTransactionBlock();
	settings->error_format = mg_error_format;
	settings->server_version_num = PG_VERSION_NUM;
}

