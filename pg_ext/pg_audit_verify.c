/*
 * pg_audit_verify.c — checking the audit log against its seals.
 *
 *   bib.audit_verify(expected_digest bytea DEFAULT NULL)
 *     → TABLE(ok bool, entries_checked bigint, seals_checked bigint,
 *             unsealed_entries bigint, first_bad_id bigint, problem text)
 *
 * One pass over the entries in id order (the primary key), with the seals
 * loaded first: every row_hash is recomputed from the entry's columns, the
 * chain of each seal's range (previous seal's last_id < id <= last_id) is
 * recomputed from the row hashes, and each seal's numbering, prev_hash and
 * seal_hash are checked.  Entries above the last seal are counted as
 * unsealed; their row hashes are checked too.  With expected_digest (a
 * seal_hash from bib.audit_digest(), kept outside the database) it also
 * checks that this seal is still in the chain: a superuser who rewrites
 * every entry and recomputes every hash and seal passes every other check,
 * but cannot produce a chain through a seal hash published before.
 *
 * Verification stops at the first problem, in id order; the counts say how
 * far it got.  first_bad_id is the entry at fault, or for a seal whose
 * range does not chain, the first entry the seal claims.  The whole check
 * reads one snapshot, so concurrent writers and sealers do not disturb it.
 * A signed seal's signature must verify with an ed25519 key of the key
 * store (any version: seals signed before a rotation stay valid).
 */
#include "pg_audit.h"
#include "pg_keystore.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(bib_audit_verify);

typedef struct Seal {
    int64 seal_id;
    int64 first_id;
    int64 last_id;
    int64 entries;
    bool hashes_ok; /* all three hashes are 32 bytes */
    uint8_t chain_hash[BIB_AUDIT_HASHBYTES];
    uint8_t prev_hash[BIB_AUDIT_HASHBYTES];
    uint8_t seal_hash[BIB_AUDIT_HASHBYTES];
    bytea *signature; /* NULL when the seal is unsigned */
} Seal;

typedef struct Verify {
    Seal *seals;
    int nseals;
    int current; /* the seal whose range the scan is in; nseals past the last */
    uint8_t chain[BIB_AUDIT_HASHBYTES];
    int64 in_seal; /* entries chained into the current seal */
    int64 first_in_seal;
    int64 entries_checked;
    int64 seals_checked;
    int64 unsealed;
    int64 first_bad_id;
    char *problem;
} Verify;

static const uint8_t zero_hash[BIB_AUDIT_HASHBYTES];

/* A 32-byte hash column of slot; false when it is NULL or has another length. */
static bool get_hash(uint8_t out[BIB_AUDIT_HASHBYTES], TupleTableSlot *slot, int col)
{
    bool isnull;
    Datum value = slot_getattr(slot, col + 1, &isnull);
    bytea *b;

    if (isnull)
        return false;
    b = DatumGetByteaPP(value);
    if (VARSIZE_ANY_EXHDR(b) != BIB_AUDIT_HASHBYTES)
        return false;
    memcpy(out, VARDATA_ANY(b), BIB_AUDIT_HASHBYTES);
    return true;
}

static int64 get_int8(TupleTableSlot *slot, int col)
{
    bool isnull;
    Datum v = slot_getattr(slot, col + 1, &isnull);

    return isnull ? -1 : DatumGetInt64(v);
}

static void load_seals(Verify *v, Snapshot snapshot)
{
    Relation seals = table_open(bib_audit_seals_relid(), AccessShareLock);
    Relation index = index_open(RelationGetPrimaryKeyIndex(seals), AccessShareLock);
    IndexScanDesc scan = index_beginscan(seals, index, snapshot, 0, 0);
    TupleTableSlot *slot = table_slot_create(seals, NULL);
    int cap = 64;

    v->seals = palloc(sizeof(Seal) * cap);
    index_rescan(scan, NULL, 0, NULL, 0);
    while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
        Seal *s;

        if (v->nseals == cap) {
            cap *= 2;
            v->seals = repalloc_huge(v->seals, sizeof(Seal) * cap);
        }
        s = &v->seals[v->nseals++];
        s->seal_id = get_int8(slot, AS_SEAL_ID);
        s->first_id = get_int8(slot, AS_FIRST_ID);
        s->last_id = get_int8(slot, AS_LAST_ID);
        s->entries = get_int8(slot, AS_ENTRIES);
        s->hashes_ok = get_hash(s->chain_hash, slot, AS_CHAIN_HASH) &&
                       get_hash(s->prev_hash, slot, AS_PREV_HASH) &&
                       get_hash(s->seal_hash, slot, AS_SEAL_HASH);
        s->signature = NULL;
        {
            bool isnull;
            Datum sig = slot_getattr(slot, AS_SIGNATURE + 1, &isnull);

            if (!isnull)
                s->signature = DatumGetByteaPCopy(sig);
        }
    }
    ExecDropSingleTupleTableSlot(slot);
    index_endscan(scan);
    index_close(index, AccessShareLock);
    table_close(seals, AccessShareLock);
}

