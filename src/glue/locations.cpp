/*
 * migration_guard.statement_locations(sql): where each statement of a script
 * starts and ends, as the server's parser split it, in lines and columns of
 * the script.  The command-line program puts its CI annotations (SARIF,
 * GitHub workflow commands) on these positions: review() and plan() number
 * the statements the same way (stmt_no).
 *
 * Columns count characters (not bytes) from 1, as editors and SARIF's
 * "unicodeCodePoints" column kind do; a line ends at "\n" (a "\r" before it
 * is part of no column anyone sees).  The start is the statement's first
 * token, past the blanks and comments that follow the previous semicolon;
 * the end is just after its last non-blank character (exclusive), the
 * semicolon not included.
 */
#include "glue/glue.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/tuplestore.h"
PG_FUNCTION_INFO_V1(mg_statement_locations);
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

/* A position in the script, moved forward only (statements come in order). */
typedef struct Cursor
{
	const char *at;
	int			line;
	int			col;
	int			position;		/* 1-based, in characters */
} Cursor;

static void
advance(Cursor *c, const char *to)
{
	while (c->at < to)
	{
		int			len = pg_mblen(c->at);

		if (*c->at == '\n')
		{
			c->line++;
			c->col = 1;
		}
		else
			c->col++;
		c->position++;
		c->at += len;
	}
}

Datum
mg_statement_locations(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ReturnSetInfo *rsinfo = mg_begin_srf(fcinfo);
	List	   *stmts = mg_parse_script(sql);
	const char *script_end = sql + strlen(sql);
	Cursor		cur = {sql, 1, 1, 1};
	ListCell   *lc;
	int			stmt_no = 0;

	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		const char *from = sql + Max(rs->stmt_location, 0);
		const char *to = rs->stmt_len > 0 ? from + rs->stmt_len : script_end;
		const char *start;
		const char *stop;
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		if (to > script_end)
			to = script_end;
		start = mg_skip_blanks_and_comments(from, to);
		stop = to;
		while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\n' ||
								stop[-1] == '\r' || stop[-1] == '\f' || stop[-1] == '\v'))
			stop--;
		if (start < cur.at)
			start = cur.at;		/* never backwards */
		advance(&cur, start);
		values[0] = Int32GetDatum(++stmt_no);
		values[1] = Int32GetDatum(cur.line);
		values[2] = Int32GetDatum(cur.col);
		values[5] = Int32GetDatum(cur.position);
		advance(&cur, stop);
		values[3] = Int32GetDatum(cur.line);
		values[4] = Int32GetDatum(cur.col);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
