/*
 * The model of a DDL statement (see dispatch.cpp): CREATE INDEX, DROP INDEX, REINDEX: the statement text found with the server's scanner, INVALID twins, the locks on the table and its indexes.
 */
#include "glue/model/builder.hpp"

/* ---------- statement text ---------- */

/* Marks keyword tokens in our own scans; no grammar token uses this code. */

/*
 * Where a CREATE INDEX statement starts (its first token, past any leading
 * comment), where CONCURRENTLY goes (just after the INDEX keyword), and where
 * the column list starts (just after the table name), found with the server's
 * own scanner, so that comments, quoted names and odd spacing cannot mislead
 * us.  The statement already parsed, so the scan cannot fail.
 */
/* Token codes for our scans: every keyword is MG_KEYWORD_TOKEN. */
const uint16 *
mg_keyword_tokens(void)
{
	static uint16 *keyword_tokens = NULL;

	if (keyword_tokens == NULL)
	{
		uint16	   *tokens = (uint16 *) MemoryContextAlloc(TopMemoryContext,
														   sizeof(uint16) * ScanKeywords.num_keywords);

		for (int i = 0; i < ScanKeywords.num_keywords; i++)
			tokens[i] = MG_KEYWORD_TOKEN;
		keyword_tokens = tokens;
	}
	return keyword_tokens;
}

/*
 * Text of the source of a statement, cut with the server's own scanner so
 * that it always holds whole tokens: a quote, a comment or a dollar quote in
 * it can never be left open (the text goes into a recipe a person runs).
 * src starts at a token of an already parsed statement.
 *
 * to_close: the text up to the parenthesis that closes one opened before src
 * ("a > 0) NOT VALID" gives "a > 0").  Otherwise: up to the end of the last
 * parenthesized group at depth 0 before a ';' or the end, or of the first
 * token when there is no group ("IN (1, 2) -- note" gives "IN (1, 2)",
 * "DEFAULT" gives "DEFAULT").  NULL when no such text is found.
 */
char *
whole_tokens(const char *src, bool to_close)
{
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc;
	int			tok;
	int			depth = 0;
	int			end = -1;
	int			first_end = -1;
	char	   *result = NULL;

	scanner = scanner_init(src, &yyextra, &ScanKeywords, mg_keyword_tokens());
	while ((tok = core_yylex(&yylval, &yylloc, scanner)) != 0)
	{
		if (first_end < 0 && tok == MG_KEYWORD_TOKEN)
			first_end = yylloc + (int) strlen(yylval.keyword);
		if (tok == '(')
			depth++;
		else if (tok == ')')
		{
			if (depth == 0 && to_close)
			{
				end = yylloc;
				break;
			}
			if (--depth == 0)
				end = yylloc + 1;
		}
		else if (tok == ';' && depth == 0)
			break;
	}
	scanner_finish(scanner);
	if (end < 0 && !to_close)
		end = first_end;
	if (end > 0)
	{
		while (end > 0 && isspace((unsigned char) src[end - 1]))
			end--;
		result = pnstrdup(src, end);
	}
	return result;
}

