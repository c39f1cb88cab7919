# migration_guard: PGXS build.  make && make install; make installcheck runs
# the pg_regress suite against a running server that preloads the library
# (the README's test command starts one with pg_virtualenv).

EXTENSION  = migration_guard
MODULE_big = migration_guard
DATA       = migration_guard--0.3.0.sql migration_guard--0.2.0--0.3.0.sql \
             migration_guard--0.2.0.sql migration_guard--0.1.0.sql migration_guard--0.1.0--0.2.0.sql
PGFILEDESC = "migration_guard - guards schema migrations"

CORE_SRCS = $(wildcard src/core/*.cpp src/core/rules/*.cpp)
GLUE_SRCS = $(wildcard src/glue/*.cpp src/glue/model/*.cpp)
OBJS      = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# Each rule's cases are in sql/rules/<id>.sql (expected/rules/<id>.out), with
# fixtures of their own: found by the wildcard, in name order, after setup.
RULE_REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/rules/*.sql)))
REGRESS      = setup rule_catalog $(RULE_REGRESS) \
               hook modes plan review locks blockers policy policy_baseline faked_statistics many_tables privileges inheritance schema_elements review_safety history hostile_names undo_agree constraint_names cascade upgrade accuracy differential \
               findings lock_timeout facts_override statement_locations partition_facts
REGRESS_OPTS = --load-extension=plpgsql
# pg_regress writes results/rules/<id>.out but does not create results/rules.
REGRESS_PREP = regress-dirs
# Isolation tests (specs/): sessions holding locks while a DDL runs.
ISOLATION      = lock_conflicts rename_race guarded_cancel
ISOLATION_OPTS = --load-extension=migration_guard

# The server headers are system headers to us: -Wall -Wextra apply to our code.
PG_CONFIG ?= pg_config
PG_CPPFLAGS  = -Isrc -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CXXFLAGS  = -std=c++17 -Wall -Wextra -Werror=return-type -MMD -MP
SHLIB_LINK  += -lfmt -lstdc++

# The LLVM bitcode step would compile our C++ with clang and without the flags
# above; JIT-inlining our hook is of no use, so it is off.
override with_llvm = no

# Defined before PGXS is included: its clean rule tests "ifdef EXTRA_CLEAN"
# when it is read (the += lines after the include then count too).
EXTRA_CLEAN = migration-guard

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Header dependencies (PGXS does not track them for C++ objects).
-include $(OBJS:.o=.d)
EXTRA_CLEAN += $(OBJS:.o=.d)

.PHONY: regress-dirs
regress-dirs:
	$(MKDIR_P) results/rules

# The core's unit tests, built and run with CMake/CTest.
.PHONY: unittest
unittest:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build -j2
	cd build && ctest --output-on-failure

# The regression tests' fixture extension (an install script that the policy
# must report but never reject).  Not part of a normal install.
.PHONY: install-test-fixtures
install-test-fixtures:
	$(INSTALL_DATA) test/extension/mg_test_ext.control test/extension/mg_test_ext--1.0.sql \
	  '$(DESTDIR)$(datadir)/extension/'

# The command-line client migration-guard: a plain libpq program (src/cli),
# not part of the module.  Built by "all", installed into bindir.
CLI_SRCS = $(wildcard src/cli/*.cpp)
CLI_HDRS = $(wildcard src/cli/*.hpp)
# MG_PG_BINDIR: where review --production finds initdb and pg_ctl for its
# shadow server when they are not next to the program.
migration-guard: $(CLI_SRCS) $(CLI_HDRS)
	$(CXX) -std=c++17 -Wall -Wextra -O2 -I$(shell $(PG_CONFIG) --includedir) \
	  -DMG_PG_BINDIR='"$(shell $(PG_CONFIG) --bindir)"' \
	  -o $@ $(CLI_SRCS) -L$(shell $(PG_CONFIG) --libdir) -lpq
all: migration-guard
.PHONY: install-cli
install: install-cli
install-cli: migration-guard
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) migration-guard '$(DESTDIR)$(bindir)/'
