/*
 * The findings of the core turned into messages: LOG, WARNING, and at the
 * end the ERROR of the first finding the policy rejects, each kept in the
 * findings store and noted for the statement running now.
 */
#include "glue/findings_store.hpp"
#include "glue/messages.hpp"
#include "glue/settings.hpp"
#include "glue/statement_state.hpp"

extern "C" {
#include "tcop/tcopprot.h"
}

/*
 * SQLSTATEs, documented in the README: a rejection is MG001 so that migration
 * tools can recognize it; a warning or log entry carries 01MG1.
 */
#define ERRCODE_MG_REJECTED MAKE_SQLSTATE('M', 'G', '0', '0', '1')
#define ERRCODE_MG_WARNING MAKE_SQLSTATE('0', '1', 'M', 'G', '1')

typedef struct PgFinding
{
	int			action;
	int			severity;
	char	   *relation;
	char	   *rule;
	char	   *message;
	char	   *detail;
	char	   *hint;
} PgFinding;

/* A palloc'd copy, or NULL when memory runs out: this never raises an error. */
static char *
copy_or_null(const char *s)
{
	size_t		len = s ? strlen(s) : 0;
	char	   *copy = (char *) MemoryContextAllocExtended(CurrentMemoryContext, len + 1,
														   MCXT_ALLOC_NO_OOM);

	if (copy)
	{
		if (len > 0)
			memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/*
 * Text for the one parseable line of the server log: on one line whatever a
 * name in it holds, so that no role can forge a line of its own.
 */
static const char *
log_line(const char *text)
{
	size_t		size = strlen(text) * 4 + 1;
	char	   *line = (char *) MemoryContextAllocExtended(CurrentMemoryContext, size,
														   MCXT_ALLOC_NO_OOM);

	if (line == NULL)
		return "?";
	(void) mg_one_line(text, line, size);
	return line;
}

void
mg_report_findings(MgResult *result, const char *statement)
{
	PgFinding  *copies = NULL;
	int			n = result->nfindings;
	int			reject = -1;
	char	   *core_error = NULL;
	bool		out_of_memory = false;

	/*
	 * Copy into palloc'd memory with allocations that cannot longjmp, give the
	 * malloc'd result back, and only then report anything.
	 */
	if (result->error)
		out_of_memory = (core_error = copy_or_null(result->error)) == NULL;
	else if (n > 0)
	{
		copies = (PgFinding *) MemoryContextAllocExtended(CurrentMemoryContext,
														  sizeof(PgFinding) * n,
														  MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO);
		out_of_memory = copies == NULL;
		for (int i = 0; i < n && !out_of_memory; i++)
		{
			MgFinding  *f = &result->findings[i];

			copies[i].action = f->action;
			copies[i].severity = f->severity;
			copies[i].relation = copy_or_null(f->relation);
			copies[i].rule = copy_or_null(f->rule);
			copies[i].message = copy_or_null(f->message);
			copies[i].detail = copy_or_null(f->detail);
			copies[i].hint = copy_or_null(f->hint);
			out_of_memory = !copies[i].rule || !copies[i].message || !copies[i].detail ||
				!copies[i].hint || !copies[i].relation;
		}
	}
	mg_result_free(result);
	if (out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("migration_guard could not copy its findings.")));

	if (core_error)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("migration_guard could not analyze the statement: %s", core_error)));

	/*
	 * Kept in the findings store first: before any of them is raised, so that
	 * a rejection is kept although its transaction rolls back.
	 */
	for (int i = 0; i < n; i++)
	{
		MgStoredInput in;

		if (copies[i].action == MG_ACTION_IGNORE)
			continue;
		in.rule = copies[i].rule;
		in.relation = copies[i].relation;
		in.message = copies[i].message;
		in.statement = statement ? statement : debug_query_string;
		in.severity = copies[i].severity;
		in.action = copies[i].action;
		mg_store_finding(&in);
	}

	for (int i = 0; i < n; i++)
	{
		PgFinding  *f = &copies[i];

		mg_note_finding(f->rule, f->action);
		if (f->action == MG_ACTION_REJECT && reject < 0)
		{
			reject = i;			/* raised last, after every warning */
			continue;
		}
		if (f->action == MG_ACTION_IGNORE)
			continue;
		if (f->action == MG_ACTION_ACKNOWLEDGE)
		{
			const char *user = GetUserNameFromId(GetUserId(), true);

			ereport(NOTICE,
					(errcode(ERRCODE_MG_WARNING),
					 errmsg("acknowledged: %s", f->message),
					 errdetail("Rule %s is acknowledged by migration_guard.allow; the statement runs.",
							   f->rule)));
			/* One parseable line in the server log: who acknowledged what. */
			ereport(LOG,
					(errmsg("migration_guard: acknowledged rule=%s user=%s: %s",
							f->rule, log_line(user ? user : "?"), log_line(f->message)),
					 errhidecontext(true)));
			continue;
		}
		ereport(f->action == MG_ACTION_LOG ? LOG : WARNING,
				(errcode(ERRCODE_MG_WARNING),
				 errmsg("%s", f->message),
				 errdetail("%s", f->detail),
				 errhint("%s", f->hint),
				 errcontext("migration_guard rule %s", f->rule)));
	}
	if (reject >= 0)
	{
		PgFinding  *f = &copies[reject];
		const char *user = GetUserNameFromId(GetUserId(), true);

		/*
		 * A rejected statement cannot be written in its aborted transaction:
		 * one parseable line in the server log instead (the statement itself
		 * follows with the ERROR, per log_min_error_statement).
		 */
		ereport(LOG,
				(errmsg("migration_guard: rejected rule=%s user=%s: %s",
						f->rule, log_line(user ? user : "?"), log_line(f->message)),
				 errhidecontext(true)));

		ereport(ERROR,
				(errcode(ERRCODE_MG_REJECTED),
				 errmsg("%s", f->message),
				 errdetail("%s", f->detail),
				 errhint("%s", f->hint),
				 errcontext("migration_guard rule %s (migration_guard.mode = enforce)",
							f->rule)));
	}
}

