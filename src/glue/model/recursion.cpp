/*
 * The model of a DDL statement (see dispatch.cpp): what ALTER TABLE on a
 * partitioned table or an inheritance parent does to each table below it.
 *
 * Without ONLY, ALTER TABLE recurses (ATPrepCmd's ATSimpleRecursion,
 * ATPrepAlterColumnType, ATExecAddColumn, ATAddCheckConstraint,
 * QueueCheckConstraintValidation...): every child is locked in the parent's
 * mode, and phase 3 (ATRewriteTables) rewrites or scans each child with
 * storage on its own, exactly as it would the parent: a column type change
 * or a volatile default rewrites every leaf, a CHECK constraint or SET NOT
 * NULL scans every leaf that no constraint of its own proves, a UNIQUE or
 * PRIMARY KEY constraint on a partitioned table builds an index on every
 * leaf (DefineIndex recursing).  A partitioned table has no storage: what its
 * statement costs is the sum over its leaves.
 *
 * Partitioned tables keep their operations on the parent, whose facts become
 * the sums over the leaves the operation works on; the children of plain
 * inheritance are judged each on its own, with a copy of the operation.
 */
#include "glue/model/builder.hpp"

/* Why a child is scanned or rewritten, for plan_locks(). */
static const char *
child_cause(const MgOperation *op, int effect)
{
	switch (op->kind)
	{
		case MG_OP_ADD_COLUMN:
			return effect == EFFECT_REWRITE ? "the new column's values" :
				"NOT NULL check of the new column";
		case MG_OP_ALTER_COLUMN_TYPE:
			return effect == EFFECT_INDEX_BUILD ? "the index on the column built again" :
				"a column type change";
		case MG_OP_TABLE_REWRITE:
			return "SET EXPRESSION of a stored generated column";
		case MG_OP_SET_NOT_NULL:
			return "NOT NULL check";
		case MG_OP_VALIDATE_CONSTRAINT:
			return "constraint validation";
		case MG_OP_ADD_CONSTRAINT:
			return op->contype == 'c' ? "CHECK constraint validation" :
				op->contype == 'f' ? "FOREIGN KEY validation" :
				op->contype == 'n' ? "NOT NULL check" : "index build for the constraint";
		default:
			return NULL;
	}
}

/* Whether child has a constraint named name that is not validated yet. */
static bool
child_constraint_unvalidated(Oid child, const char *name)
{
	Oid			conid = name ? get_relation_constraint_oid(child, name, true) : InvalidOid;
	HeapTuple	tp;
	bool		result = false;

	if (!OidIsValid(conid))
		return false;
	tp = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
	if (HeapTupleIsValid(tp))
	{
		result = !((Form_pg_constraint) GETSTRUCT(tp))->convalidated;
		ReleaseSysCache(tp);
	}
	return result;
}

typedef struct CheckOnColumn
{
	AttrNumber	attnum;
	bool		found;
} CheckOnColumn;

static void
check_on_column(HeapTuple tup, TupleDesc desc, void *arg)
{
	CheckOnColumn *c = (CheckOnColumn *) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	bool		isnull;
	Datum		d;

	if (con->contype != CONSTRAINT_CHECK || !con->convalidated)
		return;
	d = heap_getattr(tup, Anum_pg_constraint_conkey, desc, &isnull);
	if (!isnull)
	{
		ArrayType  *arr = DatumGetArrayTypeP(d);
		int16	   *keys = (int16 *) ARR_DATA_PTR(arr);

		for (int i = 0; i < ARR_DIMS(arr)[0]; i++)
			c->found = c->found || keys[i] == c->attnum;
	}
}

/* Whether child has a validated CHECK constraint on column colname. */
static bool
child_has_valid_check_on(Oid child, const char *colname)
{
	CheckOnColumn c;

	c.attnum = get_attnum(child, colname);
	c.found = false;
	if (c.attnum == InvalidAttrNumber)
		return false;
	mg_foreach_constraint(child, check_on_column, &c);
	return c.found;
}

/*
 * What operation op, made on the parent, does to child (a table with
 * storage below it): EFFECT_NONE when the subcommand does not recurse.
 */
