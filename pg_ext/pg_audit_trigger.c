/*
 * pg_audit_trigger.c — the row-change audit trigger: one entry per changed
 * row, and one per TRUNCATE.
 *
 *   bib.audit_trigger()  trigger function; bib.audit_enable attaches it.
 *
 * Plain tables get AFTER ... FOR EACH STATEMENT triggers with transition
 * tables: a bulk statement is read from its tuplestore and written in
 * batches, which is several times cheaper than a trigger call per row.
 * Partitioned tables get an AFTER ... FOR EACH ROW trigger on the parent,
 * which PostgreSQL clones to every partition, so that each entry names the
 * leaf partition that holds the row (a transition table of the parent would
 * not say).  Both paths produce identical entries through audit_row().
 *
 * Entries: INSERT has new_data (the whole row), DELETE old_data, UPDATE the
 * columns whose value changed in both (empty objects when none did).
 * row_key holds the primary key columns, else those of the replica identity
 * index, else the whole row.  pg_audit_image.c turns the columns into jsonb.
 * Redacted columns — the trigger's arguments, attribute numbers of the table
 * on which audit was enabled, so that renaming a column keeps it redacted —
 * are written as "[redacted]" wherever they appear.
 */
#include "pg_audit.h"

#include "access/table.h"
#include "catalog/partition.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(bib_audit_trigger);

/* What the trigger needs to know about a table, built once per trigger and relcache version. */
typedef struct AuditTableInfo {
    Oid tgoid; /* hash key */
    Oid relid;
    bool valid;
    MemoryContext cxt;
    char *schema_name;
    char *table_name;
    int natts;
    BibImageColumn *cols; /* by attribute number - 1 */
    int nimage;           /* columns in images: those not dropped */
    int *order;           /* their indexes, in jsonb's key order */
    bool *all;            /* per column: in images */
    bool *key;            /* per column: in row_key (all of them when the table has no key) */
} AuditTableInfo;

static HTAB *table_infos;

/* ALTER TABLE, ALTER TRIGGER, RENAME ...: rebuild what we know of the table. */
static void forget_table(Datum arg, Oid relid)
{
    HASH_SEQ_STATUS seq;
    AuditTableInfo *info;

    (void)arg;
    if (table_infos == NULL)
        return;
    hash_seq_init(&seq, table_infos);
    while ((info = hash_seq_search(&seq)) != NULL)
        if (relid == InvalidOid || info->relid == relid)
            info->valid = false;
}

/*
 * The table on which audit was enabled: rel itself, or for a trigger cloned
 * to a partition, the ancestor holding the trigger it was cloned from.
 */
static Relation origin_table(Relation rel, Trigger *trigger)
{
    List *ancestors;
    ListCell *lc;

    if (!trigger->tgisclone)
        return rel;
    ancestors = get_partition_ancestors(RelationGetRelid(rel));
    foreach (lc, ancestors) {
        Relation anc = table_open(lfirst_oid(lc), AccessShareLock);
        TriggerDesc *td = anc->trigdesc;

        for (int i = 0; td != NULL && i < td->numtriggers; i++)
            if (!td->triggers[i].tgisclone && strcmp(td->triggers[i].tgname, trigger->tgname) == 0)
                return anc;
        table_close(anc, AccessShareLock);
    }
    ereport(ERROR, (errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
                    errmsg("bib: audit trigger \"%s\" of table \"%s\" has no origin",
                           trigger->tgname, RelationGetRelationName(rel)),
                    errhint("Run bib.audit_disable and bib.audit_enable on the partitioned "
                            "table.")));
    return NULL;
}

