/*
 * pg_audit_log.c — the only way into bib.audit_log and bib.audit_seals.
 *
 *   bib.audit_append(action text, metadata jsonb DEFAULT '{}',
 *                    table_name text DEFAULT NULL) → bigint
 *       An application entry: action APP, the given action stored in
 *       metadata under "action" (which wins over a key of the same name).
 *       NULL action is an error; NULL metadata is '{}'.  Returns the id.
 *   bib_audit_refuse()  the guard trigger of both tables.
 *
 * Both tables carry BEFORE triggers that refuse INSERT (per row), UPDATE,
 * DELETE and TRUNCATE (per statement) to every role, superusers included.
 * bib writes its rows with table-AM and index calls instead, which neither
 * fire triggers nor go through the executor: that is what keeps the tables
 * append-only and the triggers cheap.  Rows are inserted in batches
 * (table_multi_insert), so that a bulk statement costs a fraction of a
 * row-at-a-time insert.
 *
 * Ids come from the identity sequence of audit_log, which must have CACHE 1:
 * bib.audit_seal() reads the highest id handed out, and a backend-local
 * cache would hand out ids below it after the seal.
 */
#include "pg_audit.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/xid8.h"

PG_FUNCTION_INFO_V1(bib_audit_append);
PG_FUNCTION_INFO_V1(bib_audit_refuse);

/* Rows per table_multi_insert call: large enough to amortise, small enough to bound memory. */
#define WRITER_BATCH 1000

/* OIDs of the audit tables and of audit_log's id sequence; InvalidOid until looked up. */
static Oid log_relid = InvalidOid;
static Oid seals_relid = InvalidOid;
static Oid log_seqid = InvalidOid;

/* A relation opened for bib's own inserts: the table, its indexes, an executor state for them. */
typedef struct AuditInsert {
    Relation rel;
    EState *estate;
    ResultRelInfo *rri;
} AuditInsert;

struct BibAuditWriter {
    AuditInsert ins;
    CommandId cid;
    MemoryContext cxt;       /* the writer and its slots */
    BulkInsertState bistate; /* once a statement writes more than one batch */
    MemoryContext batch_cxt; /* the queued rows' values */
    TupleTableSlot **slots;  /* made as needed: most statements write one row */
    int nslots;
    int nqueued;
    /* what every entry of this writer shares */
    Datum txid;
    Datum session_user;
    Datum role_used;
    const BibAuditContext *context;
};

/* Dropping and recreating the extension gives the tables new OIDs. */
static void forget_relids(Datum arg, Oid relid)
{
    (void)arg;
    if (relid == InvalidOid || relid == log_relid || relid == seals_relid || relid == log_seqid)
        log_relid = seals_relid = log_seqid = InvalidOid;
}

void bib_audit_relids_init(void)
{
    CacheRegisterRelcacheCallback(forget_relids, (Datum)0);
}

static void lookup_relids(void)
{
    Oid nsp = get_namespace_oid("bib", false);

    log_relid = get_relname_relid("audit_log", nsp);
    seals_relid = get_relname_relid("audit_seals", nsp);
    if (!OidIsValid(log_relid) || !OidIsValid(seals_relid))
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("bib: the audit tables are missing"),
                 errhint("Install bib with CREATE EXTENSION bib.")));
    log_seqid = getIdentitySequence(log_relid, AL_ID + 1, false);
}

Oid bib_audit_log_relid(void)
{
    if (!OidIsValid(log_relid))
        lookup_relids();
    return log_relid;
}

Oid bib_audit_seals_relid(void)
{
    if (!OidIsValid(seals_relid))
        lookup_relids();
    return seals_relid;
}

Oid bib_audit_log_seqid(void)
{
    if (!OidIsValid(log_seqid))
        lookup_relids();
    return log_seqid;
}

void bib_audit_check_writable(const char *function)
{
    PreventCommandIfReadOnly(function);
    PreventCommandIfParallelMode(function);
    PreventCommandDuringRecovery(function);
}

