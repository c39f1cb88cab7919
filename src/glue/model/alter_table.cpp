/*
 * The model of a DDL statement (see dispatch.cpp): ALTER TABLE: constraints (also those written inline in ADD COLUMN) and the subcommands of one statement (ATTACH and DETACH PARTITION in partition_cmds.cpp, what ALTER COLUMN ... TYPE does to the column's dependents in type_change.cpp).
 */
#include "glue/model/builder.hpp"

/* "FOREIGN KEY (a) REFERENCES b (id)": the constraint as SQL, for hints. */
char *
constraint_sql(Constraint *con)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	switch (con->contype)
	{
		case CONSTR_FOREIGN:
			appendStringInfoString(&buf, "FOREIGN KEY (");
			foreach(lc, con->fk_attrs)
				appendStringInfo(&buf, "%s%s", lc == list_head(con->fk_attrs) ? "" : ", ",
								 quote_identifier(strVal(lfirst(lc))));
			appendStringInfo(&buf, ") REFERENCES %s",
							 quote_qualified_identifier(con->pktable->schemaname,
														con->pktable->relname));
			if (con->pk_attrs)
			{
				appendStringInfoString(&buf, " (");
				foreach(lc, con->pk_attrs)
					appendStringInfo(&buf, "%s%s", lc == list_head(con->pk_attrs) ? "" : ", ",
									 quote_identifier(strVal(lfirst(lc))));
				appendStringInfoChar(&buf, ')');
			}
			break;
		default:
			break;
	}
	return buf.data;
}

char *
column_list_sql(List *keys)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	foreach(lc, keys)
		appendStringInfo(&buf, "%s%s", lc == list_head(keys) ? "" : ", ",
						 quote_identifier(strVal(lfirst(lc))));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/* The text of the statement's CHECK expression, as written (whole tokens). */
char *
check_expression_text(Constraint *con, const MgModel *m)
{
	/*
	 * The raw expression's location points into the source string the
	 * statement was parsed from (m->query: the whole script in review()).
	 */
	const char *text = m->query;
	int			loc = con->raw_expr ? exprLocation(con->raw_expr) : -1;

	if (text && loc >= 0)
	{
		char	   *inner = whole_tokens(text + loc, true, m);

		if (inner)
			return psprintf("CHECK (%s)", inner);
	}
	return pstrdup("CHECK (...)");
}

/* Whether the facts of relid (already in the model) say it has no row at all. */
bool
table_is_empty(MgModel *m, Oid relid)
{
	const MgTable *t = facts_of(m, relid);

	return t != NULL && t->rows == 0;
}