/* Mark the columns named by the trigger's arguments (attribute numbers of the origin). */
static void mark_redacted(AuditTableInfo *info, Relation rel, Trigger *trigger)
{
    Relation origin;

    if (trigger->tgnargs == 0)
        return;
    origin = origin_table(rel, trigger);
    for (int i = 0; i < trigger->tgnargs; i++) {
        AttrNumber attnum = (AttrNumber)pg_strtoint32(trigger->tgargs[i]);
        char *name = get_attname(RelationGetRelid(origin), attnum, true);

        if (origin != rel && name != NULL)
            attnum = get_attnum(RelationGetRelid(rel), name);
        if (name != NULL && attnum > 0 && attnum <= info->natts)
            info->cols[attnum - 1].redacted = true;
    }
    if (origin != rel)
        table_close(origin, AccessShareLock);
}

static void build_table_info(AuditTableInfo *info, Relation rel, Trigger *trigger)
{
    TupleDesc desc = RelationGetDescr(rel);
    MemoryContext old;
    Bitmapset *key_attrs;

    if (info->cxt != NULL)
        MemoryContextDelete(info->cxt);
    info->cxt = AllocSetContextCreate(CacheMemoryContext, "bib audit table", ALLOCSET_SMALL_SIZES);
    old = MemoryContextSwitchTo(info->cxt);
    info->relid = RelationGetRelid(rel);
    info->schema_name = get_namespace_name(RelationGetNamespace(rel));
    info->table_name = pstrdup(RelationGetRelationName(rel));
    info->natts = desc->natts;
    info->cols = palloc0(sizeof(BibImageColumn) * desc->natts);
    info->order = palloc(sizeof(int) * desc->natts);
    info->all = palloc0(sizeof(bool) * desc->natts);
    info->key = palloc0(sizeof(bool) * desc->natts);

    key_attrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
    if (key_attrs == NULL)
        key_attrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_IDENTITY_KEY);
    for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);

        if (att->attisdropped)
            continue;
        bib_image_column_init(&info->cols[i], att, info->cxt);
        info->all[i] = true;
        info->key[i] = key_attrs == NULL ||
                       bms_is_member(att->attnum - FirstLowInvalidHeapAttributeNumber, key_attrs);
    }
    info->nimage = bib_image_key_order(info->cols, info->all, info->natts, info->order);
    mark_redacted(info, rel, trigger);
    MemoryContextSwitchTo(old);
    info->valid = true;
}

static AuditTableInfo *table_info(Relation rel, Trigger *trigger)
{
    AuditTableInfo *info;
    bool found;

    if (table_infos == NULL) {
        HASHCTL ctl = {.keysize = sizeof(Oid), .entrysize = sizeof(AuditTableInfo)};

        table_infos = hash_create("bib audit tables", 64, &ctl, HASH_ELEM | HASH_BLOBS);
        CacheRegisterRelcacheCallback(forget_table, (Datum)0);
    }
    info = hash_search(table_infos, &trigger->tgoid, HASH_ENTER, &found);
    if (!found) {
        info->cxt = NULL;
        info->valid = false;
    }
    if (!info->valid)
        build_table_info(info, rel, trigger);
    return info;
}

static bool column_changed(TupleTableSlot *a, TupleTableSlot *b, int i)
{
    Form_pg_attribute att = TupleDescAttr(a->tts_tupleDescriptor, i);

    if (a->tts_isnull[i] || b->tts_isnull[i])
        return a->tts_isnull[i] != b->tts_isnull[i];
    return !datum_image_eq(a->tts_values[i], b->tts_values[i], att->attbyval, att->attlen);
}

static void row_image(BibAuditImage *img, AuditTableInfo *info, TupleTableSlot *slot,
                      const bool *include)
{
    bib_image_build(img, info->cols, info->order, info->nimage, include, slot->tts_values,
                    slot->tts_isnull);
}