static void insert_open(AuditInsert *ins, Oid relid, LOCKMODE lockmode)
{
    ins->rel = table_open(relid, lockmode);
    ins->estate = CreateExecutorState();
    ins->rri = makeNode(ResultRelInfo);
    InitResultRelInfo(ins->rri, ins->rel, 1, NULL, 0);
    ExecOpenIndices(ins->rri, false);
}

/* Insert the stored slots into the table and every index, as COPY FROM does. */
static void insert_slots(AuditInsert *ins, TupleTableSlot **slots, int n, CommandId cid,
                         BulkInsertState bistate)
{
    table_multi_insert(ins->rel, slots, n, cid, 0, bistate);
    for (int i = 0; i < n; i++) {
        ResetPerTupleExprContext(ins->estate);
        if (ins->rri->ri_NumIndices > 0)
            ExecInsertIndexTuples(ins->rri, slots[i], ins->estate, false, false, NULL, NIL);
    }
}

/* The lock stays until the end of the transaction, as for any written table. */
static void insert_close(AuditInsert *ins)
{
    ExecCloseIndices(ins->rri);
    FreeExecutorState(ins->estate);
    table_close(ins->rel, NoLock);
}

/* A heap slot of rel holding the row, formed in the slot's own memory. */
static TupleTableSlot *row_slot(TupleTableSlot *slot, Datum *values, bool *nulls)
{
    MemoryContext old = MemoryContextSwitchTo(slot->tts_mcxt);
    HeapTuple tuple = heap_form_tuple(slot->tts_tupleDescriptor, values, nulls);

    MemoryContextSwitchTo(old);
    return ExecStoreHeapTuple(tuple, slot, true);
}

void bib_audit_insert_row(Relation rel, Datum *values, bool *nulls)
{
    AuditInsert ins;
    TupleTableSlot *slot;

    /* rel is already open and locked by the caller; open it once more for the indexes. */
    insert_open(&ins, RelationGetRelid(rel), NoLock);
    slot =
        row_slot(MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple), values, nulls);
    insert_slots(&ins, &slot, 1, GetCurrentCommandId(true), NULL);
    ExecDropSingleTupleTableSlot(slot);
    insert_close(&ins);
}

static Datum role_name(Oid role)
{
    return CStringGetTextDatum(GetUserNameFromId(role, false));
}

BibAuditWriter *bib_audit_writer_open(void)
{
    BibAuditWriter *w = palloc0(sizeof(BibAuditWriter));

    insert_open(&w->ins, bib_audit_log_relid(), RowExclusiveLock);
    w->cid = GetCurrentCommandId(true);
    w->cxt = CurrentMemoryContext;
    w->batch_cxt =
        AllocSetContextCreate(CurrentMemoryContext, "bib audit batch", ALLOCSET_DEFAULT_SIZES);
    w->txid = FullTransactionIdGetDatum(GetTopFullTransactionId());
    w->session_user = role_name(GetSessionUserId());
    w->role_used = role_name(GetUserId());
    w->context = bib_audit_context();
    return w;
}

MemoryContext bib_audit_writer_memory(BibAuditWriter *w)
{
    return w->batch_cxt;
}

/* Insert the queued rows; what the table AM allocates for them goes with the batch. */
static void writer_flush(BibAuditWriter *w)
{
    MemoryContext old;

    if (w->nqueued == 0)
        return;
    old = MemoryContextSwitchTo(w->batch_cxt);
    insert_slots(&w->ins, w->slots, w->nqueued, w->cid, w->bistate);
    MemoryContextSwitchTo(old);
    for (int i = 0; i < w->nqueued; i++)
        ExecClearTuple(w->slots[i]);
    w->nqueued = 0;
    MemoryContextReset(w->batch_cxt);
}

static void set_text(Datum *values, bool *nulls, int col, const char *s)
{
    nulls[col] = (s == NULL);
    if (s != NULL)
        values[col] = CStringGetTextDatum(s);
}

