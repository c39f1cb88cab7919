// Facts a superuser set in place of the live ones (facts_override.cpp).
#pragma once

#include "glue/pg.hpp"

// Production's facts set by migration-guard review --production in its shadow
// server (facts_override.cpp): row and byte estimates of a relation with
// storage, null fraction of a column.  False when none was set.
bool mg_overridden_table_facts(Oid relid, int64 *rows, int64 *bytes);
bool mg_overridden_null_frac(Oid relid, AttrNumber attnum, double *null_frac);