/* Queue the entry of one changed row; oldslot and newslot are NULL where the action has none. */
static void audit_row(BibAuditWriter *w, AuditTableInfo *info, const char *action,
                      TupleTableSlot *oldslot, TupleTableSlot *newslot)
{
    BibAuditEntry e = {0};
    MemoryContext old = MemoryContextSwitchTo(bib_audit_writer_memory(w));
    TupleTableSlot *keyslot = oldslot != NULL ? oldslot : newslot;

    e.action = action;
    e.schema_name = info->schema_name;
    e.table_name = info->table_name;
    if (oldslot != NULL)
        slot_getallattrs(oldslot);
    if (newslot != NULL)
        slot_getallattrs(newslot);
    row_image(&e.row_key, info, keyslot, info->key);
    if (oldslot != NULL && newslot != NULL) {
        bool *changed = palloc(sizeof(bool) * info->natts);

        for (int i = 0; i < info->natts; i++)
            changed[i] = info->all[i] && column_changed(oldslot, newslot, i);
        row_image(&e.old_data, info, oldslot, changed);
        row_image(&e.new_data, info, newslot, changed);
    } else if (oldslot != NULL) {
        row_image(&e.old_data, info, oldslot, info->all);
    } else {
        row_image(&e.new_data, info, newslot, info->all);
    }
    bib_audit_writer_add(w, &e);
    MemoryContextSwitchTo(old);
}

/* Every row of a statement, from its transition tables (UPDATE pairs them by position). */
static void audit_statement(BibAuditWriter *w, AuditTableInfo *info, TriggerData *td,
                            const char *action)
{
    TupleDesc desc = RelationGetDescr(td->tg_relation);
    Tuplestorestate *olds = td->tg_oldtable;
    Tuplestorestate *news = td->tg_newtable;
    TupleTableSlot *oldslot = olds ? MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple) : NULL;
    TupleTableSlot *newslot = news ? MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple) : NULL;

    if (olds != NULL)
        tuplestore_rescan(olds);
    if (news != NULL)
        tuplestore_rescan(news);
    for (;;) {
        bool more_old = olds != NULL && tuplestore_gettupleslot(olds, true, false, oldslot);
        bool more_new = news != NULL && tuplestore_gettupleslot(news, true, false, newslot);

        if (!more_old && !more_new)
            break;
        audit_row(w, info, action, more_old ? oldslot : NULL, more_new ? newslot : NULL);
    }
    if (oldslot != NULL)
        ExecDropSingleTupleTableSlot(oldslot);
    if (newslot != NULL)
        ExecDropSingleTupleTableSlot(newslot);
}

static const char *event_action(TriggerEvent ev)
{
    if (TRIGGER_FIRED_BY_INSERT(ev))
        return "INSERT";
    if (TRIGGER_FIRED_BY_UPDATE(ev))
        return "UPDATE";
    if (TRIGGER_FIRED_BY_DELETE(ev))
        return "DELETE";
    return "TRUNCATE";
}

Datum bib_audit_trigger(PG_FUNCTION_ARGS)
{
    TriggerData *td = (TriggerData *)fcinfo->context;
    AuditTableInfo *info;
    BibAuditWriter *w;
    const char *action;

    if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("bib: bib.audit_trigger() must be an AFTER trigger"),
                        errhint("Use bib.audit_enable() to audit a table.")));
    action = event_action(td->tg_event);
    info = table_info(td->tg_relation, td->tg_trigger);
    w = bib_audit_writer_open();
    if (TRIGGER_FIRED_FOR_ROW(td->tg_event)) {
        bool update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
        bool insert = TRIGGER_FIRED_BY_INSERT(td->tg_event);

        audit_row(w, info, action, insert ? NULL : td->tg_trigslot,
                  update   ? td->tg_newslot
                  : insert ? td->tg_trigslot
                           : NULL);
    } else if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event)) {
        BibAuditEntry e = {0};

        e.action = action;
        e.schema_name = info->schema_name;
        e.table_name = info->table_name;
        bib_audit_writer_add(w, &e);
    } else {
        audit_statement(w, info, td, action);
    }
    bib_audit_writer_close(w);
    /* An AFTER trigger's result is ignored, but must not be SQL NULL. */
    return PointerGetDatum(NULL);
}