void
locate_index_parts(const char *stmt, int *first_token, int *concurrently_at, int *relation_end)
{
	const uint16 *keyword_tokens = mg_keyword_tokens();
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

/* The statement's text from its first token on. */
const char *
mg_trim_leading(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return text;
}

/* ---------- CREATE INDEX, DROP INDEX, REINDEX ---------- */

/* The key columns of a simple index (plain column names, no expressions), or NULL. */
int
simple_index_columns(Oid relid, IndexStmt *stmt, AttrNumber *attnums, int max)
{
	ListCell   *lc;
	int			n = 0;

	if (stmt->whereClause || stmt->indexIncludingParams)
		return -1;
	foreach(lc, stmt->indexParams)
	{
		IndexElem  *e = (IndexElem *) lfirst(lc);

		if (e->name == NULL || n >= max)
			return -1;
		attnums[n] = get_attnum(relid, e->name);
		if (attnums[n] == InvalidAttrNumber)
			return -1;
		n++;
	}
	return n;
}


void
check_twin(HeapTuple tup, void *arg)
{
	TwinSearch *ts = (TwinSearch *) arg;
	Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
	char	   *name;

	if (idx->indisvalid || (name = get_rel_name(idx->indexrelid)) == NULL)
		return;
	if (ts->stmt->idxname && strcmp(name, ts->stmt->idxname) == 0)
		ts->op->invalid_same_name = name;
	else if (ts->ncols > 0 && idx->indnkeyatts == ts->ncols && idx->indnatts == ts->ncols &&
			 idx->indisunique == ts->stmt->unique &&
			 heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			 heap_attisnull(tup, Anum_pg_index_indpred, NULL))
	{
		for (int i = 0; i < ts->ncols; i++)
			if (idx->indkey.values[i] != ts->attnums[i])
				return;
		ts->op->invalid_same_definition = name;
	}
}

void
find_invalid_twins(Oid relid, IndexStmt *stmt, MgOperation *op)
{
	TwinSearch	ts;

	ts.stmt = stmt;
	ts.op = op;
	ts.ncols = simple_index_columns(relid, stmt, ts.attnums, INDEX_MAX_KEYS);
	mg_foreach_index(relid, check_twin, &ts);
}

void
model_create_index(MgModel *m, IndexStmt *stmt, const char *text)
{
	Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	LOCKMODE	lock = stmt->concurrent ? ShareUpdateExclusiveLock : ShareLock;
	bool		only_parent;
	bool		exists;
	MgOperation *op;
	int			first;

	if (!OidIsValid(relid))
		return;
	only_parent = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE && !stmt->relation->inh;

	/*
	 * IF NOT EXISTS of an index that exists: the table is locked, nothing is
	 * built (index_create gives a notice); the operation stays, with no
	 * effect to judge (the history records that there is nothing to undo).
	 */
	exists = stmt->if_not_exists && stmt->idxname &&
		OidIsValid(get_relname_relid(stmt->idxname, get_rel_namespace(relid)));

	/*
	 * ON ONLY a partitioned table builds nothing: an invalid index on the
	 * parent alone, the first step of the safe recipe.
	 */
	if (!add_rel(m, relid, lock, only_parent || exists ? EFFECT_METADATA : EFFECT_INDEX_BUILD,
				 only_parent || exists ? NULL : "index build"))
		return;
	if (only_parent)
		return;
	/*
	 * ProcessUtilitySlow locks every partition (find_all_inheritors) before
	 * DefineIndex finds that the index exists.
	 */
	add_partitions(m, relid, lock, exists ? EFFECT_METADATA : EFFECT_INDEX_BUILD,
				   exists ? NULL : "index build");

	op = add_op(m, MG_OP_CREATE_INDEX, relid);
	op->effect = exists ? EFFECT_METADATA : EFFECT_INDEX_BUILD;
	locate_index_parts(text, &first, &op->concurrently_at, &op->relation_end);
	if (first > 0)
	{
		text += first;
		op->concurrently_at -= op->concurrently_at >= 0 ? first : 0;
		op->relation_end -= op->relation_end >= 0 ? first : 0;
	}
	op->statement = text;
	op->index_name = stmt->idxname;
	op->concurrently = stmt->concurrent;
	op->unique = stmt->unique;
	if (stmt->concurrent)
		find_invalid_twins(relid, stmt, op);
}

void
model_drop_index(MgModel *m, DropStmt *stmt)
{
	ListCell   *lc;
	LOCKMODE	lock = stmt->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;

	foreach(lc, stmt->objects)
	{
		RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
		Oid			indexid = RangeVarGetRelid(rv, NoLock, true);
		Oid			tableid;
		MgOperation *op;

		if (!OidIsValid(indexid))
			continue;
		tableid = IndexGetRelation(indexid, true);
		if (!OidIsValid(tableid))
			continue;
		if (!add_rel(m, tableid, lock, EFFECT_METADATA, NULL) ||
			!add_rel(m, indexid, lock, EFFECT_DROP, NULL))
			continue;
		/*
		 * A partitioned index takes its partitions' indexes with it, each
		 * index_drop locking its table in ACCESS EXCLUSIVE mode.
		 */
		if (get_rel_relkind(indexid) == RELKIND_PARTITIONED_INDEX)
		{
			ListCell   *lc2;

			foreach(lc2, find_all_inheritors(indexid, NoLock, NULL))
			{
				Oid			part = lfirst_oid(lc2);
				Oid			parttable;

				if (part == indexid)
					continue;
				parttable = IndexGetRelation(part, true);
				if (OidIsValid(parttable))
					add_rel(m, parttable, lock, EFFECT_METADATA, NULL);
				add_rel(m, part, lock, EFFECT_DROP, NULL);
			}
		}
		op = add_op(m, MG_OP_DROP_INDEX, tableid);
		op->object_name = get_rel_name(indexid);
		op->concurrently = stmt->concurrent;
		op->cascade = stmt->behavior == DROP_CASCADE;
	}
}


void
add_index_rel(HeapTuple tup, void *arg)
{
	IndexLockCtx *ctx = (IndexLockCtx *) arg;

	add_rel(ctx->m, ((Form_pg_index) GETSTRUCT(tup))->indexrelid, ctx->lock, EFFECT_INDEX_BUILD,
			"index rebuild");
}

/* REINDEX TABLE of one table: the table, and each of its indexes. */
void
model_reindex_table(MgModel *m, Oid tableid, bool concurrent)
{
	LOCKMODE	table_lock = concurrent ? ShareUpdateExclusiveLock : ShareLock;
	LOCKMODE	index_lock = concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;
	IndexLockCtx reindex_ctx = {m, index_lock};
	MgOperation *op;

	int			nbefore;
	bool		any_index;

	if (!add_rel(m, tableid, table_lock, EFFECT_METADATA, NULL))
		return;
	/* Each index is locked too, ACCESS EXCLUSIVE unless concurrently. */
	nbefore = m->nrels;
	mg_foreach_index(tableid, add_index_rel, &reindex_ctx);
	/* A table without an index has nothing to rebuild: it is not read. */
	any_index = m->nrels > nbefore;
	if (any_index)
		add_rel(m, tableid, table_lock, EFFECT_INDEX_BUILD, "index rebuild");
	op = add_op(m, MG_OP_REINDEX, tableid);
	if (op)
	{
		op->effect = any_index ? EFFECT_INDEX_BUILD : EFFECT_METADATA;
		op->concurrently = concurrent;
	}
}

void
model_reindex(MgModel *m, ReindexStmt *stmt)
{
	bool		concurrent = mg_option_is_set(stmt->params, "concurrently");
	LOCKMODE	table_lock = concurrent ? ShareUpdateExclusiveLock : ShareLock;
	LOCKMODE	index_lock = concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock;
	Oid			relid,
				tableid;
	MgOperation *op;

	if (stmt->relation == NULL)
	{
		model_reindex_many(m, stmt, concurrent);
		return;
	}
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return;
	if (stmt->kind == REINDEX_OBJECT_INDEX)
	{
		tableid = IndexGetRelation(relid, true);
		if (!OidIsValid(tableid))
			return;
		if (!add_rel(m, tableid, table_lock, EFFECT_SCAN, "read to rebuild the index") ||
			!add_rel(m, relid, index_lock, EFFECT_INDEX_BUILD, "index rebuild"))
			return;
		op = add_op(m, MG_OP_REINDEX, tableid);
		op->effect = EFFECT_INDEX_BUILD;
		op->object_name = get_rel_name(relid);
	}
	else
	{
		model_reindex_table(m, relid, concurrent);
		return;
	}
	op->concurrently = concurrent;
}
