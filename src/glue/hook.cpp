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
#include "glue/glue.hpp"

extern "C" {
#include "storage/proc.h"
#include "utils/acl.h"
}

static ProcessUtility_hook_type prev_ProcessUtility = NULL;
const MgModel *mg_running_model = NULL;

/* Judged statements running now: more than one when DDL runs inside DDL (functions, event triggers). */
static int	judged_depth = 0;

/* What the hook keeps of a judged statement while it runs. */
typedef struct JudgedRun
{
	MgModel    *model;
	MgUndo	   *undo;
	int			timeout_nestlevel;
	LocalTransactionId timeout_lxid;
	bool		capture;		/* it may drop objects: note them (dropped.cpp) ... */
	int			capture_start;	/* ... after the notes of the statements around it */
} JudgedRun;

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
judge(PlannedStmt *pstmt, const char *queryString)
{
	MgModel    *model = (MgModel *) palloc0(sizeof(MgModel));
	MgSettings	settings;
	MgResult	result;

	/* Nothing predicted for this statement until its model says so. */
	mg_note_predicted_rewrites(model);
	mg_start_findings(judged_depth > 0);

	/* Our own install and update scripts change only our own objects. */
	if (creating_extension && OidIsValid(CurrentExtensionObject) &&
		strcmp(get_extension_name(CurrentExtensionObject), "migration_guard") == 0)
		return NULL;
	if (!mg_analyze(pstmt->utilityStmt, queryString, statement_text(pstmt, queryString), model))
		return NULL;

	/*
	 * A role with no privilege at all on the target cannot see it: the server
	 * refuses the statement with its own error, and our messages would only
	 * tell the table's size.
	 */
	if (model->nrels > 0)
	{
		bool		missing = false;
		AclMode		any = ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE |
			ACL_REFERENCES | ACL_TRIGGER;

		if (pg_class_aclcheck_ext(model->relids[0], GetUserId(), any, &missing) != ACLCHECK_OK ||
			missing)
			return NULL;
	}
	mg_note_predicted_rewrites(model);
	if (model->nops == 0)
		return model;
	mg_current_settings(&settings);
	mg_evaluate(model->ops, model->nops, &settings, &result);
	mg_report_findings(&result);
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
bare_model(PlannedStmt *pstmt, const char *queryString)
{
	MgModel    *model = (MgModel *) palloc0(sizeof(MgModel));

	model->command = GetCommandTagName(CreateCommandTag(pstmt->utilityStmt));
	model->query = queryString ? queryString : "";
	model->text = mg_trim_leading(statement_text(pstmt, queryString));
	mg_start_findings(judged_depth > 0);
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
					   JudgedRun *run);
static void after_statement(MgModel *model, MgUndo *undo, Node *parsetree, int timeout_nestlevel,
							LocalTransactionId timeout_lxid);

static void
process_utility(PlannedStmt *pstmt, const char *queryString,
				bool readOnlyTree,
				ProcessUtilityContext context, ParamListInfo params,
				QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	MgModel    *model = NULL;
	int			timeout_nestlevel = -1;
	LocalTransactionId timeout_lxid = InvalidLocalTransactionId;
	MgUndo	   *undo = NULL;
	JudgedRun	run;

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

			/*
			 * Not judged: mode off; a binary upgrade (pg_upgrade replays the
			 * schema); the sub-statements of a CREATE TABLE or ALTER TABLE
			 * (their table is new, or the parent statement was judged).
			 */
			if (mg_mode == 0 || IsBinaryUpgrade || context == PROCESS_UTILITY_SUBCOMMAND)
				break;
			model = judge(pstmt, queryString);

			/*
			 * The statement is allowed: now keep it from freezing the table
			 * behind other sessions' locks.  VACUUM runs in transactions of
			 * its own, where neither applies.
			 */
			if (model && !IsA(parsetree, VacuumStmt))
			{
				if (recording())
					undo = mg_prepare_undo(model, parsetree);
				mg_check_held_locks_ddl(model);
				mg_guard_locks(model);
				timeout_nestlevel = mg_auto_lock_timeout_nestlevel(model);
				timeout_lxid = mg_current_lxid();
			}
			break;
		case T_ViewStmt:
		case T_CreateSeqStmt:
		case T_CreateTableAsStmt:
		case T_DropOwnedStmt:
		case T_CreateSchemaStmt:
		case T_CreateExtensionStmt:
		case T_AlterExtensionStmt:
		case T_CreateTrigStmt:
		case T_CreateDomainStmt:
		case T_AlterDomainStmt:
		case T_CreateEnumStmt:
		case T_AlterEnumStmt:
		case T_CompositeTypeStmt:
		case T_CreateRangeStmt:
		case T_DefineStmt:
		case T_CreateFunctionStmt:
		case T_AlterFunctionStmt:
		case T_CreatePolicyStmt:
		case T_AlterPolicyStmt:
		case T_RuleStmt:
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
			if (mg_mode == 0 || IsBinaryUpgrade || context == PROCESS_UTILITY_SUBCOMMAND)
				break;
			if (recording() || IsA(parsetree, DropOwnedStmt))
				model = bare_model(pstmt, queryString);
			if (model && recording())
				undo = mg_prepare_undo(model, parsetree);
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
	run.model = model;
	run.undo = undo;
	run.timeout_nestlevel = timeout_nestlevel;
	run.timeout_lxid = timeout_lxid;
	run.capture = IsA(parsetree, DropStmt) || IsA(parsetree, AlterTableStmt) ||
		IsA(parsetree, DropOwnedStmt);
	run_judged(pstmt, queryString,
			   readOnlyTree,
			   context, params, queryEnv, dest, qc, &run);
}

/*
 * The hook.  DDL run inside a judged statement (by a function or an event
 * trigger) runs under PG_TRY, so that the outer statement gets its findings
 * back whatever happens to the inner one (an error caught by an EXCEPTION
 * block included).  Top-level statements go straight to process_utility().
 */
static void
mg_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
				  bool readOnlyTree,
				  ProcessUtilityContext context, ParamListInfo params,
				  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	List	   *outer_findings;
	int			outer_decision;

	if (judged_depth == 0)
	{
		process_utility(pstmt, queryString,
						readOnlyTree,
						context, params, queryEnv, dest, qc);
		return;
	}
	outer_findings = mg_last_findings;
	outer_decision = mg_last_decision;
	PG_TRY();
	{
		process_utility(pstmt, queryString,
						readOnlyTree,
						context, params, queryEnv, dest, qc);
	}
	PG_CATCH();
	{
		mg_last_findings = outer_findings;
		mg_last_decision = outer_decision;
		PG_RE_THROW();
	}
	PG_END_TRY();
	mg_last_findings = outer_findings;
	mg_last_decision = outer_decision;
}

