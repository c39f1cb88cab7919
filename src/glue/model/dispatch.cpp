/*
 * The model of a DDL statement, read from its parse tree and the catalogs
 * before it runs: every relation it will lock, in which mode, what it will do
 * to each (metadata, scan, index build, rewrite, truncate, drop), and the
 * operations the rules judge.
 *
 * Wherever the server exposes its own decision we call it instead of restating
 * it: AlterTableGetLockLevel() for ALTER TABLE, the coercion machinery and the
 * planner's simplification for "does this type change rewrite?", the
 * predicate prover for "does a CHECK constraint prove NOT NULL?", and
 * PartConstraintImpliedByRelConstraint() for "does ATTACH PARTITION scan?".
 * The rest follows the commands of PostgreSQL 15 and 18 (docs/versions.md),
 * checked against pg_locks, relfilenode and seq_scan by the accuracy test
 * (sql/accuracy.sql) on both.
 *
 * Nothing here takes a lock that could wait: a relation we must open to ask
 * the server is locked with a conditional AccessShareLock that is released
 * at once, and when that is refused the answer is the conservative one.
 * Catalog look-ups use missing-ok variants: a statement about an object that
 * does not exist is left to fail with the server's own message.
 */
#include "glue/model/builder.hpp"

/* ---------- building the model ---------- */


void
mg_model_init(MgModel *m, const char *command)
{
	const char *query = m->query;
	const char *text = m->text;
	bool		use_overrides = m->use_overrides;
	const MgScript *script = m->script;

	memset(m, 0, sizeof(*m));
	m->command = command;
	m->query = query;
	m->text = text;
	m->use_overrides = use_overrides;
	m->script = script;
	m->in_transaction_block = IsTransactionBlock();
}

/*
 * Records that the statement locks relid in mode lock with the given effect.
 * A relation met twice keeps the strongest lock and the costliest effect
 * (with its cause).
 */
MgLockedRelation *add_rel_ex(MgModel *m, Oid relid, LOCKMODE lock, int effect,
									 const char *cause, bool known_new);

MgLockedRelation *
add_rel(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause)
{
	return add_rel_ex(m, relid, lock, effect, cause, false);
}

/* known_new: the caller knows relid is not in the model yet (no need to look). */
MgLockedRelation *
add_rel_ex(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause, bool known_new)
{
	/*
	 * A partitioned table or index has no storage of its own: what is
	 * scanned, built, rewritten or truncated are its partitions, which are
	 * added on their own.
	 */
	if (effect >= EFFECT_SCAN && effect <= EFFECT_TRUNCATE)
	{
		char		relkind = get_rel_relkind(relid);

		if (relkind == RELKIND_PARTITIONED_TABLE || relkind == RELKIND_PARTITIONED_INDEX)
		{
			effect = EFFECT_METADATA;
			cause = NULL;
		}
	}
	for (int i = 0; i < (known_new ? 0 : m->nrels); i++)
	{
		if (m->relids[i] != relid)
			continue;
		if (lock > m->rels[i].lock)
			m->rels[i].lock = lock;
		if (effect > m->rels[i].effect)
		{
			m->rels[i].effect = effect;
			m->rels[i].cause = cause;
		}
		return &m->rels[i];
	}
	if (m->nrels == m->maxrels)
	{
		int			newmax = m->maxrels ? m->maxrels * 2 : 8;

		m->rels = (MgLockedRelation *) (m->rels
										? repalloc(m->rels, sizeof(MgLockedRelation) * newmax)
										: palloc(sizeof(MgLockedRelation) * newmax));
		m->relids = (Oid *) (m->relids ? repalloc(m->relids, sizeof(Oid) * newmax)
							 : palloc(sizeof(Oid) * newmax));
		m->maxrels = newmax;
	}
	{
		MgLockedRelation *r = &m->rels[m->nrels];

		memset(r, 0, sizeof(*r));
		if (!mg_table_facts_with(relid, &r->table, m->use_overrides))
			return NULL;
		r->lock = lock;
		r->effect = effect;
		r->cause = cause;
		m->relids[m->nrels] = relid;
		m->nrels++;
		return r;
	}
}