static void fail(Verify *v, int64 id, char *problem)
{
    v->first_bad_id = id;
    v->problem = problem;
}

/* Entering seal v->current's range: its own fields must hold and link to the seal before it. */
static bool begin_seal(Verify *v)
{
    const Seal *s;
    const uint8_t *prev;
    uint8_t recomputed[BIB_AUDIT_HASHBYTES];

    v->in_seal = 0;
    v->first_in_seal = 0;
    if (v->current >= v->nseals)
        return true;
    s = &v->seals[v->current];
    prev = v->current == 0 ? zero_hash : v->seals[v->current - 1].seal_hash;
    if (s->seal_id != v->current + 1) {
        fail(v, s->first_id,
             psprintf("seal %lld follows seal %lld: a seal was deleted or renumbered",
                      (long long)s->seal_id, (long long)(v->current == 0 ? 0 : s[-1].seal_id)));
        return false;
    }
    if (!s->hashes_ok) {
        fail(v, s->first_id,
             psprintf("seal %lld: a hash column is not 32 bytes", (long long)s->seal_id));
        return false;
    }
    if (v->current > 0 && s->first_id <= s[-1].last_id) {
        fail(v, s->first_id,
             psprintf("seal %lld: its range overlaps seal %lld", (long long)s->seal_id,
                      (long long)s[-1].seal_id));
        return false;
    }
    if (memcmp(s->prev_hash, prev, BIB_AUDIT_HASHBYTES) != 0) {
        fail(v, s->first_id,
             v->current == 0 ? psprintf("seal 1: prev_hash is not 32 zero bytes")
                             : psprintf("seal %lld: prev_hash is not the seal_hash of seal %lld",
                                        (long long)s->seal_id, (long long)s[-1].seal_id));
        return false;
    }
    bib_audit_seal_hash(recomputed, (uint64_t)s->seal_id, (uint64_t)s->first_id,
                        (uint64_t)s->last_id, (uint64_t)s->entries, s->chain_hash, s->prev_hash);
    if (memcmp(recomputed, s->seal_hash, BIB_AUDIT_HASHBYTES) != 0) {
        fail(v, s->first_id,
             psprintf("seal %lld: seal_hash does not match the seal's other columns",
                      (long long)s->seal_id));
        return false;
    }
    if (s->signature != NULL &&
        !bib_keystore_ed25519_verifies(s->seal_hash, BIB_AUDIT_HASHBYTES,
                                       (const uint8_t *)VARDATA_ANY(s->signature),
                                       VARSIZE_ANY_EXHDR(s->signature))) {
        fail(v, s->first_id,
             psprintf("seal %lld: signature does not verify with any ed25519 key of the key store",
                      (long long)s->seal_id));
        return false;
    }
    memcpy(v->chain, prev, BIB_AUDIT_HASHBYTES);
    return true;
}

/* Leaving seal v->current's range: the entries found must chain to what it recorded. */
static bool end_seal(Verify *v)
{
    const Seal *s = &v->seals[v->current];

    if (v->in_seal != s->entries) {
        fail(v, s->first_id,
             psprintf("seal %lld covers %lld entries up to id %lld, but %lld are present: "
                      "entries were deleted or inserted",
                      (long long)s->seal_id, (long long)s->entries, (long long)s->last_id,
                      (long long)v->in_seal));
        return false;
    }
    if (v->first_in_seal != s->first_id ||
        memcmp(v->chain, s->chain_hash, BIB_AUDIT_HASHBYTES) != 0) {
        fail(v, s->first_id,
             psprintf("seal %lld: the chain of entries %lld to %lld does not match: entries "
                      "were replaced, reordered or renumbered",
                      (long long)s->seal_id, (long long)s->first_id, (long long)s->last_id));
        return false;
    }
    v->seals_checked++;
    v->current++;
    return begin_seal(v);
}

