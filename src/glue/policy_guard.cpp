/*
 * A policy that holds: who may weaken migration_guard's settings.
 *
 * The policy settings are user-settable, so that anyone may make the policy
 * stricter for a session (a deploy tool turning enforce on, a lower
 * threshold).  Weakening one needs superuser or the SET privilege on it
 * (GRANT SET ON PARAMETER, PostgreSQL 15).  "Weaker" is measured against the
 * BASELINE, what the administrators set, never against the session's current
 * value (docs/security.md):
 *
 *   1. the configuration file, ALTER SYSTEM and the server's command line
 *      (recorded here when the check hook sees a value from those sources),
 *      else the built-in default;
 *   2. ALTER ROLE ALL SET (only a superuser can write it);
 *   3. ALTER DATABASE SET, when it is not weaker than 1-2 or the database's
 *      owner may weaken the parameter (only the owner or a superuser can write
 *      that row, and pg_db_role_setting does not say which one did);
 *   4. ALTER ROLE SET, then ALTER ROLE ... IN DATABASE SET, likewise, when the
 *      role itself may weaken the parameter (a role may write its own rows).
 *
 * The check hooks below see every way a value arrives: the stored settings as
 * they are applied at connection (a weaker one from a role not allowed to is
 * refused with a WARNING and not applied), connection options (PGOPTIONS,
 * checked before the stored settings are applied, which is why the baseline
 * is read from the catalog rather than from the current value: a weaker one
 * fails the connection), SET, SET LOCAL, set_config(), a function's SET
 * clause (applied as the function's owner when it is SECURITY DEFINER, which
 * is how a trusted function delegates), and the validation of ALTER
 * ROLE/DATABASE ... SET.  RESET goes back to values already checked.
 *
 * Which settings are policy, and what "weaker" means for each, is the table
 * `protected_settings` below; the duration-estimate rates only change the
 * wording of messages and are not policy.
 */
#include "glue/glue.hpp"

extern "C" {
#include "access/genam.h"
#include "access/parallel.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_database.h"
#include "catalog/pg_db_role_setting.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"
}

char	   *mg_rule_overrides = NULL;
char	   *mg_allow = NULL;

/* How a value compares: which of two values is the stricter. */
typedef enum PolicyKind
{
	POLICY_MODE,				/* off < log < warn < enforce */
	POLICY_CONFLICT,			/* wait < warn < fail = poll */
	POLICY_LIMIT,				/* a larger number is weaker */
	POLICY_TIMEOUT,				/* a larger number is weaker; 0 (none) the weakest */
	POLICY_RULES,				/* migration_guard.rules: a rule downgraded */
	POLICY_ALLOW				/* migration_guard.allow: an exception added */
} PolicyKind;

typedef struct PolicySetting
{
	const char *name;
	PolicyKind	kind;
	int			unit_flags;		/* GUC_UNIT_* of an integer setting */
	const char *what;			/* "a lower mode", for the DETAIL */
	char	   *file_value;		/* malloc'd: the value of baseline level 1 */
} PolicySetting;

static PolicySetting protected_settings[] = {
	{"migration_guard.mode", POLICY_MODE, 0, "a lower mode", NULL},
	{"migration_guard.large_table_rows", POLICY_LIMIT, 0, "a higher threshold", NULL},
	{"migration_guard.large_table_size", POLICY_LIMIT, GUC_UNIT_KB, "a higher threshold", NULL},
	{"migration_guard.rules", POLICY_RULES, 0, "a rule at a lower level", NULL},
	{"migration_guard.allow", POLICY_ALLOW, 0, "acknowledging an exception", NULL},
	{"migration_guard.on_lock_conflict", POLICY_CONFLICT, 0, "a weaker lock-conflict policy", NULL},
	{"migration_guard.lock_timeout", POLICY_TIMEOUT, GUC_UNIT_MS, "a longer lock_timeout, or none,", NULL},
	{"migration_guard.lock_wait_max", POLICY_LIMIT, GUC_UNIT_MS, "a longer lock wait", NULL},
	{"migration_guard.max_blocker_age", POLICY_LIMIT, GUC_UNIT_MS, "a larger blocker age", NULL},
};

enum
{
	PS_MODE, PS_ROWS, PS_SIZE, PS_RULES, PS_ALLOW, PS_CONFLICT, PS_LOCK_TIMEOUT,
	PS_LOCK_WAIT_MAX, PS_BLOCKER_AGE
};

/* Names of the enum values, as in module.cpp's option tables. */
static const char *const mode_names[] = {"off", "log", "warn", "enforce"};
static const char *const conflict_names[] = {"wait", "warn", "fail", "poll"};

static int
enum_index(const char *const *names, int n, const char *value)
{
	for (int i = 0; i < n; i++)
		if (pg_strcasecmp(names[i], value) == 0)
			return i;
	return -1;
}

/*
 * A comparable strictness of value (larger is stricter), or false when value
 * does not parse (a stored value written before this version: it is then
 * treated as no value at all).
 */
