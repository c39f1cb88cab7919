/*
 * The model of a DDL statement (see dispatch.cpp): ALTER TABLE on columns: ADD COLUMN (defaults, identity, serial, generated, domains), ALTER COLUMN ... TYPE (with USING) and SET NOT NULL, each asked of the server's own machinery.
 */
#include "glue/model/builder.hpp"

/* ---------- ALTER TABLE ---------- */

bool
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
 * cookDefault(), the server's own transformation of a column default.  In a
 * reviewed script the default may name objects the script creates earlier
 * (a sequence, a function) that do not exist yet: there, the attempt runs in
 * a subtransaction and a failure is reported in *failed instead of ending
 * the review.  At execution time, an error here is the statement's own.
 */
typedef struct CookArgs
{
	Node	   *raw;
	Oid			typid;
	int32		typmod;
	const char *colname;
	Node	   *result;
} CookArgs;

static void
cook(void *arg)
{
	CookArgs   *c = (CookArgs *) arg;

	c->result = cookDefault(make_parsestate(NULL), (Node *) copyObjectImpl(c->raw), c->typid,
							c->typmod, c->colname, 0);
}

Node *
cook_default(const MgScript *script, Node *raw, Oid typid, int32 typmod, const char *colname,
			 bool *failed)
{
	CookArgs	c = {raw, typid, typmod, colname, NULL};

	*failed = false;
	if (script == NULL)
	{
		cook(&c);
		return c.result;
	}
	/* A cancel (statement_timeout) or a termination ends the review. */
	*failed = !mg_guarded_call(cook, &c);
	return *failed ? NULL : c.result;
}

/* 's' of a raw nextval('s'), or NULL. */
const char *
nextval_argument(Node *raw)
{
	FuncCall   *fc;
	Node	   *arg;

	if (raw == NULL || !IsA(raw, FuncCall))
		return NULL;
	fc = (FuncCall *) raw;
	if (list_length(fc->args) != 1 ||
		strcmp(strVal(llast(fc->funcname)), "nextval") != 0)
		return NULL;
	arg = (Node *) linitial(fc->args);
	if (IsA(arg, TypeCast))
		arg = ((TypeCast *) arg)->arg;
	if (!IsA(arg, A_Const) || ((A_Const *) arg)->isnull || !IsA(&((A_Const *) arg)->val, String))
		return NULL;
	return strVal(&((A_Const *) arg)->val);
}

/*
 * Fills the ADD COLUMN part of op and returns the effect on the table: a
 * rewrite when every row needs its own value (a volatile default, identity,
 * serial, GENERATED ... STORED, a domain with constraints), otherwise
 * metadata.  -1 when the type does not exist: the statement fails by itself.
 */
int
describe_new_column(const MgScript *script, ColumnDef *def, MgOperation *op, const char **cause)
{
	ListCell   *lc;
	Type		typ;
	int32		typmod = -1;
	Node	   *raw_default = def->raw_default;
	bool		has_constraints = false;
	Oid			typid;
	int			effect = EFFECT_METADATA;

	op->column = def->colname;
	op->not_null = def->is_not_null;
	op->has_default = raw_default != NULL;
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
				raw_default = c->raw_expr;
				break;
			case CONSTR_GENERATED:
#if PG_VERSION_NUM >= 180000
				/* A virtual generated column (18) is computed when read: no rewrite. */
				if (c->generated_kind == ATTRIBUTE_GENERATED_VIRTUAL)
				{
					op->has_default = true;
					break;
				}
#endif
				op->fills_values = true;
				break;
			case CONSTR_IDENTITY:
				op->fills_values = true;
				break;
			default:
				break;
		}
	}
	if (op->fills_values)
	{
		*cause = "a column whose values are generated row by row (identity, serial or GENERATED)";
		effect = EFFECT_REWRITE;
	}

	op->type_sql = def->typeName ? TypeNameToString(def->typeName) : "";
	if (def->typeName == NULL)
		return effect;
	if (is_serial_type(def->typeName))
		return effect;
	typ = LookupTypeName(NULL, def->typeName, &typmod, true);
	if (typ == NULL)
		return -1;
	{
		Form_pg_type t = (Form_pg_type) GETSTRUCT(typ);

		typid = t->oid;
		if (t->typtype == TYPTYPE_DOMAIN)
		{
			if (t->typnotnull)
				op->not_null = true;
			if (!heap_attisnull(typ, Anum_pg_type_typdefaultbin, NULL))
				op->has_default = true;
			has_constraints = true;
		}
		ReleaseSysCache(typ);
	}
	op->type_sql = format_type_with_typemod(typid, typmod);
	if (has_constraints && DomainHasConstraints(typid))
	{
		*cause = "a column of a domain type with constraints";
		effect = EFFECT_REWRITE;
	}

	/*
	 * Is the default volatile?  The server cooks it exactly like this
	 * (cookDefault) and rewrites when contain_volatile_functions() says so.
	 */
	if (raw_default != NULL && def->generated == 0)
	{
		bool		failed = false;
		Node	   *cooked = cook_default(script, raw_default, typid, typmod, def->colname, &failed);

		if (failed)
		{
			/*
			 * In a reviewed script the default may use objects the script
			 * creates first: nextval() of a new sequence is volatile.
			 */
			const char *seq = nextval_argument(raw_default);

			if (seq)
			{
				op->volatile_default = true;
				op->default_sql = psprintf("nextval(%s)", quote_literal_cstr(seq));
				*cause = "a column added with a volatile default";
				effect = EFFECT_REWRITE;
			}
		}
		else if (cooked && contain_volatile_functions(cooked))
		{
			op->volatile_default = true;
			op->default_sql = deparse_expression(cooked, NIL, false, false);
			*cause = "a column added with a volatile default";
			effect = EFFECT_REWRITE;
		}
	}
	return effect;
}

