/*
 * The model of a DDL statement (see dispatch.cpp): Statements that act on many tables (REINDEX SCHEMA/DATABASE/SYSTEM, VACUUM FULL and CLUSTER without a table) and ALTER DOMAIN, which checks every table that uses the domain.
 */
#include "glue/model/builder.hpp"

/* ---------- statements that act on many tables ---------- */

/*
 * REINDEX SCHEMA/DATABASE/SYSTEM, VACUUM FULL and CLUSTER without a table
 * act on every table that qualifies, one transaction each: each is modelled
 * as the single-table form on every such table, so that each large one gets
 * its finding (and, in enforce, the whole command is rejected).  Which
 * tables qualify, and which the current role may act on, follows the
 * server's own loops (ReindexMultipleTables, get_all_vacuum_rels,
 * get_tables_to_cluster) of the running version.
 */
bool
owns_relation(Oid relid)
{
#if PG_VERSION_NUM >= 160000
	return object_ownercheck(RelationRelationId, relid, GetUserId());
#else
	return pg_class_ownercheck(relid, GetUserId());
#endif
}

bool
owns_database(void)
{
#if PG_VERSION_NUM >= 160000
	return object_ownercheck(DatabaseRelationId, MyDatabaseId, GetUserId());
#else
	return pg_database_ownercheck(MyDatabaseId, GetUserId());
#endif
}

bool
mg_relation_visible(Oid relid)
{
	AclMode		any = ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE |
		ACL_REFERENCES | ACL_TRIGGER;

#if PG_VERSION_NUM >= 170000
	any |= ACL_MAINTAIN;
#endif
	Oid			owner;

	/* The owner (or a member of its role, or a superuser) of a relation whose facts we have. */
	if (mg_cached_owner(relid, &owner) && has_privs_of_role(GetUserId(), owner))
		return true;
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return false;
	/* Ownership counts even when the owner revoked its own privileges. */
	return owns_relation(relid) || pg_class_aclcheck(relid, GetUserId(), any) == ACLCHECK_OK;
}

/* Whether the role may VACUUM or CLUSTER relid (owner, or MAINTAIN from 17 on). */
bool
may_maintain(Oid relid)
{
#if PG_VERSION_NUM >= 170000
	return pg_class_aclcheck(relid, GetUserId(), ACL_MAINTAIN) == ACLCHECK_OK;
#else
	return owns_relation(relid);
#endif
}


/*
 * The tables and materialized views kind processes, as a list of OIDs (in
 * pg_class order).  nspid: the schema of REINDEX SCHEMA.
 */
