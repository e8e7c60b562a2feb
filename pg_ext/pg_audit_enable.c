/*
 * pg_audit_enable.c — which tables are audited.
 *
 *   bib.audit_enable(target regclass, redact text[] DEFAULT '{}') → void
 *   bib.audit_disable(target regclass) → void
 *
 * Audit is a set of triggers named bib_audit_* (pg_audit_trigger.c says
 * which and why); bib.audited_tables reads them back from pg_trigger, so
 * there is no second registry to drift from the catalog.  The redacted
 * columns travel as the triggers' arguments, as attribute numbers.
 *
 * The triggers are created with the caller's rights (CREATE TRIGGER needs
 * the TRIGGER privilege, DROP TRIGGER ownership of the table); EXECUTE on
 * both functions is revoked from PUBLIC.  Enabling and disabling are
 * themselves audited (action DDL), so that a gap in a table's history
 * shows who opened it.  Partitions existing at enable time get their own
 * TRUNCATE trigger; a partition attached later has its rows audited through
 * the parent's cloned row trigger, but a TRUNCATE of that partition alone
 * is not recorded until audit is disabled and enabled again.
 */
#include "pg_audit.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(bib_audit_enable);
PG_FUNCTION_INFO_V1(bib_audit_disable);

/* The triggers of an audited plain table, and of an audited partitioned table. */
static const char *const plain_triggers[] = {
    "CREATE TRIGGER bib_audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS bib_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION bib.audit_trigger(%s)",
    "CREATE TRIGGER bib_audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS bib_old "
    "NEW TABLE AS bib_new FOR EACH STATEMENT EXECUTE FUNCTION bib.audit_trigger(%s)",
    "CREATE TRIGGER bib_audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS bib_old "
    "FOR EACH STATEMENT EXECUTE FUNCTION bib.audit_trigger(%s)",
};
static const char row_trigger[] = "CREATE TRIGGER bib_audit_row AFTER INSERT OR UPDATE OR DELETE "
                                  "ON %s FOR EACH ROW EXECUTE FUNCTION bib.audit_trigger(%s)";
static const char truncate_trigger[] = "CREATE TRIGGER bib_audit_truncate AFTER TRUNCATE ON %s "
                                       "FOR EACH STATEMENT EXECUTE FUNCTION bib.audit_trigger()";
/* Whether rel is audited: by its own triggers (*own) or by ones cloned from a parent. */
typedef enum AuditState {
    NOT_AUDITED,
    AUDITED,
    AUDITED_BY_PARENT
} AuditState;

static AuditState audit_state(Oid relid)
{
    Relation rel = relation_open(relid, AccessShareLock);
    TriggerDesc *td = rel->trigdesc;
    AuditState state = NOT_AUDITED;

    for (int i = 0; td != NULL && i < td->numtriggers; i++) {
        const Trigger *t = &td->triggers[i];

        if (strcmp(t->tgname, "bib_audit_insert") == 0 || strcmp(t->tgname, "bib_audit_row") == 0)
            state = t->tgisclone ? AUDITED_BY_PARENT : AUDITED;
    }
    relation_close(rel, AccessShareLock);
    return state;
}

/* The names of relid's own (not cloned) bib_audit_* triggers. */
static List *own_triggers(Oid relid)
{
    Relation rel = relation_open(relid, AccessShareLock);
    TriggerDesc *td = rel->trigdesc;
    List *names = NIL;

    for (int i = 0; td != NULL && i < td->numtriggers; i++)
        if (!td->triggers[i].tgisclone && strncmp(td->triggers[i].tgname, "bib_audit_", 10) == 0)
            names = lappend(names, pstrdup(td->triggers[i].tgname));
    relation_close(rel, AccessShareLock);
    return names;
}

static char *table_label(Oid relid)
{
    return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                      get_rel_name(relid));
}

static void run_sql(const char *sql)
{
    if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
        elog(ERROR, "bib: could not run \"%s\"", sql);
}

/* The ordinary tables under a partitioned one, at any depth. */
static List *leaf_partitions(Oid relid)
{
    List *leaves = NIL;
    ListCell *lc;

    foreach (lc, find_all_inheritors(relid, AccessShareLock, NULL))
        if (get_rel_relkind(lfirst_oid(lc)) == RELKIND_RELATION)
            leaves = lappend_oid(leaves, lfirst_oid(lc));
    return leaves;
}

static Oid table_arg(FunctionCallInfo fcinfo, const char *function)
{
    Oid relid;
    char kind;

    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("bib: %s: table must not be NULL", function)));
    relid = PG_GETARG_OID(0);
    kind = get_rel_relkind(relid);
    if (kind == '\0')
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("bib: relation with OID %u does not exist", relid)));
    if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("bib: %s is not a table", table_label(relid)),
                        errhint("Audit works on ordinary and partitioned tables.")));
    if (get_rel_namespace(relid) == get_namespace_oid("bib", false))
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("bib: %s belongs to bib and cannot be audited", table_label(relid)),
                        errhint("bib.audit_verify() checks the audit tables.")));
    return relid;
}

