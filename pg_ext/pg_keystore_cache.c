/*
 * pg_keystore_cache.c — each backend's view of bib.key_store.
 *
 * The first key-store call of a backend reads every row's metadata and
 * wrapped secret (a key store holds tens of keys, not millions); a secret is
 * unwrapped under the master key the first time it is used and kept, with
 * its KEY-mode schedule, in one sodium_malloc'ed arena.  Encrypting by name
 * is then a hash lookup plus the envelope itself.
 *
 * Every change to bib.key_store fires a statement trigger that queues a
 * relcache invalidation of the table; PostgreSQL delivers it to every
 * backend at commit, and each backend processes it before its next
 * statement.  The callback only marks the cache stale: it may run in the
 * middle of our own SPI query.  The next key-store call wipes the arena and
 * reloads, so a rotation or revocation is seen by every session at its next
 * statement, with no timeout involved.
 */
#include "pg_keystore.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/uuid.h"

PG_FUNCTION_INFO_V1(bib_key_store_changed);

/* Secrets the arena holds before it is wiped and refilled from scratch. */
#define ARENA_SLOTS 512

typedef struct key_secret {
    uint8_t secret[BIB_KEY_SECRETBYTES];
    bib_key_schedule schedule;
} key_secret;

typedef struct name_entry {
    char name[BIB_KEY_MAXNAMEBYTES + 1];
    bib_stored_key *active; /* NULL when every version is retired or revoked */
    bool exists;
} name_entry;

typedef struct recipient_entry {
    uint8_t recipient_id[BIB_ENVELOPE_RECIPIENTIDBYTES];
    bib_stored_key *key;
} recipient_entry;

uint32 bib_keystore_generation = 1;

static MemoryContext cache_context;
static HTAB *by_id, *by_name, *by_recipient;
static bool cache_loaded;
static bool callback_registered;
static Oid keystore_relid = InvalidOid;
static key_secret *arena;
static int arena_used;

static void keystore_invalidated(Datum arg, Oid relid)
{
    (void)arg;
    if (relid == InvalidOid || relid == keystore_relid)
        cache_loaded = false;
}

/* Forget everything: wipe the secrets, drop the tables. */
static void cache_reset(void)
{
    if (arena != NULL)
        sodium_memzero(arena, sizeof(key_secret) * ARENA_SLOTS);
    arena_used = 0;
    if (cache_context != NULL)
        MemoryContextReset(cache_context);
    by_id = by_name = by_recipient = NULL;
    keystore_relid = InvalidOid;
    bib_keystore_generation++;
}

Oid bib_keystore_relid(void)
{
    Oid nsp = get_namespace_oid("bib", false);
    Oid relid = get_relname_relid("key_store", nsp);

    if (!OidIsValid(relid))
        elog(ERROR, "bib: table bib.key_store is missing");
    return relid;
}

void bib_keystore_as_owner_begin(bib_keystore_owner_state *s)
{
    HeapTuple tup;
    Oid owner;

    tup = SearchSysCache1(RELOID, ObjectIdGetDatum(bib_keystore_relid()));
    if (!HeapTupleIsValid(tup))
        elog(ERROR, "bib: cache lookup failed for bib.key_store");
    owner = ((Form_pg_class)GETSTRUCT(tup))->relowner;
    ReleaseSysCache(tup);

    GetUserIdAndSecContext(&s->saved_user, &s->saved_context);
    SetUserIdAndSecContext(owner, s->saved_context | SECURITY_LOCAL_USERID_CHANGE |
                                      SECURITY_RESTRICTED_OPERATION);
    /* Our queries must not resolve anything through the caller's search_path. */
    s->guc_level = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "bib: SPI_connect failed");
}

void bib_keystore_as_owner_end(bib_keystore_owner_state *s)
{
    SPI_finish();
    AtEOXact_GUC(true, s->guc_level);
    SetUserIdAndSecContext(s->saved_user, s->saved_context);
}

static void fixed_bytes(uint8_t *out, size_t len, Datum d, const char *what)
{
    bytea *b = DatumGetByteaPP(d);

    if (VARSIZE_ANY_EXHDR(b) != len)
        elog(ERROR, "bib: bib.key_store has a %s of the wrong length", what);
    memcpy(out, VARDATA_ANY(b), len);
}

