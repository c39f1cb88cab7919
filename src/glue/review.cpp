/*
 * migration_guard.review() and report(): a whole migration script, judged
 * statement by statement without executing anything.
 *
 * A migration is a sequence: the verdict on statement 5 depends on 1-4.  The
 * script state below follows what the script itself changes and the catalogs
 * do not know yet: the transactions it opens and closes, the tables it
 * creates (new and empty), the columns it adds, the CHECK constraints it adds
 * NOT VALID and later validates (so that the SET NOT NULL recipe comes out
 * clean).  Each statement's model (model/ files) consults it; the core judges
 * the statements, adds the script-level findings and renders the report.
 */
#include "glue/model.hpp"
#include "glue/relation_facts.hpp"
#include "glue/settings.hpp"
#include "glue/review.hpp"
#include "glue/script_state.hpp"
#include "glue/sql_util.hpp"
#include "glue/undo_facts.hpp"

extern "C" {
#include "nodes/makefuncs.h"
#include "parser/parser.h"
#include "storage/proc.h"
#include "utils/tuplestore.h"
PG_FUNCTION_INFO_V1(mg_review_sql);
PG_FUNCTION_INFO_V1(mg_report_sql);
}

/* The column a CHECK expression proves NOT NULL: "col IS NOT NULL", alone or in an AND. */
static char *
not_null_column_of(Node *expr)
{
	if (expr == NULL)
		return NULL;
	if (IsA(expr, NullTest))
	{
		NullTest   *nt = (NullTest *) expr;

		if (nt->nulltesttype == IS_NOT_NULL && nt->arg && IsA(nt->arg, ColumnRef))
		{
			ColumnRef  *cr = (ColumnRef *) nt->arg;

			if (list_length(cr->fields) == 1 && IsA(linitial(cr->fields), String))
				return strVal(linitial(cr->fields));
		}
		return NULL;
	}
	if (IsA(expr, BoolExpr) && ((BoolExpr *) expr)->boolop == AND_EXPR)
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) expr)->args)
		{
			char	   *col = not_null_column_of((Node *) lfirst(lc));

			if (col)
				return col;
		}
	}
	return NULL;
}

static ScriptColumn *
new_entry(Oid relid, const char *name)
{
	ScriptColumn *c = (ScriptColumn *) palloc0(sizeof(ScriptColumn));

	c->relid = relid;
	c->name = name ? pstrdup(name) : NULL;
	return c;
}

/* Whether a column added with def gets a value in every row (a default, its domain's, identity, generated). */
static bool
column_is_filled(ColumnDef *def)
{
	ListCell   *lc;
	Type		typ;
	bool		filled = false;

	if (def->raw_default || def->identity || def->generated)
		return true;
	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);

		if (IsA(c, Constraint) &&
			(c->contype == CONSTR_DEFAULT || c->contype == CONSTR_IDENTITY ||
			 c->contype == CONSTR_GENERATED))
			return true;
	}
	if (def->typeName == NULL)
		return false;
	typ = LookupTypeName(NULL, def->typeName, NULL, true);
	if (typ == NULL)
		return true;			/* unknown: assume the worst for "IS NULL" */
	filled = ((Form_pg_type) GETSTRUCT(typ))->typtype == TYPTYPE_DOMAIN &&
		get_typdefault(((Form_pg_type) GETSTRUCT(typ))->oid) != NULL;
	ReleaseSysCache(typ);
	return filled;
}

/* SET / RESET of lock_timeout or statement_timeout in the script. */
static void
track_timeout(ScriptState *st, VariableSetStmt *vs)
{
	int		   *target;
	int			value = 0;

	if (vs->name == NULL)
		return;
	if (strcmp(vs->name, "lock_timeout") == 0)
		target = &st->lock_timeout;
	else if (strcmp(vs->name, "statement_timeout") == 0)
		target = &st->statement_timeout;
	else
		return;
	/* RESET and SET ... TO DEFAULT give the session its default (database, role, file). */
	if ((vs->kind == VAR_RESET || vs->kind == VAR_SET_DEFAULT) &&
		!parse_int(GetConfigOptionResetString(vs->name), &value, GUC_UNIT_MS, NULL))
		value = 0;
	if (vs->kind == VAR_SET_VALUE && list_length(vs->args) == 1 && IsA(linitial(vs->args), A_Const))
	{
		A_Const    *c = (A_Const *) linitial(vs->args);

		if (!c->isnull && IsA(&c->val, Integer))
			value = intVal(&c->val);
		else if (!c->isnull && IsA(&c->val, String) &&
				 !parse_int(strVal(&c->val), &value, GUC_UNIT_MS, NULL))
			value = 0;
	}
	*target = value;
	if (vs->is_local)
		st->timeout_local = true;
}

