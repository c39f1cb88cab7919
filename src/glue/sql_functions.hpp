// The SQL-callable functions plan(), plan_locks(), rules() (sql_functions.cpp):
// no declaration is shared; their helpers are in sql_util.hpp.
#pragma once

#include "glue/pg.hpp"