static int
child_effect(MgModel *m, const MgOperation *op, Oid child, bool partitioned, bool no_inherit)
{
	switch (op->kind)
	{
		case MG_OP_ALTER_COLUMN_TYPE:
			if (op->effect >= EFFECT_REWRITE)
				return op->effect;
			/*
			 * Without a rewrite: a partitioned index has no storage to reuse
			 * (TryReuseIndex), so the index on each leaf is built again; and
			 * each child's valid CHECK on the column is checked again.
			 */
			if (partitioned && op->rebuilt_indexes > 0)
				return EFFECT_INDEX_BUILD;
			if (op->effect < EFFECT_SCAN && op->column &&
				child_has_valid_check_on(child, op->column))
				return EFFECT_SCAN;
			return op->effect;
		case MG_OP_ADD_COLUMN:
		case MG_OP_TABLE_REWRITE:	/* SET EXPRESSION */
			return op->effect;
		case MG_OP_SET_NOT_NULL:
			/* Each child is proven, or scanned, on its own (ATExecSetNotNull). */
			if (op->domain)
				return EFFECT_NONE;
			return set_not_null_needs_scan(m->script, child, op->column, NULL)
				? EFFECT_SCAN : EFFECT_METADATA;
		case MG_OP_VALIDATE_CONSTRAINT:
			if (op->effect < EFFECT_SCAN)
				return EFFECT_METADATA;
			if (child_constraint_unvalidated(child, op->constraint_name))
				return EFFECT_SCAN;
			/* Added NOT VALID earlier in the script under review: on every child too. */
			return get_relation_constraint_oid(child, op->constraint_name, true) == InvalidOid &&
				m->script != NULL ? EFFECT_SCAN : EFFECT_METADATA;
		case MG_OP_ADD_CONSTRAINT:
			switch (op->contype)
			{
				case 'c':
					if (no_inherit)
						return EFFECT_NONE;
					return op->not_valid ? EFFECT_METADATA : EFFECT_SCAN;
				case 'f':
					/* A foreign key is not inherited; a partitioned table's is. */
					if (!partitioned)
						return EFFECT_NONE;
					return op->not_valid ? EFFECT_METADATA : EFFECT_SCAN;
				case 'p':
				case 'u':
				case 'x':
					/* The index of a partitioned table is built on every leaf. */
					if (!partitioned)
						return EFFECT_NONE;
					return op->using_index ? EFFECT_METADATA : EFFECT_INDEX_BUILD;
				case 'n':
					/* PostgreSQL 18: ADD CONSTRAINT ... NOT NULL col (not NOT VALID). */
					if (op->column == NULL || op->not_valid)
						return EFFECT_METADATA;
					return set_not_null_needs_scan(m->script, child, op->column, NULL)
						? EFFECT_SCAN : EFFECT_METADATA;
				default:
					return EFFECT_METADATA;
			}
		default:
			return EFFECT_METADATA;
	}
}

/* Whether the ADD CONSTRAINT of op_index was written NO INHERIT. */
static bool
op_no_inherit(List *cmds, const int *cmd_first_op, int op_index)
{
	ListCell   *lc;
	int			ci = 0;

	foreach(lc, cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd_first_op[ci] == op_index && cmd->subtype == AT_AddConstraint &&
			cmd->def && IsA(cmd->def, Constraint))
			return ((Constraint *) cmd->def)->is_no_inherit;
		ci++;
	}
	return false;
}

/*
 * Subcommands that never recurse (ATPrepCmd: "does not recurse"), checked
 * against pg_locks by sql/accuracy.sql: on a partitioned table, SET
 * TABLESPACE and SET ACCESS METHOD only set what future partitions get.
 */
static bool
stays_on_parent(AlterTableType t)
{
	switch (t)
	{
		case AT_SetTableSpace:
#if PG_VERSION_NUM >= 150000
		case AT_SetAccessMethod:
#endif
		case AT_ReplicaIdentity:
		case AT_EnableRowSecurity:
		case AT_DisableRowSecurity:
		case AT_ForceRowSecurity:
		case AT_NoForceRowSecurity:
		case AT_ChangeOwner:
		case AT_ClusterOn:
		case AT_DropCluster:
		case AT_SetRelOptions:
		case AT_ResetRelOptions:
		case AT_ReplaceRelOptions:
		case AT_SetOptions:		/* ALTER COLUMN ... SET (n_distinct = ...) */
		case AT_ResetOptions:
		case AT_SetCompression:
		case AT_EnableRule:
		case AT_EnableAlwaysRule:
		case AT_EnableReplicaRule:
		case AT_DisableRule:
		case AT_DropOids:		/* SET WITHOUT OIDS: nothing */
		case AT_SetLogged:		/* refused, or nothing, on a partitioned table */
		case AT_SetUnLogged:
			return true;
		default:
			return false;
	}
}

