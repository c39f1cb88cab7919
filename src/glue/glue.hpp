// The umbrella of the glue's headers, for the files that use most of them
// (model/ files, relation_facts.cpp...).  Each header declares one concern
// and includes only glue/pg.hpp or glue/model.hpp: no cycle between them.
#pragma once

#include "glue/catalog_sql.hpp"
#include "glue/column_stats.hpp"
#include "glue/constraint_names.hpp"
#include "glue/dropped.hpp"
#include "glue/facts_override.hpp"
#include "glue/findings_store.hpp"
#include "glue/history.hpp"
#include "glue/hook.hpp"
#include "glue/lock_guard.hpp"
#include "glue/model.hpp"
#include "glue/messages.hpp"
#include "glue/pg.hpp"
#include "glue/policy_guard.hpp"
#include "glue/relation_facts.hpp"
#include "glue/review.hpp"
#include "glue/script_state.hpp"
#include "glue/settings.hpp"
#include "glue/sql_functions.hpp"
#include "glue/sql_util.hpp"
#include "glue/statement_state.hpp"
#include "glue/subxact.hpp"
#include "glue/tool_settings.hpp"
#include "glue/transaction_state.hpp"
#include "glue/undo_facts.hpp"
