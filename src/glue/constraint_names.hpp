// The key columns of a constraint as names, and the name the server will
// give it (constraint_names.cpp).
#pragma once

#include "glue/pg.hpp"

/* Fills op->key_columns, op->nkey_columns and op->chosen_name for con, a
 * constraint added to relid (InvalidOid: a table not created yet). */
void		mg_constraint_key_facts(MgOperation *op, Oid relid, Constraint *con);
