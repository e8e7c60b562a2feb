/*
 * bib_sqlite.c — the SQLite loadable extension of bib: entry point,
 * registration table, per-connection state and the status translator.
 *
 *   .load ./sqlite_ext/bib          (entry point sqlite3_bib_init)
 *
 * Every function of the extension is listed in `functions` below with its
 * arity and flags; its manual is the header comment of the file that holds
 * its C code (sqlite_envelope.c, sqlite_keys.c, sqlite_shamir.c, sqlite_keystore.c,
 * sqlite_audit.c, sqlite_audit_entry.c, sqlite_audit_context.c, and this
 * file for bib_aead).
 *
 * Flags.  Functions that take or produce secrets (keys, plaintexts, random
 * bytes, shares), read connection state or write (audit_enable, audit_append,
 * set_context...) are SQLITE_DIRECTONLY: a view,
 * trigger, CHECK constraint, default or generated column of a database file
 * — which whoever wrote the file controls — cannot call them ("unsafe use of
 * bib_encrypt_raw()").  bib_envelope_info and bib_verify, which touch no
 * secret, and the functions that audit triggers call (bib_audit_row_json,
 * bib_audit_diff_json, bib_audit_row_hash, bib_audit_chain, bib_audit_time, bib_context —
 * see sqlite_audit_entry.c) are SQLITE_INNOCUOUS, so they work in schemas
 * even with PRAGMA trusted_schema=OFF.  Functions whose result depends only on their
 * arguments are also SQLITE_DETERMINISTIC.
 *
 * Errors.  A failing function raises the core's message for the status,
 * word for word as PostgreSQL prints it ("bib: envelope is too short"),
 * with result code SQLITE_ERROR, or SQLITE_NOMEM / SQLITE_TOOBIG for
 * BIB_ERR_NO_MEMORY / BIB_ERR_TOO_LARGE.  Messages never contain argument
 * bytes.  When SQLite itself runs out of memory the error is SQLite's own
 * "out of memory".
 *
 * NULL.  Every function returns NULL when any argument is NULL, except
 * bib_aead(NULL), which is an error.
 *
 * ---------------------------------------------------------------------
 * bib_aead() -> TEXT
 * bib_aead(name TEXT) -> TEXT
 *     The AEAD that new envelopes of this connection use — the SQLite
 *     counterpart of PostgreSQL's setting bib.aead.  With an argument, sets
 *     it first: 'aes256gcm' (the default) or 'xchacha20poly1305', spelled
 *     exactly so; anything else, NULL included, fails with
 *     "bib: unknown AEAD" and leaves the setting as it was.  Returns the
 *     setting.  It lasts until the connection closes.  AES-256-GCM needs
 *     AES-NI: without it, encrypting fails with an error that names the
 *     setting to change.
 *       SELECT bib_aead('xchacha20poly1305');   -- xchacha20poly1305
 *       SELECT bib_aead();                      -- xchacha20poly1305
 */
#include "bib_sqlite.h"

#include <string.h>

SQLITE_EXTENSION_INIT1

/* Secret in or out, or connection state: never callable from a schema. */
#define SECRET (SQLITE_UTF8 | SQLITE_DIRECTONLY)
#define SECRET_PURE (SECRET | SQLITE_DETERMINISTIC)
/* No secret, result from the arguments alone: fine anywhere. */
#define PUBLIC_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)
/* No secret, but reads connection state (the audit context): fine anywhere. */
#define PUBLIC (SQLITE_UTF8 | SQLITE_INNOCUOUS)
/* Writes the database or connection state, or reads the whole audit log: not from a schema. */
#define WRITES (SQLITE_UTF8 | SQLITE_DIRECTONLY)