/* The schema a CREATE of rv creates in: its own, or the first of the search path. */
static const char *
creation_schema(RangeVar *rv)
{
	List	   *path;

	if (rv->schemaname)
		return rv->schemaname;
	if (rv->relpersistence == RELPERSISTENCE_TEMP)
		return "pg_temp";
	path = fetch_search_path(false);
	return path != NIL ? get_namespace_name(linitial_oid(path)) : "public";
}

/* What a statement changes in the script state, once it has been judged. */
static void
update_state(ScriptState *st, Node *stmt)
{
	switch (nodeTag(stmt))
	{
		case T_VariableSetStmt:
			track_timeout(st, (VariableSetStmt *) stmt);
			break;
		case T_TransactionStmt:
			if (st->wrapped)
				break;
			switch (((TransactionStmt *) stmt)->kind)
			{
				case TRANS_STMT_BEGIN:
				case TRANS_STMT_START:
					if (st->tx == 0)
						st->tx = ++st->ntx;
					break;
				case TRANS_STMT_COMMIT:
				case TRANS_STMT_ROLLBACK:
				case TRANS_STMT_PREPARE:
					st->tx = 0;
					/* Its locks are released. */
					st->requested = NIL;
					st->held = NIL;
					if (st->timeout_local)
					{
						st->lock_timeout = st->statement_timeout = 0;
						st->timeout_local = false;
					}
					break;
				default:
					break;
			}
			break;
		case T_CreateStmt:
			st->created = lappend(st->created, ((CreateStmt *) stmt)->relation);
			break;
		case T_CreateTableAsStmt:
			{
				CreateTableAsStmt *ctas = (CreateTableAsStmt *) stmt;

				st->created = lappend(st->created, ctas->into->rel);
				if (ctas->objtype == OBJECT_MATVIEW &&
					!OidIsValid(RangeVarGetRelid(ctas->into->rel, NoLock, true)))
				{
					ScriptMatview *mv = (ScriptMatview *) palloc0(sizeof(ScriptMatview));

					mv->rel = ctas->into->rel;
					mv->schema = creation_schema(ctas->into->rel);
					mv->query = ctas->query;
					mv->populated = !ctas->into->skipData;
					mv->tx = st->tx;
					st->matviews = lappend(st->matviews, mv);
				}
			}
			break;
		case T_SelectStmt:
			if (((SelectStmt *) stmt)->intoClause)
				st->created = lappend(st->created, ((SelectStmt *) stmt)->intoClause->rel);
			break;
		case T_RefreshMatViewStmt:
			{
				RefreshMatViewStmt *rm = (RefreshMatViewStmt *) stmt;
				ListCell   *lc;

				if (OidIsValid(RangeVarGetRelid(rm->relation, NoLock, true)))
					break;
				foreach(lc, st->matviews)
				{
					ScriptMatview *mv = (ScriptMatview *) lfirst(lc);

					if (mg_names_match(mv->rel->relname, rm->relation->relname) &&
						(rm->relation->schemaname == NULL ||
						 mg_names_match(rm->relation->schemaname, mv->schema)))
						mv->populated = !rm->skipData;
				}
			}
			break;
		case T_AlterTableStmt:
			{
				AlterTableStmt *at = (AlterTableStmt *) stmt;
				Oid			relid = mg_script_relid(st, at->relation);
				ListCell   *lc;

				if (!OidIsValid(relid))
					break;
				foreach(lc, at->cmds)
				{
					AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

					if (cmd->subtype == AT_AddColumn && cmd->def && IsA(cmd->def, ColumnDef))
					{
						ColumnDef  *def = (ColumnDef *) cmd->def;
						ScriptColumn *c = new_entry(relid, def->colname);

						c->filled = column_is_filled(def);
						st->added_columns = lappend(st->added_columns, c);
					}
					else if (cmd->subtype == AT_AddConstraint && cmd->def &&
							 IsA(cmd->def, Constraint))
					{
						Constraint *con = (Constraint *) cmd->def;
						char	   *col = con->contype == CONSTR_CHECK
							? not_null_column_of(con->raw_expr) : NULL;

						/* PostgreSQL 18: CONSTRAINT name NOT NULL col [NOT VALID] */
						if (con->contype == CONSTR_NOTNULL && list_length(con->keys) == 1 &&
							IsA(linitial(con->keys), String))
							col = strVal(linitial(con->keys));
						else if (con->contype != CONSTR_CHECK && con->contype != CONSTR_FOREIGN)
							continue;
						if (con->skip_validation && con->conname)
						{
							ScriptColumn *c = new_entry(relid, con->conname);

							c->column = col;
							if (con->contype == CONSTR_FOREIGN && con->pktable)
								c->refrelid = mg_script_relid(st, con->pktable);
							st->pending = lappend(st->pending, c);
						}
						else if (col)
							st->proven = lappend(st->proven, new_entry(relid, col));
					}
					else if (cmd->subtype == AT_ValidateConstraint)
					{
						ScriptColumn *c = mg_script_find_entry(st->pending, relid, cmd->name);

						if (c)
						{
							if (c->column)
								st->proven = lappend(st->proven, new_entry(relid, c->column));
							st->pending = list_delete_ptr(st->pending, c);
						}
					}
				}
			}
			break;
		case T_RenameStmt:
			mg_script_track_rename(st, (RenameStmt *) stmt);
			break;
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *as = (AlterObjectSchemaStmt *) stmt;

				if (as->relation && as->newschema)
					mg_script_track_relation_name(st, as->relation, as->newschema, NULL);
			}
			break;
		default:
			break;
	}
}

