/*
 * What a DROP really drops, CASCADE included, with the facts of each object
 * taken just before it goes.
 *
 * The sql_drop event trigger lists every dropped object, but it fires after
 * the deletions: the catalog rows are gone by then, so neither the row count
 * of a table dropped by CASCADE nor the definition of a view can be read any
 * more.  The server announces each deletion beforehand through the object
 * access hook (OAT_DROP, called by deleteOneObject before the catalog rows
 * are removed).  While a DROP or ALTER TABLE runs, and only then, the hook is
 * installed and notes, for each relation or column about to be dropped, the
 * live facts (row and size estimates, whether a column holds anything) and,
 * for views and materialized views, the SQL that creates them again.  The
 * sql_drop trigger judges the objects dropped by CASCADE from these notes,
 * and the history turns the view definitions into undo SQL.
 *
 * The hook is installed for the duration of the statement, not for the life
 * of the backend: application queries never call it (the server invokes the
 * object access hook for every function an executor initializes).
 */
#include "glue/catalog_sql.hpp"
#include "glue/column_stats.hpp"
#include "glue/dropped.hpp"
#include "glue/undo_facts.hpp"
#include "glue/relation_facts.hpp"
#include "glue/statement_state.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_sequence.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteSupport.h"
#include "catalog/pg_statistic.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/ruleutils.h"
}

static object_access_hook_type prev_object_access = NULL;
static bool hook_installed = false;
static int	capture_depth = 0;
static bool capture_indexes = false;
static MemoryContext capture_cxt = NULL;
static List *captured = NIL;	/* of MgDropped *, in deletion order */

/*
 * The facts of sequence relid that bring it back as the application had it:
 * its parameters, its owner and the privileges granted on it (its ACL, but
 * the owner's own), and its position.
 */
static char *
sequence_create_sql(Oid relid)
{
	HeapTuple	tp = SearchSysCache1(SEQRELID, ObjectIdGetDatum(relid));
	HeapTuple	reltup;
	Form_pg_sequence form;
	MgSequenceFacts seq;
	MgSequenceGrant *grants = NULL;
	LOCAL_FCINFO(fcinfo, 1);
	Datum		last;

	if (!HeapTupleIsValid(tp))
		return NULL;
	memset(&seq, 0, sizeof(seq));
	form = (Form_pg_sequence) GETSTRUCT(tp);
	seq.name.schema = get_namespace_name(get_rel_namespace(relid));
	seq.name.name = get_rel_name(relid);
	seq.type_sql = format_type_be(form->seqtypid);
	seq.increment = form->seqincrement;
	seq.min = form->seqmin;
	seq.max = form->seqmax;
	seq.start = form->seqstart;
	seq.cache = form->seqcache;
	seq.cycle = form->seqcycle;
	ReleaseSysCache(tp);

	reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(reltup))
	{
		Oid			owner = ((Form_pg_class) GETSTRUCT(reltup))->relowner;
		bool		isnull;
		Datum		acldatum = SysCacheGetAttr(RELOID, reltup, Anum_pg_class_relacl, &isnull);

		seq.owner = GetUserNameFromId(owner, false);
		if (!isnull)
		{
			Acl		   *acl = DatumGetAclPCopy(acldatum);
			AclItem    *items = ACL_DAT(acl);
			int			n = ACL_NUM(acl);
			static const struct
			{
				AclMode		bit;
				const char *name;
			}			kinds[] = {{ACL_USAGE, "USAGE"}, {ACL_SELECT, "SELECT"}, {ACL_UPDATE, "UPDATE"}};

			grants = (MgSequenceGrant *) palloc0(sizeof(MgSequenceGrant) * Max(n * 3, 1));
			for (int i = 0; i < n; i++)
			{
				AclMode		privs = ACLITEM_GET_PRIVS(items[i]);
				AclMode		goptions = ACLITEM_GET_GOPTIONS(items[i]);

				if (items[i].ai_grantee == owner)
					continue;	/* the owner's own, implicit */
				for (int k = 0; k < (int) lengthof(kinds); k++)
					if (privs & kinds[k].bit)
					{
						MgSequenceGrant *g = &grants[seq.ngrants++];

						g->privilege = kinds[k].name;
						g->grantee = items[i].ai_grantee == ACL_ID_PUBLIC ? NULL
							: GetUserNameFromId(items[i].ai_grantee, false);
						g->grant_option = (goptions & kinds[k].bit) != 0;
					}
			}
			seq.grants = grants;
		}
		ReleaseSysCache(reltup);
	}

	/*
	 * Its position: NULL when nextval() was never called.  The function
	 * checks the privilege and would fail the DROP: without it, the position
	 * is not recorded.
	 */
	seq.position_readable = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT | ACL_USAGE) == ACLCHECK_OK;
	if (seq.position_readable)
	{
		InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
		fcinfo->args[0].value = ObjectIdGetDatum(relid);
		fcinfo->args[0].isnull = false;
		last = pg_sequence_last_value(fcinfo);
		seq.has_position = !fcinfo->isnull;
		if (seq.has_position)
			seq.position = DatumGetInt64(last);
	}
	return mg_recreate_sequence_sql(&seq);
}

