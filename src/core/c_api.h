/*
 * The one door between the two worlds.
 *
 * The glue (which includes PostgreSQL headers and may longjmp) and the core
 * (C++ with exceptions and destructors) talk only through these plain structs
 * and the functions below.  The glue fills MgOperation with pointers to its own
 * palloc'd strings; the core copies what it needs, evaluates, and returns its
 * findings in malloc'd memory, never in palloc'd memory (palloc can longjmp out
 * of a C++ frame).  Every function here is noexcept: an exception is caught
 * inside and returned as MgResult.error.  The glue frees the result with
 * mg_result_free() before it ereports anything that may not return.
 *
 * Nothing here includes a PostgreSQL or C++ standard header.
 */
#ifndef MIGRATION_GUARD_C_API_H
#define MIGRATION_GUARD_C_API_H

#include <stdbool.h>
#include <stdint.h>

typedef struct MgName {
  const char *schema;
  const char *name;
} MgName;

typedef struct MgTable {
  MgName name;
  char kind;     /* pg_class.relkind */
  int64_t rows;  /* -1: unknown */
  int64_t bytes; /* -1: unknown */
  bool created_in_transaction;
  bool temporary;
  const MgName *partitions; /* a prefix of the direct partitions */
  int npartitions;
  int64_t partition_count;
} MgTable;

typedef enum MgOpKind {
  MG_OP_CREATE_INDEX = 1,
  MG_OP_ADD_COLUMN = 2,
  MG_OP_TABLE_REWRITE = 3,
} MgOpKind;

typedef struct MgOperation {
  MgOpKind kind;
  MgTable table;
  /* MG_OP_CREATE_INDEX */
  const char *statement;
  int concurrently_at; /* -1: unknown */
  int relation_end;    /* -1: unknown */
  const char *index_name; /* NULL: unnamed */
  bool concurrently;
  bool unique;
  /* MG_OP_ADD_COLUMN */
  const char *column;
  const char *type_sql;
  bool not_null;
  bool has_default;
  bool fills_values;
  /* MG_OP_TABLE_REWRITE */
  const char *command;
  int rewrite_reason;
} MgOperation;

typedef struct MgSettings {
  int mode; /* mg::Mode */
  int64_t large_table_rows;
  int64_t large_table_bytes;
  bool quote_all_identifiers;
  bool in_extension_script;
} MgSettings;

typedef struct MgFinding {
  char *rule;
  int severity; /* mg::Severity */
  int action;   /* mg::Action */
  char *relation;
  char *message;
  char *detail;
  char *hint;
} MgFinding;

typedef struct MgResult {
  MgFinding *findings;
  int nfindings;
  char *error; /* non-NULL when the core failed; findings is then empty */
} MgResult;

/* Values of MgFinding.action, equal to mg::Action. */
#define MG_ACTION_IGNORE 0
#define MG_ACTION_LOG 1
#define MG_ACTION_WARN 2
#define MG_ACTION_REJECT 3

/* Evaluates the operations against the rule catalog.  Always fills *out. */
void mg_evaluate(const MgOperation *ops, int nops, const MgSettings *settings, MgResult *out)
    noexcept;
void mg_result_free(MgResult *result) noexcept;

/* Installs the server's keyword test used for identifier quoting. */
void mg_set_keyword_predicate(bool (*is_keyword)(const char *word)) noexcept;

#endif