List *
tables_processed(ManyKind kind, Oid nspid, bool concurrently)
{
	Relation	rel = table_open(RelationRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;
	List	   *result = NIL;
	bool		db_owner = owns_database();

	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_class cls = (Form_pg_class) GETSTRUCT(tup);
		Oid			relid = cls->oid;

		if (cls->relkind != RELKIND_RELATION && cls->relkind != RELKIND_MATVIEW)
			continue;
		/* Other sessions' temporary tables are skipped by the server. */
		if (cls->relpersistence == RELPERSISTENCE_TEMP && !isTempNamespace(cls->relnamespace))
			continue;
		switch (kind)
		{
			case MANY_VACUUM_FULL:
				if (!((db_owner && !cls->relisshared) || may_maintain(relid)))
					continue;
				break;
			case MANY_REINDEX_SCHEMA:
			case MANY_REINDEX_SYSTEM:
			case MANY_REINDEX_DATABASE:
				if (kind == MANY_REINDEX_SCHEMA && cls->relnamespace != nspid)
					continue;
#if PG_VERSION_NUM >= 160000
				/* From 16 on, DATABASE leaves the catalogs to SYSTEM. */
				if (kind == MANY_REINDEX_SYSTEM && !IsCatalogRelationOid(relid))
					continue;
				if (kind == MANY_REINDEX_DATABASE && IsCatalogRelationOid(relid))
					continue;
#else
				if (kind == MANY_REINDEX_SYSTEM && !IsSystemClass(relid, cls))
					continue;
#endif
				if (concurrently && IsCatalogRelationOid(relid))
					continue;	/* skipped with a WARNING */
				if (cls->relisshared && !may_maintain(relid))
					continue;
				break;
		}
		result = lappend_oid(result, relid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}


/* REINDEX SCHEMA, SYSTEM or DATABASE: REINDEX TABLE of each table it processes. */
void
model_reindex_many(MgModel *m, ReindexStmt *stmt, bool concurrent)
{
	ManyKind	kind;
	Oid			nspid = InvalidOid;
	ListCell   *lc;
	List	   *tables;

	switch (stmt->kind)
	{
		case REINDEX_OBJECT_SCHEMA:
			kind = MANY_REINDEX_SCHEMA;
			nspid = get_namespace_oid(stmt->name, true);
			if (!OidIsValid(nspid))
				return;			/* the server says it does not exist */
#if PG_VERSION_NUM >= 160000
			if (!object_ownercheck(NamespaceRelationId, nspid, GetUserId())
#if PG_VERSION_NUM >= 170000
				&& !has_privs_of_role(GetUserId(), ROLE_PG_MAINTAIN)
#endif
				)
				return;			/* refused by the server */
#else
			if (!pg_namespace_ownercheck(nspid, GetUserId()))
				return;
#endif
			break;
		case REINDEX_OBJECT_SYSTEM:
			kind = MANY_REINDEX_SYSTEM;
			if (concurrent)
				return;			/* refused by the server */
			goto database_owner;
		case REINDEX_OBJECT_DATABASE:
			kind = MANY_REINDEX_DATABASE;
	database_owner:
			if (!owns_database()
#if PG_VERSION_NUM >= 170000
				&& !has_privs_of_role(GetUserId(), ROLE_PG_MAINTAIN)
#endif
				)
				return;
			break;
		default:
			return;
	}
	tables = tables_processed(kind, nspid, concurrent);
	m->acts_by_right = true;
	foreach(lc, tables)
		model_reindex_table(m, lfirst_oid(lc), concurrent);
	list_free(tables);
}

/* VACUUM FULL without a table: every table the role may vacuum. */
void
model_vacuum_full_all(MgModel *m)
{
	List	   *tables = tables_processed(MANY_VACUUM_FULL, InvalidOid, false);
	ListCell   *lc;

	m->acts_by_right = true;

	foreach(lc, tables)
	{
		Oid			relid = lfirst_oid(lc);

		if (add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "VACUUM FULL"))
			add_op(m, MG_OP_VACUUM_FULL, relid);
	}
	list_free(tables);
}

/* CLUSTER without a table: every table clustered before that the role may cluster. */
void
model_cluster_all(MgModel *m)
{
	Relation	rel = table_open(IndexRelationId, AccessShareLock);
	ScanKeyData key;
	TableScanDesc scan;
	HeapTuple	tup;
	List	   *tables = NIL;
	ListCell   *lc;

	ScanKeyInit(&key, Anum_pg_index_indisclustered, BTEqualStrategyNumber, F_BOOLEQ,
				BoolGetDatum(true));
	scan = table_beginscan_catalog(rel, 1, &key);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Oid			relid = ((Form_pg_index) GETSTRUCT(tup))->indrelid;

		if (may_maintain(relid))
			tables = list_append_unique_oid(tables, relid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	m->acts_by_right = true;
	foreach(lc, tables)
	{
		Oid			relid = lfirst_oid(lc);

		if (add_rel(m, relid, AccessExclusiveLock, EFFECT_REWRITE, "CLUSTER"))
			add_op(m, MG_OP_CLUSTER, relid);
	}
	list_free(tables);
}

/* ---------- ALTER DOMAIN ---------- */


/*
 * The relations with columns of domain domainoid or of a domain over it, as
 * the server finds them (get_rels_with_domain: pg_depend, recursively).
 */
List *
domain_uses(Oid domainoid, List *uses, int depth)
{
	Relation	dep;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;

	if (depth > 16)
		return uses;
	dep = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(TypeRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(domainoid));
	scan = systable_beginscan(dep, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend d = (Form_pg_depend) GETSTRUCT(tup);
		DomainUse  *use = NULL;
		ListCell   *lc;
		char	   *attname;

		if (d->classid == TypeRelationId && get_typtype(d->objid) == TYPTYPE_DOMAIN)
		{
			uses = domain_uses(d->objid, uses, depth + 1);
			continue;
		}
		if (d->classid != RelationRelationId || d->objsubid <= 0)
			continue;
		attname = get_attname(d->objid, (AttrNumber) d->objsubid, true);
		if (attname == NULL)
			continue;
		foreach(lc, uses)
			if (((DomainUse *) lfirst(lc))->relid == d->objid)
				use = (DomainUse *) lfirst(lc);
		if (use == NULL)
		{
			use = (DomainUse *) palloc0(sizeof(DomainUse));
			use->relid = d->objid;
			initStringInfo(&use->columns);
			uses = lappend(uses, use);
		}
		else
			appendStringInfoString(&use->columns, ", ");
		appendStringInfoString(&use->columns, quote_identifier(attname));
	}
	systable_endscan(scan);
	table_close(dep, AccessShareLock);
	return uses;
}

/*
 * The constraint of ALTER DOMAIN ... ADD as written: "CHECK (...)", from the
 * statement's text (the raw expression has no deparser), whole tokens only.
 */
char *
domain_constraint_text(const MgModel *m, Constraint *con)
{
	const char *text = m->query;
	int			loc = con->raw_expr ? exprLocation(con->raw_expr) : -1;
	char	   *inner;

	/* loc points into the string the statement was parsed from. */
	if (text == NULL || loc < 0)
		return NULL;
	inner = whole_tokens(text + loc, true, m);
	return inner ? psprintf("CHECK (%s)", inner) : NULL;
}

/*
 * ALTER DOMAIN ... ADD CONSTRAINT ... CHECK (without NOT VALID) and SET NOT
 * NULL check every row of every table that uses the domain, each under a
 * SHARE lock: modelled as the single-table forms on each such table.
 */
void
model_alter_domain(MgModel *m, AlterDomainStmt *stmt)
{
	TypeName   *tn = makeTypeNameFromNameList(stmt->typeName);
	Oid			domainoid = LookupTypeNameOid(NULL, tn, true);
	Constraint *con = NULL;
	bool		not_null;
	List	   *uses;
	ListCell   *lc;
	char	   *domain;
	char	   *typname;

	if (!OidIsValid(domainoid) || get_typtype(domainoid) != TYPTYPE_DOMAIN)
		return;
	if (stmt->subtype == 'O')
		not_null = true;
	else if (stmt->subtype == 'C' && stmt->def && IsA(stmt->def, Constraint))
	{
		con = (Constraint *) stmt->def;
		if (con->skip_validation)
			return;				/* NOT VALID: no scan */
		if (con->contype == CONSTR_CHECK)
			not_null = false;
		else if (con->contype == CONSTR_NOTNULL)
			not_null = true;
		else
			return;
	}
	else
		return;
	domain = format_type_be_qualified(domainoid);
	{
		HeapTuple	tt = SearchSysCache1(TYPEOID, ObjectIdGetDatum(domainoid));

		if (!HeapTupleIsValid(tt))
			return;
		typname = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(tt))->typname));
		ReleaseSysCache(tt);
	}
	uses = domain_uses(domainoid, NIL, 0);
	/* The server checks the domain's ownership, not the tables'. */
	m->acts_by_right = true;
	foreach(lc, uses)
	{
		DomainUse  *use = (DomainUse *) lfirst(lc);
		char		relkind = get_rel_relkind(use->relid);
		MgOperation *op;

		if (!add_rel(m, use->relid, ShareLock,
					 relkind == RELKIND_RELATION || relkind == RELKIND_MATVIEW
					 ? EFFECT_SCAN : EFFECT_METADATA,
					 "checked for the domain's new constraint"))
			continue;
		if (relkind != RELKIND_RELATION && relkind != RELKIND_MATVIEW)
			continue;
		op = add_op(m, not_null ? MG_OP_SET_NOT_NULL : MG_OP_ADD_CONSTRAINT, use->relid);
		if (op == NULL)
			continue;
		op->effect = EFFECT_SCAN;
		op->domain = domain;
		op->domain_columns = use->columns.data;
		if (not_null)
		{
			op->scan_needed = true;
			op->constraint_name = psprintf("%s_not_null", typname);
		}
		else
		{
			op->contype = 'c';
			op->constraint_name = con->conname;
			op->definition = domain_constraint_text(m, con);
		}
	}
}