/* Whether rv names a table the script created earlier. */
static bool
created_by_script(ScriptState *st, const MgTable *t)
{
	ListCell   *lc;

	foreach(lc, st->created)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);

		if (mg_names_match(rv->relname, t->name.name) &&
			(rv->schemaname == NULL || mg_names_match(rv->schemaname, t->name.schema)))
			return true;
	}
	return false;
}

static void
mark_new(MgTable *t)
{
	t->created_in_transaction = true;
	t->rows = 0;
	t->bytes = 0;
}

/*
 * The lock requests the script state already answers, left out of m: all of
 * them under a timeout the script set (the wait is bounded), and one on a
 * table whose lock request was judged earlier in the same transaction
 * (lock_timeout_missing is said once per table and transaction: the SET
 * lock_timeout before the first covers the rest, and a lock held already is
 * not waited for again).
 */
static void
drop_answered_lock_requests(ScriptState *st, MgModel *m)
{
	bool		bounded = st->lock_timeout > 0 ||
		(st->statement_timeout > 0 && st->statement_timeout <= mg_lock_wait_max_ms);
	int			kept = 0;

	for (int i = 0; i < m->nops; i++)
	{
		if (m->ops[i].kind == MG_OP_LOCK_REQUEST)
		{
			if (bounded || list_member_oid(st->requested, m->op_relids[i]))
				continue;
			st->requested = lappend_oid(st->requested, m->op_relids[i]);
		}
		m->ops[kept] = m->ops[i];
		m->op_relids[kept] = m->op_relids[i];
		kept++;
	}
	m->nops = kept;
}

/*
 * The strong locks the statement took, held until the end of the open
 * transaction: ACCESS EXCLUSIVE and SHARE ROW EXCLUSIVE, as the hook tracks
 * them at run time, on relations others can see.
 */
static void
note_held_locks(ScriptState *st, const MgModel *m)
{
	if (st->tx == 0)
		return;
	for (int i = 0; i < m->nrels; i++)
	{
		const MgLockedRelation *r = &m->rels[i];
		ListCell   *lc;
		ScriptLock *known = NULL;

		if (r->lock < ShareRowExclusiveLock || r->lock == ExclusiveLock ||
			r->table.created_in_transaction || r->table.temporary)
			continue;
		foreach(lc, st->held)
			if (((ScriptLock *) lfirst(lc))->relid == m->relids[i])
				known = (ScriptLock *) lfirst(lc);
		if (known)
		{
			known->mode = Max(known->mode, r->lock);
			continue;
		}
		known = (ScriptLock *) palloc0(sizeof(ScriptLock));
		known->relid = m->relids[i];
		known->mode = r->lock;
		known->table = r->table;
		st->held = lappend(st->held, known);
	}
}

/*
 * Whether a WHERE clause selects every row of relid anyway: "col IS NULL"
 * (alone or ANDed, or TRUE) on a column the script added without a default,
 * which every row still holds NULL -- the backfill written "WHERE col IS
 * NULL" touches the whole table.
 */
