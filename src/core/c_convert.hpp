// From the plain C structs of c_api.h to the core's model: used by every
// function of c_api.cpp.  Throws std::invalid_argument on a value no enum
// knows.  Internal to the core: the glue never includes it.
#pragma once
#include "core/no_pg.hpp"

#include <string>

#include "core/c_api.h"
#include "core/model.hpp"
#include "core/policy.hpp"
#include "core/review.hpp"
#include "core/undo.hpp"

namespace mg::capi {

std::string str(const char* s);
QualifiedName name_of(const MgName& n);
TableFacts table_of(const MgTable& in);
OpKind kind_of(MgOpKind k);
Effect effect_of(int effect);
Operation operation_of(const MgOperation& in);
LockedRelation locked_relation_of(const MgLockedRelation& in);
Settings settings_of(const MgSettings& in);
UndoFact undo_fact_of(const MgUndoFact& in);
ScriptStatement script_statement_of(const MgScriptStatement& in);

}  // namespace mg::capi
