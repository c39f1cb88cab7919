/*
 * The ProcessUtility hook: the main gate.
 *
 * Event triggers miss TRUNCATE, VACUUM, CLUSTER and (before PostgreSQL 17)
 * REINDEX, and do not fire in single-user mode; the hook sees every utility
 * statement, including those run from functions.  It runs for every BEGIN,
 * COMMIT, SET and SHOW of every client too, so its first action is a switch
 * on the node tag: anything that is not a statement we judge goes straight on,
 * with no catalog access and no allocation.
 *
 * Whatever happens, the previous hook (or standard_ProcessUtility) is called
 * exactly once, unless we reject the statement with an ERROR, in which case it
 * is not called at all.
 */
#include "glue/dropped.hpp"
#include "glue/held_locks.hpp"
#include "glue/history.hpp"
#include "glue/hook.hpp"
#include "glue/lock_guard.hpp"
#include "glue/model.hpp"
#include "glue/relation_facts.hpp"
#include "glue/messages.hpp"
#include "glue/settings.hpp"
#include "glue/statement_state.hpp"
#include "glue/tool_settings.hpp"
#include "glue/transaction_state.hpp"

extern "C" {
#include "storage/proc.h"
#include "catalog/pg_namespace.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
}

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

/*
 * The relcache and namespace invalidations processed before judge() built
 * its model (mg_facts_invalidation_count()): the same count later means that
 * the statement's names still denote the relations judged.
 */
static uint64 judged_at_invalidations = 0;

/* The text of the statement being executed, out of a possibly multi-statement string. */
static char *
statement_text(PlannedStmt *pstmt, const char *queryString)
{
	/* Trust the parser's location: no strlen of a long multi-statement string. */
	if (queryString == NULL)
		return pstrdup("");
	if (pstmt->stmt_location < 0)
		return pstrdup(queryString);
	if (pstmt->stmt_len > 0)
		return pnstrdup(queryString + pstmt->stmt_location, pstmt->stmt_len);
	return pstrdup(queryString + pstmt->stmt_location);
}

/*
 * Model the statement, judge its operations, report.  Returns the model, or
 * NULL for a statement we do not model.  Raises the ERROR of a rejection.
 */
static MgModel *
judge(MgStatementState *st, PlannedStmt *pstmt, const char *queryString)
{
	MgModel    *model = (MgModel *) palloc0(sizeof(MgModel));
	MgSettings	settings;
	MgResult	result;

	/* No finding and nothing predicted for this statement until its model says so. */
	mg_statement_judged(st);

	/* Our own install and update scripts change only our own objects. */
	if (creating_extension && OidIsValid(CurrentExtensionObject) &&
		strcmp(get_extension_name(CurrentExtensionObject), "migration_guard") == 0)
		return NULL;
	judged_at_invalidations = mg_facts_invalidation_count();
	if (!mg_analyze(pstmt->utilityStmt, queryString, statement_text(pstmt, queryString), model))
		return NULL;

	/*
	 * Every relation is judged, the first as much as the others, and
	 * ownership counts even when the owner revoked its own privileges.  Of a
	 * table the role has no privilege at all on, the hook says nothing: the
	 * server refuses the statement with its own error, and our messages
	 * would only tell the table's size.  (A statement that acts on tables by
	 * a right of its own, checked by the model, keeps them all.)
	 */
	if (!model->acts_by_right)
	{
		int			kept = 0;

		for (int i = 0; i < model->nops; i++)
		{
			if (!mg_relation_visible(model->op_relids[i]))
				continue;
			model->ops[kept] = model->ops[i];
			model->op_relids[kept] = model->op_relids[i];
			kept++;
		}
		model->nops = kept;
	}
	mg_note_predicted_rewrites(st, model);
	if (model->nops == 0)
		return model;
	mg_current_settings(&settings);
	mg_probe_lock_requests(model, &settings);
	mg_evaluate(model->ops, model->nops, &settings, &result);
	mg_report_findings(&result, model->text);
	return model;
}