/* The redact argument as sorted, distinct attribute numbers of relid. */
static List *redact_attnums(FunctionCallInfo fcinfo, Oid relid, Jsonb **names_json)
{
    Datum *elems;
    bool *nulls;
    int n;
    List *attnums = NIL;
    StringInfoData json;

    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("bib: audit_enable: redact must not be NULL"),
                        errhint("Pass '{}' to redact no column.")));
    deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls,
                      &n);
    for (int i = 0; i < n; i++) {
        char *name;
        AttrNumber attnum;

        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("bib: audit_enable: redact must not contain NULL")));
        name = TextDatumGetCString(elems[i]);
        attnum = get_attnum(relid, name);
        if (attnum <= 0)
            ereport(ERROR,
                    (errcode(ERRCODE_UNDEFINED_COLUMN),
                     errmsg("bib: column \"%s\" of %s does not exist", name, table_label(relid)),
                     errhint("Name columns exactly as they are spelled, without quotes.")));
        if (!list_member_int(attnums, attnum))
            attnums = lappend_int(attnums, attnum);
    }
    list_sort(attnums, list_int_cmp);

    initStringInfo(&json);
    appendStringInfoChar(&json, '[');
    for (int i = 0; i < list_length(attnums); i++) {
        appendStringInfoString(&json, i > 0 ? ", " : "");
        escape_json(&json, get_attname(relid, (AttrNumber)list_nth_int(attnums, i), false));
    }
    appendStringInfoChar(&json, ']');
    *names_json = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data)));
    return attnums;
}

/* The DDL entry that records enabling or disabling audit. */
static void record_change(Oid relid, const char *command, Jsonb *redact)
{
    BibAuditEntry e = {0};
    StringInfoData json;

    initStringInfo(&json);
    appendStringInfo(&json, "{\"command\": \"%s\"", command);
    if (redact != NULL)
        appendStringInfo(&json, ", \"redact\": %s",
                         JsonbToCString(NULL, &redact->root, VARSIZE(redact)));
    appendStringInfoChar(&json, '}');
    e.action = "DDL";
    e.schema_name = get_namespace_name(get_rel_namespace(relid));
    e.table_name = get_rel_name(relid);
    e.metadata = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data)));
    bib_audit_write(&e);
}

Datum bib_audit_enable(PG_FUNCTION_ARGS)
{
    Oid relid = table_arg(fcinfo, "audit_enable");
    char *label = table_label(relid);
    Jsonb *names;
    List *attnums = redact_attnums(fcinfo, relid, &names);
    StringInfoData args;
    ListCell *lc;

    bib_audit_check_writable("bib.audit_enable()");
    switch (audit_state(relid)) {
    case AUDITED:
        ereport(ERROR,
                (errcode(ERRCODE_DUPLICATE_OBJECT), errmsg("bib: %s is already audited", label),
                 errhint("bib.audited_tables shows its redacted columns; to change them, "
                         "call bib.audit_disable first.")));
        break;
    case AUDITED_BY_PARENT:
        ereport(ERROR, (errcode(ERRCODE_DUPLICATE_OBJECT),
                        errmsg("bib: %s is already audited through its partitioned table", label)));
        break;
    case NOT_AUDITED:
        break;
    }

    initStringInfo(&args);
    foreach (lc, attnums)
        appendStringInfo(&args, "%s'%d'", foreach_current_index(lc) > 0 ? ", " : "",
                         lfirst_int(lc));
    SPI_connect();
    if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE) {
        List *leaves = leaf_partitions(relid);

        foreach (lc, leaves)
            if (audit_state(lfirst_oid(lc)) == AUDITED)
                ereport(ERROR, (errcode(ERRCODE_DUPLICATE_OBJECT),
                                errmsg("bib: partition %s is audited on its own",
                                       table_label(lfirst_oid(lc))),
                                errhint("Call bib.audit_disable on it first.")));
        run_sql(psprintf(row_trigger, label, args.data));
        foreach (lc, leaves)
            run_sql(psprintf(truncate_trigger, table_label(lfirst_oid(lc))));
    } else {
        for (int i = 0; i < (int)lengthof(plain_triggers); i++)
            run_sql(psprintf(plain_triggers[i], label, args.data));
        run_sql(psprintf(truncate_trigger, label));
    }
    SPI_finish();
    record_change(relid, "audit_enable", names);
    PG_RETURN_VOID();
}

Datum bib_audit_disable(PG_FUNCTION_ARGS)
{
    Oid relid = table_arg(fcinfo, "audit_disable");
    char *label = table_label(relid);
    List *tables = list_make1_oid(relid);
    ListCell *lc;

    bib_audit_check_writable("bib.audit_disable()");
    switch (audit_state(relid)) {
    case NOT_AUDITED:
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("bib: %s is not audited", label),
                        errhint("bib.audited_tables lists the audited tables.")));
        break;
    case AUDITED_BY_PARENT:
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("bib: %s is audited through its partitioned table", label),
                        errhint("Disable audit on the partitioned table.")));
        break;
    case AUDITED:
        break;
    }

    if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
        tables = list_concat(tables, leaf_partitions(relid));
    SPI_connect();
    foreach (lc, tables) {
        ListCell *name;

        foreach (name, own_triggers(lfirst_oid(lc)))
            run_sql(psprintf("DROP TRIGGER %s ON %s", (char *)lfirst(name),
                             table_label(lfirst_oid(lc))));
    }
    SPI_finish();
    record_change(relid, "audit_disable", NULL);
    PG_RETURN_VOID();
}