static bool
selects_every_row(ScriptState *st, Oid relid, Node *where)
{
	if (IsA(where, A_Const))
	{
		A_Const    *c = (A_Const *) where;

		return !c->isnull && IsA(&c->val, Boolean) && boolVal(&c->val);
	}
	if (IsA(where, BoolExpr) && ((BoolExpr *) where)->boolop == AND_EXPR)
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) where)->args)
			if (!selects_every_row(st, relid, (Node *) lfirst(lc)))
				return false;
		return true;
	}
	if (IsA(where, NullTest))
	{
		NullTest   *nt = (NullTest *) where;
		ColumnRef  *cr = (ColumnRef *) nt->arg;
		ScriptColumn *c;

		if (nt->nulltesttype != IS_NULL || cr == NULL || !IsA(cr, ColumnRef) ||
			list_length(cr->fields) != 1 || !IsA(linitial(cr->fields), String))
			return false;
		c = mg_script_find_entry(st->added_columns, relid, strVal(linitial(cr->fields)));
		return c != NULL && !c->filled;
	}
	return false;
}

/*
 * The one table an INSERT ... SELECT copies whole (SELECT ... FROM t, with
 * no WHERE, GROUP BY, LIMIT, set operation or join), or NULL.
 */
static RangeVar *
whole_table_source(Node *select)
{
	SelectStmt *s = (SelectStmt *) select;

	if (s == NULL || !IsA(s, SelectStmt) || s->op != SETOP_NONE || s->whereClause ||
		s->groupClause || s->havingClause || s->limitCount || s->limitOffset ||
		s->distinctClause || s->valuesLists || list_length(s->fromClause) != 1 ||
		!IsA(linitial(s->fromClause), RangeVar))
		return NULL;
	return (RangeVar *) linitial(s->fromClause);
}

/*
 * DML in a transaction whose DDL holds strong locks: one HeldLock operation
 * per lock held, as the hook makes them at run time (unbatched_backfill,
 * lock_held_across_statements).  Judged: an UPDATE or DELETE of every row
 * (no WHERE clause, or one every row passes), and an INSERT ... SELECT that
 * copies a whole table (as many rows as it has).  Any other WHERE clause is
 * taken for a batch: how many rows it selects is the planner's to say, and
 * the planner cannot be asked about columns the script has not added yet.
 * MERGE, COPY and other INSERTs are judged at run time only, by their plan.
 */
static int
model_dml(ScriptState *st, Node *stmt, const char *command, MgOperation **ops_out)
{
	RangeVar   *rv = NULL;
	Node	   *where = NULL;
	Oid			relid;
	MgTable		target;
	MgOperation *ops;
	int			nops = 0;
	ListCell   *lc;

	RangeVar   *source = NULL;
	MgTable		from;
	int64		rows;
	bool		every_row;

	if (st->tx == 0 || st->held == NIL)
		return 0;
	if (IsA(stmt, UpdateStmt))
	{
		rv = ((UpdateStmt *) stmt)->relation;
		where = ((UpdateStmt *) stmt)->whereClause;
	}
	else if (IsA(stmt, DeleteStmt))
	{
		rv = ((DeleteStmt *) stmt)->relation;
		where = ((DeleteStmt *) stmt)->whereClause;
	}
	else if (IsA(stmt, InsertStmt))
	{
		rv = ((InsertStmt *) stmt)->relation;
		source = whole_table_source(((InsertStmt *) stmt)->selectStmt);
		if (source == NULL)
			return 0;
	}
	if (rv == NULL)
		return 0;
	relid = mg_script_relid(st, rv);
	if (!OidIsValid(relid) || !mg_table_facts_with(relid, &target, true))
		return 0;
	mg_script_name_now(st, &target);
	every_row = source == NULL && (where == NULL || selects_every_row(st, relid, where));
	if (source == NULL && !every_row)
		return 0;
	rows = target.rows;
	if (source)
	{
		/* INSERT ... SELECT of a whole table: as many rows as it has. */
		Oid			srcid = mg_script_relid(st, source);

		if (!OidIsValid(srcid) || !mg_table_facts_with(srcid, &from, true))
			return 0;
		rows = from.rows;
	}
	if (created_by_script(st, &target))
		mark_new(&target);
	ops = (MgOperation *) palloc0(sizeof(MgOperation) * list_length(st->held));
	foreach(lc, st->held)
	{
		ScriptLock *l = (ScriptLock *) lfirst(lc);
		MgOperation *op = &ops[nops++];

		op->kind = MG_OP_HELD_LOCK;
		op->table = l->table;
		op->concurrently_at = op->relation_end = -1;
		op->lock_mode = l->mode;
		op->held_command = command;
		op->held_target = target;
		op->held_rows = rows;
		op->held_is_dml = true;
		op->held_no_where = every_row;
		op->in_transaction_block = true;
	}
	*ops_out = ops;
	return nops;
}