/*
 * Whether a CREATE TABLE locks another table: a foreign key (SHARE ROW
 * EXCLUSIVE on the referenced table), PARTITION OF (ACCESS EXCLUSIVE on the
 * parent), INHERITS.
 */
static bool
create_locks_others(CreateStmt *stmt)
{
	ListCell   *lc;

	if (stmt->inhRelations != NIL || stmt->partbound != NULL)
		return true;
	foreach(lc, stmt->constraints)
		if (IsA(lfirst(lc), Constraint) && ((Constraint *) lfirst(lc))->contype == CONSTR_FOREIGN)
			return true;
	foreach(lc, stmt->tableElts)
	{
		ListCell   *cc;

		/* The raw parse tree keeps table constraints among the columns. */
		if (IsA(lfirst(lc), Constraint) && ((Constraint *) lfirst(lc))->contype == CONSTR_FOREIGN)
			return true;
		if (!IsA(lfirst(lc), ColumnDef))
			continue;
		foreach(cc, ((ColumnDef *) lfirst(lc))->constraints)
			if (IsA(lfirst(cc), Constraint) && ((Constraint *) lfirst(cc))->contype == CONSTR_FOREIGN)
				return true;
	}
	return false;
}

/* Whether DDL goes into the history: on, and the extension installed in this database. */
static bool
recording(void)
{
	return mg_history && mg_history_available();
}

/* The model of a statement that has no lock worth judging: for the history. */
static MgModel *
bare_model(MgStatementState *st, PlannedStmt *pstmt, const char *queryString)
{
	MgModel    *model = (MgModel *) palloc0(sizeof(MgModel));

	model->command = GetCommandTagName(CreateCommandTag(pstmt->utilityStmt));
	model->query = queryString ? queryString : "";
	model->text = mg_trim_leading(statement_text(pstmt, queryString));
	mg_statement_judged(st);
	return model;
}

static void run_statement(PlannedStmt *pstmt, const char *queryString,
						  bool readOnlyTree,
						  ProcessUtilityContext context, ParamListInfo params,
						  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc);

static void run_judged(PlannedStmt *pstmt, const char *queryString,
					   bool readOnlyTree,
					   ProcessUtilityContext context, ParamListInfo params,
					   QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc,
					   MgStatementState *st);
static void after_statement(MgStatementState *st, Node *parsetree);

/*
 * The rename race.  The statement was judged against the relation its name
 * denoted then; the server resolves the name again when it takes its lock,
 * and a rename committed while the statement waited (a session that renamed
 * the judged table away and another table to its name, and held both locks)
 * would let it act on a table it was not judged against.  So the statement's
 * lock on its target is taken here, after the ownership check the server's
 * own callbacks make first, and the name is resolved again once it is held:
 * if it now denotes another relation, that one is judged (in enforce,
 * rejected like any other), and its lock taken in turn.  The other
 * relations the statement names (the partition ATTACH scans, the table a
 * FOREIGN KEY references, the parents of PARTITION OF, the further tables of
 * TRUNCATE, DROP or LOCK) are taken the same way right after, in the order
 * the statement names them, each in the mode the model says the server takes
 * (so that the server's own request later is no upgrade), and only when the
 * role may act on them: a name that then denotes another relation is judged
 * again too.
 */
