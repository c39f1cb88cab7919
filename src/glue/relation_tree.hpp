// The facts of a large partition tree, read in one pass (relation_tree.cpp),
// shared with relation_facts.cpp.
#pragma once

#include "glue/pg.hpp"

extern "C" {
#include "utils/hsearch.h"
}

/*
 * pg_class rows read in one pass for a large partition tree (see
 * mg_gather_tree()); NULL otherwise.  Each holds the fixed part of the row and
 * its xmin.
 */
typedef struct ClassRow
{
	Oid			oid;
	TransactionId xmin;
	FormData_pg_class cls;
} ClassRow;

/* Invalid indexes by table, gathered in one pass for a large partition tree. */
typedef struct InvalidIndexes
{
	Oid			relid;
	List	   *names;
} InvalidIndexes;

extern HTAB *mg_batch_class;
extern HTAB *mg_batch_invalid;

/*
 * Every relation of the partition tree below relid (direct: its children,
 * find_inheritance_children()), relid first, with the pg_class rows of the tree
 * and its TOAST tables in mg_batch_class and its invalid indexes in
 * mg_batch_invalid.
 */
List	   *mg_gather_tree(Oid relid, List *direct);
/*
 * The invalid indexes of every relation in relids into mg_batch_invalid: one
 * pass over pg_index when that is cheaper than one probe per relation.
 */
void		mg_gather_invalid_indexes(List *relids, HTAB *classes);
