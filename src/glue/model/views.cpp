/*
 * The model of a DDL statement (see dispatch.cpp): what a query stored or run
 * by DDL reads.  CREATE [OR REPLACE] VIEW, CREATE MATERIALIZED VIEW, CREATE
 * TABLE AS, SELECT INTO and REFRESH MATERIALIZED VIEW.
 *
 * What the server locks (PostgreSQL 15 and 18 alike, checked by
 * sql/accuracy.sql):
 *  - parse analysis takes ACCESS SHARE on every relation the query names (in
 *    FROM, in sub-selects, in WITH), views included but not what is behind
 *    them; nothing is read.  That is all CREATE VIEW and WITH NO DATA do.
 *  - a query that runs (CREATE MATERIALIZED VIEW / CREATE TABLE AS ... WITH
 *    DATA, SELECT INTO, REFRESH) is rewritten first: each view it names is
 *    replaced by its query, whose relations are locked ACCESS SHARE in turn;
 *    the planner adds the partitions and inheritance children of what it
 *    reads; every table is read in full (over-approximated: partitions that
 *    the planner prunes are neither locked nor read).
 *  - CREATE OR REPLACE VIEW of an existing view: ACCESS EXCLUSIVE on it,
 *    after the query's relations.
 *  - REFRESH: ACCESS EXCLUSIVE on the materialized view (CONCURRENTLY:
 *    EXCLUSIVE), taken before the query's relations.
 *
 * Nothing is evaluated: the raw query (plan(), review(), CREATE VIEW in the
 * hook) is walked for the relations its names denote, with the scoping of
 * WITH queries; an analyzed query (CREATE TABLE AS in the hook) and a view's
 * stored rule are walked for their range tables.  Of a relation the role has
 * no privilege on (behind a view it may read), the lock is modelled but the
 * size is not told: it stays unknown to the rules and the messages.
 */
#include "glue/model/builder.hpp"
#include "glue/script_state.hpp"

extern "C" {
#include "parser/parsetree.h"
}

#if PG_VERSION_NUM >= 160000
#define MG_WALKER(f) (f)
#else
#define MG_WALKER(f) ((bool (*) ()) (void (*) (void)) (f))
#endif

typedef struct SourceWalk
{
	MgModel    *m;
	bool		reads;			/* the query runs: views expanded, tables read */
	List	   *expanded;		/* views whose query was walked already */
	Oid			self;			/* the view whose stored query is walked */
	int			depth;
	List	   *ctes;			/* raw walk: names of the WITH queries in scope */
} SourceWalk;

static void add_view_query(SourceWalk *w, Oid viewid, bool pushed);

/* Whether relid is a materialized view with data (not WITH NO DATA). */
static bool
is_populated(Oid relid)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	bool		populated = true;

	if (HeapTupleIsValid(tp))
	{
		populated = ((Form_pg_class) GETSTRUCT(tp))->relispopulated;
		ReleaseSysCache(tp);
	}
	return populated;
}

/*
 * One relation the query names, locked in mode lock (ACCESS SHARE, ROW SHARE
 * under FOR UPDATE/SHARE), and with reads, what it reads: the partitions and
 * inheritance children, in the same mode, and what is behind a view.
 */
static void
add_source(SourceWalk *w, Oid relid, bool inh, LOCKMODE lock)
{
	char		relkind = get_rel_relkind(relid);
	MgLockedRelation *r;
	int			before;

	if (relid == w->self || relkind == '\0')
		return;
	switch (relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_MATVIEW:
		case RELKIND_PARTITIONED_TABLE:
			before = w->m->nrels;
			r = add_rel(w->m, relid, lock, w->reads ? EFFECT_SCAN : EFFECT_METADATA,
						w->reads ? "read by the query" : NULL);
			if (r == NULL)
				break;
			if (w->reads && inh && relkind == RELKIND_PARTITIONED_TABLE)
				add_partitions(w->m, relid, lock, EFFECT_SCAN, "read by the query");
			else if (w->reads && inh && relkind == RELKIND_RELATION && has_subclass(relid))
			{
				ListCell   *lc;

				foreach(lc, find_all_inheritors(relid, NoLock, NULL))
					if (lfirst_oid(lc) != relid)
						add_rel(w->m, lfirst_oid(lc), lock, EFFECT_SCAN, "read by the query");
			}
			/* What the role may not see keeps its size untold. */
			for (int i = before; i < w->m->nrels; i++)
				if (!mg_relation_visible(w->m->relids[i]))
					w->m->rels[i].table.rows = w->m->rels[i].table.bytes = -1;
			break;
		case RELKIND_VIEW:
			add_rel(w->m, relid, lock, EFFECT_METADATA, NULL);
			if (w->reads && w->depth < 32 && !list_member_oid(w->expanded, relid))
			{
				Oid			save_self = w->self;

				w->expanded = lappend_oid(w->expanded, relid);
				w->self = relid;
				w->depth++;
				add_view_query(w, relid, lock == RowShareLock);
				w->depth--;
				w->self = save_self;
			}
			break;
		default:
			/* sequences, foreign tables: locked, nothing of ours read */
			add_rel(w->m, relid, lock, EFFECT_METADATA, NULL);
			break;
	}
}