/* Takes the lock; a lock timeout's error names who was in the way. */
static void
lock_or_explain(const MgModel *model, Oid relid, LOCKMODE mode, int timeout_nestlevel)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		LockRelationOid(relid, mode);
	}
	PG_CATCH();
	{
		if (mg_explains_lock_timeouts(timeout_nestlevel))
			mg_explain_lock_timeout(model, cxt, timeout_nestlevel >= 0);
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/* A FOREIGN KEY among constraints: the table it references. */
static List *
referenced_tables(List *constraints, List *out)
{
	ListCell   *lc;

	foreach(lc, constraints)
	{
		Node	   *n = (Node *) lfirst(lc);

		if (IsA(n, Constraint) && ((Constraint *) n)->contype == CONSTR_FOREIGN &&
			((Constraint *) n)->pktable)
			out = lappend(out, ((Constraint *) n)->pktable);
	}
	return out;
}

/* The relations a statement names besides its first one, in its order (RangeVars). */
static List *
named_relations(Node *parsetree)
{
	List	   *out = NIL;
	ListCell   *lc;

	switch (nodeTag(parsetree))
	{
		case T_AlterTableStmt:
			foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
			{
				AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

				if (cmd->subtype == AT_AttachPartition && cmd->def && IsA(cmd->def, PartitionCmd))
					out = lappend(out, ((PartitionCmd *) cmd->def)->name);
				else if (cmd->subtype == AT_AddConstraint && cmd->def)
					out = referenced_tables(list_make1(cmd->def), out);
				else if (cmd->subtype == AT_AddColumn && cmd->def && IsA(cmd->def, ColumnDef))
					out = referenced_tables(((ColumnDef *) cmd->def)->constraints, out);
			}
			break;
		case T_CreateStmt:
			{
				CreateStmt *cs = (CreateStmt *) parsetree;

				out = list_copy(cs->inhRelations);
				foreach(lc, cs->tableElts)
				{
					Node	   *elt = (Node *) lfirst(lc);

					if (IsA(elt, ColumnDef))
						out = referenced_tables(((ColumnDef *) elt)->constraints, out);
					else
						out = referenced_tables(list_make1(elt), out);
				}
				out = referenced_tables(cs->constraints, out);
			}
			break;
		case T_TruncateStmt:
			out = list_copy(((TruncateStmt *) parsetree)->relations);
			break;
		case T_LockStmt:
			out = list_copy(((LockStmt *) parsetree)->relations);
			break;
		case T_DropStmt:
			{
				DropStmt   *ds = (DropStmt *) parsetree;

				if (ds->removeType != OBJECT_TABLE && ds->removeType != OBJECT_VIEW &&
					ds->removeType != OBJECT_MATVIEW && ds->removeType != OBJECT_FOREIGN_TABLE)
					break;
				foreach(lc, ds->objects)
					out = lappend(out, makeRangeVarFromNameList((List *) lfirst(lc)));
			}
			break;
		default:
			break;
	}
	return out;
}

/*
 * Whether the role may act on relid at all (owner, or any privilege on it).
 * TRUNCATE and DROP check their privilege (TRUNCATE; owning the table or its
 * schema) before they lock a table: a role without it must not get the
 * hook to queue ACCESS EXCLUSIVE on a table it may only read.
 */
static bool
may_lock(Oid relid, Node *parsetree)
{
#if PG_VERSION_NUM >= 160000
	if (object_ownercheck(RelationRelationId, relid, GetUserId()))
		return true;
	if (IsA(parsetree, DropStmt))
		return object_ownercheck(NamespaceRelationId, get_rel_namespace(relid), GetUserId());
#else
	if (pg_class_ownercheck(relid, GetUserId()))
		return true;
	if (IsA(parsetree, DropStmt))
		return pg_namespace_ownercheck(get_rel_namespace(relid), GetUserId());
#endif
	if (IsA(parsetree, TruncateStmt))
		return pg_class_aclcheck(relid, GetUserId(), ACL_TRUNCATE) == ACLCHECK_OK;
	return pg_class_aclmask(relid, GetUserId(),
							ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE |
							ACL_REFERENCES | ACL_TRIGGER, ACLMASK_ANY) != 0;
}

static int
model_index(const MgModel *model, Oid relid)
{
	for (int i = 0; i < model->nrels; i++)
		if (model->relids[i] == relid)
			return i;
	return -1;
}

/*
 * Locks the other relations the statement names, as the model says the
 * server will (after its first one, taken already).  False when a name was
 * given to another relation while its lock was awaited.
 */
static bool
lock_named_relations(Node *parsetree, const MgModel *model, int timeout_nestlevel)
{
	ListCell   *lc;

	foreach(lc, named_relations(parsetree))
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);
		Oid			other = RangeVarGetRelid(rv, NoLock, true);
		int			i = OidIsValid(other) ? model_index(model, other) : -1;

		/* Missing (the server reports it, or a CREATE makes it), or not judged (below). */
		if (i < 0)
			continue;
		if ((LOCKMODE) model->rels[i].lock == NoLock || !may_lock(other, parsetree))
			continue;
		lock_or_explain(model, other, (LOCKMODE) model->rels[i].lock, timeout_nestlevel);
		if (RangeVarGetRelid(rv, NoLock, true) != other)
			return false;
	}
	return true;
}

