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
bool		mg_script_pending_constraint(const MgScript *script, Oid relid, const char *name,
										 Oid *refrelid);
