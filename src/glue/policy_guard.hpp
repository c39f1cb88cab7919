// Check hooks that keep unprivileged roles from weakening the policy (policy_guard.cpp).
#pragma once

#include "glue/pg.hpp"

bool		mg_check_mode(int *newval, void **extra, GucSource source);
bool		mg_check_large_table_rows(int *newval, void **extra, GucSource source);
bool		mg_check_large_table_size(int *newval, void **extra, GucSource source);
bool		mg_check_rule_overrides(char **newval, void **extra, GucSource source);
bool		mg_check_allow(char **newval, void **extra, GucSource source);
bool		mg_check_lock_timeout(int *newval, void **extra, GucSource source);
bool		mg_check_lock_wait_max(int *newval, void **extra, GucSource source);
bool		mg_check_max_blocker_age(int *newval, void **extra, GucSource source);
bool		mg_check_on_lock_conflict(int *newval, void **extra, GucSource source);
