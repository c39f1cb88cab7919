/*
 * The model of a DDL statement (see dispatch.cpp): ALTER TABLE on partitions:
 * ATTACH and DETACH PARTITION (the bound, the default partition's check, the
 * foreign keys a partition gets or keeps), and the subcommands on a
 * partitioned table that leave its partitions alone.
 */
#include "glue/model/builder.hpp"
#include "glue/subxact.hpp"

/* table_is_empty() for a relation that may not be in the model yet. */
static bool
table_is_empty_rel(MgModel *m, Oid relid)
{
	MgTable		t;

	if (facts_of(m, relid))
		return table_is_empty(m, relid);
	memset(&t, 0, sizeof(t));
	return mg_table_facts_with(relid, &t, m->use_overrides) && t.rows == 0;
}

/*
 * The foreign keys a partition gets from, or keeps away from, its parent
 * (CloneForeignKeyConstraints when it is created or attached, and
 * ATExecDetachPartition):
 * - created or attached: each foreign key of the parent is cloned onto the
 *   partition, locking the referenced table in SHARE ROW EXCLUSIVE mode, and
 *   validated when the partition has rows (the referenced table is read);
 *   each foreign key of another table to the parent gets the partition's
 *   triggers, locking that table in SHARE ROW EXCLUSIVE mode;
 * - detached: each foreign key of another table to the parent is checked
 *   against the partition's rows (RI_PartitionRemove_Check reads that table,
 *   which is locked in ACCESS EXCLUSIVE mode), and the partition's own
 *   clones become foreign keys of their own, with new triggers on the
 *   referenced tables (SHARE ROW EXCLUSIVE).
 * partid may be InvalidOid for a partition being created (it is empty).
 */
void
model_partition_fks(MgModel *m, Oid parentid, Oid partid, bool detach)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	bool		part_rows = OidIsValid(partid) && !table_is_empty(m, partid);
	List	   *referenced = NIL;
	List	   *referencing = NIL;
	ListCell   *lc;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

		if (con->contype != CONSTRAINT_FOREIGN)
			continue;
		if (!detach && con->conrelid == parentid && con->confrelid != parentid)
			referenced = list_append_unique_oid(referenced, con->confrelid);
		else if (detach && OidIsValid(partid) && con->conrelid == partid &&
				 OidIsValid(con->conparentid) && con->confrelid != partid)
			referenced = list_append_unique_oid(referenced, con->confrelid);
		else if (con->confrelid == parentid && con->conrelid != parentid &&
				 !OidIsValid(con->conparentid))
			referencing = list_append_unique_oid(referencing, con->conrelid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	foreach(lc, referenced)
	{
		bool		reads = !detach && part_rows;

		add_rel(m, lfirst_oid(lc), ShareRowExclusiveLock, reads ? EFFECT_SCAN : EFFECT_METADATA,
				reads ? "FOREIGN KEY validation of the partition" : NULL);
	}
	foreach(lc, referencing)
	{
		Oid			fkrel = lfirst_oid(lc);

		if (detach)
		{
			bool		reads = part_rows && !table_is_empty_rel(m, fkrel);

			add_rel(m, fkrel, AccessExclusiveLock, reads ? EFFECT_SCAN : EFFECT_METADATA,
					reads ? "FOREIGN KEY check of the detached partition" : NULL);
			/*
			 * RI_PartitionRemove_Check joins the referencing rows with the
			 * partition's: the partition is read too (in full, or through an
			 * index the plan picks).
			 */
			if (reads)
				add_rel(m, partid, AccessExclusiveLock, EFFECT_SCAN,
						"FOREIGN KEY check of the detached partition");
		}
		else
			add_rel(m, fkrel, ShareRowExclusiveLock, EFFECT_METADATA, NULL);
	}
}

/*
 * The server's preconditions for ATTACH PARTITION that its bound
 * transformation relies on: an untyped plain table with exactly the parent's
 * columns and types, and a bound of the parent's strategy.
 */