static bool
is_dml(Node *stmt)
{
	return IsA(stmt, InsertStmt) || IsA(stmt, UpdateStmt) || IsA(stmt, DeleteStmt) ||
		IsA(stmt, MergeStmt) ||
		IsA(stmt, CopyStmt);
}

/* Models every statement of the script, updating the script state as it goes. */
static int
model_script(List *raw, const char *sql, ScriptState *stp, MgScriptStatement *stmts)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, raw)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		MgScriptStatement *s = &stmts[n];
		MgModel		m;
		char	   *text;

		CHECK_FOR_INTERRUPTS();
		text = mg_raw_statement_text(sql, rs);
		/* Outside a transaction block each statement is a transaction of its own. */
		if (stp->tx == 0)
		{
			stp->requested = NIL;
			stp->held = NIL;
		}

		s->stmt_no = ++n;
		s->text = text;
		s->tx = stp->tx;
		s->transaction_control = IsA(rs->stmt, TransactionStmt);
		memset(&m, 0, sizeof(m));
		m.use_overrides = true;
		m.script = stp;
		if (mg_analyze(rs->stmt, sql, text, &m))
		{
			s->modelled = true;
			s->command = m.command;
			for (int i = 0; i < m.nrels; i++)
			{
				mg_script_name_now(stp, &m.rels[i].table);
				if (created_by_script(stp, &m.rels[i].table))
					mark_new(&m.rels[i].table);
			}
			drop_answered_lock_requests(stp, &m);
			for (int i = 0; i < m.nops; i++)
			{
				m.ops[i].in_transaction_block = stp->tx > 0;
				/* An operation on what the script created carries the script's facts. */
				if (OidIsValid(m.op_relids[i]) && created_by_script(stp, &m.ops[i].table))
					mark_new(&m.ops[i].table);
			}
			/*
			 * What the rollback plan needs: the same facts as the history's,
			 * read from the catalogs under the names they know.
			 */
			{
				MgUndoFact *facts;
				int			nfacts;

				mg_collect_undo_facts(&m, rs->stmt, true, &facts, &nfacts);
				s->undo_facts = facts;
				s->nundo_facts = nfacts;
			}
			/* A relation renamed earlier in the script goes by its new name. */
			for (int i = 0; i < m.nops; i++)
			{
				mg_script_name_now(stp, &m.ops[i].table);
				mg_script_name_now(stp, &m.ops[i].referenced);
				mg_script_name_now(stp, &m.ops[i].partition);
			}
			s->rels = m.rels;
			s->nrels = m.nrels;
			s->ops = m.ops;
			s->nops = m.nops;
			note_held_locks(stp, &m);
		}
		else
			s->command = GetCommandTagName(CreateCommandTag(rs->stmt));
		if (is_dml(rs->stmt))
		{
			MgOperation *ops = NULL;

			s->modelled = false;
			s->nops = model_dml(stp, rs->stmt, s->command, &ops);
			s->ops = ops;
		}
		update_state(stp, rs->stmt);
		/* BEGIN itself belongs to the transaction it opens. */
		if (s->transaction_control && stp->tx > 0)
			s->tx = stp->tx;
	}
	return n;
}

/*
 * Parses and models the script, then asks the core for the review.  The
 * script state reaches the model of each statement in MgModel.script.
 */
static void
review_script(const char *sql, bool in_transaction, MgReviewFormat format, MgReviewResult *out,
			  MgScriptStatement **stmts_out, int *nstmts_out)
{
	List	   *raw = mg_parse_script(sql);
	ScriptState st;
	MgScriptStatement *stmts;
	MgSettings	settings;
	int			n;

	memset(&st, 0, sizeof(st));
	st.lock_timeout = LockTimeout;
	st.statement_timeout = StatementTimeout;
	st.wrapped = in_transaction;
	if (in_transaction)
		st.tx = st.ntx = 1;
	stmts = (MgScriptStatement *) palloc0(sizeof(MgScriptStatement) * Max(1, list_length(raw)));

	n = model_script(raw, sql, &st, stmts);

	mg_current_settings(&settings);
	settings.in_extension_script = false;
	/* The script state decided per statement (lock requests left out under a timeout). */
	settings.session_lock_timeout_ms = 0;
	settings.session_statement_timeout_ms = 0;
	mg_review(stmts, n, &settings, format, out);
	*stmts_out = stmts;
	*nstmts_out = n;
}

