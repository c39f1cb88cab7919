/*
 * Production's facts in a shadow server: migration-guard review --production
 * recreates the schema a migration touches in a throwaway server that has the
 * extension, with empty tables, and sets here the row and size estimates and
 * the null fractions it read from production's catalogs.  plan(),
 * plan_locks(), review() and report() then judge the migration by
 * production's sizes.
 *
 * Who reads them: only models built with MgModel.use_overrides, which only
 * those four SQL functions set.  The ProcessUtility hook, the event triggers
 * and the executor hook build their models (and call mg_table_facts) without
 * it, so nothing set here can change what the run-time guard decides.
 *
 * Who writes them: superusers only (the functions are also revoked from
 * PUBLIC).  They live in this backend's memory until clear_overrides() or the
 * end of the session; a relation is known by its OID, so a table dropped and
 * created again under the same name has no override.
 */
#include "glue/facts_override.hpp"
#include "glue/relation_facts.hpp"
#include "glue/sql_util.hpp"

extern "C" {
#include "utils/array.h"
#include "utils/hsearch.h"
#include "utils/tuplestore.h"
PG_FUNCTION_INFO_V1(mg_override_facts);
PG_FUNCTION_INFO_V1(mg_override_null_fractions);
PG_FUNCTION_INFO_V1(mg_clear_overrides);
PG_FUNCTION_INFO_V1(mg_overrides);
}

typedef struct TableFactsEntry
{
	Oid			relid;			/* hash key */
	int64		rows;			/* -1: unknown */
	int64		bytes;			/* -1: unknown */
} TableFactsEntry;

typedef struct ColumnKey
{
	Oid			relid;
	int32		attnum;			/* int32: no padding in the hashed key */
} ColumnKey;

typedef struct ColumnFactsEntry
{
	ColumnKey	key;
	double		null_frac;
} ColumnFactsEntry;

static HTAB *table_facts = NULL;
static HTAB *column_facts = NULL;

bool
mg_overridden_table_facts(Oid relid, int64 *rows, int64 *bytes)
{
	TableFactsEntry *e;

	if (table_facts == NULL)
		return false;
	e = (TableFactsEntry *) hash_search(table_facts, &relid, HASH_FIND, NULL);
	if (e == NULL)
		return false;
	*rows = e->rows;
	*bytes = e->bytes;
	return true;
}

bool
mg_overridden_null_frac(Oid relid, AttrNumber attnum, double *null_frac)
{
	ColumnKey	key;
	ColumnFactsEntry *e;

	if (column_facts == NULL)
		return false;
	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.attnum = attnum;
	e = (ColumnFactsEntry *) hash_search(column_facts, &key, HASH_FIND, NULL);
	if (e == NULL)
		return false;
	*null_frac = e->null_frac;
	return true;
}

static void
require_superuser(void)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to override the facts migration_guard reviews with"),
				 errdetail("Only superusers may replace the row estimates, sizes and null fractions that plan(), review() and report() read; the run-time guard never reads them.")));
}

static HTAB *
create_table(const char *name, Size keysize, Size entrysize)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hcxt = TopMemoryContext;
	return hash_create(name, 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* The elements of a one-dimensional array argument (NULL elements flagged). */
static int
array_elements(ArrayType *a, Oid elemtype, Datum **values, bool **nulls, const char *what)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, values, nulls, &n);
	return n;
}

static void
check_lengths(int a, int b, int c)
{
	if (a != b || a != c)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the three arrays must have the same length"),
				 errdetail("They have %d, %d and %d elements.", a, b, c)));
}