/*
 * Whether each relation the statement names now is one the model judged:
 * one the fresh model (built with the locks held) reads but the judged one
 * does not means the name was given to another relation meanwhile.
 */
static bool
named_relations_judged(Node *parsetree, const MgModel *model, const MgModel *fresh)
{
	ListCell   *lc;

	foreach(lc, named_relations(parsetree))
	{
		Oid			other = RangeVarGetRelid((RangeVar *) lfirst(lc), NoLock, true);

		if (OidIsValid(other) && model_index(model, other) < 0 && model_index(fresh, other) >= 0)
			return false;
	}
	return true;
}

/*
 * Whether the fresh model (built with the locks held) asks for nothing the
 * judged one did not: no relation, lock, effect, size or operation more.  A
 * change made while the lock was awaited that is not a rename (a default
 * partition's or a partition's CHECK constraint dropped, so that the server
 * now scans it; rows added and analyzed) is judged again too.
 */
static bool
fresh_model_judged(const MgModel *model, const MgModel *fresh)
{
	if (fresh->nops > model->nops)
		return false;
	for (int i = 0; i < fresh->nrels; i++)
	{
		const MgLockedRelation *f = &fresh->rels[i];
		int			j = model_index(model, fresh->relids[i]);
		const MgLockedRelation *o = j >= 0 ? &model->rels[j] : NULL;

		if (o == NULL || f->lock > o->lock || f->effect > o->effect ||
			f->table.rows > o->table.rows || f->table.bytes > o->table.bytes)
			return false;
	}
	return true;
}

static MgModel *
lock_target_and_rejudge(MgStatementState *st, PlannedStmt *pstmt, const char *queryString,
						MgModel *model, int timeout_nestlevel)
{
	for (int attempt = 0; attempt < 3; attempt++)
	{
		Oid			relid;
		LOCKMODE	mode;
		MgModel    *fresh;

		/*
		 * A view or a table made from a query: the server locks what the
		 * query names first, the view it replaces after; that order is kept.
		 */
		if (model->nrels == 0 || model->acts_by_right ||
			IsA(pstmt->utilityStmt, ViewStmt) || IsA(pstmt->utilityStmt, CreateTableAsStmt))
			return model;
		relid = model->relids[0];
		mode = (LOCKMODE) model->rels[0].lock;
		if (mode == NoLock || !SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
			return model;
#if PG_VERSION_NUM >= 160000
		if (!object_ownercheck(RelationRelationId, relid, GetUserId()))
			return model;
#else
		if (!pg_class_ownercheck(relid, GetUserId()))
			return model;
#endif
		lock_or_explain(model, relid, mode, timeout_nestlevel);
		if (lock_named_relations(pstmt->utilityStmt, model, timeout_nestlevel))
		{
			/*
			 * No change to pg_class or pg_namespace has reached this backend
			 * since the model was built (the locks' waits included): the
			 * names still denote the relations judged, and a second model
			 * (of 1 000 partitions, say) would only say so again.
			 */
			if (mg_facts_invalidation_count() == judged_at_invalidations)
				return model;

			/* Held now: the names resolve as the server will resolve them. */
			fresh = (MgModel *) palloc0(sizeof(MgModel));
			if (!mg_analyze(pstmt->utilityStmt, queryString, statement_text(pstmt, queryString), fresh) ||
				fresh->nrels == 0)
				return model;
			if (fresh->relids[0] == relid &&
				named_relations_judged(pstmt->utilityStmt, model, fresh) &&
				fresh_model_judged(model, fresh))
				return model;
		}

		/* Another relation now bears a name: judge it. */
		model = judge(st, pstmt, queryString);
		if (model == NULL)
			return NULL;
		if (st->undo && recording())
			st->undo = mg_prepare_undo(model, pstmt->utilityStmt);
		mg_check_held_locks_ddl(model);
		mg_guard_locks(model);
	}
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("the relation named by the statement kept changing while it waited for its lock"),
			 errdetail("Another session renamed relations to and from its names three times in a row."),
			 errhint("Run the statement again.")));
	return model;				/* keep the compiler quiet */
}

