// The facts of a relation (relation_facts.cpp).
#pragma once

#include "glue/pg.hpp"

// Fills *table with the live facts about relid: names, kind, planner-style
// row and size estimates, whether this transaction created it.  Takes no lock
// and never raises an error for a relation that vanished: it returns false.
bool mg_table_facts(Oid relid, MgTable *table);
// The same, with the facts a superuser set for plan()/review()/report() in
// place of the live ones when use_overrides is true (facts_override.cpp).
// Only the SQL review functions pass true: the hook never does.
bool mg_table_facts_with(Oid relid, MgTable *table, bool use_overrides);
// Every relation of the partition tree below relid, relid first, as
// find_all_inheritors(relid, NoLock) lists it; gathered once per statement
// with the facts (relation_facts.cpp).
List *mg_partition_tree(Oid relid, bool use_overrides);
// The owner of relid when this statement already gathered its facts.
bool mg_cached_owner(Oid relid, Oid *owner);
// Empties the per-statement cache of facts (when the overrides change).
void mg_facts_cache_flush(void);
// How many relcache and namespace invalidations this backend has processed:
// unchanged, every relation name still resolves as it did.
uint64 mg_facts_invalidation_count(void);

// Calls fn for the pg_index row of every index of relid.
void mg_foreach_index(Oid relid, void (*fn)(HeapTuple indextup, void *arg), void *arg);
// Calls fn for the pg_constraint row of every constraint of relid.
void mg_foreach_constraint(Oid relid, void (*fn)(HeapTuple contup, TupleDesc desc, void *arg),
						   void *arg);
