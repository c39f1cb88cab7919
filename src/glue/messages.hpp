// The core's findings turned into messages (messages.cpp).
#pragma once

#include "glue/pg.hpp"

// Turns the core's findings into ereport() calls: LOG, WARNING, and at the
// end ERROR for the first finding the policy rejects.  Frees *result.
// statement: the text kept with each finding in the findings store (NULL: the
// client's query string).
void mg_report_findings(MgResult *result, const char *statement);