/*
 * A subcommand that changes nothing, so that nothing recurses: ADD COLUMN IF
 * NOT EXISTS of a column that exists, DROP COLUMN IF EXISTS of one that does
 * not, and SET NOT NULL of a column already NOT NULL (see below).
 */
static bool
does_nothing(Oid relid, AlterTableCmd *cmd)
{
	bool		partitioned = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE;

	switch (cmd->subtype)
	{
		case AT_ValidateConstraint:
		case AT_DropConstraint:
			{
				/*
				 * VALIDATE of a valid constraint does nothing; DROP of a
				 * missing one (IF EXISTS) too; plain inheritance passes on
				 * CHECK constraints only (a primary key, unique or foreign
				 * key stays on the parent).
				 */
				Oid			conid = cmd->name ? get_relation_constraint_oid(relid, cmd->name, true)
					: InvalidOid;
				HeapTuple	tp;
				bool		result = false;

				/* A partitioned table recurses before it looks (the differential test). */
				if (!OidIsValid(conid))
					return cmd->subtype == AT_DropConstraint && !partitioned;
				tp = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
				if (HeapTupleIsValid(tp))
				{
					Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);

					if (cmd->subtype == AT_ValidateConstraint)
						result = con->convalidated;
					else
						result = !partitioned && con->contype != CONSTRAINT_CHECK;
					ReleaseSysCache(tp);
				}
				return result;
			}
		case AT_AddIdentity:
			/* 17+: a partitioned table's identity reaches its partitions; never children. */
#if PG_VERSION_NUM >= 170000
			return !partitioned;
#else
			return true;
#endif
		case AT_EnableTrig:
		case AT_EnableAlwaysTrig:
		case AT_EnableReplicaTrig:
		case AT_DisableTrig:
		case AT_EnableTrigAll:
		case AT_DisableTrigAll:
		case AT_EnableTrigUser:
		case AT_DisableTrigUser:
			/* Only a partitioned table's triggers have clones on the partitions. */
			return !partitioned;
		case AT_AddColumn:
			return cmd->missing_ok && cmd->def && IsA(cmd->def, ColumnDef) &&
				get_attnum(relid, ((ColumnDef *) cmd->def)->colname) != InvalidAttrNumber;
		case AT_DropColumn:
			return cmd->missing_ok && cmd->name && get_attnum(relid, cmd->name) == InvalidAttrNumber;
		case AT_SetNotNull:
			/*
			 * A column already NOT NULL: 15 does not recurse into the
			 * partitions of a partitioned table, 18 not into the children
			 * of plain inheritance (the differential test, on both).
			 */
#if PG_VERSION_NUM < 180000
			if (!partitioned)
				return false;
#else
			if (partitioned)
				return false;
#endif
			{
				HeapTuple	tp = cmd->name ? SearchSysCacheAttName(relid, cmd->name) : NULL;
				bool		notnull = false;

				if (HeapTupleIsValid(tp))
				{
					notnull = ((Form_pg_attribute) GETSTRUCT(tp))->attnotnull;
					ReleaseSysCache(tp);
				}
				return notnull;
			}
		default:
			return false;
	}
}

/*
 * ALTER TABLE relid whose own operations are m->ops[first_op
 * ..]: each table below it is added to the model with the parent's lock and
 * what the statement does to it.  cmd_first_op[i] is the first operation
 * made for the i-th subcommand; only: the statement said ONLY (plain
 * inheritance: what still reaches the children).
 */
