/*
 * The findings store: every finding the server raised (logged, warned,
 * acknowledged, rejected), readable from SQL afterwards in the view
 * migration_guard.findings, even when its transaction rolled back.
 *
 * A ring of migration_guard.findings_max fixed-size entries in shared memory,
 * protected by one LWLock.  mg_report_findings() writes a statement's findings
 * here before it raises anything, so a rejection is kept although its
 * transaction is rolled back.  When the ring is full the oldest entry is
 * overwritten and counted in `evicted` (migration_guard.findings_info).  The
 * postmaster writes the ring to pg_stat/ at a clean shutdown, and the next
 * start reads it back (and removes the file, as pg_stat_statements does, so
 * that a crash starts empty rather than with stale entries).
 *
 * Shared memory can only be reserved while shared_preload_libraries is
 * processed: a session that loaded the library later (session_preload_libraries,
 * LOAD, or the first call of one of our functions) keeps nothing, and the view
 * says why with an error.
 *
 * Plain C structs only; nothing here raises an error while the lock is held.
 */
#include "glue/settings.hpp"
#include "glue/findings_store.hpp"
#include "glue/model.hpp"
#include "glue/sql_util.hpp"
#include "glue/tool_settings.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "pgstat.h"
#include "catalog/pg_authid.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
PG_FUNCTION_INFO_V1(mg_stored_findings);
PG_FUNCTION_INFO_V1(mg_stored_findings_info);
PG_FUNCTION_INFO_V1(mg_stored_findings_reset);
}

#define MG_STORE_FILE PGSTAT_STAT_PERMANENT_DIRECTORY "/migration_guard_findings.stat"
#define MG_STORE_MAGIC 0x4D474631	/* "MGF1" */

/* Sizes of the text fields, terminating NUL included; longer texts are cut. */
#define MG_STORE_RULE_LEN 64
#define MG_STORE_RELATION_LEN (2 * NAMEDATALEN + 4)
#define MG_STORE_APPNAME_LEN NAMEDATALEN
#define MG_STORE_MIGRATION_LEN 128
#define MG_STORE_MESSAGE_LEN 512
#define MG_STORE_STATEMENT_LEN 1024

typedef struct MgStoredFinding
{
	int64		id;				/* 1, 2, ...: never reused, also across restarts */
	TimestampTz found_at;
	Oid			userid;
	Oid			dbid;
	int32		pid;
	int32		encoding;		/* of the database the texts come from */
	int16		severity;		/* mg::Severity */
	int16		action;			/* MG_ACTION_* */
	char		rule[MG_STORE_RULE_LEN];
	char		relation[MG_STORE_RELATION_LEN];
	char		application_name[MG_STORE_APPNAME_LEN];
	char		migration_id[MG_STORE_MIGRATION_LEN];
	char		message[MG_STORE_MESSAGE_LEN];
	char		statement[MG_STORE_STATEMENT_LEN];
} MgStoredFinding;

typedef struct MgFindingsShared
{
	LWLock	   *lock;
	int			capacity;
	int64		first_id;		/* the oldest entry kept */
	int64		next_id;		/* the id of the next entry: first_id..next_id-1 are kept */
	int64		evicted;		/* entries overwritten since the last reset */
	TimestampTz reset_at;
	MgStoredFinding entries[FLEXIBLE_ARRAY_MEMBER];
} MgFindingsShared;

int			mg_findings_max = 1000;
static MgFindingsShared *store = NULL;

#if PG_VERSION_NUM >= 150000
static shmem_request_hook_type prev_shmem_request_hook = NULL;
#endif
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static Size
store_size(void)
{
	return add_size(offsetof(MgFindingsShared, entries),
					mul_size(sizeof(MgStoredFinding), mg_findings_max));
}

static void
store_request(void)
{
#if PG_VERSION_NUM >= 150000
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
#endif
	RequestAddinShmemSpace(store_size());
	RequestNamedLWLockTranche("migration_guard", 1);
}

