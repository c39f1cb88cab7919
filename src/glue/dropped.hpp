// What was dropped while a statement ran, noted just before (dropped.cpp).
#pragma once

#include "glue/pg.hpp"

typedef struct MgDropped
{
	Oid			relid;
	int32		attnum;			/* a column, or 0 for the relation */
	MgTable		table;			/* the table's facts then */
	bool		have_facts;
	char	   *column;			/* a column: its name, type, whether every value was NULL */
	char	   *type_sql;
	bool		column_empty;
	char	   *recreate_sql;	/* a view, sequence or materialized view index: how to get it back */
	int			recreate_rank;	/* 0 sequence, 1 view or materialized view, 2 index */
	bool		is_index;
	bool		definition_unknown;	/* a view whose sources were locked by another session */
} MgDropped;
int			mg_capture_drops_begin(bool with_indexes);
void		mg_capture_drops_end(int start, bool failed);
List	   *mg_captured_drops(void);
MgDropped  *mg_find_dropped(Oid relid, int32 attnum);
