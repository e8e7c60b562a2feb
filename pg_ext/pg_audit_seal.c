/*
 * pg_audit_seal.c — sealing the audit log, and the digest kept outside it.
 *
 *   bib.audit_seal() → bigint   entries sealed (0: nothing new, no seal row)
 *   bib.audit_digest() is SQL (the newest seal's hash), in sql/src/30_audit.sql.
 *
 * DESIGN §7: a seal must never lock out writers.  Entries get their ids
 * from a sequence before their transaction commits, so "every entry up to
 * id H" is final only once every transaction that could hold such an id
 * has ended.  audit_seal therefore
 *   1. takes SHARE ROW EXCLUSIVE on bib.audit_seals, which serialises
 *      sealers and which no writer of bib.audit_log ever asks for;
 *   2. reads H, the highest id the sequence has handed out;
 *   3. waits for every transaction of this database running at that moment,
 *      by virtual transaction id (a writer may have drawn its id before it
 *      had an xid), except lazy VACUUM, which writes no entries;
 *   4. with a fresh snapshot, chains the committed entries with
 *      last sealed id < id <= H in id order and inserts the seal.
 * Aborted entries are invisible and leave gaps, which the chain ignores.  An
 * entry committed after step 2 has an id above H and is left to the next
 * seal.  Entries of the sealing transaction itself are visible to it and
 * commit or vanish together with the seal.
 *
 * READ COMMITTED only: at REPEATABLE READ or SERIALIZABLE the transaction's
 * snapshot predates the wait, so reading with a newer one would break the
 * isolation the caller asked for.
 */
#include "pg_audit.h"
#include "pg_keystore.h"

#include "access/genam.h"
#include "access/nbtree.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(bib_audit_seal);

/* The newest seal, or seal 0 with h_0 = 32 zero bytes when there is none. */
typedef struct LastSeal {
    int64 seal_id;
    int64 last_id;
    uint8_t seal_hash[BIB_AUDIT_HASHBYTES];
} LastSeal;

/* The highest id audit_log's sequence has handed out; false when it never has. */
static bool highest_allocated_id(int64 *id)
{
    LOCAL_FCINFO(fcinfo, 1);
    Datum result;

    InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
    fcinfo->args[0].value = ObjectIdGetDatum(bib_audit_log_seqid());
    fcinfo->args[0].isnull = false;
    result = pg_sequence_last_value(fcinfo);
    if (fcinfo->isnull)
        return false;
    *id = DatumGetInt64(result);
    return true;
}

/* Wait until every transaction of this database that is running now has ended. */
static void wait_for_running_transactions(void)
{
    int n;
    VirtualTransactionId *vxids =
        GetCurrentVirtualXIDs(InvalidTransactionId, false, false, PROC_IN_VACUUM, &n);

    for (int i = 0; i < n; i++)
        VirtualXactLock(vxids[i], true);
    pfree(vxids);
}

static void copy_hash(uint8_t out[BIB_AUDIT_HASHBYTES], Datum value, const char *what, int64 id)
{
    bytea *b = DatumGetByteaPP(value);

    if (VARSIZE_ANY_EXHDR(b) != BIB_AUDIT_HASHBYTES)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("bib: %s of %lld is not 32 bytes", what, (long long)id),
                        errhint("The audit tables were altered; bib.audit_verify() reports "
                                "where.")));
    memcpy(out, VARDATA_ANY(b), BIB_AUDIT_HASHBYTES);
}

static void read_last_seal(Relation seals, Snapshot snapshot, LastSeal *last)
{
    Relation index = index_open(RelationGetPrimaryKeyIndex(seals), AccessShareLock);
    IndexScanDesc scan = index_beginscan(seals, index, snapshot, 0, 0);
    TupleTableSlot *slot = table_slot_create(seals, NULL);
    bool isnull;

    memset(last, 0, sizeof *last);
    index_rescan(scan, NULL, 0, NULL, 0);
    if (index_getnext_slot(scan, BackwardScanDirection, slot)) {
        last->seal_id = DatumGetInt64(slot_getattr(slot, AS_SEAL_ID + 1, &isnull));
        last->last_id = DatumGetInt64(slot_getattr(slot, AS_LAST_ID + 1, &isnull));
        copy_hash(last->seal_hash, slot_getattr(slot, AS_SEAL_HASH + 1, &isnull),
                  "seal_hash of seal", last->seal_id);
    }
    ExecDropSingleTupleTableSlot(slot);
    index_endscan(scan);
    index_close(index, AccessShareLock);
}

/*
 * The seal's Ed25519 signature by the active version of the key that
 * bib.audit_signing_key names, or NULL when the setting is empty.  A name
 * the key store does not have leaves the seal unsigned with a WARNING (the
 * seal itself must not be lost); a key of another kind is an error.
 */
