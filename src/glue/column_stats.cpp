/*
 * What the statistics (ANALYZE) say of a column: its fraction of NULLs and
 * the average width of its values.  Used by the model (a column whose every
 * value is NULL) and by the undo facts (what a DROP COLUMN loses).
 */
#include "glue/column_stats.hpp"

extern "C" {
#include "catalog/pg_inherits.h"
#include "catalog/pg_statistic.h"
#include "utils/acl.h"
}

/*
 * The statistics of a column (ANALYZE): the fraction of NULLs and the
 * average width in bytes; false when there are none.  With children
 * (inheritance or partitions), only the statistics of the whole tree say.
 */
bool
mg_column_stats(Oid relid, AttrNumber attnum, double *null_frac, int *avg_width)
{
	HeapTuple	tp = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid),
									 Int16GetDatum(attnum), BoolGetDatum(has_subclass(relid)));

	if (!HeapTupleIsValid(tp))
		return false;
	if (null_frac)
		*null_frac = ((Form_pg_statistic) GETSTRUCT(tp))->stanullfrac;
	if (avg_width)
		*avg_width = ((Form_pg_statistic) GETSTRUCT(tp))->stawidth;
	ReleaseSysCache(tp);
	return true;
}

/*
 * Whether the statistics say every value of the column is NULL.  Only for a
 * role that may read the column (ownership counts): pg_stats hides the
 * statistics of the others, and whether a finding appears must not tell them.
 */
bool
mg_column_all_null(Oid relid, AttrNumber attnum)
{
	double		null_frac = 0;
	bool		may_read;

#if PG_VERSION_NUM >= 160000
	may_read = object_ownercheck(RelationRelationId, relid, GetUserId());
#else
	may_read = pg_class_ownercheck(relid, GetUserId());
#endif
	if (!may_read)
		may_read = pg_attribute_aclcheck(relid, attnum, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
	if (!may_read)
		return false;
	return mg_column_stats(relid, attnum, &null_frac, NULL) && null_frac >= 1.0;
}