static const struct {
    const char *name;
    int nargs; /* -1: any number */
    int flags;
    bib_sql_function *fn;
} functions[] = {
    {"bib_encrypt_raw", 2, SECRET, bib_sql_encrypt_raw},
    {"bib_encrypt_raw", 3, SECRET, bib_sql_encrypt_raw},
    {"bib_decrypt_raw", 2, SECRET_PURE, bib_sql_decrypt_raw},
    {"bib_decrypt_raw", 3, SECRET_PURE, bib_sql_decrypt_raw},
    {"bib_seal", 2, SECRET, bib_sql_seal},
    {"bib_seal", 3, SECRET, bib_sql_seal},
    {"bib_unseal_raw", 2, SECRET_PURE, bib_sql_unseal_raw},
    {"bib_unseal_raw", 3, SECRET_PURE, bib_sql_unseal_raw},
    {"bib_encrypt_hybrid_raw", 3, SECRET, bib_sql_encrypt_hybrid_raw},
    {"bib_encrypt_hybrid_raw", 4, SECRET, bib_sql_encrypt_hybrid_raw},
    {"bib_decrypt_hybrid_raw", 3, SECRET_PURE, bib_sql_decrypt_hybrid_raw},
    {"bib_decrypt_hybrid_raw", 4, SECRET_PURE, bib_sql_decrypt_hybrid_raw},
    {"bib_envelope_info", 1, PUBLIC_PURE, bib_sql_envelope_info},
    {"bib_hkdf", 4, SECRET_PURE, bib_sql_hkdf},
    {"bib_x25519_public", 1, SECRET_PURE, bib_sql_x25519_public},
    {"bib_ed25519_public", 1, SECRET_PURE, bib_sql_ed25519_public},
    {"bib_sign", 2, SECRET_PURE, bib_sql_sign},
    {"bib_verify", 3, PUBLIC_PURE, bib_sql_verify},
    {"bib_random", 1, SECRET, bib_sql_random},
    {"bib_gen_password", 0, SECRET, bib_sql_gen_password},
    {"bib_gen_password", 1, SECRET, bib_sql_gen_password},
    {"bib_shamir_split", 3, SECRET, bib_sql_shamir_split},
    {"bib_shamir_combine", -1, SECRET_PURE, bib_sql_shamir_combine},
    {"bib_aead", 0, SECRET, bib_sql_aead},
    {"bib_aead", 1, SECRET, bib_sql_aead},
    {"bib_master_key_load", 1, SECRET, bib_sql_master_key_load},
    {"bib_master_key_fingerprint", 0, SECRET, bib_sql_master_key_fingerprint},
    {"bib_key_create", 1, SECRET, bib_sql_key_create},
    {"bib_key_create", 2, SECRET, bib_sql_key_create},
    {"bib_key_rotate", 1, SECRET, bib_sql_key_rotate},
    {"bib_key_revoke", 1, SECRET, bib_sql_key_revoke},
    {"bib_public_key", 1, SECRET, bib_sql_public_key},
    {"bib_encrypt", 2, SECRET, bib_sql_encrypt},
    {"bib_encrypt", 3, SECRET, bib_sql_encrypt},
    {"bib_encrypt_text", 2, SECRET, bib_sql_encrypt},
    {"bib_encrypt_text", 3, SECRET, bib_sql_encrypt},
    {"bib_decrypt", 1, SECRET, bib_sql_decrypt},
    {"bib_decrypt", 2, SECRET, bib_sql_decrypt},
    {"bib_decrypt_text", 1, SECRET, bib_sql_decrypt_text},
    {"bib_decrypt_text", 2, SECRET, bib_sql_decrypt_text},
    {"bib_reencrypt", 1, SECRET, bib_sql_reencrypt},
    {"bib_reencrypt", 2, SECRET, bib_sql_reencrypt},
    {"bib_export_key", 2, SECRET, bib_sql_export_key},
    {"bib_import_key", 2, SECRET, bib_sql_import_key},
    {"bib_audit_enable", 1, WRITES, bib_sql_audit_enable},
    {"bib_audit_enable", 2, WRITES, bib_sql_audit_enable},
    {"bib_audit_disable", 1, WRITES, bib_sql_audit_disable},
    {"bib_audit_append", 1, WRITES, bib_sql_audit_append},
    {"bib_audit_append", 2, WRITES, bib_sql_audit_append},
    {"bib_audit_verify", 0, WRITES, bib_sql_audit_verify},
    {"bib_audit_verify", 1, WRITES, bib_sql_audit_verify},
    {"bib_audit_digest", 0, WRITES, bib_sql_audit_digest},
    {"bib_set_context", 2, WRITES, bib_sql_set_context},
    {"bib_context", 1, PUBLIC, bib_sql_context},
    {"bib_audit_row_json", -1, PUBLIC_PURE, bib_sql_audit_row_json},
    {"bib_audit_diff_json", -1, PUBLIC_PURE, bib_sql_audit_diff_json},
    {"bib_audit_row_hash", 12, PUBLIC_PURE, bib_sql_audit_row_hash},
    {"bib_audit_chain", 2, PUBLIC_PURE, bib_sql_audit_chain},
    {"bib_audit_time", 1, PUBLIC_PURE, bib_sql_audit_time},
};

