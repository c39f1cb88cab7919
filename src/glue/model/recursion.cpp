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
			return "a column type change";
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

/*
 * What operation op, made on the parent, does to child (a table with
 * storage below it): EFFECT_NONE when the subcommand does not recurse.
 */
static int
child_effect(MgModel *m, const MgOperation *op, Oid child, bool partitioned, bool no_inherit)
{
	switch (op->kind)
	{
		case MG_OP_ADD_COLUMN:
		case MG_OP_ALTER_COLUMN_TYPE:
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
			return true;
		default:
			return false;
	}
}

/*
 * ALTER TABLE relid (without ONLY) whose own operations are m->ops[first_op
 * ..]: each table below it is added to the model with the parent's lock and
 * what the statement does to it.  cmd_first_op[i] is the first operation
 * made for the i-th subcommand (-1: none), for NO INHERIT.
 */
void
model_alter_recursion(MgModel *m, Oid relid, LOCKMODE lock, int first_op, List *cmds,
					  const int *cmd_first_op)
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

	if (!partitioned && (get_rel_relkind(relid) != RELKIND_RELATION || !has_subclass(relid)))
		return;
	/*
	 * Attaching or detaching concerns the parent and the one partition only;
	 * a NO INHERIT constraint and the subcommands that do not recurse, the
	 * parent alone.
	 */
	{
		bool		all_stay = true;	/* every subcommand stays on the parent */
		bool		all_no_inherit = true;	/* ... or is a NO INHERIT constraint */

		foreach(lc, cmds)
		{
			AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
			bool		no_inherit = cmd->subtype == AT_AddConstraint && cmd->def &&
				IsA(cmd->def, Constraint) && ((Constraint *) cmd->def)->is_no_inherit;

			if (cmd->subtype == AT_AttachPartition || cmd->subtype == AT_DetachPartition ||
				cmd->subtype == AT_DetachPartitionFinalize)
				return;
			if (!stays_on_parent(cmd->subtype))
				all_stay = false;
			if (!no_inherit && !stays_on_parent(cmd->subtype))
				all_no_inherit = false;
		}
		if (all_stay)
			return;
#if PG_VERSION_NUM < 180000
		/* PostgreSQL 18 locks the children for a NO INHERIT CHECK too (accuracy.sql). */
		if (all_no_inherit)
			return;
#else
		(void) all_no_inherit;
#endif
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
			add_rel_ex(m, child, lock, EFFECT_METADATA, NULL, known_new);
			continue;
		}
		leaves++;
		for (int i = 0; i < nparent; i++)
		{
			int			e = m->op_relids[first_op + i] != relid ? EFFECT_NONE
				: child_effect(m, &m->ops[first_op + i], child, partitioned, no_inherit[i]);

			each[i] = e;
			if (e > effect)
			{
				effect = e;
				cause = child_cause(&m->ops[first_op + i], e);
			}
		}
		r = add_rel_ex(m, child, lock, effect, cause, known_new);
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
