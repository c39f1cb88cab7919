// What the current transaction did that the catalogs do not say plainly
// (transaction_state.cpp): the columns it added.
#pragma once

#include "glue/model.hpp"

/*
 * Before a judged statement runs: the columns its ADD COLUMN operations will
 * create (those not there yet), to note with mg_note_added_columns() once it
 * ran.  NIL when there are none.
 */
List	   *mg_columns_to_add(const MgModel *m);
void		mg_note_added_columns(List *columns);
/* Whether column attnum of relid was added by the current transaction. */
bool		mg_column_added_in_transaction(Oid relid, AttrNumber attnum);
/*
 * Whether the scan quals of relid (an implicit AND, Vars of range table entry
 * scanrelid) select every row: each one "col IS NULL" on a column this
 * transaction added without a default, which every row still holds NULL
 * (the backfill that writes "WHERE col IS NULL" touches the whole table).
 */
bool		mg_quals_select_every_row(Oid relid, Index scanrelid, List *quals);
