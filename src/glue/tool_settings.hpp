// Settings for migration tools (tool_settings.cpp).
#pragma once

#include "glue/pg.hpp"

void		mg_define_tool_settings(void);
/* Whether DDL on every one of these relations (schema-qualified names) is left out of the history. */
bool		mg_history_excludes(List *qualified_names);
/* Whether the history leaves out DDL on objects of this schema (alone). */
bool		mg_history_excludes_schema(const char *schema);
/* Whether a statement without relations (CREATE SCHEMA, COMMENT, GRANT) is on excluded objects. */
bool		mg_history_excludes_statement(Node *parsetree);
