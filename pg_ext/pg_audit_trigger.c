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
 * index, else the whole row.  Values are what to_jsonb() gives, except that
 * timestamptz is written in UTC and floats as their shortest exact decimal,
 * so that an entry does not depend on the session's settings.  Redacted
 * columns — the trigger's arguments, attribute numbers of the table on which
 * audit was enabled, so that renaming a column keeps it redacted — are
 * written as "[redacted]" wherever they appear.
 */
#include "pg_audit.h"

#include <math.h>

#include "access/table.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/shortest_dec.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(bib_audit_trigger);

#define REDACTED "[redacted]"

/* How a column's value becomes a JSON value. */
typedef enum ValueKind {
    VK_BOOL,
    VK_INT2,
    VK_INT4,
    VK_INT8,
    VK_FLOAT4,
    VK_FLOAT8,
    VK_NUMERIC,
    VK_TEXT,     /* text, varchar: the bytes as they are */
    VK_STRING,   /* the type's output function */
    VK_DATETIME, /* date, timestamp, timestamptz (in UTC) */
    VK_JSONB,
    VK_OTHER /* arrays, composites, json, ...: to_jsonb() */
} ValueKind;

typedef struct AuditColumn {
    bool skip; /* dropped */
    bool redacted;
    bool key;
    char *name;
    int name_len;
    ValueKind kind;
    Oid typid; /* base type, for VK_DATETIME */
    int16 typlen;
    bool typbyval;
    FmgrInfo fn; /* output function (VK_STRING) or to_jsonb (VK_OTHER) */
} AuditColumn;

/* What the trigger needs to know about a table, built once per trigger and relcache version. */
typedef struct AuditTableInfo {
    Oid tgoid; /* hash key */
    Oid relid;
    bool valid;
    MemoryContext cxt;
    char *schema_name;
    char *table_name;
    int natts;
    AuditColumn *cols;
    bool has_key; /* else the whole row is the key */
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

static ValueKind value_kind(Oid base)
{
    switch (base) {
    case BOOLOID:
        return VK_BOOL;
    case INT2OID:
        return VK_INT2;
    case INT4OID:
        return VK_INT4;
    case INT8OID:
        return VK_INT8;
    case FLOAT4OID:
        return VK_FLOAT4;
    case FLOAT8OID:
        return VK_FLOAT8;
    case NUMERICOID:
        return VK_NUMERIC;
    case TEXTOID:
    case VARCHAROID:
        return VK_TEXT;
    case BPCHAROID:
    case NAMEOID:
    case UUIDOID:
    case CHAROID:
    case BYTEAOID:
    case INETOID:
    case CIDROID:
    case INTERVALOID:
    case TIMEOID:
    case TIMETZOID:
        return VK_STRING;
    case DATEOID:
    case TIMESTAMPOID:
    case TIMESTAMPTZOID:
        return VK_DATETIME;
    case JSONBOID:
        return VK_JSONB;
    default:
        return type_is_enum(base) ? VK_STRING : VK_OTHER;
    }
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
    info->cols = palloc0(sizeof(AuditColumn) * desc->natts);

    key_attrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
    if (key_attrs == NULL)
        key_attrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_IDENTITY_KEY);
    info->has_key = (key_attrs != NULL);

    for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        AuditColumn *col = &info->cols[i];
        Oid out;
        bool varlena;

        col->skip = att->attisdropped;
        if (col->skip)
            continue;
        col->name = pstrdup(NameStr(att->attname));
        col->name_len = (int)strlen(col->name);
        col->key = bms_is_member(att->attnum - FirstLowInvalidHeapAttributeNumber, key_attrs);
        col->typid = getBaseType(att->atttypid);
        col->typlen = att->attlen;
        col->typbyval = att->attbyval;
        col->kind = value_kind(col->typid);
        if (col->kind == VK_STRING) {
            getTypeOutputInfo(att->atttypid, &out, &varlena);
            fmgr_info_cxt(out, &col->fn, info->cxt);
        } else if (col->kind == VK_OTHER) {
            /* to_jsonb() learns its argument's type from the call expression. */
            fmgr_info_cxt(F_TO_JSONB, &col->fn, info->cxt);
            col->fn.fn_expr = (Node *)makeFuncExpr(
                F_TO_JSONB, JSONBOID,
                list_make1(makeNullConst(att->atttypid, att->atttypmod, att->attcollation)),
                InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
        }
    }
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

static void string_value(JsonbValue *jv, char *s, int len)
{
    jv->type = jbvString;
    jv->val.string.val = s;
    jv->val.string.len = len;
}

static void numeric_value(JsonbValue *jv, Numeric n)
{
    jv->type = jbvNumeric;
    jv->val.numeric = n;
}

/* A float as to_jsonb() gives it, but with the shortest exact digits whatever the session says. */
static void float_value(JsonbValue *jv, char *digits, bool finite)
{
    if (!finite)
        string_value(jv, digits, (int)strlen(digits));
    else
        numeric_value(jv, DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(digits),
                                                              ObjectIdGetDatum(InvalidOid),
                                                              Int32GetDatum(-1))));
}

