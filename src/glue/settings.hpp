// The values of the settings and the settings the core needs (settings.cpp).
#pragma once

#include "glue/pg.hpp"

// GUC values.
extern int mg_mode;
extern int mg_large_table_rows;
extern int mg_large_table_size_kb;
extern int mg_scan_rate_kb;
extern int mg_rewrite_rate_kb;
extern int mg_index_build_rate_kb;
extern bool mg_history;
extern int mg_history_retention_min;
extern char *mg_rule_overrides;
extern char *mg_allow;
// Lock prevention (lock_guard.cpp).
extern int	mg_on_lock_conflict;
extern int	mg_lock_wait_max_ms;
extern int	mg_max_blocker_age_ms;
extern int	mg_lock_timeout_ms;
// Settings for migration tools (tool_settings.cpp).
extern int	mg_error_format;	/* 0 standard, 1 inline */
extern char *mg_migration_id;
extern char *mg_history_exclude;

// True when the library was loaded by shared_preload_libraries or
// session_preload_libraries/local_preload_libraries (module.cpp).
extern bool mg_loaded_at_startup;

// The settings the core needs, read from the GUCs now.
void mg_current_settings(MgSettings *settings);
