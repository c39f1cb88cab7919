// SQL identifier quoting and human-readable quantities, as the server prints them.
#pragma once
#include "core/no_pg.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mg {

// Answers whether a lower-case word is a keyword that must be quoted when used
// as an identifier (every category but UNRESERVED_KEYWORD, as quote_identifier()
// decides).  The glue installs the server's own keyword table; unit tests install
// a small one.  The function must be pure: it is called from C++ frames.
using KeywordPredicate = bool (*)(const char* word);
void set_keyword_predicate(KeywordPredicate pred);

// quote_identifier(): bare when the name is a lower-case identifier that is not
// a reserved word, otherwise in double quotes with embedded quotes doubled.
// When quote_all is true (the quote_all_identifiers GUC) every name is quoted.
std::string quote_ident(std::string_view name, bool quote_all = false);
// schema.name with each part quoted as needed; an empty schema is left out.
std::string quote_qualified(std::string_view schema, std::string_view name,
                            bool quote_all = false);
// The server truncates identifiers to NAMEDATALEN - 1 = 63 bytes; so do we,
// without cutting a UTF-8 sequence in two.
std::string truncate_identifier(std::string name);
// A statement as it goes into a script: trimmed, with one final semicolon
// (empty stays empty).
std::string with_semicolon(std::string_view text);
// A string literal: 'it''s'.  Backslashes are doubled and the E'' form used
// when present, as quote_literal() does.
std::string quote_literal(std::string_view value);

// body as a dollar-quoted string constant: $mg$body$mg$, with a tag ($mg1$,
// $mg2$, ...) that does not occur in body, so nothing in it (a name holding
// "$$" or "$mg$") can end the constant.
std::string dollar_quote(std::string_view body);

// Text that goes into a generated comment, on one line whatever it holds: a
// line break would end a "--" comment and make the rest of a name live SQL.
// Control characters (and DEL) are written as \n, \r, \t or \xHH; the rest,
// backslashes included, is kept.
std::string one_line(std::string_view text);
// A "--" comment of any text: every line of it (the server's lexer ends a
// comment at \n and at \r) starts with "-- ", and control characters other
// than line breaks are escaped as one_line() does.  The result has no final
// line break.
std::string sql_comment(std::string_view text);
// A word for a shell command shown to a person (pg_dump --table=...,
// pg_repack ...): bare when it holds only [A-Za-z0-9_.,:/=+-] and does not
// start with '-'; otherwise in single quotes with each ' written '\'', or as
// $'...' with \n and \xHH escapes when it holds a control character, so that
// the command stays on one line.
std::string shell_word(std::string_view word);

// "8192 bytes", "10 kB", "2146 MB", "12 GB" ...: exactly what pg_size_pretty() prints.
std::string pretty_bytes(int64_t bytes);
// "950", "12 thousand", "1.2 million", "3.4 billion".
std::string pretty_count(int64_t n);

}  // namespace mg