static bool
strictness(const PolicySetting *p, const char *value, double *out)
{
	int			i;

	switch (p->kind)
	{
		case POLICY_MODE:
			i = enum_index(mode_names, lengthof(mode_names), value);
			*out = i;
			return i >= 0;
		case POLICY_CONFLICT:
			i = enum_index(conflict_names, lengthof(conflict_names), value);
			*out = i == 3 ? 2 : i;	/* poll is as strict as fail */
			return i >= 0;
		case POLICY_LIMIT:
		case POLICY_TIMEOUT:
			if (!parse_int(value, &i, p->unit_flags, NULL))
				return false;
			*out = (p->kind == POLICY_TIMEOUT && i <= 0) ? -1e300 : -(double) i;
			return true;
		case POLICY_RULES:
		case POLICY_ALLOW:
			break;
	}
	return false;
}

/* Whether going from value `from` to value `to` weakens the policy. */
static bool
weakens(const PolicySetting *p, const char *from, const char *to)
{
	double		a,
				b;

	if (p->kind == POLICY_RULES || p->kind == POLICY_ALLOW)
	{
		char		errbuf[256];
		bool		weaker = false;

		/* An unparsable `to` is refused by the caller before this. */
		if (!mg_check_rule_list(p->kind == POLICY_RULES ? 'r' : 'a', from ? from : "",
								to ? to : "", &weaker, errbuf, sizeof(errbuf)))
			return false;
		return weaker;
	}
	if (from == NULL || !strictness(p, from, &a))
		return false;
	if (to == NULL || !strictness(p, to, &b))
		return false;
	return b < a;
}

/*
 * The value of parameter name stored by ALTER ROLE/DATABASE ... SET for
 * (database, role), palloc'd, or NULL.  The catalog is read directly (there
 * is no syscache on pg_db_role_setting), as the server does at connection.
 */
static char *
stored_setting(Oid database, Oid role, const char *name)
{
	Relation	rel;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *result = NULL;
	size_t		namelen = strlen(name);

	rel = table_open(DbRoleSettingRelationId, AccessShareLock);
	ScanKeyInit(&keys[0], Anum_pg_db_role_setting_setdatabase, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(database));
	ScanKeyInit(&keys[1], Anum_pg_db_role_setting_setrole, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(role));
	scan = systable_beginscan(rel, DbRoleSettingDatidRolidIndexId, true, NULL, 2, keys);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, Anum_pg_db_role_setting_setconfig,
									 RelationGetDescr(rel), &isnull);

		if (!isnull)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			n;

			deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &n);
			for (int i = 0; i < n; i++)
			{
				char	   *item;

				if (nulls[i])
					continue;
				item = TextDatumGetCString(elems[i]);
				if (pg_strncasecmp(item, name, namelen) == 0 && item[namelen] == '=')
					result = pstrdup(item + namelen + 1);	/* the last one wins */
				pfree(item);
			}
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/* Whether role may weaken parameter name: superuser, or SET granted on it. */
static bool
role_may_weaken(Oid role, const char *name)
{
	if (!OidIsValid(role))
		return false;
	if (superuser_arg(role))
		return true;
	return pg_parameter_aclcheck(name, role, ACL_SET) == ACLCHECK_OK;
}

static Oid
database_owner(Oid database)
{
	HeapTuple	tup = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(database));
	Oid			owner = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		owner = ((Form_pg_database) GETSTRUCT(tup))->datdba;
		ReleaseSysCache(tup);
	}
	return owner;
}

/*
 * One stored level over the baseline so far: it counts when it is not weaker,
 * or when the role that may have written it may weaken the parameter.
 */
static const char *
over(const PolicySetting *p, const char *base, const char *stored, Oid writer)
{
	if (stored == NULL)
		return base;
	if (!weakens(p, base, stored) || role_may_weaken(writer, p->name))
		return stored;
	return base;
}

/*
 * The administrators' value of p for a value arriving from `source`: the
 * levels of lower priority than source (see the top of the file).  Needs a
 * transaction (catalog reads).
 */
static const char *
baseline(const PolicySetting *p, GucSource source, Oid role)
{
	const char *base = p->file_value;
	char	   *global = stored_setting(InvalidOid, InvalidOid, p->name);

	if (global)
		base = global;
	if (!OidIsValid(MyDatabaseId))
		return base;
	if (source > PGC_S_DATABASE)
		base = over(p, base, stored_setting(MyDatabaseId, InvalidOid, p->name),
					database_owner(MyDatabaseId));
	if (source > PGC_S_USER && OidIsValid(role))
		base = over(p, base, stored_setting(InvalidOid, role, p->name), role);
	if (source > PGC_S_DATABASE_USER && OidIsValid(role))
		base = over(p, base, stored_setting(MyDatabaseId, role, p->name), role);
	return base;
}