/* What a judged statement leaves behind, after it ran or failed. */
static void
end_judged(const JudgedRun *run, const MgModel *saved_model, bool failed)
{
	judged_depth--;
	if (run->capture)
	{
		mg_running_model = saved_model;
		mg_capture_drops_end(run->capture_start, failed);
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
		   JudgedRun *run)
{
	Node	   *parsetree = pstmt->utilityStmt;
	const MgModel *saved_model = mg_running_model;

	if (run->capture)
	{
		int			start = mg_capture_drops_begin(!(IsA(parsetree, DropStmt) &&
													 ((DropStmt *) parsetree)->removeType == OBJECT_INDEX));

		run->capture_start = start;
		if (run->undo)
		{
			run->undo->capturing = true;
			run->undo->capture_start = start;
		}
		mg_running_model = run->model;
	}
	judged_depth++;
	PG_TRY();
	{
		run_statement(pstmt, queryString,
					  readOnlyTree,
					  context, params, queryEnv, dest, qc);
		after_statement(run->model, run->undo, parsetree, run->timeout_nestlevel,
						run->timeout_lxid);
	}
	PG_CATCH();
	{
		end_judged(run, saved_model, true);
		PG_RE_THROW();
	}
	PG_END_TRY();
	end_judged(run, saved_model, false);
}

/* After the statement ran. */
static void
after_statement(MgModel *model, MgUndo *undo, Node *parsetree, int timeout_nestlevel,
				LocalTransactionId timeout_lxid)
{
	/*
	 * Restore the session's lock_timeout (an error restores it by itself, and
	 * so does a commit inside the statement, such as CLUSTER or REINDEX of a
	 * partitioned table: then the nest level is gone already).
	 */
	if (timeout_nestlevel >= 0 && timeout_lxid == mg_current_lxid())
		AtEOXact_GUC(true, timeout_nestlevel);
	/* It ran: its strong locks now stay until the end of the transaction. */
	if (model)
		mg_track_held_locks(model);
	/* ... and it goes into the history, in its own transaction. */
	if (undo && mg_finish_undo(undo, model, parsetree))
		mg_record_history(model, undo);
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