/*
 * The server's own test (ATColumnChangeRequiresRewrite) on the planned
 * coercion expression: anything but relabelling the column, a
 * constraint-free domain coercion, or a timestamp <-> timestamptz cast in
 * a UTC session means a rewrite.
 */
bool
coercion_requires_rewrite(Node *expr, AttrNumber attnum)
{
	for (;;)
	{
		if (IsA(expr, Var) && ((Var *) expr)->varattno == attnum)
			return false;
		else if (IsA(expr, RelabelType))
			expr = (Node *) ((RelabelType *) expr)->arg;
		else if (IsA(expr, CoerceToDomain))
		{
			CoerceToDomain *d = (CoerceToDomain *) expr;

			if (DomainHasConstraints(d->resulttype))
				return true;
			expr = (Node *) d->arg;
		}
		else if (IsA(expr, FuncExpr))
		{
			FuncExpr   *f = (FuncExpr *) expr;

			if ((f->funcid == F_TIMESTAMPTZ_TIMESTAMP || f->funcid == F_TIMESTAMP_TIMESTAMPTZ) &&
				!TimestampTimestampTzRequiresRewrite())
				expr = (Node *) linitial(f->args);
			else
				return true;
		}
		else
			return true;
	}
}

bool
is_string_type(Oid t)
{
	return t == TEXTOID || t == VARCHAROID || t == BPCHAROID || t == NAMEOID;
}

int
integer_rank(Oid t)
{
	return t == INT2OID ? 2 : t == INT4OID ? 4 : t == INT8OID ? 8 : 0;
}

/* Whether values of (oldt, oldmod) may not fit in (newt, newmod), and why. */
const char *
narrowing_reason(Oid oldt, int32 oldmod, Oid newt, int32 newmod)
{
	if ((newt == VARCHAROID || newt == BPCHAROID) && newmod >= 0 && is_string_type(oldt))
	{
		int			newlen = newmod - VARHDRSZ;

		if (oldmod < 0 || oldmod - VARHDRSZ > newlen)
			return psprintf("values longer than %d characters make it fail", newlen);
		return NULL;
	}
	if (integer_rank(oldt) && integer_rank(newt) && integer_rank(newt) < integer_rank(oldt))
		return psprintf("values outside the range of %s make it fail", format_type_be(newt));
	if ((integer_rank(oldt) || oldt == NUMERICOID) && newt == NUMERICOID && newmod >= 0)
	{
		int			newprec = ((newmod - VARHDRSZ) >> 16) & 0xffff;
		int			newscale = (newmod - VARHDRSZ) & 0xffff;

		if (oldt == NUMERICOID && oldmod < 0)
			return psprintf("values with more than %d digits before the decimal point make it fail, and values with more than %d decimals are rounded",
							newprec - newscale, newscale);
		if (oldt == NUMERICOID)
		{
			int			oldprec = ((oldmod - VARHDRSZ) >> 16) & 0xffff;
			int			oldscale = (oldmod - VARHDRSZ) & 0xffff;

			if (newprec - newscale < oldprec - oldscale)
				return psprintf("values with more than %d digits before the decimal point make it fail",
								newprec - newscale);
			if (newscale < oldscale)
				return psprintf("values are rounded from %d to %d decimals: data is lost",
								oldscale, newscale);
		}
		else if (newprec - newscale < 19)
			return psprintf("integers with more than %d digits make it fail", newprec - newscale);
		return NULL;
	}
	if (oldt == FLOAT8OID && newt == FLOAT4OID)
		return pstrdup("values lose precision (float8 to float4)");
	if (oldt == NUMERICOID && integer_rank(newt))
		return psprintf("decimals are rounded away and values outside the range of %s make it fail",
						format_type_be(newt));
	if (is_string_type(oldt) && !is_string_type(newt) && newt != TEXTOID)
		return psprintf("values that do not convert to %s make it fail", format_type_be(newt));
	if ((oldt == TIMESTAMPTZOID || oldt == TIMESTAMPOID) && newt == DATEOID)
		return pstrdup("the time of day is lost");
	return NULL;
}