static void set_jsonb(Datum *values, bool *nulls, int col, Jsonb *jb)
{
    nulls[col] = (jb == NULL);
    if (jb != NULL)
        values[col] = JsonbPGetDatum(jb);
}

static void set_image(Datum *values, bool *nulls, BibCanonText *texts, int col,
                      const BibAuditImage *img)
{
    set_jsonb(values, nulls, col, img->jsonb);
    texts[col].data = img->text;
    texts[col].len = img->text_len;
}

int64 bib_audit_writer_add(BibAuditWriter *w, const BibAuditEntry *e)
{
    const BibAuditContext *ctx = w->context;
    Datum values[AL_NCOLUMNS];
    bool nulls[AL_NCOLUMNS] = {0};
    BibCanonText texts[AL_NCOLUMNS] = {{0}};
    uint8_t hash[BIB_AUDIT_HASHBYTES];
    bytea *hash_datum;
    MemoryContext old = MemoryContextSwitchTo(w->batch_cxt);
    int64 id = nextval_internal(bib_audit_log_seqid(), false);

    values[AL_ID] = Int64GetDatum(id);
    values[AL_LOGGED_AT] = TimestampTzGetDatum(GetCurrentTimestamp());
    values[AL_TXID] = w->txid;
    values[AL_SESSION_USER] = w->session_user;
    values[AL_ROLE_USED] = w->role_used;
    set_text(values, nulls, AL_ACTION, e->action);
    set_text(values, nulls, AL_SCHEMA_NAME, e->schema_name);
    set_text(values, nulls, AL_TABLE_NAME, e->table_name);
    set_image(values, nulls, texts, AL_ROW_KEY, &e->row_key);
    set_image(values, nulls, texts, AL_OLD_DATA, &e->old_data);
    set_image(values, nulls, texts, AL_NEW_DATA, &e->new_data);
    nulls[AL_OPERATION_ID] = !ctx->has_operation_id;
    values[AL_OPERATION_ID] = UUIDPGetDatum(&ctx->operation_id);
    nulls[AL_JOB_ID] = !ctx->has_job_id;
    values[AL_JOB_ID] = UUIDPGetDatum(&ctx->job_id);
    set_text(values, nulls, AL_SOURCE, ctx->source);
    set_text(values, nulls, AL_ACTOR, ctx->actor);
    set_text(values, nulls, AL_NODE_ID, e->node_id);
    nulls[AL_QUERY_ID] = !e->has_query_id;
    values[AL_QUERY_ID] = Int64GetDatum(e->query_id);
    set_text(values, nulls, AL_QUERY_TEXT, e->query_text);
    nulls[AL_ROWS_AFFECTED] = !e->has_rows_affected;
    values[AL_ROWS_AFFECTED] = Int64GetDatum(e->rows_affected);
    nulls[AL_DURATION_MS] = !e->has_duration_ms;
    values[AL_DURATION_MS] = Float8GetDatum(e->duration_ms);
    values[AL_FLAG_BREAK_GLASS] = BoolGetDatum(e->flag_break_glass);
    set_jsonb(values, nulls, AL_METADATA, e->metadata);

    bib_audit_canon_row_hash(values, nulls, texts, hash);
    hash_datum = bib_pg_bytea_alloc(sizeof hash);
    memcpy(VARDATA(hash_datum), hash, sizeof hash);
    values[AL_ROW_HASH] = PointerGetDatum(hash_datum);

    /* Slots outlive the batch: they live in the writer's context. */
    MemoryContextSwitchTo(w->cxt);
    if (w->nqueued == w->nslots) {
        int grown = w->nslots == 0 ? 1 : Min(w->nslots * 8, WRITER_BATCH);

        w->slots = w->slots == NULL ? palloc(sizeof(TupleTableSlot *) * grown)
                                    : repalloc(w->slots, sizeof(TupleTableSlot *) * grown);
        for (; w->nslots < grown; w->nslots++)
            w->slots[w->nslots] =
                MakeSingleTupleTableSlot(RelationGetDescr(w->ins.rel), &TTSOpsHeapTuple);
    }
    row_slot(w->slots[w->nqueued], values, nulls);
    if (++w->nqueued == WRITER_BATCH) {
        if (w->bistate == NULL)
            w->bistate = GetBulkInsertState();
        writer_flush(w);
    }
    MemoryContextSwitchTo(old);
    return id;
}