void
model_add_constraint(MgModel *m, Oid relid, Constraint *con)
{
	MgOperation *op = add_op(m, MG_OP_ADD_CONSTRAINT, relid);

	if (op == NULL)
		return;
	op->constraint_name = con->conname;
	op->not_valid = con->skip_validation;
	mg_constraint_key_facts(op, relid, con);
	switch (con->contype)
	{
		case CONSTR_CHECK:
			op->contype = 'c';
			op->effect = con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN;
			op->definition = check_expression_text(con, m);
			add_rel(m, relid, NoLock, con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN,
					con->skip_validation ? NULL : "CHECK constraint validation");
			break;
		case CONSTR_FOREIGN:
			{
				Oid			refid = mg_script_relid(m->script, con->pktable);

				op->contype = 'f';
				op->effect = con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN;
				op->definition = constraint_sql(con);
				add_rel(m, relid, NoLock, con->skip_validation ? EFFECT_METADATA : EFFECT_SCAN,
						con->skip_validation ? NULL : "FOREIGN KEY validation");
				if (OidIsValid(refid))
				{
					/*
					 * The validation query reads the referenced table too,
					 * unless the referencing table is empty: whatever the
					 * plan of RI_Initial_Check's outer join, the executor
					 * stops at an empty outer side.
					 */
					bool		reads = !con->skip_validation && !table_is_empty(m, relid);
					MgLockedRelation *r = add_rel(m, refid, ShareRowExclusiveLock,
												  reads ? EFFECT_SCAN : EFFECT_METADATA,
												  reads ? "FOREIGN KEY validation" : NULL);

					if (r)
					{
						op->referenced = r->table;
						op->referenced_lock = ShareRowExclusiveLock;
					}
					/*
					 * A partitioned table referenced: addFkRecurseReferenced
					 * locks each partition, and the validation reads them.
					 */
					add_partitions(m, refid, ShareRowExclusiveLock,
								   reads ? EFFECT_SCAN : EFFECT_METADATA,
								   reads ? "FOREIGN KEY validation" : NULL);
				}
				break;
			}
		case CONSTR_PRIMARY:
		case CONSTR_UNIQUE:
		case CONSTR_EXCLUSION:
			op->contype = con->contype == CONSTR_PRIMARY ? 'p'
				: con->contype == CONSTR_UNIQUE ? 'u' : 'x';
			op->using_index = con->indexname != NULL;
			if (con->keys)
				op->columns = column_list_sql(con->keys);
			if (!op->using_index)
			{
				op->effect = EFFECT_INDEX_BUILD;
				add_rel(m, relid, NoLock, EFFECT_INDEX_BUILD, "index build for the constraint");
			}
			break;
#if PG_VERSION_NUM >= 180000
		case CONSTR_NOTNULL:

			/*
			 * PostgreSQL 18: ADD CONSTRAINT name NOT NULL col is SET NOT NULL
			 * with a name (a scan under ACCESS EXCLUSIVE unless proven);
			 * NOT VALID, a catalog row only, validated later.
			 */
			op->contype = 'n';
			if (list_length(con->keys) == 1 && IsA(linitial(con->keys), String))
			{
				char	   *col = strVal(linitial(con->keys));
				const char *invalid_nn = NULL;

				op->column = col;
				op->definition = psprintf("NOT NULL %s", quote_identifier(col));
				if (!con->skip_validation && set_not_null_needs_scan(m->script, relid, col, &invalid_nn))
				{
					op->kind = MG_OP_SET_NOT_NULL;
					op->effect = EFFECT_SCAN;
					op->constraint_name = invalid_nn;
					op->scan_needed = true;
					add_rel(m, relid, NoLock, EFFECT_SCAN, "NOT NULL check");
				}
			}
			break;
#endif
		default:
			op->contype = 'n';
			break;
	}
}

/* A constraint of a column definition that ALTER TABLE adds on its own. */
bool
is_table_level_constraint(ConstrType t)
{
	return t == CONSTR_CHECK || t == CONSTR_UNIQUE || t == CONSTR_PRIMARY ||
		t == CONSTR_FOREIGN || t == CONSTR_ATTR_DEFERRABLE ||
		t == CONSTR_ATTR_NOT_DEFERRABLE || t == CONSTR_ATTR_DEFERRED ||
		t == CONSTR_ATTR_IMMEDIATE;
}

/*
 * The text of an ADD COLUMN column definition without the constraints that
 * ALTER TABLE adds on their own (CHECK, UNIQUE, PRIMARY KEY, REFERENCES and
 * their attributes): "qty integer NOT NULL DEFAULT 0".  Each constraint runs
 * from its location to the next one's, the last one to the end of the
 * definition (a comma or semicolon outside parentheses and quotes).  NULL
 * when the locations are unknown.
 */
char *
column_without_constraints(ColumnDef *def, const char *query)
{
	StringInfoData buf;
	const char *start;
	const char *end;
	const char *from;
	ListCell   *lc;
	int			depth = 0;
	char		quote = 0;

	if (query == NULL || def->location < 0)
		return NULL;
	start = query + def->location;
	for (end = start; *end; end++)
	{
		if (quote)
		{
			if (*end == quote)
				quote = 0;
		}
		else if (*end == '\'' || *end == '"')
			quote = *end;
		else if (*end == '(')
			depth++;
		else if (*end == ')')
			depth--;
		else if (depth == 0 && (*end == ',' || *end == ';'))
			break;
		if (depth < 0)
			break;
	}
	initStringInfo(&buf);
	from = start;
	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);
		const char *at;
		const char *next = end;

		if (!IsA(c, Constraint) || !is_table_level_constraint(c->contype))
			continue;
		if (c->location < 0)
			return NULL;
		at = query + c->location;
		if (at < from || at > end)
			return NULL;
		appendBinaryStringInfo(&buf, from, at - from);
		for (ListCell *lc2 = lnext(def->constraints, lc); lc2; lc2 = lnext(def->constraints, lc2))
		{
			Constraint *n = (Constraint *) lfirst(lc2);

			if (IsA(n, Constraint) && n->location >= 0)
			{
				next = query + n->location;
				break;
			}
		}
		from = next;
	}
	appendBinaryStringInfo(&buf, from, end - from);
	/* Squeeze the spaces left where the constraints were. */
	{
		char	   *out = buf.data;
		char	   *w = out;
		bool		space = false;

		for (char *r = out; *r; r++)
		{
			if (isspace((unsigned char) *r))
				space = w != out;
			else
			{
				if (space)
					*w++ = ' ';
				space = false;
				*w++ = *r;
			}
		}
		*w = '\0';
	}
	return buf.data;
}