/* Copies a malloc'd string into palloc'd memory without raising an error. */
static char *
copy_text(const char *s)
{
	size_t		len = s ? strlen(s) : 0;
	char	   *copy = (char *) MemoryContextAllocExtended(CurrentMemoryContext, len + 1,
														   MCXT_ALLOC_NO_OOM | MCXT_ALLOC_HUGE);

	if (copy)
	{
		if (len)
			memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

static void
raise_core_error(const char *error)
{
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("migration_guard could not review the script: %s", error)));
}

Datum
mg_review_sql(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		in_transaction = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	ReturnSetInfo *rsinfo = mg_begin_srf(fcinfo);
	MgReviewResult result;
	MgScriptStatement *stmts;
	int			nstmts;
	Datum	   *values;
	bool	   *nulls;
	int			nrows;
	char	  **cells;
	int		   *stmt_nos;
	char	   *error = NULL;
	bool		oom = false;

	review_script(sql, in_transaction, MG_REVIEW_ROWS, &result, &stmts, &nstmts);

	/* Copy everything out of the malloc'd result, free it, then build rows. */
	nrows = result.nrows;
	cells = (char **) MemoryContextAllocExtended(CurrentMemoryContext,
												 sizeof(char *) * 6 * Max(1, nrows),
												 MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO);
	stmt_nos = (int *) MemoryContextAllocExtended(CurrentMemoryContext,
												  sizeof(int) * Max(1, nrows), MCXT_ALLOC_NO_OOM);
	if (result.error)
		error = copy_text(result.error);
	else if (cells == NULL || stmt_nos == NULL)
		oom = true;
	else
		for (int i = 0; i < nrows && !oom; i++)
		{
			MgReviewRow *r = &result.rows[i];
			const char *src[6] = {r->rule, r->severity, r->relation, r->message, r->detail, r->hint};

			stmt_nos[i] = r->stmt_no;
			for (int j = 0; j < 6; j++)
				if ((cells[i * 6 + j] = copy_text(src[j])) == NULL)
					oom = true;
		}
	mg_review_free(&result);
	if (oom)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (error)
		raise_core_error(error);

	values = (Datum *) palloc(sizeof(Datum) * 8);
	nulls = (bool *) palloc(sizeof(bool) * 8);
	for (int i = 0; i < nrows; i++)
	{
		int			no = stmt_nos[i];

		memset(nulls, false, sizeof(bool) * 8);
		values[0] = Int32GetDatum(no);
		values[1] = CStringGetTextDatum(no >= 1 && no <= nstmts ? stmts[no - 1].text : "");
		for (int j = 0; j < 6; j++)
		{
			if (cells[i * 6 + j][0] == '\0' && (j == 2 || j == 5))
				nulls[2 + j] = true;
			else
				values[2 + j] = CStringGetTextDatum(cells[i * 6 + j]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

Datum
mg_report_sql(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *format = PG_ARGISNULL(1) ? pstrdup("markdown") : text_to_cstring(PG_GETARG_TEXT_PP(1));
	bool		in_transaction = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	MgReviewFormat fmt;
	MgReviewResult result;
	MgScriptStatement *stmts;
	int			nstmts;
	char	   *text;
	char	   *error = NULL;

	if (pg_strcasecmp(format, "markdown") == 0)
		fmt = MG_REVIEW_MARKDOWN;
	else if (pg_strcasecmp(format, "json") == 0)
		fmt = MG_REVIEW_JSON;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unrecognized report format \"%s\"", format),
				 errhint("Valid formats are \"markdown\" and \"json\".")));

	review_script(sql, in_transaction, fmt, &result, &stmts, &nstmts);
	if (result.error)
		error = copy_text(result.error);
	text = result.error ? NULL : copy_text(result.text ? result.text : "");
	mg_review_free(&result);
	if (error)
		raise_core_error(error);
	if (text == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	PG_RETURN_TEXT_P(cstring_to_text(text));
}