/* The facts already gathered for relid (it must have been added). */
const MgTable *
facts_of(MgModel *m, Oid relid)
{
	for (int i = 0; i < m->nrels; i++)
		if (m->relids[i] == relid)
			return &m->rels[i].table;
	return NULL;
}

MgOperation *
add_op(MgModel *m, MgOpKind kind, Oid relid)
{
	const MgTable *t = facts_of(m, relid);

	if (t == NULL)
		return NULL;
	return add_op_with_facts(m, kind, relid, t);
}

/*
 * An operation on facts the caller gathered: relid is InvalidOid for a
 * relation that does not exist yet (created earlier by a script under
 * review), whose facts are the script's.
 */
MgOperation *
add_op_with_facts(MgModel *m, MgOpKind kind, Oid relid, const MgTable *t)
{
	MgOperation *op;

	if (m->nops == m->maxops)
	{
		int			newmax = m->maxops ? m->maxops * 2 : 4;

		m->ops = (MgOperation *) (m->ops ? repalloc(m->ops, sizeof(MgOperation) * newmax)
								  : palloc(sizeof(MgOperation) * newmax));
		m->op_relids = (Oid *) (m->op_relids ? repalloc(m->op_relids, sizeof(Oid) * newmax)
								: palloc(sizeof(Oid) * newmax));
		m->maxops = newmax;
	}
	m->op_relids[m->nops] = relid;
	op = &m->ops[m->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->table = *t;
	/*
	 * What the operation does to the table: what the kind always does, or
	 * metadata, set by the caller where it costs more.
	 */
	switch (kind)
	{
		case MG_OP_TRUNCATE:
			op->effect = EFFECT_TRUNCATE;
			break;
		case MG_OP_DROP_TABLE:
		case MG_OP_DROP_INDEX:
			op->effect = EFFECT_DROP;
			break;
		case MG_OP_VACUUM_FULL:
		case MG_OP_CLUSTER:
			op->effect = EFFECT_REWRITE;
			break;
		default:
			op->effect = EFFECT_METADATA;
			break;
	}
	op->in_transaction_block = m->in_transaction_block;
	op->concurrently_at = -1;
	op->relation_end = -1;
	return op;
}

/* Every partition below relid (leaves and intermediate levels), with the same lock and effect. */
void
add_partitions(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause)
{
	List	   *all;
	ListCell   *lc;
	int			nbefore;

	if (get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		return;
	all = mg_partition_tree(relid, m->use_overrides);
	/*
	 * The tree lists each relation once: only those already in the model need
	 * looking for (a search per partition is quadratic on 1 000 partitions).
	 */
	nbefore = m->nrels;
	foreach(lc, all)
	{
		Oid			child = lfirst_oid(lc);
		bool		known_new = true;

		if (child == relid)
			continue;
		for (int i = 0; i < nbefore && known_new; i++)
			known_new = m->relids[i] != child;
		add_rel_ex(m, child, lock, effect, cause, known_new);
	}
}

/*
 * Every relation below relid, partitions or children of plain inheritance
 * (find_all_inheritors: what the server's recursion locks), with the same
 * lock and effect.
 */
void
add_inheritors(MgModel *m, Oid relid, LOCKMODE lock, int effect, const char *cause)
{
	List	   *all;
	ListCell   *lc;

	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
	{
		add_partitions(m, relid, lock, effect, cause);
		return;
	}
	if (!has_subclass(relid))
		return;
	all = find_all_inheritors(relid, NoLock, NULL);
	foreach(lc, all)
		if (lfirst_oid(lc) != relid)
			add_rel(m, lfirst_oid(lc), lock, effect, cause);
}

/*
 * Plain inheritance: a statement on a parent that recurses (no ONLY) acts on
 * every child's rows too: TRUNCATE empties them, SET NOT NULL and ADD
 * CONSTRAINT ... CHECK scan them.  A partitioned table's facts are the sum of
 * its leaves; the children of plain inheritance are judged each on its own:
 * each operation of kind MG_OP_TRUNCATE, MG_OP_SET_NOT_NULL or
 * MG_OP_ADD_CONSTRAINT (a CHECK, when with_checks) made on the parent since
 * first_op is repeated on every child, with the child's facts and the same
 * lock.
 */
void
repeat_on_inheritance_children(MgModel *m, Oid parent, int first_op, LOCKMODE lock,
							   bool with_checks)
{
	List	   *all;
	ListCell   *lc;
	int			nops = m->nops;

	if (get_rel_relkind(parent) != RELKIND_RELATION || !has_subclass(parent))
		return;
	all = find_all_inheritors(parent, NoLock, NULL);
	foreach(lc, all)
	{
		Oid			child = lfirst_oid(lc);

		if (child == parent)
			continue;
		for (int i = first_op; i < nops; i++)
		{
			MgOperation copy = m->ops[i];
			MgOperation *op;
			MgTable		facts;

			if (m->op_relids[i] != parent)
				continue;
			if (!(copy.kind == MG_OP_TRUNCATE || copy.kind == MG_OP_SET_NOT_NULL ||
				  (with_checks && copy.kind == MG_OP_ADD_CONSTRAINT && copy.contype == 'c')))
				continue;
			if (!add_rel(m, child, lock,
						 copy.kind == MG_OP_TRUNCATE ? EFFECT_TRUNCATE : EFFECT_SCAN,
						 "inherited from the parent"))
				break;
			op = add_op(m, copy.kind, child);
			if (op == NULL)
				break;
			facts = op->table;
			*op = copy;
			op->table = facts;
		}
	}
}


void
begin_as_owner(Oid owner, OwnerContext *c)
{
	GetUserIdAndSecContext(&c->save_userid, &c->save_sec_context);
	SetUserIdAndSecContext(owner, c->save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	c->save_nestlevel = NewGUCNestLevel();
#if PG_VERSION_NUM >= 170000
	RestrictSearchPath();
#endif
}

void
end_as_owner(OwnerContext *c)
{
	AtEOXact_GUC(false, c->save_nestlevel);
	SetUserIdAndSecContext(c->save_userid, c->save_sec_context);
}

/*
 * Takes AccessShareLock on relid if nobody is in the way, so that the
 * relation may be opened; never waits.  Pair with release_peek().
 */
Relation
peek_relation(Oid relid)
{
	Relation	rel;

	if (!ConditionalLockRelationOid(relid, AccessShareLock))
		return NULL;
	rel = try_relation_open(relid, NoLock);
	if (rel == NULL)
		UnlockRelationOid(relid, AccessShareLock);	/* dropped meanwhile */
	return rel;
}

void
release_peek(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);

	relation_close(rel, NoLock);
	UnlockRelationOid(relid, AccessShareLock);
}

/*
 * The strongest lock the statement requests that blocks reads or writes
 * (SHARE and up), as one operation: what lock_timeout_missing and
 * migration_guard.lock_timeout look at.  Ties go to the larger relation.
 */
void
add_lock_request(MgModel *m)
{
	int			best = -1;
	MgOperation *op;

	for (int i = 0; i < m->nrels; i++)
	{
		const MgLockedRelation *r = &m->rels[i];

		if (r->lock < ShareLock)
			continue;
		if (best < 0 || r->lock > m->rels[best].lock ||
			(r->lock == m->rels[best].lock && r->table.bytes > m->rels[best].table.bytes))
			best = i;
	}
	if (best < 0)
		return;
	op = add_op(m, MG_OP_LOCK_REQUEST, m->relids[best]);
	if (op)
		op->lock_mode = m->rels[best].lock;
}

/*
 * The model of one statement.  Returns false for statements that are not
 * modelled (no DDL on existing relations).
 */
bool
mg_analyze(Node *parsetree, const char *query, const char *text, MgModel *m)
{
	text = text ? mg_trim_leading(text) : "";
	m->query = query ? query : text;
	m->text = text;
	switch (nodeTag(parsetree))
	{
		case T_IndexStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_create_index(m, (IndexStmt *) parsetree, text);
			break;
		case T_AlterTableStmt:
			{
				AlterTableStmt *stmt = (AlterTableStmt *) parsetree;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				model_alter_table(m, stmt);
			}
			break;
		case T_DropStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_drop(m, (DropStmt *) parsetree);
			break;
		case T_TruncateStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_truncate(m, (TruncateStmt *) parsetree);
			break;
		case T_RenameStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_rename(m, (RenameStmt *) parsetree);
			break;
		case T_ReindexStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_reindex(m, (ReindexStmt *) parsetree);
			break;
		case T_RefreshMatViewStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_refresh(m, (RefreshMatViewStmt *) parsetree);
			break;
		case T_ViewStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_create_view(m, (ViewStmt *) parsetree);
			break;
		case T_CreateTableAsStmt:
			{
				CreateTableAsStmt *stmt = (CreateTableAsStmt *) parsetree;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				model_create_table_as(m, stmt->into, stmt->query);
			}
			break;
		case T_SelectStmt:
			/* SELECT INTO, as plan() and review() parse it (the hook sees CREATE TABLE AS) */
			if (((SelectStmt *) parsetree)->intoClause == NULL)
				return false;
			mg_model_init(m, "SELECT INTO");
			model_create_table_as(m, ((SelectStmt *) parsetree)->intoClause, parsetree);
			break;
		case T_ClusterStmt:
			{
				ClusterStmt *stmt = (ClusterStmt *) parsetree;
				Oid			relid;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (stmt->relation == NULL)
				{
					model_cluster_all(m);
					break;
				}
				relid = mg_script_relid(m->script, stmt->relation);
				if (OidIsValid(relid) &&
					add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "CLUSTER"))
					add_op(m, MG_OP_CLUSTER, relid);
			}
			break;
		case T_VacuumStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_vacuum(m, (VacuumStmt *) parsetree);
			break;
		case T_LockStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_lock(m, (LockStmt *) parsetree);
			break;
		case T_AlterDomainStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_alter_domain(m, (AlterDomainStmt *) parsetree);
			break;
		case T_CreateStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_create_table(m, (CreateStmt *) parsetree);
			break;
		case T_CreateTrigStmt:
			{
				CreateTrigStmt *stmt = (CreateTrigStmt *) parsetree;
				Oid			relid = mg_script_relid(m->script, stmt->relation);

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (OidIsValid(relid) &&
					add_rel(m, relid, ShareRowExclusiveLock, EFFECT_METADATA, NULL) &&
					stmt->row && get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
				{
					/*
					 * A row-level trigger of a partitioned table is cloned
					 * onto every partition (CreateTriggerFiringOn), each
					 * locked like the parent.
					 */
					add_partitions(m, relid, ShareRowExclusiveLock, EFFECT_METADATA, NULL);
				}
			}
			break;
		case T_CreateStatsStmt:
			{
				/* CreateStatistics: SHARE UPDATE EXCLUSIVE on the table. */
				CreateStatsStmt *stmt = (CreateStatsStmt *) parsetree;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (list_length(stmt->relations) == 1 && IsA(linitial(stmt->relations), RangeVar))
				{
					Oid			relid = mg_script_relid(m->script, (RangeVar *) linitial(stmt->relations));

					if (OidIsValid(relid))
						add_rel(m, relid, ShareUpdateExclusiveLock, EFFECT_METADATA, NULL);
				}
			}
			break;
		case T_CreatePolicyStmt:
		case T_AlterPolicyStmt:
		case T_RuleStmt:
			{
				/*
				 * CREATE/ALTER POLICY and CREATE RULE take ACCESS EXCLUSIVE on
				 * their table (RangeVarGetRelidExtended in CreatePolicy,
				 * AlterPolicy and DefineQueryRewrite): no scan, but the lock
				 * queues like any other.
				 */
				RangeVar   *rv = IsA(parsetree, CreatePolicyStmt) ? ((CreatePolicyStmt *) parsetree)->table
					: IsA(parsetree, AlterPolicyStmt) ? ((AlterPolicyStmt *) parsetree)->table
					: ((RuleStmt *) parsetree)->relation;
				Oid			relid = rv ? mg_script_relid(m->script, rv) : InvalidOid;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (OidIsValid(relid))
					add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
			}
			break;
		case T_CommentStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			model_comment(m, (CommentStmt *) parsetree);
			break;
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

				mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
				if (stmt->relation)
				{
					Oid			relid = mg_script_relid(m->script, stmt->relation);

					if (OidIsValid(relid))
						add_rel(m, relid, AccessExclusiveLock, EFFECT_METADATA, NULL);
				}
			}
			break;
		case T_AlterEnumStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
			break;
		case T_GrantStmt:
			mg_model_init(m, GetCommandTagName(CreateCommandTag(parsetree)));
#if PG_VERSION_NUM >= 180000

			/*
			 * PostgreSQL 18 locks each table or sequence a GRANT or REVOKE
			 * names in ACCESS SHARE mode (objectNamesToOids); ALL TABLES IN
			 * SCHEMA locks nothing.
			 */
			{
				GrantStmt  *g = (GrantStmt *) parsetree;
				ListCell   *lc;

				if (g->targtype == ACL_TARGET_OBJECT &&
					(g->objtype == OBJECT_TABLE || g->objtype == OBJECT_SEQUENCE))
					foreach(lc, g->objects)
					{
						Oid			relid = mg_script_relid(m->script, (RangeVar *) lfirst(lc));

						if (OidIsValid(relid))
							add_rel(m, relid, AccessShareLock, EFFECT_METADATA, NULL);
					}
			}
#endif
			break;
		default:
			return false;
	}
	add_lock_request(m);
	return true;
}

/* ---------- rewrites predicted by the hook ---------- */

/*
 * Only a rewrite that an operation carried to the rules counts as foreseen:
 * a relation the model marks rewritten without such an operation keeps the
 * server's own table_rewrite event, so that no rewrite runs unjudged.
 */
void
mg_note_predicted_rewrites(MgStatementState *st, const MgModel *m)
{
	st->npredicted = 0;
	for (int i = 0; i < m->nops && st->npredicted < MG_MAX_PREDICTED; i++)
	{
		bool		seen = false;

		if (m->ops[i].effect != EFFECT_REWRITE)
			continue;
		for (int j = 0; j < st->npredicted; j++)
			seen = seen || st->predicted[j] == m->op_relids[i];
		if (!seen)
			st->predicted[st->npredicted++] = m->op_relids[i];
	}
}

/*
 * The tables relid inherits from, at every level (plain inheritance: a
 * statement on any of them that recurses rewrites relid too).
 */
static List *
inheritance_ancestors(Oid relid)
{
	List	   *todo = list_make1_oid(relid);
	List	   *result = NIL;
	Relation	inh = table_open(InheritsRelationId, AccessShareLock);

	while (todo != NIL && list_length(result) < 100)
	{
		Oid			child = linitial_oid(todo);
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tup;

		todo = list_delete_first(todo);
		ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(child));
		scan = systable_beginscan(inh, InheritsRelidSeqnoIndexId, true, NULL, 1, &key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Oid			parent = ((Form_pg_inherits) GETSTRUCT(tup))->inhparent;

			if (!list_member_oid(result, parent))
			{
				result = lappend_oid(result, parent);
				todo = lappend_oid(todo, parent);
			}
		}
		systable_endscan(scan);
	}
	table_close(inh, AccessShareLock);
	return result;
}

/*
 * Whether the table_rewrite event for relid was foreseen by the hook for the
 * statement now running (a partition counts when its partitioned table was,
 * an inheritance child when a table it inherits from was).
 */
bool
mg_rewrite_was_predicted(Oid relid)
{
	const MgStatementState *st = mg_judged_statement();
	List	   *ancestors;
	ListCell   *lc;

	if (st == NULL)
		return false;
	for (int i = 0; i < st->npredicted; i++)
		if (st->predicted[i] == relid)
			return true;
	if (st->npredicted == 0)
		return false;
	if (get_rel_relispartition(relid))
		ancestors = get_partition_ancestors(relid);
	else if (has_superclass(relid))
		ancestors = inheritance_ancestors(relid);
	else
		return false;
	foreach(lc, ancestors)
		for (int i = 0; i < st->npredicted; i++)
			if (st->predicted[i] == lfirst_oid(lc))
				return true;
	return false;
}