/* A jsonb value: its scalar, or its container to be unpacked by pushJsonbValue. */
static void jsonb_value(JsonbValue *jv, Jsonb *jb)
{
    if (JB_ROOT_IS_SCALAR(jb)) {
        JsonbExtractScalar(&jb->root, jv);
        return;
    }
    jv->type = jbvBinary;
    jv->val.binary.data = &jb->root;
    jv->val.binary.len = (int)VARSIZE(jb) - VARHDRSZ;
}

static void column_value(JsonbValue *jv, AuditColumn *col, Datum v, bool isnull)
{
    char *buf;

    if (isnull) {
        jv->type = jbvNull;
        return;
    }
    if (col->redacted) {
        string_value(jv, REDACTED, (int)strlen(REDACTED));
        return;
    }
    switch (col->kind) {
    case VK_BOOL:
        jv->type = jbvBool;
        jv->val.boolean = DatumGetBool(v);
        break;
    case VK_INT2:
        numeric_value(jv, int64_to_numeric(DatumGetInt16(v)));
        break;
    case VK_INT4:
        numeric_value(jv, int64_to_numeric(DatumGetInt32(v)));
        break;
    case VK_INT8:
        numeric_value(jv, int64_to_numeric(DatumGetInt64(v)));
        break;
    case VK_FLOAT4:
        buf = palloc(FLOAT_SHORTEST_DECIMAL_LEN);
        float_to_shortest_decimal_buf(DatumGetFloat4(v), buf);
        float_value(jv, buf, !isnan(DatumGetFloat4(v)) && !isinf(DatumGetFloat4(v)));
        break;
    case VK_FLOAT8:
        buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);
        double_to_shortest_decimal_buf(DatumGetFloat8(v), buf);
        float_value(jv, buf, !isnan(DatumGetFloat8(v)) && !isinf(DatumGetFloat8(v)));
        break;
    case VK_NUMERIC: {
        Numeric n = DatumGetNumeric(v);

        if (numeric_is_nan(n) || numeric_is_inf(n)) {
            buf = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
            string_value(jv, buf, (int)strlen(buf));
        } else {
            numeric_value(jv, n);
        }
        break;
    }
    case VK_TEXT: {
        text *t = DatumGetTextPP(v);

        string_value(jv, VARDATA_ANY(t), (int)VARSIZE_ANY_EXHDR(t));
        break;
    }
    case VK_STRING:
        buf = OutputFunctionCall(&col->fn, v);
        string_value(jv, buf, (int)strlen(buf));
        break;
    case VK_DATETIME: {
        static const int utc = 0;

        buf = JsonEncodeDateTime(NULL, v, col->typid, col->typid == TIMESTAMPTZOID ? &utc : NULL);
        string_value(jv, buf, (int)strlen(buf));
        break;
    }
    case VK_JSONB:
        jsonb_value(jv, DatumGetJsonbP(v));
        break;
    case VK_OTHER:
        jsonb_value(jv, DatumGetJsonbP(FunctionCall1(&col->fn, v)));
        break;
    }
}

/* Columns that go into an object: all, the key, or the changed ones. */
typedef enum Pick {
    PICK_ALL,
    PICK_KEY,
    PICK_CHANGED
} Pick;

static bool column_changed(AuditColumn *col, TupleTableSlot *a, TupleTableSlot *b, int i)
{
    if (a->tts_isnull[i] || b->tts_isnull[i])
        return a->tts_isnull[i] != b->tts_isnull[i];
    return !datum_image_eq(a->tts_values[i], b->tts_values[i], col->typbyval, col->typlen);
}

/* A jsonb object of slot's columns; other is the row to compare with for PICK_CHANGED. */
static Jsonb *row_object(AuditTableInfo *info, TupleTableSlot *slot, Pick pick,
                         TupleTableSlot *other)
{
    JsonbParseState *state = NULL;

    pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
    for (int i = 0; i < info->natts; i++) {
        AuditColumn *col = &info->cols[i];
        JsonbValue key;
        JsonbValue val;

        if (col->skip || (pick == PICK_KEY && !col->key) ||
            (pick == PICK_CHANGED && !column_changed(col, slot, other, i)))
            continue;
        string_value(&key, col->name, col->name_len);
        column_value(&val, col, slot->tts_values[i], slot->tts_isnull[i]);
        pushJsonbValue(&state, WJB_KEY, &key);
        pushJsonbValue(&state, WJB_VALUE, &val);
    }
    return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
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
    e.row_key = row_object(info, keyslot, info->has_key ? PICK_KEY : PICK_ALL, NULL);
    if (oldslot != NULL && newslot != NULL) {
        e.old_data = row_object(info, oldslot, PICK_CHANGED, newslot);
        e.new_data = row_object(info, newslot, PICK_CHANGED, oldslot);
    } else if (oldslot != NULL) {
        e.old_data = row_object(info, oldslot, PICK_ALL, NULL);
    } else {
        e.new_data = row_object(info, newslot, PICK_ALL, NULL);
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