/* Read every row of bib.key_store into the hash tables. */
static void cache_load(void)
{
    static const char *query = "SELECT id, name, version, kind, status, public_key, wrapped_secret, created_at "
                               "FROM bib.key_store ORDER BY name, version";
    bib_keystore_owner_state owner;
    HASHCTL ctl;
    MemoryContext old;

    cache_reset();
    if (cache_context == NULL)
        cache_context = AllocSetContextCreate(TopMemoryContext, "bib key store cache",
                                              ALLOCSET_SMALL_SIZES);
    if (arena == NULL) {
        arena = sodium_malloc(sizeof(key_secret) * ARENA_SLOTS);
        if (arena == NULL)
            bib_pg_raise(BIB_ERR_NO_MEMORY);
    }
    if (!callback_registered) {
        CacheRegisterRelcacheCallback(keystore_invalidated, (Datum)0);
        callback_registered = true;
    }

    memset(&ctl, 0, sizeof ctl);
    ctl.hcxt = cache_context;
    ctl.keysize = sizeof(pg_uuid_t);
    ctl.entrysize = sizeof(bib_stored_key);
    by_id = hash_create("bib keys by id", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    ctl.keysize = BIB_KEY_MAXNAMEBYTES + 1;
    ctl.entrysize = sizeof(name_entry);
    by_name = hash_create("bib keys by name", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
    ctl.keysize = BIB_ENVELOPE_RECIPIENTIDBYTES;
    ctl.entrysize = sizeof(recipient_entry);
    by_recipient =
        hash_create("bib keys by recipient", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

    keystore_relid = bib_keystore_relid();
    cache_loaded = true; /* before the query: an invalidation arriving during it must win */

    bib_keystore_as_owner_begin(&owner);
    if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "bib: reading bib.key_store failed");
    old = MemoryContextSwitchTo(cache_context);
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple row = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        pg_uuid_t *id = DatumGetUUIDP(SPI_getbinval(row, desc, 1, &isnull));
        char *name = TextDatumGetCString(SPI_getbinval(row, desc, 2, &isnull));
        char *kind = TextDatumGetCString(SPI_getbinval(row, desc, 4, &isnull));
        char *status = TextDatumGetCString(SPI_getbinval(row, desc, 5, &isnull));
        Datum public_key = SPI_getbinval(row, desc, 6, &isnull);
        bytea *wrapped = DatumGetByteaPP(SPI_getbinval(row, desc, 7, &isnull));
        bib_stored_key *key = hash_search(by_id, id, HASH_ENTER, NULL);
        name_entry *n;
        bool found;

        strlcpy(key->name, name, sizeof key->name);
        key->version = DatumGetInt32(SPI_getbinval(row, desc, 3, &isnull));
        key->created_at = DatumGetTimestampTz(SPI_getbinval(row, desc, 8, &isnull));
        if (bib_key_kind_from_name(&key->kind, kind) != BIB_OK ||
            bib_key_status_from_name(&key->status, status) != BIB_OK)
            elog(ERROR, "bib: bib.key_store has an unknown kind or status");
        key->has_public = key->kind != BIB_KEY_AEAD;
        if (key->has_public)
            fixed_bytes(key->public_key, sizeof key->public_key, public_key, "public key");
        key->wrapped_len = VARSIZE_ANY_EXHDR(wrapped);
        key->wrapped = palloc(key->wrapped_len);
        memcpy(key->wrapped, VARDATA_ANY(wrapped), key->wrapped_len);
        key->slot = -1;

        n = hash_search(by_name, key->name, HASH_ENTER, &found);
        if (!found)
            n->active = NULL;
        n->exists = true;
        if (key->status == BIB_KEY_ACTIVE)
            n->active = key;
        if (key->kind == BIB_KEY_X25519) {
            uint8_t rid[BIB_ENVELOPE_RECIPIENTIDBYTES];
            recipient_entry *r;
            bib_envelope_recipient_id(rid, key->public_key);
            r = hash_search(by_recipient, rid, HASH_ENTER, NULL);
            r->key = key;
        }
    }
    MemoryContextSwitchTo(old);
    bib_keystore_as_owner_end(&owner);
}

void bib_keystore_forget(void)
{
    cache_loaded = false;
    if (arena != NULL)
        sodium_memzero(arena, sizeof(key_secret) * ARENA_SLOTS);
    arena_used = 0;
    bib_keystore_generation++;
}

static void cache_ensure(void)
{
    /* First: a changed master key drops the cache before anything is looked up. */
    (void)bib_pg_master_key();
    if (!cache_loaded)
        cache_load();
}

bib_stored_key *bib_keystore_by_id(const uint8_t id[BIB_KEY_IDBYTES])
{
    cache_ensure();
    return hash_search(by_id, id, HASH_FIND, NULL);
}

bib_stored_key *bib_keystore_by_recipient(const uint8_t rid[BIB_ENVELOPE_RECIPIENTIDBYTES])
{
    recipient_entry *r;

    cache_ensure();
    r = hash_search(by_recipient, rid, HASH_FIND, NULL);
    return r != NULL ? r->key : NULL;
}

bib_stored_key *bib_keystore_active(const char *name, bool missing_ok)
{
    char padded[BIB_KEY_MAXNAMEBYTES + 1] = {0};
    name_entry *n;

    cache_ensure();
    if (bib_key_name_check(name, strlen(name)) != BIB_OK)
        bib_pg_raise(BIB_ERR_KEY_NAME_INVALID);
    strlcpy(padded, name, sizeof padded);
    n = hash_search(by_name, padded, HASH_FIND, NULL);
    if (n == NULL) {
        if (missing_ok)
            return NULL;
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_NOT_FOUND)),
                        errdetail("No key is named \"%s\".", name),
                        errhint("%s", bib_status_hint(BIB_ERR_KEY_NOT_FOUND))));
    }
    if (n->active == NULL)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_REVOKED)),
                        errdetail("Key \"%s\" has no active version.", name),
                        errhint("bib.rotate_key('%s') makes a new active version.", name)));
    return n->active;
}