static void
refuse(const PolicySetting *p, const char *base, GucSource source)
{
	GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
	GUC_check_errmsg("permission denied to weaken %s", p->name);
	GUC_check_errdetail("The administrators' setting is '%s'; %s needs superuser or the SET privilege on %s%s. Making the policy stricter is allowed to everyone.",
						base ? base : "", p->what, p->name,
						source == PGC_S_DATABASE ? " for the database's owner"
						: (source == PGC_S_USER || source == PGC_S_DATABASE_USER) ? " for the role"
						: "");
	GUC_check_errhint("A superuser can delegate it: GRANT SET ON PARAMETER %s TO role;", p->name);
}

/*
 * The check shared by every policy setting: value is the new value as text.
 */
static bool
check_policy(PolicySetting *p, const char *value, GucSource source)
{
	const char *base;
	Oid			writer;

	/* Level 1: the file, ALTER SYSTEM, the command line, the default. */
	if (source <= PGC_S_ARGV)
	{
		char	   *copy = value ? strdup(value) : NULL;

		if (value && copy == NULL)
			return true;		/* out of memory: keep the old baseline */
		free(p->file_value);
		p->file_value = copy;
		return true;
	}
	/* ALTER ROLE ALL SET: written by a superuser. */
	if (source == PGC_S_GLOBAL)
		return true;
	/* A parallel worker restores its leader's values, already checked there. */
	if (InitializingParallelWorker)
		return true;
	/* Without a transaction the catalogs cannot be read: the file is the baseline. */
	if (!IsTransactionState() || !OidIsValid(GetUserId()))
	{
		if (!weakens(p, p->file_value, value))
			return true;
		refuse(p, p->file_value, source);
		return false;
	}
	/*
	 * The role-level values are the session user's (those applied at
	 * connection): SET ROLE to another role must not leave them behind.
	 * Whether the value may be weaker is asked of the current role, which a
	 * SET ROLE or a SECURITY DEFINER function may legitimately change.
	 */
	base = baseline(p, source, GetSessionUserId());
	if (!weakens(p, base, value))
		return true;
	writer = source == PGC_S_DATABASE ? database_owner(MyDatabaseId) : GetUserId();
	if (role_may_weaken(writer, p->name))
		return true;
	refuse(p, base, source);
	return false;
}

bool
mg_check_mode(int *newval, void **extra, GucSource source)
{
	(void) extra;
	if (*newval < 0 || *newval >= (int) lengthof(mode_names))
		return true;			/* the enum's own check refuses it */
	return check_policy(&protected_settings[PS_MODE], mode_names[*newval], source);
}

static bool
check_int(int which, int value, GucSource source)
{
	char		buf[32];

	snprintf(buf, sizeof(buf), "%d", value);
	return check_policy(&protected_settings[which], buf, source);
}

bool
mg_check_large_table_rows(int *newval, void **extra, GucSource source)
{
	(void) extra;
	return check_int(PS_ROWS, *newval, source);
}

bool
mg_check_large_table_size(int *newval, void **extra, GucSource source)
{
	(void) extra;
	return check_int(PS_SIZE, *newval, source);
}

bool
mg_check_lock_timeout(int *newval, void **extra, GucSource source)
{
	(void) extra;
	return check_int(PS_LOCK_TIMEOUT, *newval, source);
}

bool
mg_check_lock_wait_max(int *newval, void **extra, GucSource source)
{
	(void) extra;
	return check_int(PS_LOCK_WAIT_MAX, *newval, source);
}

bool
mg_check_max_blocker_age(int *newval, void **extra, GucSource source)
{
	(void) extra;
	return check_int(PS_BLOCKER_AGE, *newval, source);
}

bool
mg_check_on_lock_conflict(int *newval, void **extra, GucSource source)
{
	(void) extra;
	if (*newval < 0 || *newval >= (int) lengthof(conflict_names))
		return true;
	return check_policy(&protected_settings[PS_CONFLICT], conflict_names[*newval], source);
}

static bool
check_rule_list(int which, char **newval, GucSource source)
{
	PolicySetting *p = &protected_settings[which];
	char		errbuf[256];
	bool		weaker = false;

	/* Validity first, whatever the source. */
	if (!mg_check_rule_list(p->kind == POLICY_RULES ? 'r' : 'a', "", *newval, &weaker,
							errbuf, sizeof(errbuf)))
	{
		GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
		GUC_check_errdetail("%s", errbuf);
		GUC_check_errhint(p->kind == POLICY_RULES
						  ? "Give a comma-separated list of rule=level, with a level among off, info, warning and error, and rule ids from migration_guard.rules."
						  : "Give a comma-separated list of rule ids from migration_guard.rules, or *.");
		return false;
	}
	return check_policy(p, *newval, source);
}

bool
mg_check_rule_overrides(char **newval, void **extra, GucSource source)
{
	(void) extra;
	return check_rule_list(PS_RULES, newval, source);
}

bool
mg_check_allow(char **newval, void **extra, GucSource source)
{
	(void) extra;
	return check_rule_list(PS_ALLOW, newval, source);
}