/*
 * An analyzed query: its range table, the sub-selects in FROM, in
 * expressions and in WITH, each relation in the mode parse analysis chose
 * (ROW SHARE under FOR UPDATE/SHARE).  pushed: the query is a view's,
 * referenced under FOR UPDATE/SHARE: the rewriter locks its relations, and
 * those of its sub-selects in FROM, ROW SHARE too (AcquireRewriteLocks).
 */
static void walk_query(SourceWalk *w, Query *q, bool pushed);

static bool
sublink_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		walk_query((SourceWalk *) context, (Query *) node, false);
		return false;
	}
	return expression_tree_walker(node, MG_WALKER(sublink_walker), context);
}

static void
walk_query(SourceWalk *w, Query *q, bool pushed)
{
	ListCell   *lc;
	Index		rti = 0;

	check_stack_depth();
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);

		rti++;
		if (rte->rtekind == RTE_RELATION)
		{
			LOCKMODE	lock = rte->rellockmode != NoLock ? rte->rellockmode : AccessShareLock;

			if (pushed && lock == AccessShareLock)
				lock = RowShareLock;
			add_source(w, rte->relid, rte->inh, lock);
		}
		else if (rte->rtekind == RTE_SUBQUERY && rte->subquery)
			walk_query(w, rte->subquery, pushed || get_parse_rowmark(q, rti) != NULL);
	}
	foreach(lc, q->cteList)
	{
		CommonTableExpr *cte = (CommonTableExpr *) lfirst(lc);

		if (cte->ctequery && IsA(cte->ctequery, Query))
			walk_query(w, (Query *) cte->ctequery, false);
	}
	/* sub-selects in expressions, in function and VALUES entries included */
	query_tree_walker(q, MG_WALKER(sublink_walker), w,
					  QTW_IGNORE_RT_SUBQUERIES | QTW_IGNORE_CTE_SUBQUERIES);
}

/*
 * The stored query of a view or materialized view (its _RETURN rule);
 * pushed: the view is referenced under FOR UPDATE/SHARE.
 */
static void
add_view_query(SourceWalk *w, Oid viewid, bool pushed)
{
	HeapTuple	tp = SearchSysCache2(RULERELNAME, ObjectIdGetDatum(viewid),
									 CStringGetDatum("_RETURN"));
	bool		isnull;
	Datum		action;

	if (!HeapTupleIsValid(tp))
		return;
	action = SysCacheGetAttr(RULERELNAME, tp, Anum_pg_rewrite_ev_action, &isnull);
	if (!isnull)
	{
		List	   *actions = (List *) stringToNode(TextDatumGetCString(action));

		if (actions && IsA(actions, List) && list_length(actions) == 1 &&
			IsA(linitial(actions), Query))
			walk_query(w, (Query *) linitial(actions), pushed);
	}
	ReleaseSysCache(tp);
}

static bool
names_cte(List *ctes, const char *name)
{
	ListCell   *lc;

	foreach(lc, ctes)
		if (strcmp((const char *) lfirst(lc), name) == 0)
			return true;
	return false;
}

/*
 * A raw query: the relations its names denote, as parse analysis will
 * resolve them.  An unqualified name that a WITH query in scope bears is
 * that WITH query (a non-recursive WITH query sees only the ones before it).
 * The target of SELECT INTO and the names of FOR UPDATE OF are no source.
 * Parse analysis locks a relation of a FROM clause ROW SHARE when the
 * SELECT's FOR UPDATE/SHARE covers it (no OF list, or its name or alias in
 * it, or a sub-select in FROM so covered: isLockedRefname), else ACCESS SHARE.
 */
static bool raw_sources_walker(Node *node, void *context);
static void raw_select(SourceWalk *w, SelectStmt *stmt, bool locked_from_parent);

typedef struct RawLocking
{
	bool		all;			/* FOR UPDATE without OF, or locked from the parent */
	List	   *names;			/* RangeVar * of the OF lists */
} RawLocking;

static bool
raw_locked(const RawLocking *lk, const char *refname)
{
	ListCell   *lc;

	if (lk->all)
		return true;
	if (refname == NULL)
		return false;
	foreach(lc, lk->names)
		if (strcmp(((RangeVar *) lfirst(lc))->relname, refname) == 0)
			return true;
	return false;
}