bool bib_keystore_name_exists(const char *name)
{
    char padded[BIB_KEY_MAXNAMEBYTES + 1] = {0};

    cache_ensure();
    strlcpy(padded, name, sizeof padded);
    return hash_search(by_name, padded, HASH_FIND, NULL) != NULL;
}

void bib_keystore_versions(const char *name, List **keys)
{
    HASH_SEQ_STATUS seq;
    bib_stored_key *key;

    cache_ensure();
    hash_seq_init(&seq, by_id);
    while ((key = hash_seq_search(&seq)) != NULL)
        if (strcmp(key->name, name) == 0)
            *keys = lappend(*keys, key);
}

bool bib_keystore_ed25519_verifies(const uint8_t *message, size_t message_len,
                                   const uint8_t *signature, size_t signature_len)
{
    HASH_SEQ_STATUS seq;
    bib_stored_key *key;
    bool verified = false;

    /* Public keys only: no master key needed, so the cache is loaded without asking for one. */
    if (!cache_loaded)
        cache_load();
    hash_seq_init(&seq, by_id);
    while ((key = hash_seq_search(&seq)) != NULL) {
        int valid = 0;

        if (key->kind == BIB_KEY_ED25519 && !verified &&
            bib_ed25519_verify(&valid, message, message_len, signature, signature_len,
                               key->public_key, sizeof key->public_key) == BIB_OK)
            verified = valid;
    }
    return verified;
}

static key_secret *unwrapped(bib_stored_key *key)
{
    bib_status st;

    if (key->slot >= 0)
        return &arena[key->slot];
    if (arena_used == ARENA_SLOTS) {
        /* Full: forget every unwrapped secret and start over. */
        HASH_SEQ_STATUS seq;
        bib_stored_key *k;

        hash_seq_init(&seq, by_id);
        while ((k = hash_seq_search(&seq)) != NULL)
            k->slot = -1;
        sodium_memzero(arena, sizeof(key_secret) * ARENA_SLOTS);
        arena_used = 0;
    }
    st = bib_key_unwrap(arena[arena_used].secret, key->wrapped, key->wrapped_len, key->id.data,
                        bib_pg_master_key());
    if (st != BIB_OK) {
        if (st == BIB_ERR_MASTER_KEY_MISMATCH)
            bib_pg_raise(st);
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("bib: the stored secret of key \"%s\" version %d does not open",
                               key->name, key->version),
                        errdetail("%s", bib_status_message(st)),
                        errhint("The row in bib.key_store was altered or damaged.")));
    }
    if (key->kind == BIB_KEY_AEAD)
        bib_key_schedule_init(&arena[arena_used].schedule, arena[arena_used].secret);
    key->slot = arena_used++;
    return &arena[key->slot];
}

const uint8_t *bib_keystore_secret(bib_stored_key *key)
{
    return unwrapped(key)->secret;
}

const bib_key_schedule *bib_keystore_schedule(bib_stored_key *key)
{
    return &unwrapped(key)->schedule;
}

/* Statement trigger on bib.key_store: every backend must reload its view. */
Datum bib_key_store_changed(PG_FUNCTION_ARGS)
{
    TriggerData *trigdata = (TriggerData *)fcinfo->context;

    if (!CALLED_AS_TRIGGER(fcinfo))
        elog(ERROR, "bib: key_store_changed must be called as a trigger");
    CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
    return PointerGetDatum(NULL);
}