/* The result code that goes with a status; the message is the core's. */
static int status_result_code(bib_status status)
{
    switch (status) {
    case BIB_ERR_NO_MEMORY:
        return SQLITE_NOMEM;
    case BIB_ERR_TOO_LARGE:
        return SQLITE_TOOBIG;
    default:
        return SQLITE_ERROR;
    }
}

void bib_sqlite_error(sqlite3_context *ctx, bib_status status)
{
    sqlite3_result_error(ctx, bib_status_message(status), -1);
    sqlite3_result_error_code(ctx, status_result_code(status));
}

void bib_sql_aead(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);

    if (argc == 1) {
        const char *name = (const char *)sqlite3_value_text(argv[0]);
        bib_aead aead = conn->aead;
        bib_status st;

        if (name == NULL && sqlite3_value_type(argv[0]) != SQLITE_NULL) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        /* NULL, or a name with a NUL inside, is no name the core could accept. */
        if (name == NULL || strlen(name) != (size_t)sqlite3_value_bytes(argv[0]))
            st = BIB_ERR_AEAD_NAME;
        else
            st = bib_aead_from_name(&aead, name);
        if (st != BIB_OK) {
            bib_sqlite_error(ctx, st);
            return;
        }
        conn->aead = aead;
    }
    sqlite3_result_text(ctx, bib_aead_name(conn->aead), -1, SQLITE_STATIC);
}

/* xDestroy of every registered function: the last one frees the state. */
static void conn_release(void *p)
{
    bib_conn *conn = p;

    if (--conn->refs > 0)
        return;
    bib_key_cache_free(conn->keys);
    bib_sqlite_keystore_free(conn->store);
    bib_sqlite_context_clear(conn);
    sqlite3_free(conn);
}

int sqlite3_bib_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
    bib_conn *conn;
    bib_status st;
    int rc = SQLITE_OK;

    SQLITE_EXTENSION_INIT2(api);
    st = bib_core_init();
    if (st != BIB_OK) {
        *err = sqlite3_mprintf("%s", bib_status_message(st));
        return SQLITE_ERROR;
    }
    conn = sqlite3_malloc(sizeof *conn);
    if (conn == NULL)
        return SQLITE_NOMEM;
    memset(conn, 0, sizeof *conn);
    conn->refs = 1;
    conn->aead = BIB_AEAD_AES256GCM;
    conn->keys = bib_key_cache_new();
    if (conn->keys == NULL) {
        sqlite3_free(conn);
        *err = sqlite3_mprintf("%s", bib_status_message(BIB_ERR_NO_MEMORY));
        return SQLITE_NOMEM;
    }
    /* A BIB_MASTER_KEY_FILE that cannot be used fails the load (sqlite_keystore.c). */
    st = bib_sqlite_keystore_new(&conn->store);
    if (st != BIB_OK) {
        bib_key_cache_free(conn->keys);
        sqlite3_free(conn);
        *err = sqlite3_mprintf("%s", bib_status_message(st));
        return st == BIB_ERR_NO_MEMORY ? SQLITE_NOMEM : SQLITE_ERROR;
    }
    for (size_t i = 0; i < sizeof functions / sizeof functions[0] && rc == SQLITE_OK; i++) {
        /* Taken before the call: SQLite runs conn_release itself if registration fails. */
        conn->refs++;
        rc = sqlite3_create_function_v2(db, functions[i].name, functions[i].nargs,
                                        functions[i].flags, conn, functions[i].fn, NULL, NULL,
                                        conn_release);
    }
    conn_release(conn);
    return rc;
}