void bib_audit_writer_close(BibAuditWriter *w)
{
    MemoryContext old = MemoryContextSwitchTo(w->cxt);

    writer_flush(w);
    for (int i = 0; i < w->nslots; i++)
        ExecDropSingleTupleTableSlot(w->slots[i]);
    if (w->bistate != NULL)
        FreeBulkInsertState(w->bistate);
    MemoryContextDelete(w->batch_cxt);
    insert_close(&w->ins);
    MemoryContextSwitchTo(old);
    pfree(w);
}

int64 bib_audit_write(const BibAuditEntry *e)
{
    BibAuditWriter *w = bib_audit_writer_open();
    int64 id = bib_audit_writer_add(w, e);

    bib_audit_writer_close(w);
    return id;
}

/* {"action": action} as a jsonb value. */
static Jsonb *action_object(const char *action)
{
    JsonbParseState *state = NULL;
    JsonbValue key;
    JsonbValue val;

    key.type = jbvString;
    key.val.string.val = "action";
    key.val.string.len = 6;
    val.type = jbvString;
    val.val.string.val = (char *)action;
    val.val.string.len = (int)strlen(action);
    pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
    pushJsonbValue(&state, WJB_KEY, &key);
    pushJsonbValue(&state, WJB_VALUE, &val);
    return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

Datum bib_audit_append(PG_FUNCTION_ARGS)
{
    BibAuditEntry e = {0};
    char *action;

    if (PG_ARGISNULL(0))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("bib: action must not be NULL"),
                 errhint("Name what the application did, for example 'export'.")));
    action = text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (action[0] == '\0')
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("bib: action must not be empty"),
                 errhint("Name what the application did, for example 'export'.")));
    e.metadata = action_object(action);
    if (!PG_ARGISNULL(1)) {
        Jsonb *metadata = PG_GETARG_JSONB_P(1);

        if (!JB_ROOT_IS_OBJECT(metadata) || JB_ROOT_IS_SCALAR(metadata))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("bib: metadata must be a JSON object"),
                            errhint("Wrap the value in an object, for example "
                                    "jsonb_build_object('value', ...).")));
        e.metadata = DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(metadata),
                                                        JsonbPGetDatum(e.metadata)));
    }
    bib_audit_check_writable("bib.audit_append()");
    e.action = "APP";
    if (!PG_ARGISNULL(2))
        e.table_name = text_to_cstring(PG_GETARG_TEXT_PP(2));
    PG_RETURN_INT64(bib_audit_write(&e));
}

/* The guard: no statement may write the audit tables; bib's own inserts do not fire it. */
Datum bib_audit_refuse(PG_FUNCTION_ARGS)
{
    TriggerData *td = (TriggerData *)fcinfo->context;
    const char *table;

    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("bib: bib_audit_refuse() must be called as a trigger")));
    table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(td->tg_relation)),
                                       RelationGetRelationName(td->tg_relation));
    if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                 errmsg("bib: %s is written only by bib", table),
                 errhint("Audited tables and bib.audit_append() add entries; bib.audit_seal() "
                         "adds seals.")));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("bib: %s is append-only: %s is not allowed", table,
                           TRIGGER_FIRED_BY_UPDATE(td->tg_event)   ? "UPDATE"
                           : TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "DELETE"
                                                                   : "TRUNCATE"),
                    errdetail("This holds for every role, the owner and superusers included.")));
    PG_RETURN_NULL();
}
