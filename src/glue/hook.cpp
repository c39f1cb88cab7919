/*
 * The ProcessUtility hook: the main gate.
 *
 * Event triggers miss TRUNCATE, VACUUM, CLUSTER and (before PostgreSQL 17)
 * REINDEX, and do not fire in single-user mode; the hook sees every utility
 * statement, including those run from functions.  It runs for every BEGIN,
 * COMMIT, SET and SHOW of every client too, so its first action is a switch
 * on the node tag: anything that is not a statement we judge goes straight on,
 * with no catalog access and no allocation.
 *
 * Whatever happens, the previous hook (or standard_ProcessUtility) is called
 * exactly once, unless we reject the statement with an ERROR, in which case it
 * is not called at all.
 */
#include "glue/glue.hpp"

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

/* Marks keyword tokens in our own scans; no grammar token uses this code. */
#define MG_KEYWORD_TOKEN 1

/*
 * Where a CREATE INDEX statement starts (its first token, past any leading
 * comment), where CONCURRENTLY goes (just after the INDEX keyword), and where the column list starts (just after the table name),
 * found with the server's own scanner, so that comments, quoted names and odd
 * spacing cannot mislead us.  The statement already parsed, so the scan
 * cannot fail.
 */
static void
locate_index_parts(const char *stmt, int *first_token, int *concurrently_at, int *relation_end)
{
	static uint16 *keyword_tokens = NULL;
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc;
	int			tok;
	int			state = 0;		/* 0: before INDEX, 1: before ON, 2: table name */
	int			depth = 0;

	*first_token = -1;
	*concurrently_at = -1;
	*relation_end = -1;
	if (keyword_tokens == NULL)
	{
		uint16	   *tokens = (uint16 *) MemoryContextAlloc(TopMemoryContext,
														   sizeof(uint16) * ScanKeywords.num_keywords);

		for (int i = 0; i < ScanKeywords.num_keywords; i++)
			tokens[i] = MG_KEYWORD_TOKEN;
		keyword_tokens = tokens;
	}

	scanner = scanner_init(stmt, &yyextra, &ScanKeywords, keyword_tokens);
	while ((tok = core_yylex(&yylval, &yylloc, scanner)) != 0)
	{
		bool		is_kw = (tok == MG_KEYWORD_TOKEN);

		if (*first_token < 0)
			*first_token = yylloc;
		if (state == 0)
		{
			if (is_kw && strcmp(yylval.keyword, "index") == 0)
			{
				*concurrently_at = yylloc + (int) strlen("index");
				state = 1;
			}
		}
		else if (state == 1)
		{
			if (tok == '(')
				depth++;
			else if (tok == ')')
				depth--;
			else if (depth == 0 && is_kw && strcmp(yylval.keyword, "on") == 0)
				state = 2;
		}
		else if (state == 2)
		{
			if (is_kw && strcmp(yylval.keyword, "only") == 0)
				continue;
			/* The first part of the table name; now follow the dots. */
			state = 3;
		}
		else if (state == 3)
		{
			if (tok == '.')
				state = 2;
			else
			{
				*relation_end = yylloc;
				break;
			}
		}
	}
	scanner_finish(scanner);
}

/* The text of the statement being executed, out of a possibly multi-statement string. */
static char *
statement_text(PlannedStmt *pstmt, const char *queryString)
{
	int			loc = pstmt->stmt_location;
	int			len = pstmt->stmt_len;

	if (queryString == NULL)
		return pstrdup("");
	if (loc < 0 || loc > (int) strlen(queryString))
		loc = 0;
	if (len <= 0)
		len = strlen(queryString) - loc;
	return pnstrdup(queryString + loc, len);
}

static void
judge(MgOperation *ops, int nops)
{
	MgSettings	settings;
	MgResult	result;

	if (nops == 0)
		return;
	mg_current_settings(&settings);
	mg_evaluate(ops, nops, &settings, &result);
	mg_report_findings(&result);
}

static void
inspect_create_index(IndexStmt *stmt, PlannedStmt *pstmt, const char *queryString)
{
	MgOperation op;
	Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);

	if (!OidIsValid(relid))
		return;					/* the statement reports it */
	memset(&op, 0, sizeof(op));
	op.kind = MG_OP_CREATE_INDEX;
	if (!mg_table_facts(relid, &op.table))
		return;

	/*
	 * CREATE INDEX ... ON ONLY a partitioned table builds nothing: it makes an
	 * invalid index on the parent alone, the first step of the safe recipe.
	 */
	if (op.table.kind == RELKIND_PARTITIONED_TABLE && !stmt->relation->inh)
		return;
	{
		char	   *text = statement_text(pstmt, queryString);
		int			first;

		locate_index_parts(text, &first, &op.concurrently_at, &op.relation_end);
		if (first > 0)
		{
			text += first;
			op.concurrently_at -= op.concurrently_at >= 0 ? first : 0;
			op.relation_end -= op.relation_end >= 0 ? first : 0;
		}
		op.statement = text;
	}
	op.index_name = stmt->idxname;
	op.concurrently = stmt->concurrent;
	op.unique = stmt->unique;
	judge(&op, 1);
}