bool
attachable(Relation parent, Relation part, PartitionBoundSpec *bound)
{
	TupleDesc	pdesc = RelationGetDescr(parent);
	TupleDesc	cdesc = RelationGetDescr(part);
	PartitionKey key = RelationGetPartitionKey(parent);
	int			pcols = 0,
				ccols = 0;

	if (part->rd_rel->relkind != RELKIND_RELATION || OidIsValid(part->rd_rel->reloftype) ||
		part->rd_rel->relispartition || key == NULL)
		return false;
	if (!bound->is_default && bound->strategy != key->strategy)
		return false;
	for (int i = 0; i < cdesc->natts; i++)
		if (!TupleDescAttr(cdesc, i)->attisdropped)
			ccols++;
	for (int i = 0; i < pdesc->natts; i++)
	{
		Form_pg_attribute patt = TupleDescAttr(pdesc, i);
		bool		found = false;

		if (patt->attisdropped)
			continue;
		pcols++;
		for (int j = 0; j < cdesc->natts; j++)
		{
			Form_pg_attribute catt = TupleDescAttr(cdesc, j);

			if (!catt->attisdropped && strcmp(NameStr(catt->attname), NameStr(patt->attname)) == 0)
			{
				if (catt->atttypid != patt->atttypid || catt->atttypmod != patt->atttypmod ||
					catt->attcollation != patt->attcollation)
					return false;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return pcols == ccols;
}

/*
 * Whether a relation's own constraints spare it the server's scan: the
 * partition ATTACH checks (they imply the bound), or the default partition
 * a new partition is checked against (they exclude the bound,
 * check_default_partition_contents).  The bound's expressions are evaluated
 * (transformPartitionBound, eval_const_expressions) as the parent's owner,
 * in a security-restricted operation, as the server's own maintenance
 * commands run an owner's code, so that plan() or review() run by a
 * superuser never runs a function the migration's author wrote with the
 * superuser's rights; and in an internal subtransaction: a bound the owner
 * may not evaluate is not implied, and fails neither plan() nor a statement
 * the server accepts.  A cancel is raised again.
 */
typedef struct BoundTest
{
	MgModel    *m;
	Relation	parent;
	Relation	rel;			/* the partition attached, or the default partition */
	PartitionBoundSpec *spec;
	bool		default_partition;	/* rel is the default: its constraint is the bound's negation */
	bool		implied;
} BoundTest;

/* The server's test, run as the parent's owner (see partition_constraint_implied). */
static void
bound_test(void *arg)
{
	BoundTest  *t = (BoundTest *) arg;
	ParseState *pstate = make_parsestate(NULL);
	OwnerContext as_owner;
	PartitionBoundSpec *bound;
	List	   *qual;

	begin_as_owner(RelationGetForm(t->parent)->relowner, &as_owner);
	pstate->p_sourcetext = t->m->query;
	bound = transformPartitionBound(pstate, t->parent, (PartitionBoundSpec *) copyObjectImpl(t->spec));
	if (t->default_partition)
		/* check_default_partition_contents */
		qual = get_proposed_default_constraint(get_qual_from_partbound(t->parent, bound));
	else
	{
		/* As ATExecAttachPartition: no canonicalize_qual (it takes no List). */
		qual = list_concat(get_qual_from_partbound(t->parent, bound),
						   RelationGetPartitionQual(t->parent));
		qual = (List *) eval_const_expressions(NULL, (Node *) qual);
		qual = list_make1(make_ands_explicit(qual));
	}
	qual = map_partition_varattnos(qual, 1, t->rel, t->parent);
	t->implied = PartConstraintImpliedByRelConstraint(t->rel, qual);
	end_as_owner(&as_owner);
	free_parsestate(pstate);
}

static bool
partition_constraint_implied(MgModel *m, Relation parent, Relation rel, PartitionBoundSpec *spec,
							 bool default_partition)
{
	BoundTest	t = {m, parent, rel, spec, default_partition, false};

	return mg_guarded_call(bound_test, &t) && t.implied;
}

void
model_attach_partition(MgModel *m, Oid parentid, PartitionCmd *pc)
{
	bool		attach_ok = false;
	Oid			partid = mg_script_relid(m->script, pc->name);
	Oid			defaultid;
	MgLockedRelation *r;
	MgOperation *op;
	Relation	parent,
				part;

	if (!OidIsValid(partid))
		return;
	r = add_rel(m, partid, AccessExclusiveLock, EFFECT_SCAN, "partition constraint check");
	if (r == NULL)
		return;
	/*
	 * A partitioned table attached: ATExecAttachPartition locks every table
	 * below it ACCESS EXCLUSIVE, and the constraint check reads each leaf
	 * (QueuePartitionConstraintValidation recurses); the operation carries
	 * the leaves' sums (mg_table_facts of a partitioned table).
	 */
	if (get_rel_relkind(partid) == RELKIND_PARTITIONED_TABLE)
		add_partitions(m, partid, AccessExclusiveLock, EFFECT_SCAN, "partition constraint check");
	op = add_op(m, MG_OP_ATTACH_PARTITION, parentid);
	op->partition = r->table;
	op->scan_needed = true;
	op->effect = EFFECT_SCAN;
	op->bound = NULL;
	if (pc->bound && pc->bound->location >= 0 && m->query)
	{
		const char *start = m->query + pc->bound->location;
		char	   *bound = whole_tokens(start, false, m);

		/* The bound's location is past FOR VALUES, except for DEFAULT. */
		if (bound)
			op->bound = pg_strncasecmp(bound, "DEFAULT", 7) == 0
				? bound : psprintf("FOR VALUES %s", bound);
	}

	/*
	 * Ask the server whether the partition's constraints already imply the
	 * bound -- but only for an attachment the server will accept, so that
	 * its own error (a missing column, a typed table, a wrong bound) is the
	 * one the user sees, in every mode.
	 */
	parent = peek_relation(parentid);
	part = parent ? peek_relation(partid) : NULL;
	attach_ok = parent && part && pc->bound && attachable(parent, part, pc->bound);
	if (attach_ok)
	{
		if (partition_constraint_implied(m, parent, part, pc->bound, false))
		{
			op->scan_needed = false;
			op->effect = EFFECT_METADATA;
			r->effect = EFFECT_METADATA;
			r->cause = NULL;
		}
		/* The parent's indexes that the partition has no match for are built on it. */
		if (attach_partition_indexes(parent, part, op) > 0)
		{
			r = add_rel(m, partid, AccessExclusiveLock, EFFECT_INDEX_BUILD,
						"index build for the partitioned table's indexes");
			if (op->effect < EFFECT_INDEX_BUILD)
				op->effect = EFFECT_INDEX_BUILD;
		}
	}
	if (part)
		release_peek(part);
	if (parent)
		release_peek(parent);
	op->partition = r->table;

	/* A default partition is scanned for rows that now belong to the new one. */
	defaultid = get_default_partition_oid(parentid);
	if (OidIsValid(defaultid) && defaultid != partid &&
		!(pc->bound && attach_ok && default_partition_proven(m, parentid, defaultid, pc->bound)))
	{
		MgLockedRelation *d = add_rel(m, defaultid, AccessExclusiveLock, EFFECT_SCAN,
									  "default partition check");

		/* A partitioned default partition: each of its leaves is scanned. */
		add_partitions(m, defaultid, AccessExclusiveLock, EFFECT_SCAN, "default partition check");

		if (op->effect < EFFECT_SCAN)
			op->effect = EFFECT_SCAN;
		if (d)
		{
			op->default_partition = psprintf("%s.%s", d->table.name.schema, d->table.name.name);
			model_default_partition_scan(m, defaultid, &op->partition, op->bound);
		}
	}
}

/*
 * Whether the default partition's own constraints prove that it holds no row
 * of the new bound, so that check_default_partition_contents() skips its
 * scan: the server's own test (the bound evaluated as the parent's owner, in
 * a security-restricted operation, as for ATTACH above).  Only for a bound of
 * the parent's strategy on a default that is a plain table, so that the
 * server's own error is the one a bad statement gets.
 */
bool
default_partition_proven(MgModel *m, Oid parentid, Oid defaultid, PartitionBoundSpec *spec)
{
	Relation	parent = peek_relation(parentid);
	Relation	def = parent ? peek_relation(defaultid) : NULL;
	PartitionKey key = parent ? RelationGetPartitionKey(parent) : NULL;
	bool		proven = false;

	if (parent && def && key && spec && !spec->is_default && spec->strategy == key->strategy &&
		def->rd_rel->relkind == RELKIND_RELATION)
		proven = partition_constraint_implied(m, parent, def, spec, true);
	if (def)
		release_peek(def);
	if (parent)
		release_peek(parent);
	return proven;
}

/*
 * The default partition a new partition's bound is checked against
 * (check_default_partition_contents): an operation of its own, judged by its
 * own size.  partition: the new one (its name at least); bound as written.
 */
void
model_default_partition_scan(MgModel *m, Oid defaultid, const MgTable *partition, const char *bound)
{
	MgTable		part = *partition;	/* add_op() may move the operation it came from */
	MgOperation *op = add_op(m, MG_OP_DEFAULT_PARTITION_SCAN, defaultid);

	if (op == NULL)
		return;
	op->effect = EFFECT_SCAN;
	op->partition = part;
	op->bound = bound;
}

/*
 * A subcommand on a partitioned table that does not reach its partitions
 * (ATPrepCmd: "This command never recurses"), or that has nothing to do
 * (IF [NOT] EXISTS that finds what it looks for, a constraint already
 * validated, a column already NOT NULL, the current access method): the
 * partitions are not locked.  Used by recursion.cpp with its own lists.
 */
bool
partitions_untouched(MgModel *m, Oid relid, AlterTableCmd *cmd)
{
	switch (cmd->subtype)
	{
		case AT_SetOptions:
		case AT_ResetOptions:
		case AT_SetCompression:
		case AT_EnableRowSecurity:
		case AT_DisableRowSecurity:
		case AT_ForceRowSecurity:
		case AT_NoForceRowSecurity:
		case AT_EnableRule:
		case AT_EnableAlwaysRule:
		case AT_EnableReplicaRule:
		case AT_DisableRule:
		case AT_DropOids:
		case AT_SetRelOptions:
		case AT_ResetRelOptions:
		case AT_ReplicaIdentity:
		case AT_ChangeOwner:
		case AT_SetTableSpace:	/* a partitioned table's default only */
			return true;
		case AT_SetLogged:
		case AT_SetUnLogged:
			return get_rel_persistence(relid) ==
				(cmd->subtype == AT_SetLogged ? RELPERSISTENCE_PERMANENT : RELPERSISTENCE_UNLOGGED);
#if PG_VERSION_NUM < 170000
		case AT_AddIdentity:
			/* Identity columns reach the partitions from PostgreSQL 17 on. */
			return true;
#endif
#if PG_VERSION_NUM >= 180000
		case AT_AlterConstraint:
			/* PostgreSQL 18: a deferrability that is already so changes nothing. */
			if (cmd->def && IsA(cmd->def, ATAlterConstraint))
			{
				ATAlterConstraint *ac = (ATAlterConstraint *) cmd->def;
				Oid			conid = get_relation_constraint_oid(relid, ac->conname, true);
				HeapTuple	tp = OidIsValid(conid)
					? SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid)) : NULL;
				bool		same = false;

				if (HeapTupleIsValid(tp))
				{
					Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tp);

					same = ac->alterDeferrability && !ac->alterEnforceability &&
						!ac->alterInheritability && con->condeferrable == ac->deferrable &&
						con->condeferred == ac->initdeferred;
					ReleaseSysCache(tp);
				}
				return same;
			}
			return false;
#endif
		case AT_ValidateConstraint:
			{
				Oid			conid = get_relation_constraint_oid(relid, cmd->name, true);
				HeapTuple	tp = OidIsValid(conid)
					? SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid)) : NULL;
				bool		valid = false;

				if (HeapTupleIsValid(tp))
				{
					valid = ((Form_pg_constraint) GETSTRUCT(tp))->convalidated;
					ReleaseSysCache(tp);
				}
				return valid;
			}
		case AT_DropColumn:
			return cmd->missing_ok && get_attnum(relid, cmd->name) == InvalidAttrNumber;
		case AT_AddColumn:
			return cmd->missing_ok && cmd->def && IsA(cmd->def, ColumnDef) &&
				get_attnum(relid, ((ColumnDef *) cmd->def)->colname) != InvalidAttrNumber;
		case AT_SetNotNull:
			{
				HeapTuple	tp = SearchSysCacheAttName(relid, cmd->name);
				bool		already = false;

				if (HeapTupleIsValid(tp))
				{
					already = ((Form_pg_attribute) GETSTRUCT(tp))->attnotnull;
					ReleaseSysCache(tp);
				}
				return already && !set_not_null_needs_scan(m->script, relid, cmd->name, NULL);
			}
		case AT_SetAccessMethod:
			/* From PostgreSQL 17 on, a partitioned table's default only. */
			return get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE ||
				get_table_am_oid(cmd->name ? cmd->name : default_table_access_method, true) ==
				relation_am(relid);
		default:
			return false;
	}
}