static MgDropped *
new_dropped(Oid relid, int32 attnum)
{
	MgDropped  *d = (MgDropped *) palloc0(sizeof(MgDropped));

	d->relid = relid;
	d->attnum = attnum;
	captured = lappend(captured, d);
	return d;
}

/* A relation, or one of its columns, is about to be dropped. */
static void
note_relation(Oid relid, int32 attnum)
{
	char		relkind = get_rel_relkind(relid);
	MgDropped  *d;

	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		return;

	/*
	 * The statement's own targets were judged, and their undo recorded,
	 * before it ran: their facts are not needed again.
	 */
	if ((relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE) &&
		mg_model_covers(mg_running_model(), relid))
		return;
	if (attnum == 0 && (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
						relkind == RELKIND_MATVIEW))
	{
		d = new_dropped(relid, 0);
		d->have_facts = mg_table_facts(relid, &d->table);
	}
	else if (attnum > 0 && (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE))
	{
		char	   *column = get_attname(relid, (AttrNumber) attnum, true);
		Oid			typid;
		int32		typmod;
		Oid			coll;

		if (column == NULL)
			return;
		d = new_dropped(relid, attnum);
		d->have_facts = mg_table_facts(relid, &d->table);
		d->column = column;
		get_atttypetypmodcoll(relid, (AttrNumber) attnum, &typid, &typmod, &coll);
		d->type_sql = format_type_with_typemod(typid, typmod);
		d->column_empty = mg_column_all_null(relid, (AttrNumber) attnum);
	}
	else if (attnum == 0 && relkind == RELKIND_SEQUENCE)
	{
		char	   *sql = sequence_create_sql(relid);

		if (sql)
		{
			d = new_dropped(relid, 0);
			d->recreate_sql = sql;
			d->recreate_rank = 0;
			d->table.kind = relkind;
			d->table.name.schema = get_namespace_name(get_rel_namespace(relid));
			d->table.name.name = get_rel_name(relid);
		}
	}
	else if (attnum == 0 && relkind == RELKIND_INDEX && capture_indexes)
	{
		/* The indexes of a materialized view go with it: recreate them after it. */
		Oid			table = IndexGetRelation(relid, true);

		if (OidIsValid(table) && get_rel_relkind(table) == RELKIND_MATVIEW)
		{
			d = new_dropped(relid, 0);
			d->recreate_sql = psprintf("%s;", pg_get_indexdef_string(relid));
			d->is_index = true;
			d->recreate_rank = 2;
		}
	}
}

/*
 * Whether every relation the rule reads can be locked at once: deparsing
 * the rule locks them (AccessShareLock), and a DROP must not start waiting
 * for another session's lock because of us.  The locks taken stay until the
 * end of the transaction, as the deparser's would.
 */
static bool
rule_sources_lockable(Oid ruleoid, Oid view)
{
	Relation	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		ok = true;

	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(RewriteRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ruleoid));
	scan = systable_beginscan(rel, DependDependerIndexId, true, NULL, 2, key);
	while (ok && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->refclassid == RelationRelationId && dep->refobjid != view)
			ok = ConditionalLockRelationOid(dep->refobjid, AccessShareLock);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return ok;
}