static bool
is_serial_type(TypeName *tn)
{
	const char *name;

	if (tn == NULL || list_length(tn->names) != 1 || tn->pct_type)
		return false;
	name = strVal(linitial(tn->names));
	return strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0 ||
		strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0 ||
		strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0;
}

/*
 * Fills the ADD COLUMN part of op from the column definition.  False when the
 * type does not exist: the statement will fail on its own, and say why.
 */
static bool
describe_new_column(ColumnDef *def, MgOperation *op)
{
	ListCell   *lc;
	Type		typ;
	int32		typmod = -1;

	op->column = def->colname;
	op->not_null = def->is_not_null;
	op->has_default = def->raw_default != NULL;
	op->fills_values = def->identity != 0 || def->generated != 0 || is_serial_type(def->typeName);
	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);

		if (!IsA(c, Constraint))
			continue;
		switch (c->contype)
		{
			case CONSTR_NOTNULL:
			case CONSTR_PRIMARY:
				op->not_null = true;
				break;
			case CONSTR_DEFAULT:
				op->has_default = true;
				break;
			case CONSTR_IDENTITY:
			case CONSTR_GENERATED:
				op->fills_values = true;
				break;
			default:
				break;
		}
	}

	/* The type as SQL, and what a domain brings: NOT NULL and a default. */
	op->type_sql = def->typeName ? TypeNameToString(def->typeName) : "";
	if (def->typeName == NULL || op->fills_values)
		return true;
	typ = LookupTypeName(NULL, def->typeName, &typmod, true);
	if (typ == NULL)
		return false;
	{
		Form_pg_type t = (Form_pg_type) GETSTRUCT(typ);
		Oid			typid = t->oid;

		if (t->typtype == TYPTYPE_DOMAIN)
		{
			if (t->typnotnull)
				op->not_null = true;
			if (!heap_attisnull(typ, Anum_pg_type_typdefaultbin, NULL))
				op->has_default = true;
		}
		ReleaseSysCache(typ);
		op->type_sql = format_type_with_typemod(typid, typmod);
	}
	return true;
}

static void
inspect_alter_table(AlterTableStmt *stmt)
{
	MgOperation *ops;
	MgTable		table;
	ListCell   *lc;
	int			nops = 0;
	Oid			relid;

#if PG_VERSION_NUM >= 140000
	if (stmt->objtype != OBJECT_TABLE)
#else
	if (stmt->relkind != OBJECT_TABLE)
#endif
		return;

	/* Nothing to judge unless a subcommand is one of ours: decide before any look-up. */
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd->subtype == AT_AddColumn)
			nops++;
	}
	if (nops == 0)
		return;

	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid) || !mg_table_facts(relid, &table))
		return;

	ops = (MgOperation *) palloc0(sizeof(MgOperation) * nops);
	nops = 0;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd->subtype == AT_AddColumn && cmd->def && IsA(cmd->def, ColumnDef))
		{
			ops[nops].kind = MG_OP_ADD_COLUMN;
			ops[nops].table = table;
			if (describe_new_column((ColumnDef *) cmd->def, &ops[nops]))
				nops++;
		}
	}
	judge(ops, nops);
}

static void
mg_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
#if PG_VERSION_NUM >= 140000
				  bool readOnlyTree,
#endif
				  ProcessUtilityContext context, ParamListInfo params,
				  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;

	switch (nodeTag(parsetree))
	{
		case T_IndexStmt:
		case T_AlterTableStmt:

			/*
			 * Not judged: mode off; a binary upgrade (pg_upgrade replays the
			 * schema); the sub-statements of a CREATE TABLE or ALTER TABLE
			 * (their table is new, or the parent statement was judged).
			 */
			if (mg_mode == 0 || IsBinaryUpgrade || context == PROCESS_UTILITY_SUBCOMMAND)
				break;
			if (IsA(parsetree, IndexStmt))
				inspect_create_index((IndexStmt *) parsetree, pstmt, queryString);
			else
				inspect_alter_table((AlterTableStmt *) parsetree);
			break;
		default:
			break;
	}

	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString,
#if PG_VERSION_NUM >= 140000
							readOnlyTree,
#endif
							context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString,
#if PG_VERSION_NUM >= 140000
								readOnlyTree,
#endif
								context, params, queryEnv, dest, qc);
}

void
mg_install_hook(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = mg_ProcessUtility;
}
