/*
 * pg_master_key.c — the master key of the key store in PostgreSQL.
 *
 * Settings (superuser only; the values are hidden from other users)
 *   bib.master_key_file     a file of 64 hex characters, owned by the
 *                           server's user, mode 0600 or stricter
 *   bib.master_key_command  a shell command printing the key in hex;
 *                           used when bib.master_key_file is empty
 *
 * The key is read once per process into sodium_malloc'ed memory (guard
 * pages, locked, wiped and freed at exit).  With bib in
 * shared_preload_libraries the postmaster reads it at start, so backends
 * inherit it and never touch the file; otherwise a backend reads it on first
 * use.  It is read again only if the setting names another source.
 *
 *   bib.master_key_fingerprint() → bytea      16 bytes identifying the key
 *   bib.master_key_shares(shares, threshold) → bytea[]   Shamir shares (superuser)
 */
#include "bib_pg.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(bib_master_key_fingerprint_sql);
PG_FUNCTION_INFO_V1(bib_master_key_shares_sql);

/* bib.master_key_file: path of the hex key file. */
static char *master_key_file;
/* bib.master_key_command: command printing the hex key. */
static char *master_key_command;

typedef struct master_key {
    uint8_t key[BIB_MASTER_KEYBYTES];
    bib_key_schedule schedule;
} master_key;

/* The loaded key (sodium_malloc'ed) and the source it came from ("file:..." / "command:..."). */
static master_key *master;
static char *master_source;

/* The source the settings name now, palloc'ed, or NULL when neither is set. */
static char *configured_source(void)
{
    if (master_key_file != NULL && master_key_file[0] != '\0')
        return psprintf("file:%s", master_key_file);
    if (master_key_command != NULL && master_key_command[0] != '\0')
        return psprintf("command:%s", master_key_command);
    return NULL;
}

/* Read the key from source into the process's secure buffer. */
static bib_status load_master_key(const char *source)
{
    bib_status st;

    if (master == NULL) {
        master = sodium_malloc(sizeof *master);
        if (master == NULL)
            return BIB_ERR_NO_MEMORY;
    }
    sodium_memzero(master, sizeof *master);
    if (master_source != NULL) {
        pfree(master_source);
        master_source = NULL;
    }
    if (strncmp(source, "file:", 5) == 0)
        st = bib_master_key_read_file(master->key, source + 5, geteuid());
    else
        st = bib_master_key_read_command(master->key, source + 8);
    if (st != BIB_OK) {
        sodium_memzero(master, sizeof *master);
        return st;
    }
    bib_key_schedule_init(&master->schedule, master->key);
    master_source = MemoryContextStrdup(TopMemoryContext, source);
    return BIB_OK;
}

const bib_key_schedule *bib_pg_master_key(void)
{
    char *source = configured_source();
    bib_status st;

    if (source == NULL)
        bib_pg_raise(BIB_ERR_MASTER_KEY_NOT_CONFIGURED);
    if (master_source == NULL || strcmp(source, master_source) != 0) {
        /* Secrets unwrapped under the previous key must not outlive it. */
        bib_keystore_forget();
        st = load_master_key(source);
        if (st != BIB_OK)
            bib_pg_raise(st);
    }
    pfree(source);
    return &master->schedule;
}

static void wipe_master_key(int code, Datum arg)
{
    (void)code;
    (void)arg;
    sodium_free(master);
    master = NULL;
}

void bib_pg_master_key_init(void)
{
    DefineCustomStringVariable("bib.master_key_file", "File holding bib's master key in hex.",
                               "Owned by the server's user, mode 0600 or stricter.",
                               &master_key_file, "", PGC_SUSET, GUC_SUPERUSER_ONLY, NULL, NULL,
                               NULL);
    DefineCustomStringVariable("bib.master_key_command",
                               "Command printing bib's master key in hex.",
                               "Used when bib.master_key_file is empty.", &master_key_command, "",
                               PGC_SUSET, GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
    on_proc_exit(wipe_master_key, (Datum)0);

    /* Preloaded: read the key in the postmaster, so that backends inherit it. */
    if (process_shared_preload_libraries_in_progress && !IsUnderPostmaster) {
        char *source = configured_source();
        bib_status st = source != NULL ? load_master_key(source) : BIB_OK;

        if (st != BIB_OK)
            ereport(WARNING, (errmsg("%s", bib_status_message(st)),
                              errdetail("Key-store functions will fail until it is fixed."),
                              bib_status_hint(st) ? errhint("%s", bib_status_hint(st)) : 0));
    }
}

Datum bib_master_key_fingerprint_sql(PG_FUNCTION_ARGS)
{
    const bib_key_schedule *m = bib_pg_master_key();
    bytea *out = bib_pg_bytea_alloc(BIB_ENVELOPE_KEYIDBYTES);

    memcpy(VARDATA(out), m->fingerprint, BIB_ENVELOPE_KEYIDBYTES);
    PG_RETURN_BYTEA_P(out);
}

/* Shamir shares of the master key, for recovery (docs/keys.md).  Superuser only. */
Datum bib_master_key_shares_sql(PG_FUNCTION_ARGS)
{
    unsigned n = (unsigned)bib_pg_size_arg(PG_GETARG_INT32(0));
    unsigned k = (unsigned)bib_pg_size_arg(PG_GETARG_INT32(1));
    size_t share_len = BIB_SHAMIR_SHARE_BYTES(BIB_MASTER_KEYBYTES);
    uint8_t *all;
    Datum *elems;

    if (!superuser())
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("bib: only a superuser may split the master key")));
    (void)bib_pg_master_key();
    all = palloc(BIB_SHAMIR_MAXSHARES * share_len);
    bib_pg_check(bib_shamir_split(all, master->key, BIB_MASTER_KEYBYTES, n, k, NULL));
    elems = palloc(sizeof(Datum) * n);
    for (unsigned i = 0; i < n; i++) {
        bytea *share = bib_pg_bytea_alloc(share_len);
        memcpy(VARDATA(share), all + (size_t)i * share_len, share_len);
        elems[i] = PointerGetDatum(share);
    }
    explicit_bzero(all, BIB_SHAMIR_MAXSHARES * share_len);
    PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int)n, BYTEAOID, -1, false, TYPALIGN_INT));
}
