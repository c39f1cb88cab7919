// migration-guard review --production: reads the schema a migration touches
// and the facts the rules use from a server without the extension (catalog
// queries only, in one read-only transaction, no lock on any table), builds
// that schema in a shadow server with the extension, gives it production's
// facts (migration_guard.override_facts(), superusers only, never read by the
// hook), and reviews there.  The report adds production's current lock
// holders and what the shadow could not recreate.
#pragma once

#include "cli_util.hpp"

namespace mg::cli {

int review_production(const Options& opts);

}  // namespace mg::cli
