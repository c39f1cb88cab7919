// The script under review (review.cpp).
#pragma once

#include "glue/model.hpp"

/*
 * What the script under review changed so far (review.cpp), passed to the
 * model in MgModel.script; every answer is false for a NULL script (a
 * statement that runs).
 */
bool		mg_script_proves_not_null(const MgScript *script, Oid relid, const char *column);
bool		mg_script_added_column(const MgScript *script, Oid relid, const char *column);
/*
 * The relation rv names at this point of the script: a relation the script
 * renamed or moved answers to its new name, and no more to its old one
 * (RangeVarGetRelid for a NULL script).
 */
Oid			mg_script_relid(const MgScript *script, const RangeVar *rv);
/* The name in the catalogs of the column of relid the script now calls name. */
const char *mg_script_column(const MgScript *script, Oid relid, const char *name);
bool		mg_script_pending_constraint(const MgScript *script, Oid relid, const char *name,
										 Oid *refrelid);
