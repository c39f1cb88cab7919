/*
 * Helpers of the SQL-callable functions: the tuplestore of a set-returning
 * function, the parse of a script with the server's own parser, the text of
 * one of its statements.  A leaf of the glue.
 */
#include "glue/sql_util.hpp"

extern "C" {
#include "parser/parser.h"
#include "utils/tuplestore.h"
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
	const char *start = sql + (rs->stmt_location < 0 ? 0 : rs->stmt_location);

	while (isspace((unsigned char) *start))
		start++;
	if (rs->stmt_len > 0)
	{
		int			len = rs->stmt_len - (int) (start - (sql + Max(rs->stmt_location, 0)));

		return pnstrdup(start, Max(len, 0));
	}
	return pstrdup(start);
}

