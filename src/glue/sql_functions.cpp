/*
 * SQL-callable functions: migration_guard.plan(sql) and the rule catalog.
 *
 * plan() parses the text with the server's own parser and models every
 * statement without executing anything.  It takes no lock on the tables it
 * looks at, beyond the catalogs' own AccessShareLock and, where the server
 * must open a table to answer (ATTACH PARTITION), a conditional
 * AccessShareLock released at once.
 */
#include "glue/glue.hpp"

extern "C" {
#include "parser/parser.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/tuplestore.h"
PG_FUNCTION_INFO_V1(mg_plan);
PG_FUNCTION_INFO_V1(mg_rules);
PG_FUNCTION_INFO_V1(mg_plan_locks);
}

/* A tuplestore to return rows into (InitMaterializedSRF before PG 15 too). */
ReturnSetInfo *
mg_begin_srf(FunctionCallInfo fcinfo)
{
	InitMaterializedSRF(fcinfo, 0);
	return (ReturnSetInfo *) fcinfo->resultinfo;
}

/*
 * A syntax error in the text given to plan() points into that text, not into
 * the SELECT that called plan(): report it as an internal query position, as
 * PL/pgSQL does for the statements of a function body.
 */
static void
parse_error_callback(void *arg)
{
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery((const char *) arg);
	}
}

List *
mg_parse_script(const char *sql)
{
	ErrorContextCallback callback;
	List	   *result;

	callback.callback = parse_error_callback;
	callback.arg = (void *) sql;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	result = raw_parser(sql, RAW_PARSE_DEFAULT);
	error_context_stack = callback.previous;
	return result;
}

/* The text of one statement of a script, from its first token on. */
char *
mg_raw_statement_text(const char *sql, RawStmt *rs)
{
	/*
	 * The parser's location and length are trusted: measuring the whole
	 * script for every statement would make a long script quadratic.
	 */
	const char *from = sql + (rs->stmt_location < 0 ? 0 : rs->stmt_location);
	const char *start;

	/*
	 * From the statement's first token: the comments before it belong to no
	 * statement (PostgreSQL 18's parser leaves them out of the location
	 * already; 15's does not).
	 */
	start = mg_skip_blanks_and_comments(from, rs->stmt_len > 0 ? from + rs->stmt_len
										: from + strlen(from));
	if (rs->stmt_len > 0)
	{
		int			len = rs->stmt_len - (int) (start - (sql + Max(rs->stmt_location, 0)));

		return pnstrdup(start, Max(len, 0));
	}
	return pstrdup(start);
}

static char *
qualified(const MgTable *t)
{
	return psprintf("%s.%s", quote_identifier(t->name.schema), quote_identifier(t->name.name));
}

Datum
mg_plan(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ReturnSetInfo *rsinfo = mg_begin_srf(fcinfo);
	List	   *stmts = mg_parse_script(sql);
	ListCell   *lc;
	int			stmt_no = 0;

	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		Datum		values[9];

		CHECK_FOR_INTERRUPTS();
		bool		nulls[9];
		MgModel		m;
		char	   *text = mg_raw_statement_text(sql, rs);

		memset(nulls, true, sizeof(nulls));
		values[0] = Int32GetDatum(++stmt_no);
		nulls[0] = false;
		values[1] = CStringGetTextDatum(text);
		nulls[1] = false;
		memset(&m, 0, sizeof(m));
		m.use_overrides = true;
		if (!mg_analyze(rs->stmt, sql, text, &m))
		{
			values[2] = CStringGetTextDatum(GetCommandTagName(CreateCommandTag(rs->stmt)));
			nulls[2] = false;
			values[6] = CStringGetTextDatum(mg_effect_name(0));
			nulls[6] = false;
		}
		else
		{
			int			effect = 0;

			values[2] = CStringGetTextDatum(m.command);
			nulls[2] = false;
			for (int i = 0; i < m.nrels; i++)
				effect = Max(effect, m.rels[i].effect);
			values[6] = CStringGetTextDatum(mg_effect_name(effect));
			nulls[6] = false;
			if (m.nrels > 0)
			{
				MgLockedRelation *main_rel = &m.rels[0];
				Datum	   *others = (Datum *) palloc(sizeof(Datum) * Max(1, m.nrels - 1));

				values[3] = CStringGetTextDatum(qualified(&main_rel->table));
				nulls[3] = false;
				if (main_rel->lock > 0)
				{
					values[4] = CStringGetTextDatum(GetLockmodeName(DEFAULT_LOCKMETHOD,
																	main_rel->lock));
					nulls[4] = false;
				}
				for (int i = 1; i < m.nrels; i++)
					others[i - 1] = CStringGetTextDatum(
						psprintf("%s=%s", qualified(&m.rels[i].table),
								 m.rels[i].lock > 0
								 ? GetLockmodeName(DEFAULT_LOCKMETHOD, m.rels[i].lock)
								 : "none"));
				values[5] = PointerGetDatum(construct_array(others, m.nrels - 1, TEXTOID, -1,
															false, TYPALIGN_INT));
				nulls[5] = false;
				if (main_rel->table.rows >= 0)
				{
					values[7] = Int64GetDatum(main_rel->table.rows);
					nulls[7] = false;
				}
				if (main_rel->table.bytes >= 0)
				{
					values[8] = Int64GetDatum(main_rel->table.bytes);
					nulls[8] = false;
				}
			}
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* One row per statement and relation: every lock plan() summarizes. */
Datum
mg_plan_locks(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ReturnSetInfo *rsinfo = mg_begin_srf(fcinfo);
	List	   *stmts = mg_parse_script(sql);
	ListCell   *lc;
	int			stmt_no = 0;

	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		MgModel		m;

		CHECK_FOR_INTERRUPTS();
		stmt_no++;
		memset(&m, 0, sizeof(m));
		m.use_overrides = true;
		if (!mg_analyze(rs->stmt, sql, mg_raw_statement_text(sql, rs), &m))
			continue;
		for (int i = 0; i < m.nrels; i++)
		{
			MgLockedRelation *r = &m.rels[i];
			Datum		values[7];
			bool		nulls[7] = {false, false, false, false, false, false, false};

			values[0] = Int32GetDatum(stmt_no);
			values[1] = ObjectIdGetDatum(m.relids[i]);
			values[2] = CStringGetTextDatum(qualified(&r->table));
			if (r->lock > 0)
				values[3] = CStringGetTextDatum(GetLockmodeName(DEFAULT_LOCKMETHOD, r->lock));
			else
				nulls[3] = true;
			values[4] = CStringGetTextDatum(mg_effect_name(r->effect));
			if (r->cause)
				values[5] = CStringGetTextDatum(r->cause);
			else
				nulls[5] = true;
			values[6] = BoolGetDatum(i == 0);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

Datum
mg_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = mg_begin_srf(fcinfo);
	int			n = mg_rule_count();

	for (int i = 0; i < n; i++)
	{
		MgRuleInfo	r;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		if (!mg_rule_get(i, &r))
			continue;
		values[0] = CStringGetTextDatum(r.id);
		values[1] = CStringGetTextDatum(r.severity);
		values[2] = CStringGetTextDatum(r.summary ? r.summary : "");
		values[3] = CStringGetTextDatum(r.explanation ? r.explanation : "");
		values[4] = CStringGetTextDatum(r.recipe ? r.recipe : "");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