/*
 * ADD COLUMN with constraints written inline: the server adds each CHECK,
 * UNIQUE, PRIMARY KEY and REFERENCES as a constraint of its own
 * (transformAlterTableStmt), exactly like ALTER TABLE ... ADD CONSTRAINT:
 * the CHECK is validated by a scan, UNIQUE and PRIMARY KEY build an index
 * under the table's ACCESS EXCLUSIVE lock, REFERENCES locks the referenced
 * table, and validates the new column only when fk_validates (a column of
 * the statement has a default, or the statement adds another foreign key:
 * otherwise every value is NULL and the server skips the check).
 */
void
model_column_constraints(MgModel *m, Oid relid, ColumnDef *def, bool fk_validates)
{
	ListCell   *lc;
	char	   *column_sql = NULL;
	bool		column_sql_done = false;

	foreach(lc, def->constraints)
	{
		Constraint *c = (Constraint *) lfirst(lc);
		Constraint *con;
		int			first = m->nops;

		if (!IsA(c, Constraint) ||
			!(c->contype == CONSTR_CHECK || c->contype == CONSTR_UNIQUE ||
			  c->contype == CONSTR_PRIMARY || c->contype == CONSTR_FOREIGN))
			continue;
		if (!column_sql_done)
		{
			column_sql = column_without_constraints(def, m->query);
			if (column_sql == NULL || column_sql[0] == '\0')
				column_sql = psprintf("%s %s", quote_identifier(def->colname),
									  def->typeName ? TypeNameToString(def->typeName) : "");
			column_sql_done = true;
		}
		con = (Constraint *) copyObjectImpl(c);
		if (con->contype == CONSTR_UNIQUE || con->contype == CONSTR_PRIMARY)
			con->keys = list_make1(makeString(def->colname));
		else if (con->contype == CONSTR_FOREIGN)
		{
			con->fk_attrs = list_make1(makeString(def->colname));
			con->skip_validation = !fk_validates;
		}
		model_add_constraint(m, relid, con);
		if (m->nops > first)
			m->ops[first].added_column = column_sql;
	}
}


/* pg_class.relam of relid (get_rel_relam() exists from PostgreSQL 18 on). */
Oid
relation_am(Oid relid)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			am = InvalidOid;

	if (HeapTupleIsValid(tp))
	{
		am = ((Form_pg_class) GETSTRUCT(tp))->relam;
		ReleaseSysCache(tp);
	}
	return am;
}

/*
 * transformAlterTableStmt: the foreign keys written inline in ADD COLUMN are
 * validated only when a column of the statement has a default (serial and
 * GENERATED count; identity does not) or the statement adds a foreign key
 * with ADD CONSTRAINT.
 */
bool
fk_validates(List *cmds)
{
	ListCell   *lc;

	foreach(lc, cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd->subtype == AT_AddConstraint && cmd->def && IsA(cmd->def, Constraint) &&
			((Constraint *) cmd->def)->contype == CONSTR_FOREIGN)
			return true;
		if (cmd->subtype == AT_AddColumn && cmd->def && IsA(cmd->def, ColumnDef))
		{
			ColumnDef  *def = (ColumnDef *) cmd->def;
			ListCell   *lc2;

			if (def->raw_default || is_serial_type(def->typeName))
				return true;
			foreach(lc2, def->constraints)
			{
				Constraint *c = (Constraint *) lfirst(lc2);

				if (IsA(c, Constraint) &&
					(c->contype == CONSTR_DEFAULT || c->contype == CONSTR_GENERATED))
					return true;
			}
		}
	}
	return false;
}


