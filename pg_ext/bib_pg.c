/*
 * bib_pg.c — the PostgreSQL module: settings, per-backend state, _PG_init.
 *
 * Settings
 *   bib.aead  aes256gcm (default) | xchacha20poly1305 — the AEAD of new
 *             envelopes; any user may change it for a session.
 */
#include "bib_pg.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/guc.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

void _PG_init(void);

/* bib.aead: which AEAD new envelopes use. */
int bib_pg_aead = BIB_AEAD_AES256GCM;

static const struct config_enum_entry aead_options[] = {
    {"aes256gcm", BIB_AEAD_AES256GCM, false},
    {"xchacha20poly1305", BIB_AEAD_XCHACHA20POLY1305, false},
    {NULL, 0, false},
};

/* Raw-key schedules of this backend, in sodium_malloc'ed memory. */
static bib_key_cache *key_cache;

bib_key_cache *bib_pg_key_cache(void)
{
    if (key_cache == NULL) {
        key_cache = bib_key_cache_new();
        if (key_cache == NULL)
            bib_pg_raise(BIB_ERR_NO_MEMORY);
    }
    return key_cache;
}

bytea *bib_pg_bytea_alloc(size_t len)
{
    bytea *result;

    if (len > MaxAllocSize - VARHDRSZ)
        bib_pg_raise(BIB_ERR_TOO_LARGE);
    result = (bytea *)palloc(VARHDRSZ + len);
    SET_VARSIZE(result, VARHDRSZ + len);
    return result;
}

/* Wipe the cached key schedules when the backend exits. */
static void free_key_cache(int code, Datum arg)
{
    (void)code;
    (void)arg;
    bib_key_cache_free(key_cache);
    key_cache = NULL;
}

void _PG_init(void)
{
    bib_pg_check(bib_core_init());

    DefineCustomEnumVariable("bib.aead", "AEAD used for new bib envelopes.",
                             "aes256gcm (needs AES-NI) or xchacha20poly1305.", &bib_pg_aead,
                             BIB_AEAD_AES256GCM, aead_options, PGC_USERSET, 0, NULL, NULL, NULL);
    bib_pg_master_key_init();
    bib_pg_audit_init();
    MarkGUCPrefixReserved("bib");
    on_proc_exit(free_key_cache, (Datum)0);

    /*
     * Preloaded into the postmaster: create the random pool now, so that
     * every backend inherits the page instead of mapping its own.  The
     * kernel hands each child that page wiped (see bib_random.c), so no two
     * backends share a stream; tests/pg/fork_rng.sh checks it.
     */
    if (!IsUnderPostmaster) {
        uint8_t warm;
        bib_random_bytes(&warm, 1);
    }
}