/* Statements that commit and start transactions of their own, one per table. */
static bool
runs_own_transactions(Node *parsetree)
{
	if (IsA(parsetree, VacuumStmt))
		return true;
	if (IsA(parsetree, ClusterStmt))
		return ((ClusterStmt *) parsetree)->relation == NULL;
	if (IsA(parsetree, ReindexStmt))
		return ((ReindexStmt *) parsetree)->relation == NULL;
	return false;
}

static void
process_utility(PlannedStmt *pstmt, const char *queryString,
				bool readOnlyTree,
				ProcessUtilityContext context, ParamListInfo params,
				QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc,
				MgStatementState *st)
{
	Node	   *parsetree = pstmt->utilityStmt;
	MgModel    *model = NULL;

	switch (nodeTag(parsetree))
	{
		case T_VacuumStmt:
			/* VACUUM matters only with FULL; plain VACUUM and ANALYZE go straight on. */
			if (!((VacuumStmt *) parsetree)->is_vacuumcmd ||
				!mg_option_is_set(((VacuumStmt *) parsetree)->options, "full"))
				break;
			/* FALLTHROUGH */
		case T_IndexStmt:
		case T_CreateStmt:
			/* A new table that references no other: nothing to judge, only to record. */
			if (IsA(parsetree, CreateStmt) && !create_locks_others((CreateStmt *) parsetree))
				goto record_only;
			/* FALLTHROUGH */
		case T_AlterTableStmt:
		case T_AlterObjectSchemaStmt:
		case T_DropStmt:
		case T_TruncateStmt:
		case T_RenameStmt:
		case T_ReindexStmt:
		case T_RefreshMatViewStmt:
		case T_ClusterStmt:
		case T_AlterDomainStmt:
		case T_CreateTrigStmt:
		case T_CreatePolicyStmt:
		case T_AlterPolicyStmt:
		case T_RuleStmt:
		case T_ViewStmt:
		case T_CreateTableAsStmt:

			/*
			 * Not judged: mode off; a binary upgrade (pg_upgrade replays the
			 * schema); the sub-statements of a CREATE TABLE or ALTER TABLE
			 * (their table is new, or the parent statement was judged).
			 */
			if (mg_mode == MG_MODE_OFF || IsBinaryUpgrade ||
				(context == PROCESS_UTILITY_SUBCOMMAND && !st->schema_element))
				break;
			model = judge(st, pstmt, queryString);

			/*
			 * The statement is allowed: now keep it from freezing the table
			 * behind other sessions' locks.  VACUUM, and CLUSTER and REINDEX
			 * of many tables, run in transactions of their own, where
			 * neither applies.
			 */
			if (model && !runs_own_transactions(parsetree))
			{
				if (recording() && !st->schema_element && !mg_history_excludes_statement(parsetree))
					st->undo = mg_prepare_undo(model, parsetree);
				mg_check_held_locks_ddl(model);
				mg_guard_locks(model);
				st->timeout_nestlevel = mg_auto_lock_timeout_nestlevel(model);
				st->timeout_lxid = mg_current_lxid();
				model = lock_target_and_rejudge(st, pstmt, queryString, model,
												st->timeout_nestlevel);
				if (model)
					st->new_columns = mg_columns_to_add(model);
			}
			break;
		case T_CreateSeqStmt:
		case T_DropOwnedStmt:
		case T_CreateSchemaStmt:
		case T_CreateExtensionStmt:
		case T_AlterExtensionStmt:
		case T_CreateDomainStmt:
		case T_CreateEnumStmt:
		case T_AlterEnumStmt:
		case T_CompositeTypeStmt:
		case T_CreateRangeStmt:
		case T_DefineStmt:
		case T_CreateFunctionStmt:
		case T_AlterFunctionStmt:
		case T_AlterSeqStmt:
		case T_CommentStmt:
		case T_GrantStmt:
		case T_AlterOwnerStmt:

			/*
			 * No lock worth judging: recorded in the history (with an
			 * inverse for the CREATEs of schemas, extensions, triggers,
			 * domains and types); DROP OWNED judged by sql_drop.
			 */
	record_only:
			if (mg_mode == MG_MODE_OFF || IsBinaryUpgrade || context == PROCESS_UTILITY_SUBCOMMAND)
				break;
			if (recording() || IsA(parsetree, DropOwnedStmt))
				model = bare_model(st, pstmt, queryString);
			if (model && recording() && !mg_history_excludes_statement(parsetree))
				st->undo = mg_prepare_undo(model, parsetree);
			break;
		default:
			break;
	}

	/*
	 * A statement that may drop objects: note each one just before it goes
	 * (what CASCADE takes, for sql_drop and the history).
	 */
	if (model == NULL)
	{
		run_statement(pstmt, queryString,
					  readOnlyTree,
					  context, params, queryEnv, dest, qc);
		return;
	}
	st->model = model;
	run_judged(pstmt, queryString,
			   readOnlyTree,
			   context, params, queryEnv, dest, qc, st);
}