void
model_alter_table(MgModel *m, AlterTableStmt *stmt)
{
	Oid			relid = mg_script_relid(m->script, stmt->relation);
	LOCKMODE	lock;
	ListCell   *lc;
	bool		partitioned;
	int			first_op;
	int		   *cmd_first_op;

	if (!OidIsValid(relid))
		return;

	/* The server's own answer for the main relation. */
	lock = AlterTableGetLockLevel(stmt->cmds);
	if (!add_rel(m, relid, lock, EFFECT_METADATA, NULL))
		return;
	partitioned = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE;
	first_op = m->nops;
	cmd_first_op = (int *) palloc(sizeof(int) * Max(1, list_length(stmt->cmds)));

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
		MgOperation *op;
		int			effect;
		const char *cause = NULL;

		cmd_first_op[foreach_current_index(lc)] = m->nops;

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				if (!cmd->def || !IsA(cmd->def, ColumnDef))
					break;
				op = add_op(m, MG_OP_ADD_COLUMN, relid);
				effect = describe_new_column(m->script, (ColumnDef *) cmd->def, op, &cause);
				if (effect < 0)
				{
					m->nops--;
					break;
				}
				/* A NOT NULL column without a default is checked by a scan (and fails). */
				if (effect == EFFECT_METADATA && op->not_null && !op->has_default)
				{
					effect = EFFECT_SCAN;
					cause = "NOT NULL check of the new column";
				}
				op->effect = effect;
				add_rel(m, relid, NoLock, effect, cause);
				model_column_constraints(m, relid, (ColumnDef *) cmd->def,
										 fk_validates(stmt->cmds));
				break;
			case AT_AlterColumnType:
				op = add_op(m, MG_OP_ALTER_COLUMN_TYPE, relid);
				{
					/* A column the script renamed: looked up by its catalog name. */
					AlterTableCmd as_cataloged = *cmd;

					as_cataloged.name = (char *) mg_script_column(m->script, relid, cmd->name);
					effect = describe_type_change(relid, &as_cataloged, op, m->script != NULL);
					op->column = cmd->name;
				}
				if (effect < 0)
				{
					m->nops--;
					break;
				}
				op->effect = effect;
				add_rel(m, relid, NoLock, effect,
						effect == EFFECT_REWRITE ? "a column type change" : NULL);
				model_type_change_dependents(m, relid, cmd, op, effect == EFFECT_REWRITE, stmt->cmds);
				break;
			case AT_SetNotNull:
				op = add_op(m, MG_OP_SET_NOT_NULL, relid);
				op->column = cmd->name;
				op->scan_needed = set_not_null_needs_scan(m->script, relid, cmd->name, &op->constraint_name);
				if (op->scan_needed)
				{
					op->effect = EFFECT_SCAN;
					add_rel(m, relid, NoLock, EFFECT_SCAN, "NOT NULL check");
				}
				break;
			case AT_AddConstraint:
				if (cmd->def && IsA(cmd->def, Constraint))
					model_add_constraint(m, relid, (Constraint *) cmd->def);
				break;
			case AT_ValidateConstraint:
				{
					Oid			conid = get_relation_constraint_oid(relid, cmd->name, true);
					HeapTuple	tp;

					op = add_op(m, MG_OP_VALIDATE_CONSTRAINT, relid);
					op->constraint_name = cmd->name;
					if (!OidIsValid(conid))
					{
						Oid			refrelid = InvalidOid;

						/* Added NOT VALID earlier in the script under review. */
						if (mg_script_pending_constraint(m->script, relid, cmd->name, &refrelid))
						{
							op->effect = EFFECT_SCAN;
							add_rel(m, relid, NoLock, EFFECT_SCAN, "constraint validation");
							if (OidIsValid(refrelid))
								add_rel(m, refrelid, RowShareLock, EFFECT_SCAN,
										"FOREIGN KEY validation");
						}
						break;
					}
					tp = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
					if (!HeapTupleIsValid(tp))
						break;
					{
						Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);
						bool		already = con->convalidated;
						bool		fk = con->contype == CONSTRAINT_FOREIGN;
						Oid			confrelid = con->confrelid;

						ReleaseSysCache(tp);
						if (already)
							break;	/* nothing to check */
						op->effect = EFFECT_SCAN;
						add_rel(m, relid, NoLock, EFFECT_SCAN, "constraint validation");
						/* An empty referencing table: the referenced one is not read. */
						if (fk && OidIsValid(confrelid))
						{
							bool		reads = !table_is_empty(m, relid);

							add_rel(m, confrelid, RowShareLock, reads ? EFFECT_SCAN : EFFECT_METADATA,
									reads ? "FOREIGN KEY validation" : NULL);
						}
					}
				}
				break;
			case AT_AttachPartition:
				if (cmd->def && IsA(cmd->def, PartitionCmd) && partitioned)
				{
					Oid			partid = mg_script_relid(m->script, ((PartitionCmd *) cmd->def)->name);

					model_attach_partition(m, relid, (PartitionCmd *) cmd->def);
					if (OidIsValid(partid) && facts_of(m, partid))
						model_partition_fks(m, relid, partid, false);
				}
				break;
			case AT_DetachPartition:
				if (cmd->def && IsA(cmd->def, PartitionCmd))
				{
					PartitionCmd *pc = (PartitionCmd *) cmd->def;
					Oid			partid = mg_script_relid(m->script, pc->name);
					MgLockedRelation *r;

					if (!OidIsValid(partid))
						break;
					r = add_rel(m, partid,
								pc->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock,
								EFFECT_METADATA, NULL);
					/* ATExecDetachPartition locks the default partition too (no scan). */
					if (!pc->concurrent)
					{
						Oid			defaultid = get_default_partition_oid(relid);

						if (OidIsValid(defaultid) && defaultid != partid)
							add_rel(m, defaultid, AccessExclusiveLock, EFFECT_METADATA, NULL);
					}
					op = add_op(m, MG_OP_DETACH_PARTITION, relid);
					op->concurrently = pc->concurrent;
					if (r)
						op->partition = r->table;
					if (r && !pc->concurrent)
						model_partition_fks(m, relid, partid, true);
				}
				break;
			case AT_DropColumn:
				{
					AttrNumber	attnum = get_attnum(relid, mg_script_column(m->script, relid, cmd->name));
					Oid			typid;
					int32		typmod;
					Oid			coll;

					if (attnum == InvalidAttrNumber)
						break;
					op = add_op(m, MG_OP_DROP_COLUMN, relid);
					op->column = cmd->name;
					get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &coll);
					op->type_sql = format_type_with_typemod(typid, typmod);
					op->cascade = cmd->behavior == DROP_CASCADE;
					/* Added by this transaction, or earlier in the script under review. */
					op->column_new = m->script
						? mg_script_added_column(m->script, relid, cmd->name)
						: mg_column_added_in_transaction(relid, attnum);
					/* The foreign keys that go with the column. */
					lock_column_fks(m, relid, attnum, op->cascade);
					{
						double		null_frac;

						if (m->use_overrides && mg_overridden_null_frac(relid, attnum, &null_frac))
							op->column_empty = null_frac >= 1.0;
						else
							op->column_empty = mg_column_all_null(relid, attnum);
					}
				}
				break;
			case AT_DropConstraint:
				{
					/* Dropping a foreign key drops its triggers on the referenced table. */
					Oid			conid = get_relation_constraint_oid(relid, cmd->name, true);
					HeapTuple	tp;

					if (!OidIsValid(conid))
						break;
					tp = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
					if (HeapTupleIsValid(tp))
					{
						Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);
						Oid			confrelid = con->confrelid;
						bool		fk = con->contype == CONSTRAINT_FOREIGN;
						bool		keyed = con->contype == CONSTRAINT_PRIMARY ||
							con->contype == CONSTRAINT_UNIQUE;
						Oid			indexid = con->conindid;
						ListCell   *lc2;

						ReleaseSysCache(tp);
						if (fk && OidIsValid(confrelid) && confrelid != relid)
							add_rel(m, confrelid, AccessExclusiveLock, EFFECT_METADATA, NULL);
						/* CASCADE drops the foreign keys of other tables that use its index. */
						if (keyed && cmd->behavior == DROP_CASCADE && OidIsValid(indexid))
							foreach(lc2, referencing_column(relid, InvalidAttrNumber, indexid))
								add_rel(m, lfirst_oid(lc2), AccessExclusiveLock, EFFECT_METADATA, NULL);
					}
				}
				break;
			case AT_SetLogged:
			case AT_SetUnLogged:
				/* Already so: nothing to do (ATPrepChangePersistence). */
				if (get_rel_persistence(relid) ==
					(cmd->subtype == AT_SetLogged ? RELPERSISTENCE_PERMANENT : RELPERSISTENCE_UNLOGGED))
					break;
				op = add_op(m, MG_OP_SET_PERSISTENCE, relid);
				op->object_name = cmd->subtype == AT_SetLogged ? "LOGGED" : "UNLOGGED";
				op->effect = EFFECT_REWRITE;
				add_rel(m, relid, NoLock, EFFECT_REWRITE,
						cmd->subtype == AT_SetLogged ? "SET LOGGED" : "SET UNLOGGED");
				break;
