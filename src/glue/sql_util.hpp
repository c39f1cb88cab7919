// Helpers of the SQL-callable functions (sql_util.cpp).
#pragma once

#include "glue/pg.hpp"

ReturnSetInfo *mg_begin_srf(FunctionCallInfo fcinfo);
List	   *mg_parse_script(const char *sql);
char	   *mg_raw_statement_text(const char *sql, RawStmt *rs);
/* Past blanks and SQL comments (nested block comments included) from p, not beyond end. */
const char *mg_skip_blanks_and_comments(const char *p, const char *end);