static Oid
existing_relation(Datum *values, bool *nulls, int i)
{
	Oid			relid;

	if (nulls[i])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relation %d of the array is null", i + 1)));
	relid = DatumGetObjectId(values[i]);
	if (get_rel_relkind(relid) == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	return relid;
}

/*
 * override_facts(relations regclass[], rows bigint[], bytes bigint[]):
 * a NULL rows or bytes means unknown.  Returns the number of relations set.
 */
Datum
mg_override_facts(PG_FUNCTION_ARGS)
{
	Datum	   *rels,
			   *rows,
			   *bytes;
	bool	   *rels_null,
			   *rows_null,
			   *bytes_null;
	int			nrels,
				nrows,
				nbytes;

	require_superuser();
	nrels = array_elements(PG_GETARG_ARRAYTYPE_P(0), REGCLASSOID, &rels, &rels_null, "relations");
	nrows = array_elements(PG_GETARG_ARRAYTYPE_P(1), INT8OID, &rows, &rows_null, "rows");
	nbytes = array_elements(PG_GETARG_ARRAYTYPE_P(2), INT8OID, &bytes, &bytes_null, "bytes");
	check_lengths(nrels, nrows, nbytes);
	/* Everything is checked before anything is stored: an error leaves no half. */
	for (int i = 0; i < nrels; i++)
	{
		(void) existing_relation(rels, rels_null, i);
		if ((!rows_null[i] && DatumGetInt64(rows[i]) < 0) ||
			(!bytes_null[i] && DatumGetInt64(bytes[i]) < 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rows and bytes must not be negative"),
					 errhint("Give NULL for an unknown value.")));
	}
	if (table_facts == NULL)
		table_facts = create_table("migration_guard table facts", sizeof(Oid),
								   sizeof(TableFactsEntry));
	for (int i = 0; i < nrels; i++)
	{
		Oid			relid = DatumGetObjectId(rels[i]);
		TableFactsEntry *e = (TableFactsEntry *) hash_search(table_facts, &relid, HASH_ENTER, NULL);

		e->rows = rows_null[i] ? -1 : DatumGetInt64(rows[i]);
		e->bytes = bytes_null[i] ? -1 : DatumGetInt64(bytes[i]);
	}
	mg_facts_cache_flush();
	PG_RETURN_INT32(nrels);
}

/*
 * override_null_fractions(relations regclass[], columns name[], null_fracs real[]):
 * the fraction of NULL values of each column (pg_stats.null_frac).
 */
Datum
mg_override_null_fractions(PG_FUNCTION_ARGS)
{
	Datum	   *rels,
			   *cols,
			   *fracs;
	bool	   *rels_null,
			   *cols_null,
			   *fracs_null;
	int			nrels,
				ncols,
				nfracs;
	AttrNumber *attnums;

	require_superuser();
	nrels = array_elements(PG_GETARG_ARRAYTYPE_P(0), REGCLASSOID, &rels, &rels_null, "relations");
	ncols = array_elements(PG_GETARG_ARRAYTYPE_P(1), NAMEOID, &cols, &cols_null, "columns");
	nfracs = array_elements(PG_GETARG_ARRAYTYPE_P(2), FLOAT4OID, &fracs, &fracs_null, "null_fracs");
	check_lengths(nrels, ncols, nfracs);
	attnums = (AttrNumber *) palloc(sizeof(AttrNumber) * Max(1, nrels));
	for (int i = 0; i < nrels; i++)
	{
		Oid			relid = existing_relation(rels, rels_null, i);
		const char *col;
		float4		f;

		if (cols_null[i] || fracs_null[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("column %d or its null fraction is null", i + 1)));
		col = NameStr(*DatumGetName(cols[i]));
		attnums[i] = get_attnum(relid, col);
		if (attnums[i] == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation \"%s\" does not exist", col,
							get_rel_name(relid))));
		f = DatumGetFloat4(fracs[i]);
		if (!(f >= 0 && f <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("null fraction %g of column \"%s\" is not between 0 and 1", f, col)));
	}
	if (column_facts == NULL)
		column_facts = create_table("migration_guard column facts", sizeof(ColumnKey),
									sizeof(ColumnFactsEntry));
	for (int i = 0; i < nrels; i++)
	{
		ColumnKey	key;
		ColumnFactsEntry *e;

		memset(&key, 0, sizeof(key));
		key.relid = DatumGetObjectId(rels[i]);
		key.attnum = attnums[i];
		e = (ColumnFactsEntry *) hash_search(column_facts, &key, HASH_ENTER, NULL);
		e->null_frac = DatumGetFloat4(fracs[i]);
	}
	PG_RETURN_INT32(nrels);
}

Datum
mg_clear_overrides(PG_FUNCTION_ARGS)
{
	require_superuser();
	if (table_facts)
		hash_destroy(table_facts);
	if (column_facts)
		hash_destroy(column_facts);
	table_facts = column_facts = NULL;
	mg_facts_cache_flush();
	PG_RETURN_VOID();
}

/* overrides(): what this session set, one row per relation or column. */
Datum
mg_overrides(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = mg_begin_srf(fcinfo);
	HASH_SEQ_STATUS status;

	if (table_facts)
	{
		TableFactsEntry *e;

		hash_seq_init(&status, table_facts);
		while ((e = (TableFactsEntry *) hash_seq_search(&status)) != NULL)
		{
			Datum		values[5];
			bool		nulls[5] = {false, true, e->rows < 0, e->bytes < 0, true};

			values[0] = ObjectIdGetDatum(e->relid);
			values[2] = Int64GetDatum(e->rows);
			values[3] = Int64GetDatum(e->bytes);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	if (column_facts)
	{
		ColumnFactsEntry *e;

		hash_seq_init(&status, column_facts);
		while ((e = (ColumnFactsEntry *) hash_seq_search(&status)) != NULL)
		{
			Datum		values[5];
			bool		nulls[5] = {false, false, true, true, false};
			char	   *col = get_attname(e->key.relid, (AttrNumber) e->key.attnum, true);

			if (col == NULL)
				continue;		/* dropped since */
			values[0] = ObjectIdGetDatum(e->key.relid);
			values[1] = CStringGetTextDatum(col);
			values[4] = Float4GetDatum((float4) e->null_frac);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
