// The size of a relation on disk (relation_size.cpp), for relation_facts.cpp.
#pragma once

#include "glue/pg.hpp"

// Size in bytes of the main fork of a relation, or -1 if it has no storage we
// can see (cls: its pg_class row).
int64		mg_main_fork_bytes(Form_pg_class cls, Oid relid);
// Estimated width of a row on disk, as the planner computes it.
int32		mg_row_width(Oid relid, int natts);
