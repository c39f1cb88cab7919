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
#include "glue/history.hpp"
#include "glue/hook.hpp"
#include "glue/lock_guard.hpp"
#include "glue/model.hpp"
#include "glue/messages.hpp"
#include "glue/settings.hpp"
#include "glue/statement_state.hpp"
#include "glue/tool_settings.hpp"

extern "C" {
#include "storage/proc.h"
#include "utils/acl.h"
}

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

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
 * rejected like any other), and its lock taken in turn.  What remains: the
 * other relations of a multi-table statement are resolved again by the
 * server only (their lock is not taken here, to keep the server's order).
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

		/* Held now: the name resolves as the server will resolve it. */
		fresh = (MgModel *) palloc0(sizeof(MgModel));
		if (!mg_analyze(pstmt->utilityStmt, queryString, statement_text(pstmt, queryString), fresh) ||
			fresh->nrels == 0 || fresh->relids[0] == relid)
			return model;

		/* Another relation now bears the name: judge it. */
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
			 errdetail("Another session renamed relations to and from the name three times in a row."),
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
				if (recording() && !st->schema_element)
					st->undo = mg_prepare_undo(model, parsetree);
				mg_check_held_locks_ddl(model);
				mg_guard_locks(model);
				st->timeout_nestlevel = mg_auto_lock_timeout_nestlevel(model);
				st->timeout_lxid = mg_current_lxid();
				model = lock_target_and_rejudge(st, pstmt, queryString, model,
												st->timeout_nestlevel);
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
	 * What applications send all the time -- BEGIN, COMMIT, SET, SHOW -- is
	 * never DDL and never runs any: straight on, with no state pushed and no
	 * PG_TRY, so that the hook costs every client next to nothing.
	 */
	switch (nodeTag(pstmt->utilityStmt))
	{
		case T_TransactionStmt:
		case T_VariableSetStmt:
		case T_VariableShowStmt:
			run_statement(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
			return;
		default:
			break;
	}
	mg_statement_push(&st);
	st.create_schema = IsA(pstmt->utilityStmt, CreateSchemaStmt);
	st.schema_element = context == PROCESS_UTILITY_SUBCOMMAND && mg_statement_is_schema_element(&st);
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
		mg_track_held_locks(st->model);
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
