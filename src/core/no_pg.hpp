// Every core header includes this file first.  The core is plain C++17: it must
// compile, and be unit-tested, without a PostgreSQL server or its headers.  If a
// PostgreSQL header was included before us, the build stops here.
#pragma once

#if defined(PG_VERSION_NUM) || defined(POSTGRES_H)
#error "src/core must not see PostgreSQL headers: move this code to src/glue"
#endif