static void
raw_relation(SourceWalk *w, RangeVar *rv, const RawLocking *lk)
{
	Oid			relid;

	if (rv->schemaname == NULL && rv->catalogname == NULL && names_cte(w->ctes, rv->relname))
		return;
	relid = mg_script_relid(w->m->script, rv);
	if (OidIsValid(relid))
		add_source(w, relid, rv->inh,
				   lk && raw_locked(lk, rv->alias ? rv->alias->aliasname : rv->relname)
				   ? RowShareLock : AccessShareLock);
}

/* An item of a FROM clause, under the SELECT's locking. */
static void
raw_from_item(SourceWalk *w, Node *item, const RawLocking *lk)
{
	if (item == NULL)
		return;
	check_stack_depth();
	if (IsA(item, RangeVar))
		raw_relation(w, (RangeVar *) item, lk);
	else if (IsA(item, RangeSubselect))
	{
		RangeSubselect *rs = (RangeSubselect *) item;

		if (rs->subquery && IsA(rs->subquery, SelectStmt))
			raw_select(w, (SelectStmt *) rs->subquery,
					   raw_locked(lk, rs->alias ? rs->alias->aliasname : NULL));
		else
			raw_sources_walker(rs->subquery, w);
	}
	else if (IsA(item, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) item;

		raw_from_item(w, j->larg, lk);
		raw_from_item(w, j->rarg, lk);
		raw_sources_walker(j->quals, w);
	}
	else if (IsA(item, RangeTableSample))
	{
		RangeTableSample *ts = (RangeTableSample *) item;

		raw_from_item(w, ts->relation, lk);
		raw_sources_walker((Node *) ts->args, w);
		raw_sources_walker(ts->repeatable, w);
	}
	else
		raw_sources_walker(item, w);	/* functions, XMLTABLE: their arguments */
}

/* A SELECT: its WITH queries in scope, its FROM under its locking, the rest. */
static void
raw_select(SourceWalk *w, SelectStmt *stmt, bool locked_from_parent)
{
	SelectStmt	rest = *stmt;
	List	   *outer = w->ctes;
	RawLocking	lk;
	ListCell   *lc;

	check_stack_depth();
	if (stmt->withClause)
	{
		WithClause *with = stmt->withClause;
		List	   *all = list_copy(outer);

		if (with->recursive)
			foreach(lc, with->ctes)
				all = lappend(all, ((CommonTableExpr *) lfirst(lc))->ctename);
		foreach(lc, with->ctes)
		{
			CommonTableExpr *cte = (CommonTableExpr *) lfirst(lc);

			w->ctes = all;
			raw_sources_walker(cte->ctequery, w);
			if (!with->recursive)
				all = lappend(list_copy(all), cte->ctename);
		}
		w->ctes = all;
	}
	lk.all = locked_from_parent;
	lk.names = NIL;
	foreach(lc, stmt->lockingClause)
	{
		LockingClause *c = (LockingClause *) lfirst(lc);

		if (c->lockedRels == NIL)
			lk.all = true;
		else
			lk.names = list_concat(lk.names, c->lockedRels);
	}
	foreach(lc, stmt->fromClause)
		raw_from_item(w, (Node *) lfirst(lc), &lk);
	/* The rest: target list, WHERE, sub-selects, the branches of a UNION. */
	rest.withClause = NULL;
	rest.fromClause = NIL;
	rest.lockingClause = NIL;
	rest.intoClause = NULL;
	raw_expression_tree_walker((Node *) &rest, MG_WALKER(raw_sources_walker), w);
	w->ctes = outer;
}

static bool
raw_sources_walker(Node *node, void *context)
{
	SourceWalk *w = (SourceWalk *) context;

	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, SelectStmt))
	{
		raw_select(w, (SelectStmt *) node, false);
		return false;
	}
	if (IsA(node, IntoClause) || IsA(node, LockingClause))
		return false;
	if (IsA(node, RangeVar))
	{
		raw_relation(w, (RangeVar *) node, NULL);
		return false;
	}
	return raw_expression_tree_walker(node, MG_WALKER(raw_sources_walker), context);
}

/* The relations query (raw or analyzed) names; reads: the query runs. */
static void
add_query_sources(MgModel *m, Node *query, bool reads, Oid self)
{
	SourceWalk	w;

	memset(&w, 0, sizeof(w));
	w.m = m;
	w.reads = reads;
	w.self = self;
	/* CREATE TABLE AS EXECUTE: the prepared statement's query is not known here. */
	if (query == NULL)
		return;
	if (IsA(query, Query))
		walk_query(&w, (Query *) query, false);
	else if (IsA(query, SelectStmt))
		raw_select(&w, (SelectStmt *) query, false);
}