/* A rewrite rule is about to be dropped: the _RETURN rule of a view holds its definition. */
static void
note_rule(Oid ruleoid)
{
	Relation	rel = table_open(RewriteRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			view = InvalidOid;

	ScanKeyInit(&key, Anum_pg_rewrite_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ruleoid));
	scan = systable_beginscan(rel, RewriteOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		Form_pg_rewrite rule = (Form_pg_rewrite) GETSTRUCT(tup);

		if (strcmp(NameStr(rule->rulename), ViewSelectRuleName) == 0)
			view = rule->ev_class;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	if (!OidIsValid(view) || get_rel_persistence(view) == RELPERSISTENCE_TEMP)
		return;
	if (!rule_sources_lockable(ruleoid, view))
	{
		MgDropped  *d = new_dropped(view, 0);

		d->definition_unknown = true;
		d->table.kind = get_rel_relkind(view);
		d->table.name.schema = get_namespace_name(get_rel_namespace(view));
		d->table.name.name = get_rel_name(view);
	}
	else
	{
		char	   *sql = mg_view_create_sql(view);

		if (sql)
		{
			MgDropped  *d = new_dropped(view, 0);

			d->recreate_sql = sql;
			d->recreate_rank = 1;
			d->table.kind = get_rel_relkind(view);
			d->table.name.schema = get_namespace_name(get_rel_namespace(view));
			d->table.name.name = get_rel_name(view);
		}
	}
}

static void
mg_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	if (prev_object_access)
		prev_object_access(access, classId, objectId, subId, arg);
	if (access != OAT_DROP || capture_depth == 0)
		return;
	/* The server's own internal drops: the old heap after a rewrite, and the like. */
	if (arg && (((ObjectAccessDrop *) arg)->dropflags & PERFORM_DELETION_INTERNAL))
		return;
	if (classId == RelationRelationId || classId == RewriteRelationId)
	{
		MemoryContext old = MemoryContextSwitchTo(capture_cxt);

		if (classId == RelationRelationId)
			note_relation(objectId, subId);
		else
			note_rule(objectId);
		MemoryContextSwitchTo(old);
	}
}

/*
 * Starts noting the drops of the statement about to run, and returns where
 * its notes start in mg_captured_drops() (a statement run inside another
 * one, by a function or an event trigger, adds to the outer one's notes).
 * with_indexes: note the indexes of materialized views too (not for DROP
 * INDEX, whose undo is recorded from its own model).
 */
int
mg_capture_drops_begin(bool with_indexes)
{
	if (capture_depth > 0)
	{
		capture_depth++;
		return list_length(captured);
	}
	if (capture_cxt == NULL)
		capture_cxt = AllocSetContextCreate(TopMemoryContext, "migration_guard dropped objects",
											ALLOCSET_SMALL_SIZES);
	MemoryContextReset(capture_cxt);
	capture_depth = 1;
	captured = NIL;
	capture_indexes = with_indexes;
	if (!hook_installed)
	{
		prev_object_access = object_access_hook;
		object_access_hook = mg_object_access;
		hook_installed = true;
	}
	return 0;
}

/*
 * Stops noting; on error too (the caller's PG_CATCH, failed = true).  The
 * notes of a statement inside another one that failed are forgotten: its
 * drops were rolled back (an EXCEPTION block may have caught the error).
 */
void
mg_capture_drops_end(int start, bool failed)
{
	if (capture_depth == 0)
		return;
	if (--capture_depth > 0)
	{
		if (failed && start < list_length(captured))
			captured = list_truncate(captured, start);
		return;
	}
	captured = NIL;
	MemoryContextReset(capture_cxt);
	/* Unhook, unless a module installed its own on top of ours since. */
	if (hook_installed && object_access_hook == mg_object_access)
	{
		object_access_hook = prev_object_access;
		hook_installed = false;
	}
}

/* What the statement running now dropped so far, in deletion order (NIL outside a capture). */
List *
mg_captured_drops(void)
{
	return capture_depth > 0 ? captured : NIL;
}

/* The note for relation relid (attnum 0) or its column attnum, or NULL. */
MgDropped *
mg_find_dropped(Oid relid, int32 attnum)
{
	ListCell   *lc;

	foreach(lc, mg_captured_drops())
	{
		MgDropped  *d = (MgDropped *) lfirst(lc);

		if (d->relid == relid && d->attnum == attnum && !d->is_index && d->recreate_sql == NULL &&
			!d->definition_unknown)
			return d;
	}
	return NULL;
}