void
model_alter_recursion(MgModel *m, Oid relid, LOCKMODE lock, int first_op, List *cmds,
					  const int *cmd_first_op, bool only)
{
	bool		partitioned = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE;
	int			nops = m->nops;
	int			nparent = nops - first_op;
	List	   *tree;
	ListCell   *lc;
	int			nbefore = m->nrels;
	int64	   *rows;
	int64	   *bytes;
	int		   *affected;
	int		   *costliest;
	bool	   *no_inherit;
	int		   *each;
	int			leaves = 0;
	LOCKMODE   *op_lock;		/* the lock each operation takes on a child */
	LOCKMODE	cmd_lock = NoLock;	/* ... and the subcommands without one */
	LOCKMODE	child_lock;

	if (!partitioned && (get_rel_relkind(relid) != RELKIND_RELATION || !has_subclass(relid)))
		return;
	if (only && partitioned)
	{
#if PG_VERSION_NUM >= 180000
		/* 18: ONLY ... DROP CONSTRAINT still opens the leaves (the differential test). */
		bool		drops = false;

		foreach(lc, cmds)
			drops = drops || ((AlterTableCmd *) lfirst(lc))->subtype == AT_DropConstraint;
		if (!drops)
			return;
#else
		return;
#endif
	}
	/*
	 * Which subcommands reach the children, and with which lock: attaching
	 * or detaching concerns the parent and the one partition only; the
	 * subcommands that do not recurse, or do nothing, the parent alone; a
	 * PRIMARY KEY, UNIQUE or EXCLUDE constraint of a partitioned table builds
	 * its index on each leaf under SHARE (DefineIndex), and is not inherited
	 * by the children of plain inheritance; a NO INHERIT CHECK stays on the
	 * parent, though PostgreSQL 18 locks the children for it.
	 */
	op_lock = (LOCKMODE *) palloc0(sizeof(LOCKMODE) * Max(1, nparent));
	{
		int			ci = 0;

		foreach(lc, cmds)
		{
			AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
			int			from = cmd_first_op[ci];
			int			to = lnext(cmds, lc) ? cmd_first_op[ci + 1] : nops;

			ci++;
			if (cmd->subtype == AT_AttachPartition || cmd->subtype == AT_DetachPartition ||
				cmd->subtype == AT_DetachPartitionFinalize)
				return;
			if (stays_on_parent(cmd->subtype) || does_nothing(relid, cmd) ||
				(get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE &&
				 partitions_untouched(m, relid, cmd)))
				continue;
#if PG_VERSION_NUM >= 180000
			/*
			 * 18 opens every child of plain inheritance in the statement's
			 * lock for any ADD CONSTRAINT, even the kinds children do not
			 * inherit (UNIQUE, PRIMARY KEY, EXCLUDE, FOREIGN KEY).
			 */
			if (!partitioned && !only &&
				(cmd->subtype == AT_AddConstraint || cmd->subtype == AT_AddIndexConstraint))
				cmd_lock = Max(cmd_lock, lock);
#endif
			if (only)
			{
				/*
				 * ONLY: DROP COLUMN and DROP CONSTRAINT still update the
				 * children's inheritance counts, under the statement's lock.
				 */
				if (cmd->subtype == AT_DropColumn || cmd->subtype == AT_DropConstraint)
					cmd_lock = Max(cmd_lock, lock);
				continue;
			}
			if (from >= to)
			{
				/* No operation (SET DEFAULT, DROP COLUMN...): the lock only. */
				cmd_lock = Max(cmd_lock, lock);
				continue;
			}
			for (int i = from; i < to; i++)
			{
				const MgOperation *op = &m->ops[i];
				bool		index_con = op->kind == MG_OP_ADD_CONSTRAINT &&
					(op->contype == 'p' || op->contype == 'u' || op->contype == 'x');

				if (index_con)
				{
					Constraint *con = cmd->def && IsA(cmd->def, Constraint) ? (Constraint *) cmd->def : NULL;

					/*
					 * DefineIndex locks each leaf SHARE; a DEFERRABLE one
					 * also creates triggers there (SHARE ROW EXCLUSIVE); a
					 * PRIMARY KEY also sets its columns NOT NULL on each
					 * leaf (the statement's lock).
					 */
#if PG_VERSION_NUM >= 180000
					/* 18 opens each leaf in the statement's lock (the differential test). */
					(void) con;
					op_lock[i - first_op] = !partitioned ? NoLock : lock;
#else
					op_lock[i - first_op] = !partitioned ? NoLock
						: op->contype == 'p' ? lock
						: con && con->deferrable ? ShareRowExclusiveLock : ShareLock;
#endif
				}
				else if (cmd->subtype == AT_AddConstraint && cmd->def && IsA(cmd->def, Constraint) &&
						 ((Constraint *) cmd->def)->is_no_inherit)
#if PG_VERSION_NUM >= 180000
					cmd_lock = Max(cmd_lock, lock);
#else
					op_lock[i - first_op] = NoLock;
#endif
				else
					op_lock[i - first_op] = lock;
			}
		}
	}
	tree = partitioned ? mg_partition_tree(relid, m->use_overrides)
		: find_all_inheritors(relid, NoLock, NULL);
	rows = (int64 *) palloc0(sizeof(int64) * Max(1, nparent));
	bytes = (int64 *) palloc0(sizeof(int64) * Max(1, nparent));
	affected = (int *) palloc0(sizeof(int) * Max(1, nparent));
	costliest = (int *) palloc0(sizeof(int) * Max(1, nparent));
	no_inherit = (bool *) palloc0(sizeof(bool) * Max(1, nparent));
	each = (int *) palloc0(sizeof(int) * Max(1, nparent));
	for (int i = 0; i < nparent; i++)
		no_inherit[i] = op_no_inherit(cmds, cmd_first_op, first_op + i);

	foreach(lc, tree)
	{
		Oid			child = lfirst_oid(lc);
		bool		known_new = true;
		int			effect = EFFECT_METADATA;
		const char *cause = NULL;
		MgLockedRelation *r;

		if (child == relid)
			continue;
		for (int i = 0; i < nbefore && known_new; i++)
			known_new = m->relids[i] != child;
		if (partitioned && get_rel_relkind(child) == RELKIND_PARTITIONED_TABLE)
		{
			LOCKMODE	level_lock = cmd_lock;

			for (int i = 0; i < nparent; i++)
				level_lock = Max(level_lock, op_lock[i]);
			if (level_lock != NoLock)
				add_rel_ex(m, child, level_lock, EFFECT_METADATA, NULL, known_new);
			continue;
		}
		leaves++;
		child_lock = cmd_lock;
		for (int i = 0; i < nparent; i++)
		{
			int			e = m->op_relids[first_op + i] != relid || op_lock[i] == NoLock ? EFFECT_NONE
				: child_effect(m, &m->ops[first_op + i], child, partitioned, no_inherit[i]);

			each[i] = e;
			if (e == EFFECT_NONE)
				continue;
			child_lock = Max(child_lock, op_lock[i]);
			if (e > effect)
			{
				effect = e;
				cause = child_cause(&m->ops[first_op + i], e);
			}
		}
		if (child_lock == NoLock)
			continue;			/* nothing reaches it */
		r = add_rel_ex(m, child, child_lock, effect, cause, known_new);
		if (r == NULL)
			continue;
		for (int i = 0; i < nparent; i++)
		{
			if (each[i] < EFFECT_SCAN)
				continue;
			/* The facts of the tables it works on, summed below. */
			rows[i] += Max(r->table.rows, 0);
			bytes[i] += Max(r->table.bytes, 0);
			affected[i]++;
			costliest[i] = Max(costliest[i], each[i]);
		}
	}

	/*
	 * The operation costs what it costs on the parent and every table below:
	 * its facts become the sums over those it scans, builds or rewrites (a
	 * partitioned table has no rows of its own), and an operation that every
	 * leaf proves needs no scan.
	 */
	for (int i = 0; i < nparent; i++)
	{
		MgOperation *op = &m->ops[first_op + i];
		bool		on_parent = !partitioned && op->effect >= EFFECT_SCAN;

		if (m->op_relids[first_op + i] != relid)
			continue;
		if (!partitioned && affected[i] == 0)
			continue;
		if (op->kind == MG_OP_SET_NOT_NULL && op->domain == NULL)
		{
			op->scan_needed = on_parent || affected[i] > 0;
			op->effect = op->scan_needed ? EFFECT_SCAN : EFFECT_METADATA;
		}
		else if (op->kind == MG_OP_ADD_CONSTRAINT && op->contype == 'n' && affected[i] > 0)
		{
			/* As model_add_constraint does when the table itself needs the scan. */
			op->kind = MG_OP_SET_NOT_NULL;
			op->scan_needed = true;
			op->effect = EFFECT_SCAN;
		}
		if (affected[i] > 0 && costliest[i] > op->effect)
			op->effect = costliest[i];
		if (partitioned && leaves > 0 && affected[i] < leaves && op->effect >= EFFECT_SCAN)
		{
			op->table.rows = rows[i];
			op->table.bytes = bytes[i];
			op->table.leaf_count = leaves;
			op->table.leaves_affected = affected[i];
		}
		else if (!partitioned)
		{
			/* The parent's own rows, when it works on them, and its children's. */
			op->table.rows = (on_parent ? Max(op->table.rows, 0) : 0) + rows[i];
			op->table.bytes = (on_parent ? Max(op->table.bytes, 0) : 0) + bytes[i];
			op->table.leaf_count = leaves;
			op->table.leaves_affected = affected[i];
		}
	}
}