/* CREATE [OR REPLACE] VIEW: the query is analyzed, not run. */
void
model_create_view(MgModel *m, ViewStmt *stmt)
{
	if (stmt->replace)
	{
		Oid			viewid = mg_script_relid(m->script, stmt->view);

		/* Replaced: ACCESS EXCLUSIVE (DefineVirtualRelation), the main target. */
		if (OidIsValid(viewid) && get_rel_relkind(viewid) == RELKIND_VIEW)
			add_rel(m, viewid, AccessExclusiveLock, EFFECT_METADATA, NULL);
	}
	add_query_sources(m, stmt->query, false, InvalidOid);
}

/*
 * CREATE TABLE AS, CREATE MATERIALIZED VIEW, SELECT INTO: WITH NO DATA
 * analyzes the query; otherwise it runs.  IF NOT EXISTS of an existing
 * relation stops after the analysis.
 */
void
model_create_table_as(MgModel *m, IntoClause *into, Node *query)
{
	bool		runs = !into->skipData;

	if (runs && OidIsValid(mg_script_relid(m->script, into->rel)))
		runs = false;
	add_query_sources(m, query, runs, InvalidOid);
}

/* Sums what the relations added since first read, into the refresh op. */
static void
sum_sources(MgModel *m, int first, MgOperation *op)
{
	op->source_rows = -1;
	op->source_bytes = -1;
	for (int i = first; i < m->nrels; i++)
	{
		const MgTable *t = &m->rels[i].table;

		if (m->rels[i].effect != EFFECT_SCAN || (t->rows < 0 && t->bytes < 0))
			continue;
		op->nsources++;
		if (t->rows >= 0)
			op->source_rows = Max(op->source_rows, 0) + t->rows;
		if (t->bytes >= 0)
			op->source_bytes = Max(op->source_bytes, 0) + t->bytes;
	}
}

/* A materialized view the script under review created earlier, or NULL. */
static ScriptMatview *
script_matview(const MgModel *m, RangeVar *rv)
{
	ListCell   *lc;

	if (m->script == NULL)
		return NULL;
	foreach(lc, m->script->matviews)
	{
		ScriptMatview *mv = (ScriptMatview *) lfirst(lc);

		if (mg_names_match(mv->rel->relname, rv->relname) &&
			(rv->schemaname == NULL || mg_names_match(rv->schemaname, mv->schema)))
			return mv;
	}
	return NULL;
}

/*
 * REFRESH MATERIALIZED VIEW: ACCESS EXCLUSIVE on the view (CONCURRENTLY:
 * EXCLUSIVE), then, unless WITH NO DATA, its query runs.  Under review, a
 * materialized view the script created earlier is known by its statement.
 */
void
model_refresh(MgModel *m, RefreshMatViewStmt *stmt)
{
	Oid			relid = mg_script_relid(m->script, stmt->relation);
	MgOperation *op;
	int			first;

	if (!OidIsValid(relid))
	{
		ScriptMatview *mv = script_matview(m, stmt->relation);
		MgTable		facts;

		if (mv == NULL)
			return;
		memset(&facts, 0, sizeof(facts));
		facts.name.schema = mv->schema;
		facts.name.name = mv->rel->relname;
		facts.kind = RELKIND_MATVIEW;
		facts.rows = facts.bytes = -1;
		facts.temporary = mv->rel->relpersistence == RELPERSISTENCE_TEMP;
		/* Others see it once the transaction that created it committed. */
		facts.created_in_transaction = mv->tx > 0 && mv->tx == m->script->tx;
		op = add_op_with_facts(m, MG_OP_REFRESH_MATVIEW, InvalidOid, &facts);
		op->concurrently = stmt->concurrent;
		op->effect = stmt->concurrent ? EFFECT_SCAN : EFFECT_REWRITE;
		op->unpopulated = !mv->populated;
		first = m->nrels;
		if (!stmt->skipData)
			add_query_sources(m, mv->query, true, InvalidOid);
		sum_sources(m, first, op);
		return;
	}
	if (!add_rel(m, relid, stmt->concurrent ? ExclusiveLock : AccessExclusiveLock,
				 stmt->concurrent ? EFFECT_SCAN : EFFECT_REWRITE,
				 stmt->concurrent ? "concurrent refresh" : "refresh"))
		return;
	op = add_op(m, MG_OP_REFRESH_MATVIEW, relid);
	if (op == NULL)
		return;
	op->concurrently = stmt->concurrent;
	op->effect = stmt->concurrent ? EFFECT_SCAN : EFFECT_REWRITE;
	op->unpopulated = get_rel_relkind(relid) == RELKIND_MATVIEW && !is_populated(relid);
	first = m->nrels;
	if (!stmt->skipData)
	{
		SourceWalk	w;

		memset(&w, 0, sizeof(w));
		w.m = m;
		w.reads = true;
		w.self = relid;
		add_view_query(&w, relid, false);
	}
	/* add_op copied the view's facts before the sources were added: op stays valid */
	op = &m->ops[m->nops - 1];
	sum_sources(m, first, op);
}
