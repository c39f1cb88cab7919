// The findings store (findings_store.cpp): shared memory, read by migration_guard.findings.
#pragma once

#include "glue/pg.hpp"

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