#if PG_VERSION_NUM >= 180000
			case AT_AlterConstraint:
				/*
				 * PostgreSQL 18: ALTER CONSTRAINT ... NOT ENFORCED of an
				 * enforced foreign key drops its triggers, those on the
				 * referenced table too (RemoveTriggerById: ACCESS EXCLUSIVE).
				 */
				if (cmd->def && IsA(cmd->def, ATAlterConstraint) &&
					((ATAlterConstraint *) cmd->def)->alterEnforceability &&
					!((ATAlterConstraint *) cmd->def)->is_enforced)
				{
					Oid			conid = get_relation_constraint_oid(relid,
																	((ATAlterConstraint *) cmd->def)->conname,
																	true);
					HeapTuple	tp = OidIsValid(conid)
						? SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid)) : NULL;

					if (HeapTupleIsValid(tp))
					{
						Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);
						Oid			confrelid = con->confrelid;
						bool		drops = con->contype == CONSTRAINT_FOREIGN && con->conenforced &&
							OidIsValid(confrelid) && confrelid != relid;

						ReleaseSysCache(tp);
						if (drops)
							add_rel(m, confrelid, AccessExclusiveLock, EFFECT_METADATA, NULL);
					}
				}
				break;
#endif
			case AT_AddInherit:
			case AT_DropInherit:
				/*
				 * ATExecAddInherit opens the new parent in SHARE UPDATE
				 * EXCLUSIVE mode, ATExecDropInherit the old one in ACCESS
				 * SHARE mode.
				 */
				if (cmd->def && IsA(cmd->def, RangeVar))
				{
					Oid			parent = mg_script_relid(m->script, (RangeVar *) cmd->def);

					if (OidIsValid(parent))
						add_rel(m, parent, cmd->subtype == AT_AddInherit
								? ShareUpdateExclusiveLock : AccessShareLock,
								EFFECT_METADATA, NULL);
				}
				break;
			case AT_SetAccessMethod:
				/* To the current method: nothing (ATPrepSetAccessMethod). */
				if (OidIsValid(relid) &&
					get_table_am_oid(cmd->name ? cmd->name : default_table_access_method,
									 true) == relation_am(relid))
					break;
				op = add_op(m, MG_OP_SET_ACCESS_METHOD, relid);
				op->object_name = cmd->name;
				op->effect = EFFECT_REWRITE;
				add_rel(m, relid, NoLock, EFFECT_REWRITE, "SET ACCESS METHOD");
				break;
			case AT_SetTableSpace:
				{
					/* To the current tablespace: nothing (ATExecSetTableSpace). */
					Oid			ts = get_tablespace_oid(cmd->name, true);
					Oid			cur = get_rel_tablespace(relid);

					if (OidIsValid(ts) &&
						(ts == cur || (cur == InvalidOid && ts == MyDatabaseTableSpace)))
						break;
					add_rel(m, relid, NoLock, EFFECT_REWRITE, "SET TABLESPACE copies the files");
					/* A table or materialized view with storage: judged (table_rewrite). */
					if (get_rel_relkind(relid) == RELKIND_RELATION ||
						get_rel_relkind(relid) == RELKIND_MATVIEW)
					{
						op = add_op(m, MG_OP_SET_TABLESPACE, relid);
						if (op)
						{
							op->object_name = cmd->name;
							op->effect = EFFECT_REWRITE;
							/* The undo moves it back: where it is now (0: the database's). */
							op->undo_old_definition =
								get_tablespace_name(OidIsValid(cur) ? cur : MyDatabaseTableSpace);
						}
					}
				}
				break;
#if PG_VERSION_NUM >= 170000
			case AT_SetExpression:
				/* A stored generated column is computed again for every row. */
				if (get_attgenerated(relid, get_attnum(relid, mg_script_column(m->script, relid, cmd->name))) ==
					ATTRIBUTE_GENERATED_STORED)
				{
					op = add_op(m, MG_OP_TABLE_REWRITE, relid);
					if (op)
					{
						op->command = "ALTER TABLE";
						op->rewrite_reason = MG_REWRITE_SET_EXPRESSION;
						op->effect = EFFECT_REWRITE;
					}
					add_rel(m, relid, NoLock, EFFECT_REWRITE,
							"SET EXPRESSION of a stored generated column");
				}
				break;
#endif
			default:
				break;
		}
	}

	/* To each table below it (recursion.cpp); with ONLY, what still reaches them. */
	model_alter_recursion(m, relid, lock, first_op, stmt->cmds, cmd_first_op,
						  !stmt->relation->inh);
}