/*
 * The hook.  Every utility statement gets a state of its own
 * (statement_state.cpp), pushed here and popped here whatever happens, an
 * error included: DDL run inside a judged statement (by a function or an
 * event trigger, an error caught by an EXCEPTION block included) leaves the
 * outer statement's state as it was.  This is the one place the state is
 * saved and restored.
 *
 * The statements nested in CREATE SCHEMA (its schema elements) run as
 * sub-commands, which the hook otherwise leaves alone (the sub-statements of
 * a CREATE TABLE or ALTER TABLE act on a new table, or their parent was
 * judged).  An element can reach an existing table (CREATE TABLE ...
 * REFERENCES locks the referenced one, CREATE VIEW its sources): the direct
 * elements are judged like the same statements run on their own; their own
 * sub-commands are not.  They are not recorded apart: the schema's row undoes
 * them (DROP SCHEMA ... CASCADE).
 */
static void
mg_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
				  bool readOnlyTree,
				  ProcessUtilityContext context, ParamListInfo params,
				  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	MgStatementState st;

	/*
	 * What applications send all the time -- BEGIN, COMMIT, SAVEPOINT and
	 * ROLLBACK TO, SET, RESET and SHOW, prepared statements and cursors,
	 * LISTEN and NOTIFY, DISCARD (a pooler's reset), COPY -- is never DDL
	 * and is never judged here: straight on, with no state pushed and no
	 * PG_TRY, so that the hook costs every client next to nothing.  Those
	 * that can run a function (EXECUTE, FETCH, COPY, CALL, DO) run any DDL
	 * in it as statements of their own, which come through this hook and
	 * push their own state: the state of the outer one would be a neutral
	 * frame (neither judged nor capturing drops, never a schema), which
	 * changes nothing for them, exactly as for DDL run by a SELECT.
	 */
	switch (nodeTag(pstmt->utilityStmt))
	{
		case T_TransactionStmt:
		case T_VariableSetStmt:
		case T_VariableShowStmt:
		case T_PrepareStmt:
		case T_ExecuteStmt:
		case T_DeallocateStmt:
		case T_DeclareCursorStmt:
		case T_FetchStmt:
		case T_ClosePortalStmt:
		case T_ListenStmt:
		case T_UnlistenStmt:
		case T_NotifyStmt:
		case T_DiscardStmt:
		case T_CopyStmt:
		case T_CallStmt:
		case T_DoStmt:
			run_statement(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
			return;
		default:
			break;
	}
	mg_statement_push(&st);
	st.create_schema = IsA(pstmt->utilityStmt, CreateSchemaStmt);
	st.schema_element = context == PROCESS_UTILITY_SUBCOMMAND && mg_statement_is_schema_element(&st);
	st.in_function = context == PROCESS_UTILITY_QUERY;
	PG_TRY();
	{
		process_utility(pstmt, queryString,
						readOnlyTree,
						context, params, queryEnv, dest, qc, &st);
	}
	PG_FINALLY();
	{
		mg_statement_pop(&st);
	}
	PG_END_TRY();
}

