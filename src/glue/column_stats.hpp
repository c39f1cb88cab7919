// What the statistics say of a column (column_stats.cpp).
#pragma once

#include "glue/pg.hpp"

/* Every value of the column is NULL, for a role that may read it. */
bool		mg_column_all_null(Oid relid, AttrNumber attnum);
bool		mg_column_stats(Oid relid, AttrNumber attnum, double *null_frac, int *avg_width);
