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

/*
 * Past blanks and SQL comments (nested block comments included) from p, not
 * beyond end.  A "--" comment ends at \n or \r, as in the server's lexer.
 */
const char *
mg_skip_blanks_and_comments(const char *p, const char *end)
{
	while (p < end)
	{
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
			p++;
		else if (p + 1 < end && p[0] == '-' && p[1] == '-')
		{
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		}
		else if (p + 1 < end && p[0] == '/' && p[1] == '*')
		{
			int			depth = 1;

			p += 2;
			while (p < end && depth > 0)
			{
				if (p + 1 < end && p[0] == '/' && p[1] == '*')
				{
					depth++;
					p += 2;
				}
				else if (p + 1 < end && p[0] == '*' && p[1] == '/')
				{
					depth--;
					p += 2;
				}
				else
					p++;
			}
		}
		else
			break;
	}
	return p;
}