void
count_if_on_column(HeapTuple tup, void *arg)
{
	ColumnIndexCount *c = (ColumnIndexCount *) arg;
	Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);

	for (int i = 0; i < idx->indnatts; i++)
		if (idx->indkey.values[i] == c->attnum)
		{
			c->n++;
			return;
		}
}

int
indexes_on_column(Oid relid, AttrNumber attnum)
{
	ColumnIndexCount c = {attnum, 0};

	mg_foreach_index(relid, count_if_on_column, &c);
	return c.n;
}

/*
 * ALTER COLUMN ... TYPE ... USING: the server's own test, as
 * transformAlterTableStmt and ATPrepAlterColumnType make it: the USING
 * expression transformed against the table, coerced to the new type,
 * planned, and asked ATColumnChangeRequiresRewrite's question, so that
 * "USING c::bigint" of a binary-coercible change (what Django and knex
 * write) is no rewrite.  Also gives the USING expression as SQL, for the
 * recipes: on the table's columns, and on NEW's (a trigger).  A rewrite when
 * the table cannot be opened without waiting, or, in a reviewed script, when
 * the expression cannot be transformed yet (it may use what the script
 * creates first); at execution time such an error is the statement's own.
 */
bool
using_requires_rewrite(Oid relid, AttrNumber attnum, Node *raw, Oid newtype, int32 newmod,
					   MgOperation *op, bool reviewing)
{
	Relation	rel = peek_relation(relid);
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool rewrite = true;

	if (rel == NULL)
		return true;
	if (reviewing)
	{
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(oldcxt);
	}
	PG_TRY();
	{
		ParseState *pstate = make_parsestate(NULL);
		ParseNamespaceItem *nsitem;
		Node	   *expr;
		Node	   *coerced;

		nsitem = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, NULL, false, true);
		addNSItemToQuery(pstate, nsitem, false, true, true);
		expr = transformExpr(pstate, (Node *) copyObjectImpl(raw), EXPR_KIND_ALTER_COL_TRANSFORM);
		assign_expr_collations(pstate, expr);
		coerced = coerce_to_target_type(pstate, expr, exprType(expr), newtype, newmod,
										COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
		if (coerced != NULL)
		{
			/* The value assigned, casts shown: a runnable expression of the new type. */
			assign_expr_collations(pstate, coerced);
			op->using_sql = deparse_expression(coerced,
											   deparse_context_for(RelationGetRelationName(rel),
																   relid),
											   false, true);
			op->using_row_sql = deparse_expression(coerced, deparse_context_for("new", relid),
												   true, true);
			/*
			 * Planning folds constant calls (an immutable function of the
			 * author's): as the table's owner, in a security-restricted
			 * operation, never with a reviewer's rights.
			 */
			{
				OwnerContext as_owner;

				begin_as_owner(RelationGetForm(rel)->relowner, &as_owner);
				coerced = (Node *) expression_planner((Expr *) coerced);
				end_as_owner(&as_owner);
			}
			rewrite = coercion_requires_rewrite(coerced, attnum);
		}
		free_parsestate(pstate);
		if (reviewing)
		{
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(oldcxt);
			CurrentResourceOwner = oldowner;
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		if (!reviewing)
			PG_RE_THROW();
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (mg_error_must_propagate(edata->sqlerrcode))
			PG_RE_THROW();
		FreeErrorData(edata);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		rewrite = true;
		op->using_sql = NULL;
		op->using_row_sql = NULL;
	}
	PG_END_TRY();
	release_peek(rel);
	return rewrite;
}

/* Returns the effect, or -1 when the statement will fail by itself. */
int
describe_type_change(Oid relid, AlterTableCmd *cmd, MgOperation *op, bool reviewing)
{
	ColumnDef  *def = (ColumnDef *) cmd->def;
	AttrNumber	attnum = get_attnum(relid, cmd->name);
	Oid			oldtype,
				newtype,
				oldcoll;
	int32		oldmod,
				newmod = -1;
	Type		typ;
	const char *why;

	if (attnum == InvalidAttrNumber || def == NULL || !IsA(def, ColumnDef))
		return -1;
	get_atttypetypmodcoll(relid, attnum, &oldtype, &oldmod, &oldcoll);
	typ = LookupTypeName(NULL, def->typeName, &newmod, true);
	if (typ == NULL)
		return -1;
	newtype = ((Form_pg_type) GETSTRUCT(typ))->oid;
	ReleaseSysCache(typ);

	op->column = cmd->name;
	op->old_type = format_type_with_typemod(oldtype, oldmod);
	op->new_type = format_type_with_typemod(newtype, newmod);
	op->has_using = def->raw_default != NULL;
	if (op->has_using)
		op->rewrite = using_requires_rewrite(relid, attnum, def->raw_default, newtype, newmod,
											 op, reviewing);
	else
	{
		Node	   *transform;

		if (!can_coerce_type(1, &oldtype, &newtype, COERCION_ASSIGNMENT))
			return -1;
		transform = (Node *) makeVar(1, attnum, oldtype, oldmod, oldcoll, 0);
		transform = coerce_to_target_type(NULL, transform, oldtype, newtype, newmod,
										  COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
		if (transform == NULL)
			return -1;
		transform = (Node *) expression_planner((Expr *) transform);
		op->rewrite = coercion_requires_rewrite(transform, attnum);
	}
	why = narrowing_reason(getBaseType(oldtype), oldmod, getBaseType(newtype), newmod);
	if (why)
	{
		op->narrowing = true;
		op->narrowing_reason = why;
	}
	op->rebuilt_indexes = indexes_on_column(relid, attnum);
	/*
	 * Without a rewrite the server keeps the indexes whose definition stays
	 * compatible (TryReuseIndex), which is the case for the binary-coercible
	 * changes: catalog work only.
	 */
	return op->rewrite ? EFFECT_REWRITE : EFFECT_METADATA;
}

/* Valid CHECK constraints of relid, as expressions on varno 1. */
void
collect_valid_check(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **result = (List **) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	bool		isnull;
	Datum		bin;

	if (con->contype != CONSTRAINT_CHECK || !con->convalidated)
		return;
	bin = heap_getattr(tup, Anum_pg_constraint_conbin, desc, &isnull);
	if (!isnull)
		*result = list_concat(*result,
							  make_ands_implicit((Expr *) stringToNode(TextDatumGetCString(bin))));
}

List *
valid_check_constraints(Oid relid)
{
	List	   *result = NIL;

	mg_foreach_constraint(relid, collect_valid_check, &result);
	return result;
}

/*
 * SET NOT NULL scans the table unless the column already is NOT NULL or a
 * valid CHECK constraint proves it (PG 12+), the same proof the server runs.
 * On PostgreSQL 18, *invalid_nn is set to the name of the column's NOT NULL
 * constraint when it is NOT VALID (SET NOT NULL validates it by a scan).
 */
bool
set_not_null_needs_scan(const MgScript *script, Oid relid, const char *colname,
						const char **invalid_nn)
{
	HeapTuple	tp = SearchSysCacheAttName(relid, mg_script_column(script, relid, colname));
	Form_pg_attribute att;
	NullTest   *nt;
	bool		needed;

	/*
	 * A column the script under review added earlier is scanned, unless the
	 * script also proved it NOT NULL with a validated CHECK constraint.
	 */
	if (!HeapTupleIsValid(tp))
		return mg_script_added_column(script, relid, colname) &&
			!mg_script_proves_not_null(script, relid, colname);
	att = (Form_pg_attribute) GETSTRUCT(tp);
	if (mg_script_proves_not_null(script, relid, colname))
	{
		ReleaseSysCache(tp);
		return false;
	}
	if (att->attnotnull)
	{
		bool		invalid = false;
#if PG_VERSION_NUM >= 180000

		/*
		 * PostgreSQL 18 sets attnotnull for a NOT NULL constraint added NOT
		 * VALID too; SET NOT NULL then validates it by a scan.
		 */
		HeapTuple	ct = findNotNullConstraintAttnum(relid, att->attnum);

		if (HeapTupleIsValid(ct))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(ct);

			invalid = !con->convalidated;
			if (invalid && invalid_nn)
				*invalid_nn = pstrdup(NameStr(con->conname));
			heap_freetuple(ct);
		}
#else
		(void) invalid_nn;
#endif
		ReleaseSysCache(tp);
		return invalid;
	}
	nt = makeNode(NullTest);
	nt->arg = (Expr *) makeVar(1, att->attnum, att->atttypid, att->atttypmod, att->attcollation, 0);
	nt->nulltesttype = IS_NOT_NULL;
	nt->argisrow = false;
	nt->location = -1;
	ReleaseSysCache(tp);
	needed = !predicate_implied_by(list_make1(nt), valid_check_constraints(relid), false);
	return needed;
}