/* Copies src into a field of size len, cut at a character boundary. */
static void
copy_clipped(char *dst, int len, const char *src)
{
	int			n;

	if (src == NULL)
	{
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	if (n >= len)
		n = pg_mbcliplen(src, n, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The slot of entry id. */
static MgStoredFinding *
slot(int64 id)
{
	return &store->entries[(id - 1) % store->capacity];
}

/* Appends a copy of e (its id set here); the oldest entry goes when full. Lock held. */
static void
append_locked(const MgStoredFinding *e)
{
	MgStoredFinding *s;

	if (store->next_id - store->first_id >= store->capacity)
	{
		store->first_id++;
		store->evicted++;
	}
	s = slot(store->next_id);
	memcpy(s, e, sizeof(MgStoredFinding));
	s->id = store->next_id++;
}

/* Writes the ring to MG_STORE_FILE: at a clean shutdown of the postmaster. */
static void
store_shutdown(int code, Datum arg)
{
	FILE	   *file;
	uint32		header[2] = {MG_STORE_MAGIC, (uint32) sizeof(MgStoredFinding)};
	int64		n;

	(void) arg;
	/* Not after a crash: the memory may be damaged. */
	if (code != 0 || store == NULL)
		return;
	file = AllocateFile(MG_STORE_FILE ".tmp", PG_BINARY_W);
	if (file == NULL)
		goto error;
	n = store->next_id - store->first_id;
	if (fwrite(header, sizeof(header), 1, file) != 1 ||
		fwrite(&store->next_id, sizeof(int64), 1, file) != 1 ||
		fwrite(&store->evicted, sizeof(int64), 1, file) != 1 ||
		fwrite(&store->reset_at, sizeof(TimestampTz), 1, file) != 1 ||
		fwrite(&n, sizeof(int64), 1, file) != 1)
		goto error;
	for (int64 id = store->first_id; id < store->next_id; id++)
		if (fwrite(slot(id), sizeof(MgStoredFinding), 1, file) != 1)
			goto error;
	if (FreeFile(file))
	{
		file = NULL;
		goto error;
	}
	(void) durable_rename(MG_STORE_FILE ".tmp", MG_STORE_FILE, LOG);
	return;

error:
	ereport(LOG,
			(errcode_for_file_access(),
			 errmsg("migration_guard: could not write file \"%s\": %m", MG_STORE_FILE ".tmp")));
	if (file)
		FreeFile(file);
	unlink(MG_STORE_FILE ".tmp");
}

/* Reads back what the last clean shutdown wrote, then removes the file. */
static void
store_load(void)
{
	FILE	   *file = AllocateFile(MG_STORE_FILE, PG_BINARY_R);
	uint32		header[2];
	int64		next_id;
	int64		evicted;
	TimestampTz reset_at;
	int64		n;
	MgStoredFinding e;

	if (file == NULL)
	{
		if (errno != ENOENT)
			ereport(LOG,
					(errcode_for_file_access(),
					 errmsg("migration_guard: could not read file \"%s\": %m", MG_STORE_FILE)));
		return;
	}
	if (fread(header, sizeof(header), 1, file) != 1 || header[0] != MG_STORE_MAGIC ||
		header[1] != sizeof(MgStoredFinding) ||
		fread(&next_id, sizeof(int64), 1, file) != 1 ||
		fread(&evicted, sizeof(int64), 1, file) != 1 ||
		fread(&reset_at, sizeof(TimestampTz), 1, file) != 1 ||
		fread(&n, sizeof(int64), 1, file) != 1 || n < 0 || next_id < n + 1)
	{
		ereport(LOG,
				(errmsg("migration_guard: ignoring file \"%s\": not written by this version",
						MG_STORE_FILE)));
		FreeFile(file);
		unlink(MG_STORE_FILE);
		return;
	}
	/* Ids go on where they stopped; a smaller ring keeps the newest entries. */
	store->first_id = store->next_id = next_id - n;
	store->evicted = evicted;
	store->reset_at = reset_at;
	for (int64 i = 0; i < n; i++)
	{
		if (fread(&e, sizeof(e), 1, file) != 1)
		{
			ereport(LOG,
					(errmsg("migration_guard: file \"%s\" is truncated", MG_STORE_FILE)));
			break;
		}
		e.rule[MG_STORE_RULE_LEN - 1] = e.relation[MG_STORE_RELATION_LEN - 1] = '\0';
		e.application_name[MG_STORE_APPNAME_LEN - 1] = '\0';
		e.migration_id[MG_STORE_MIGRATION_LEN - 1] = '\0';
		e.message[MG_STORE_MESSAGE_LEN - 1] = e.statement[MG_STORE_STATEMENT_LEN - 1] = '\0';
		append_locked(&e);
	}
	FreeFile(file);
	unlink(MG_STORE_FILE);
}

static void
store_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	store = NULL;
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	store = (MgFindingsShared *) ShmemInitStruct("migration_guard findings", store_size(), &found);
	if (!found)
	{
		store->lock = &(GetNamedLWLockTranche("migration_guard"))->lock;
		store->capacity = mg_findings_max;
		store->first_id = store->next_id = 1;
		store->evicted = 0;
		store->reset_at = GetCurrentTimestamp();
	}
	LWLockRelease(AddinShmemInitLock);
	/* The postmaster saves the ring when it shuts down. */
	if (!IsUnderPostmaster)
		on_shmem_exit(store_shutdown, (Datum) 0);
	if (!found)
		store_load();
}

void
mg_findings_store_init(void)
{
	/*
	 * Only while shared_preload_libraries is processed: shared memory cannot
	 * be had later, and the server refuses (FATAL) a PGC_POSTMASTER setting
	 * defined after startup.
	 */
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomIntVariable("migration_guard.findings_max",
							"How many findings migration_guard.findings keeps; the oldest go first.",
							"Each takes about 2 kB of shared memory. Needs a restart.",
							&mg_findings_max,
							1000,
							10, 1000000,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = store_request;
#else
	store_request();
#endif
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = store_startup;
}

bool
mg_findings_store_active(void)
{
	return store != NULL;
}

void
mg_store_finding(const MgStoredInput *in)
{
	MgStoredFinding e;
	const char *appname = application_name;
	const char *newline;

	if (store == NULL)
		return;
	memset(&e, 0, sizeof(e));
	e.found_at = GetCurrentTimestamp();
	e.userid = GetUserId();
	e.dbid = MyDatabaseId;
	e.pid = MyProcPid;
	e.encoding = GetDatabaseEncoding();
	e.severity = (int16) in->severity;
	e.action = (int16) in->action;
	copy_clipped(e.rule, MG_STORE_RULE_LEN, in->rule);
	copy_clipped(e.relation, MG_STORE_RELATION_LEN, in->relation);
	copy_clipped(e.application_name, MG_STORE_APPNAME_LEN, appname);
	copy_clipped(e.migration_id, MG_STORE_MIGRATION_LEN, mg_migration_id);
	copy_clipped(e.statement, MG_STORE_STATEMENT_LEN, mg_trim_leading(in->statement ? in->statement : ""));
	/* The primary message's first line (the inline format adds more lines). */
	copy_clipped(e.message, MG_STORE_MESSAGE_LEN, in->message);
	newline = strchr(e.message, '\n');
	if (newline)
		e.message[newline - e.message] = '\0';

	LWLockAcquire(store->lock, LW_EXCLUSIVE);
	append_locked(&e);
	LWLockRelease(store->lock);
}

static void
require_store(void)
{
	if (store == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("migration_guard.findings needs migration_guard in shared_preload_libraries"),
				 errdetail("The findings are kept in shared memory, which a library can reserve only at server start; a session that loaded the library later reports its findings to the client and the server log only."),
				 errhint("Add migration_guard to shared_preload_libraries in postgresql.conf and restart the server.")));
}

static const char *
severity_text(int severity)
{
	return severity == 2 ? "error" : severity == 1 ? "warning" : "info";
}

static const char *
decision_text(int action)
{
	switch (action)
	{
		case MG_ACTION_LOG:
			return "logged";
		case MG_ACTION_WARN:
			return "warned";
		case MG_ACTION_REJECT:
			return "rejected";
		case MG_ACTION_ACKNOWLEDGE:
			return "acknowledged";
		default:
			return "ignored";
	}
}

/* A text column from a stored field, in this database's encoding. */
static Datum
text_of(const char *s, int encoding)
{
	char	   *converted = (char *) pg_do_encoding_conversion((unsigned char *) s, strlen(s),
															   encoding, GetDatabaseEncoding());

	return CStringGetTextDatum(converted);
}

/*
 * The entries the caller may see: its own (and those of the roles whose
 * privileges it has), every one for superusers and pg_read_all_stats.
 */
Datum
mg_stored_findings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo;
	MgStoredFinding *copy;
	int64		n = 0;
	Oid			me = GetUserId();
	bool		all;

	require_store();
	rsinfo = mg_begin_srf(fcinfo);
	all = has_privs_of_role(me, ROLE_PG_READ_ALL_STATS);

	/* Copied under the lock into memory allocated before it, read after. */
	copy = (MgStoredFinding *) palloc_extended(sizeof(MgStoredFinding) * store->capacity,
											   MCXT_ALLOC_HUGE);
	LWLockAcquire(store->lock, LW_SHARED);
	for (int64 id = store->first_id; id < store->next_id; id++)
		memcpy(&copy[n++], slot(id), sizeof(MgStoredFinding));
	LWLockRelease(store->lock);

	for (int64 i = 0; i < n; i++)
	{
		MgStoredFinding *e = &copy[i];
		Datum		values[13];
		bool		nulls[13];

		CHECK_FOR_INTERRUPTS();
		if (!all && e->userid != me && !has_privs_of_role(me, e->userid))
			continue;
		memset(nulls, false, sizeof(nulls));
		values[0] = Int64GetDatum(e->id);
		values[1] = TimestampTzGetDatum(e->found_at);
		values[2] = ObjectIdGetDatum(e->userid);
		values[3] = ObjectIdGetDatum(e->dbid);
		values[4] = Int32GetDatum(e->pid);
		values[5] = text_of(e->application_name, e->encoding);
		values[6] = text_of(e->migration_id, e->encoding);
		nulls[6] = e->migration_id[0] == '\0';
		values[7] = text_of(e->statement, e->encoding);
		values[8] = CStringGetTextDatum(e->rule);
		values[9] = text_of(e->relation, e->encoding);
		nulls[9] = e->relation[0] == '\0';
		values[10] = CStringGetTextDatum(severity_text(e->severity));
		values[11] = CStringGetTextDatum(decision_text(e->action));
		values[12] = text_of(e->message, e->encoding);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* capacity, kept, evicted, reset_at: one row. */
Datum
mg_stored_findings_info(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	require_store();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	LWLockAcquire(store->lock, LW_SHARED);
	values[0] = Int32GetDatum(store->capacity);
	values[1] = Int64GetDatum(store->next_id - store->first_id);
	values[2] = Int64GetDatum(store->evicted);
	values[3] = TimestampTzGetDatum(store->reset_at);
	LWLockRelease(store->lock);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* Forgets every entry and the eviction count (EXECUTE granted by the administrator). */
Datum
mg_stored_findings_reset(PG_FUNCTION_ARGS)
{
	(void) fcinfo;
	require_store();
	LWLockAcquire(store->lock, LW_EXCLUSIVE);
	store->first_id = store->next_id;
	store->evicted = 0;
	store->reset_at = GetCurrentTimestamp();
	LWLockRelease(store->lock);
	PG_RETURN_VOID();
}