/* What a judged statement leaves behind, after it ran or failed. */
static void
end_judged(MgStatementState *st, bool failed)
{
	if (st->capture)
	{
		/* No longer the running statement of the drops noted (mg_running_model). */
		st->capture = false;
		mg_capture_drops_end(st->capture_start, failed);
	}
}

/*
 * Runs a judged statement; one that may drop objects notes each one just
 * before it goes (what CASCADE takes, for sql_drop and the history).
 */
static void
run_judged(PlannedStmt *pstmt, const char *queryString,
		   bool readOnlyTree,
		   ProcessUtilityContext context, ParamListInfo params,
		   QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc,
		   MgStatementState *st)
{
	Node	   *parsetree = pstmt->utilityStmt;
	MemoryContext cxt = CurrentMemoryContext;

	if (IsA(parsetree, DropStmt) || IsA(parsetree, AlterTableStmt) || IsA(parsetree, DropOwnedStmt))
	{
		int			start = mg_capture_drops_begin(!(IsA(parsetree, DropStmt) &&
													 ((DropStmt *) parsetree)->removeType == OBJECT_INDEX));

		st->capture = true;
		st->capture_start = start;
		if (st->undo)
		{
			st->undo->capturing = true;
			st->undo->capture_start = start;
		}
	}
	PG_TRY();
	{
		run_statement(pstmt, queryString,
					  readOnlyTree,
					  context, params, queryEnv, dest, qc);
		after_statement(st, parsetree);
	}
	PG_CATCH();
	{
		end_judged(st, true);
		/* A lock timeout: the error names who was in the way. */
		if (mg_explains_lock_timeouts(st->timeout_nestlevel))
			mg_explain_lock_timeout(st->model, cxt, st->timeout_nestlevel >= 0);
		PG_RE_THROW();
	}
	PG_END_TRY();
	end_judged(st, false);
}

/* After the statement ran. */
static void
after_statement(MgStatementState *st, Node *parsetree)
{
	/*
	 * Restore the session's lock_timeout (an error restores it by itself, and
	 * so does a commit inside the statement, such as CLUSTER or REINDEX of a
	 * partitioned table: then the nest level is gone already).
	 */
	if (st->timeout_nestlevel >= 0 && st->timeout_lxid == mg_current_lxid())
		AtEOXact_GUC(true, st->timeout_nestlevel);
	/* It ran: its strong locks now stay until the end of the transaction. */
	if (st->model)
		mg_track_held_locks(st->model, st->in_function);
	/* The columns it added are this transaction's own (a DROP COLUMN of one loses nothing). */
	mg_note_added_columns(st->new_columns);
	/* ... and it goes into the history, in its own transaction. */
	if (st->undo && mg_finish_undo(st->undo, st->model, parsetree))
		mg_record_history(st);
}

static void
run_statement(PlannedStmt *pstmt, const char *queryString,
			  bool readOnlyTree,
			  ProcessUtilityContext context, ParamListInfo params,
			  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString,
							readOnlyTree,
							context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString,
								readOnlyTree,
								context, params, queryEnv, dest, qc);
}

void
mg_install_hook(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = mg_ProcessUtility;
}
