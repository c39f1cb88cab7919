/*
 * A policy that holds: who may weaken migration_guard's settings.
 *
 * The settings are user-settable, so that anyone may make the policy
 * stricter for a session (a deploy tool turning enforce on, a lower
 * threshold).  Weakening it -- a lower mode, a higher threshold, a rule
 * downgraded in migration_guard.rules, an exception acknowledged in
 * migration_guard.allow -- needs superuser or the SET privilege on that
 * parameter, granted with PostgreSQL 15's GRANT SET ON PARAMETER.  The check
 * hooks below see every way a value arrives in a session: SET, SET LOCAL,
 * set_config(), a function's SET clause (applied as the function's owner,
 * which is how a SECURITY DEFINER function delegates), the validation of
 * ALTER ROLE/DATABASE ... SET, and connection options.  Values from the
 * configuration file, ALTER SYSTEM, or ALTER ROLE/DATABASE ... SET (checked
 * when they were written) are the administrators' own and pass.  RESET goes
 * back to those values and needs no check.
 */
#include "glue/glue.hpp"

extern "C" {
#include "access/parallel.h"
#include "storage/proc.h"
#include "utils/acl.h"
}

char	   *mg_rule_overrides = NULL;
char	   *mg_allow = NULL;

/* Whether the current role may weaken parameter `name` from this source. */
static bool
may_weaken(const char *name, GucSource source)
{
	/* Administrators' values: the file, the command line, ALTER ROLE/DATABASE SET. */
	if (source < PGC_S_CLIENT)
		return true;
	/* A parallel worker restores its leader's values, already checked there. */
	if (InitializingParallelWorker)
		return true;
	/* Without a transaction we cannot read the privileges: ask for a SET. */
	if (!IsTransactionState() || !OidIsValid(GetUserId()))
		return false;
	return superuser() || pg_parameter_aclcheck(name, GetUserId(), ACL_SET) == ACLCHECK_OK;
}

static bool
refuse(const char *name, const char *what)
{
	GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
	GUC_check_errmsg("permission denied to weaken %s", name);
	GUC_check_errdetail("%s needs superuser or the SET privilege on %s; making the policy stricter is allowed to everyone.",
						what, name);
	GUC_check_errhint("A superuser can delegate it: GRANT SET ON PARAMETER %s TO role;", name);
	return false;
}

bool
mg_check_mode(int *newval, void **extra, GucSource source)
{
	(void) extra;
	if (*newval < mg_mode && !may_weaken("migration_guard.mode", source))
		return refuse("migration_guard.mode", "Lowering migration_guard.mode");
	return true;
}

bool
mg_check_large_table_rows(int *newval, void **extra, GucSource source)
{
	(void) extra;
	if (*newval > mg_large_table_rows && !may_weaken("migration_guard.large_table_rows", source))
		return refuse("migration_guard.large_table_rows", "Raising the threshold");
	return true;
}

bool
mg_check_large_table_size(int *newval, void **extra, GucSource source)
{
	(void) extra;
	if (*newval > mg_large_table_size_kb && !may_weaken("migration_guard.large_table_size", source))
		return refuse("migration_guard.large_table_size", "Raising the threshold");
	return true;
}

static bool
check_rule_list(char kind, const char *name, const char *current, char **newval,
				GucSource source)
{
	char		errbuf[256];
	bool		weakens = false;

	if (!mg_check_rule_list(kind, current, *newval, &weakens, errbuf, sizeof(errbuf)))
	{
		GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
		GUC_check_errdetail("%s", errbuf);
		GUC_check_errhint(kind == 'r'
						  ? "Give a comma-separated list of rule=level, with a level among off, info, warning and error, and rule ids from migration_guard.rules."
						  : "Give a comma-separated list of rule ids from migration_guard.rules, or *.");
		return false;
	}
	if (weakens && !may_weaken(name, source))
		return refuse(name, kind == 'r' ? "Downgrading a rule" : "Acknowledging an exception");
	return true;
}

bool
mg_check_rule_overrides(char **newval, void **extra, GucSource source)
{
	(void) extra;
	return check_rule_list('r', "migration_guard.rules", mg_rule_overrides, newval, source);
}

bool
mg_check_allow(char **newval, void **extra, GucSource source)
{
	(void) extra;
	return check_rule_list('a', "migration_guard.allow", mg_allow, newval, source);
}
