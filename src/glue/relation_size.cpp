/*
 * The size of a relation on disk, read without a lock (relation_facts.cpp
 * asks): stat() of the segment files of its main fork, which tolerates a file
 * that a concurrent DROP or rewrite removed, and the width of a row as the
 * planner estimates it.
 */
#include "glue/relation_size.hpp"

#include <sys/stat.h>

extern "C" {
#include "catalog/pg_tablespace_d.h"
#include "storage/proc.h"
}

/* Appends the decimal digits of v at *p; returns the end. */
static char *
append_uint(char *p, uint32 v)
{
	char		digits[10];
	int			n = 0;

	do
	{
		digits[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/*
 * The directory of a database in a tablespace (GetDatabasePath()), kept for
 * the last pair asked: the leaves of a partition tree share it, and building
 * each leaf's path with psprintf() cost some 1 000 instructions a file
 * (issue 19).  The mapping never changes while the server runs.
 */
static const char *
database_dir(Oid db, Oid spc)
{
	static Oid	last_db = InvalidOid;
	static Oid	last_spc = InvalidOid;
	static char dir[MAXPGPATH];

	if (dir[0] == '\0' || db != last_db || spc != last_spc)
	{
		char	   *path = GetDatabasePath(db, spc);

		strlcpy(dir, path, sizeof(dir));
		pfree(path);
		last_db = db;
		last_spc = spc;
	}
	return dir;
}

/* Size in bytes of the main fork of a relation, or -1 if it has no storage we can see. */
int64
mg_main_fork_bytes(Form_pg_class cls, Oid relid)
{
	Oid			spc = cls->reltablespace ? cls->reltablespace : MyDatabaseTableSpace;
	Oid			db = (spc == GLOBALTABLESPACE_OID) ? InvalidOid : MyDatabaseId;
	Oid			filenode = cls->relfilenode;
	int			backend;
	char		path[MAXPGPATH];
	const char *dir;
	size_t		dirlen;
	char	   *end;
	int64		total = 0;

	if (!RELKIND_HAS_STORAGE(cls->relkind))
		return -1;
	if (filenode == InvalidOid)
#if PG_VERSION_NUM >= 160000
		filenode = RelationMapOidToFilenumber(relid, cls->relisshared);
#else
		filenode = RelationMapOidToFilenode(relid, cls->relisshared);
#endif
	if (filenode == InvalidOid)
		return -1;

	if (cls->relpersistence == RELPERSISTENCE_TEMP)
	{
		/* Another session's temporary table has files we cannot name. */
		if (!isTempOrTempToastNamespace(cls->relnamespace))
			return -1;
#if PG_VERSION_NUM >= 170000
		backend = ProcNumberForTempRelations();
#else
		backend = BackendIdForTempRelations();
#endif
	}
	else
		backend = -1;			/* InvalidBackendId / INVALID_PROC_NUMBER */

	/*
	 * The path GetRelationPath() gives for the main fork: the database's
	 * directory, then the file number, "t<backend>_" before it for a
	 * temporary relation; ".<segment>" after it for every segment but the
	 * first.
	 */
	dir = database_dir(db, spc);
	dirlen = strlen(dir);
	if (dirlen + 40 > sizeof(path))
		return -1;
	memcpy(path, dir, dirlen);
	end = path + dirlen;
	*end++ = '/';
	if (backend >= 0)
	{
		*end++ = 't';
		end = append_uint(end, (uint32) backend);
		*end++ = '_';
	}
	end = append_uint(end, filenode);
	*end = '\0';

	for (int segno = 0;; segno++)
	{
		struct stat st;

		if (segno > 0)
		{
			char	   *p = end;

			*p++ = '.';
			p = append_uint(p, (uint32) segno);
			*p = '\0';
		}
		if (stat(path, &st) != 0)
			break;				/* no more segments, or the file is gone */
		total += st.st_size;
		if (st.st_size < (off_t) RELSEG_SIZE * BLCKSZ)
			break;
	}
	return total;
}

/* Estimated width of a row on disk, as the planner computes it. */
int32
mg_row_width(Oid relid, int natts)
{
	int32		width = 0;

	for (AttrNumber attnum = 1; attnum <= natts; attnum++)
	{
		HeapTuple	tp = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
		Form_pg_attribute att;
		int32		w;

		if (!HeapTupleIsValid(tp))
			continue;
		att = (Form_pg_attribute) GETSTRUCT(tp);
		if (!att->attisdropped)
		{
			if (att->attlen > 0)
				w = att->attlen;
			else
			{
				w = get_attavgwidth(relid, attnum);
				if (w <= 0)
					w = get_typavgwidth(att->atttypid, att->atttypmod);
			}
			width += w;
		}
		ReleaseSysCache(tp);
	}
	return width + MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData);
}