static bytea *seal_signature(const uint8_t seal_hash[BIB_AUDIT_HASHBYTES])
{
    bib_stored_key *key;
    bytea *signature;

    if (bib_audit_signing_key == NULL || bib_audit_signing_key[0] == '\0')
        return NULL;
    key = bib_keystore_active(bib_audit_signing_key, true);
    if (key == NULL) {
        ereport(WARNING, (errcode(ERRCODE_UNDEFINED_OBJECT),
                          errmsg("bib: audit signing key \"%s\" is not in the key store; the seal "
                                 "is not signed",
                                 bib_audit_signing_key),
                          errhint("Create it with bib.create_key('%s', 'ed25519').",
                                  bib_audit_signing_key)));
        return NULL;
    }
    if (key->kind != BIB_KEY_ED25519)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_WRONG_KIND)),
                        errdetail("bib.audit_signing_key names \"%s\", a key of kind %s.",
                                  key->name, bib_key_kind_name(key->kind)),
                        errhint("Seals are signed with an ed25519 key.")));
    signature = bib_pg_bytea_alloc(BIB_ED25519_SIGNATUREBYTES);
    bib_pg_check(bib_ed25519_sign((uint8_t *)VARDATA(signature), seal_hash, BIB_AUDIT_HASHBYTES,
                                  bib_keystore_secret(key), BIB_KEY_SECRETBYTES));
    return signature;
}

Datum bib_audit_seal(PG_FUNCTION_ARGS)
{
    Relation seals;
    Relation log;
    Relation index;
    IndexScanDesc scan;
    TupleTableSlot *slot;
    ScanKeyData keys[2];
    Snapshot snapshot;
    LastSeal last;
    int64 high;
    int64 count = 0;
    int64 first_id = 0;
    int64 last_id = 0;
    uint8_t chain[BIB_AUDIT_HASHBYTES];
    uint8_t seal_hash[BIB_AUDIT_HASHBYTES];
    Datum values[AS_NCOLUMNS];
    bool nulls[AS_NCOLUMNS] = {0};
    bytea *signature;

    (void)fcinfo;
    if (IsolationUsesXactSnapshot())
        ereport(ERROR, (errcode(ERRCODE_INVALID_TRANSACTION_STATE),
                        errmsg("bib: bib.audit_seal() must run at READ COMMITTED"),
                        errhint("It waits for running writers and then reads what they "
                                "committed, which a REPEATABLE READ or SERIALIZABLE snapshot "
                                "cannot show.")));
    bib_audit_check_writable("bib.audit_seal()");

    seals = table_open(bib_audit_seals_relid(), ShareRowExclusiveLock);
    if (!highest_allocated_id(&high)) {
        table_close(seals, NoLock);
        PG_RETURN_INT64(0);
    }
    wait_for_running_transactions();
    snapshot = RegisterSnapshot(GetLatestSnapshot());
    read_last_seal(seals, snapshot, &last);
    memcpy(chain, last.seal_hash, sizeof chain);

    log = table_open(bib_audit_log_relid(), AccessShareLock);
    index = index_open(RelationGetPrimaryKeyIndex(log), AccessShareLock);
    ScanKeyInit(&keys[0], AL_ID + 1, BTGreaterStrategyNumber, F_INT8GT,
                Int64GetDatum(last.last_id));
    ScanKeyInit(&keys[1], AL_ID + 1, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(high));
    scan = index_beginscan(log, index, snapshot, 2, 0);
    index_rescan(scan, keys, 2, NULL, 0);
    slot = table_slot_create(log, NULL);
    while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
        uint8_t row_hash[BIB_AUDIT_HASHBYTES];
        bool isnull;

        last_id = DatumGetInt64(slot_getattr(slot, AL_ID + 1, &isnull));
        copy_hash(row_hash, slot_getattr(slot, AL_ROW_HASH + 1, &isnull), "row_hash of entry",
                  last_id);
        bib_audit_chain_step(chain, row_hash);
        if (count++ == 0)
            first_id = last_id;
    }
    ExecDropSingleTupleTableSlot(slot);
    index_endscan(scan);
    index_close(index, AccessShareLock);
    table_close(log, AccessShareLock);
    UnregisterSnapshot(snapshot);

    if (count > 0) {
        bib_audit_seal_hash(seal_hash, (uint64_t)(last.seal_id + 1), (uint64_t)first_id,
                            (uint64_t)last_id, (uint64_t)count, chain, last.seal_hash);
        values[AS_SEAL_ID] = Int64GetDatum(last.seal_id + 1);
        values[AS_FIRST_ID] = Int64GetDatum(first_id);
        values[AS_LAST_ID] = Int64GetDatum(last_id);
        values[AS_ENTRIES] = Int64GetDatum(count);
        values[AS_CHAIN_HASH] = PointerGetDatum(bib_pg_bytea_alloc(BIB_AUDIT_HASHBYTES));
        memcpy(VARDATA(DatumGetPointer(values[AS_CHAIN_HASH])), chain, BIB_AUDIT_HASHBYTES);
        values[AS_PREV_HASH] = PointerGetDatum(bib_pg_bytea_alloc(BIB_AUDIT_HASHBYTES));
        memcpy(VARDATA(DatumGetPointer(values[AS_PREV_HASH])), last.seal_hash, BIB_AUDIT_HASHBYTES);
        values[AS_SEAL_HASH] = PointerGetDatum(bib_pg_bytea_alloc(BIB_AUDIT_HASHBYTES));
        memcpy(VARDATA(DatumGetPointer(values[AS_SEAL_HASH])), seal_hash, BIB_AUDIT_HASHBYTES);
        signature = seal_signature(seal_hash);
        nulls[AS_SIGNATURE] = (signature == NULL);
        values[AS_SIGNATURE] = PointerGetDatum(signature);
        values[AS_SEALED_AT] = TimestampTzGetDatum(GetCurrentTimestamp());
        bib_audit_insert_row(seals, values, nulls);
    }
    table_close(seals, NoLock);
    PG_RETURN_INT64(count);
}