/* One entry, in id order; false at the first problem. */
static bool check_entry(Verify *v, TupleTableSlot *slot)
{
    uint8_t stored[BIB_AUDIT_HASHBYTES];
    uint8_t recomputed[BIB_AUDIT_HASHBYTES];
    int64 id = get_int8(slot, AL_ID);

    while (v->current < v->nseals && id > v->seals[v->current].last_id)
        if (!end_seal(v))
            return false;
    v->entries_checked++;
    slot_getallattrs(slot);
    if (!get_hash(stored, slot, AL_ROW_HASH)) {
        fail(v, id, psprintf("entry %lld: row_hash is not 32 bytes", (long long)id));
        return false;
    }
    bib_audit_canon_row_hash(slot->tts_values, slot->tts_isnull, NULL, recomputed);
    if (memcmp(stored, recomputed, BIB_AUDIT_HASHBYTES) != 0) {
        fail(v, id,
             psprintf("entry %lld: row_hash does not match the entry's columns", (long long)id));
        return false;
    }
    if (v->current == v->nseals) {
        v->unsealed++;
        return true;
    }
    if (v->in_seal++ == 0)
        v->first_in_seal = id;
    bib_audit_chain_step(v->chain, stored);
    return true;
}

static void scan_entries(Verify *v, Snapshot snapshot)
{
    Relation log = table_open(bib_audit_log_relid(), AccessShareLock);
    Relation index = index_open(RelationGetPrimaryKeyIndex(log), AccessShareLock);
    IndexScanDesc scan = index_beginscan(log, index, snapshot, 0, 0);
    TupleTableSlot *slot = table_slot_create(log, NULL);
    MemoryContext row_cxt =
        AllocSetContextCreate(CurrentMemoryContext, "bib audit verify", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(row_cxt);
    bool ok = begin_seal(v);

    index_rescan(scan, NULL, 0, NULL, 0);
    while (ok && index_getnext_slot(scan, ForwardScanDirection, slot)) {
        ok = check_entry(v, slot);
        if (ok)
            MemoryContextReset(row_cxt);
        CHECK_FOR_INTERRUPTS();
    }
    MemoryContextSwitchTo(old);
    /* A problem's text was made in row_cxt: keep it. */
    if (v->problem != NULL)
        v->problem = pstrdup(v->problem);
    while (ok && v->current < v->nseals)
        ok = end_seal(v);
    MemoryContextDelete(row_cxt);
    ExecDropSingleTupleTableSlot(slot);
    index_endscan(scan);
    index_close(index, AccessShareLock);
    table_close(log, AccessShareLock);
}

/* The digest must be the seal_hash of a seal still in the (verified) chain. */
static void check_digest(Verify *v, const uint8_t digest[BIB_AUDIT_HASHBYTES])
{
    for (int i = 0; i < v->nseals; i++)
        if (memcmp(v->seals[i].seal_hash, digest, BIB_AUDIT_HASHBYTES) == 0)
            return;
    fail(v, v->nseals > 0 ? v->seals[0].first_id : 0,
         pstrdup("no seal has the expected digest: the sealed history was rewritten, or the "
                 "digest is from another database"));
}

Datum bib_audit_verify(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    Verify v = {0};
    Snapshot snapshot = GetActiveSnapshot();
    Datum values[6];
    bool nulls[6] = {0};

    if (!PG_ARGISNULL(0) && VARSIZE_ANY_EXHDR(PG_GETARG_BYTEA_PP(0)) != BIB_AUDIT_HASHBYTES)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("bib: expected digest must be 32 bytes"),
                        errhint("Pass the digest column of bib.audit_digest().")));
    InitMaterializedSRF(fcinfo, 0);
    load_seals(&v, snapshot);
    scan_entries(&v, snapshot);
    if (v.problem == NULL && !PG_ARGISNULL(0))
        check_digest(&v, (const uint8_t *)VARDATA_ANY(PG_GETARG_BYTEA_PP(0)));

    values[0] = BoolGetDatum(v.problem == NULL);
    values[1] = Int64GetDatum(v.entries_checked);
    values[2] = Int64GetDatum(v.seals_checked);
    values[3] = Int64GetDatum(v.unsealed);
    values[4] = Int64GetDatum(v.first_bad_id);
    nulls[4] = (v.problem == NULL);
    values[5] = v.problem != NULL ? CStringGetTextDatum(v.problem) : (Datum)0;
    nulls[5] = (v.problem == NULL);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    return (Datum)0;
}
