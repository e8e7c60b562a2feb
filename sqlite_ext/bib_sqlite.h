/*
 * bib_sqlite.h — what the SQLite adapter's files share: the per-connection
 * state, the status translator, argument and result conversion, and the C
 * entry points that bib_sqlite.c registers.
 *
 * The adapter converts SQLite values to byte strings and integers, calls the
 * core (shared/), and turns a status into an SQLite error.  It checks nothing
 * the core checks: key lengths, ranges and formats are judged once, there.
 */
#ifndef BIB_SQLITE_H
#define BIB_SQLITE_H

#include <sqlite3ext.h>
#include <stddef.h>
#include <stdint.h>

#include "bib_core.h"

SQLITE_EXTENSION_INIT3

/* The keys of bib_set_context(), in this order: operation_id, job_id, source, actor. */
#define BIB_SQLITE_CONTEXT_KEYS 4

/*
 * State of one connection, given as user data to every bib function of that
 * connection and freed when the last of them is dropped (connection closed
 * or every function replaced).  SQLite serialises the functions of one
 * connection, so no lock is needed.
 */
/* The key store of a connection: master key and unwrapped keys (sqlite_keystore_store.c). */
typedef struct bib_keystore bib_keystore;

typedef struct bib_conn {
    int refs;            /* functions holding this state, +1 while the loader runs */
    bib_aead aead;       /* bib_aead(): the AEAD of new envelopes */
    bib_key_cache *keys; /* raw-key schedules (secure memory) of bib_encrypt_raw/decrypt_raw */
    bib_keystore *store; /* master key and unwrapped stored keys (secure memory) */
    char *context[BIB_SQLITE_CONTEXT_KEYS]; /* bib_set_context(): sqlite3_malloc'd or NULL */
} bib_conn;

/* A byte-string argument; p is never NULL, even for zero bytes. */
typedef struct bib_bytes {
    const uint8_t *p;
    size_t n;
} bib_bytes;

/* What an empty argument points at: the core wants a pointer even for zero bytes. */
extern const uint8_t bib_sqlite_no_bytes[1];

/* The one translator: a non-OK status becomes the SQL function's error. */
void bib_sqlite_error(sqlite3_context *ctx, bib_status status);

/* True when any argument is NULL; the function then returns NULL. */
int bib_sqlite_any_null(int argc, sqlite3_value **argv);

/*
 * The bytes of a non-NULL value: a BLOB as is, TEXT as its UTF-8 bytes,
 * numbers as their text.  0 on success; -1 when SQLite ran out of memory
 * converting it (the error is already set).
 */
int bib_sqlite_bytes(sqlite3_context *ctx, sqlite3_value *value, bib_bytes *out);

/*
 * The first n arguments as bytes.  0 on success; 1 when the result is
 * already decided: an argument (any of the argc) is NULL, so the result is
 * NULL, or memory ran out and the error is set.
 */
int bib_sqlite_read_bytes(sqlite3_context *ctx, int argc, sqlite3_value **argv, int n,
                          bib_bytes *out);

/*
 * An integer argument for the core to judge.  INTEGER values (and TEXT that
 * reads as one) are taken as they are; negative numbers and every other
 * value become 0, and values beyond the C type become its maximum, both of
 * which the core rejects with its own range message.
 */
size_t bib_sqlite_size(sqlite3_value *value);
unsigned bib_sqlite_unsigned(sqlite3_value *value);

/* sqlite3_malloc64 of n bytes (at least 1); NULL after setting an out-of-memory error. */
uint8_t *bib_sqlite_alloc(sqlite3_context *ctx, size_t n);

/* Wipe and free memory from bib_sqlite_alloc that held a secret; NULL is fine. */
void bib_sqlite_free_secret(void *p);

/* Hand a bib_sqlite_alloc buffer to SQLite as the result; secret ones are wiped when freed. */
void bib_sqlite_result_blob(sqlite3_context *ctx, uint8_t *p, size_t n);
void bib_sqlite_result_secret_blob(sqlite3_context *ctx, uint8_t *p, size_t n);
void bib_sqlite_result_secret_text(sqlite3_context *ctx, char *p, size_t n);

/* SQL functions; the header comment of each file is their manual. */
typedef void bib_sql_function(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* bib_sqlite.c */
bib_sql_function bib_sql_aead;

/* sqlite_envelope.c */
bib_sql_function bib_sql_encrypt_raw;
bib_sql_function bib_sql_decrypt_raw;
bib_sql_function bib_sql_seal;
bib_sql_function bib_sql_unseal_raw;
bib_sql_function bib_sql_encrypt_hybrid_raw;
bib_sql_function bib_sql_decrypt_hybrid_raw;
bib_sql_function bib_sql_envelope_info;

/* sqlite_keys.c */
bib_sql_function bib_sql_hkdf;
bib_sql_function bib_sql_x25519_public;
bib_sql_function bib_sql_ed25519_public;
bib_sql_function bib_sql_sign;
bib_sql_function bib_sql_verify;
bib_sql_function bib_sql_random;
bib_sql_function bib_sql_gen_password;

/* sqlite_shamir.c */
bib_sql_function bib_sql_shamir_split;
bib_sql_function bib_sql_shamir_combine;

/* sqlite_audit.c */
bib_sql_function bib_sql_audit_enable;
bib_sql_function bib_sql_audit_disable;
bib_sql_function bib_sql_audit_append;
bib_sql_function bib_sql_audit_verify;
bib_sql_function bib_sql_audit_digest;

/* sqlite_audit_entry.c */
bib_sql_function bib_sql_audit_row_json;
bib_sql_function bib_sql_audit_diff_json;
bib_sql_function bib_sql_audit_row_hash;
bib_sql_function bib_sql_audit_chain;
bib_sql_function bib_sql_audit_time;

/* sqlite_audit_context.c */
bib_sql_function bib_sql_set_context;
bib_sql_function bib_sql_context;
/* Forget the connection's context (when its state is freed). */
void bib_sqlite_context_clear(bib_conn *conn);

/* sqlite_keystore.c */
bib_sql_function bib_sql_master_key_load;
bib_sql_function bib_sql_master_key_fingerprint;
bib_sql_function bib_sql_key_create;
bib_sql_function bib_sql_key_rotate;
bib_sql_function bib_sql_key_revoke;
bib_sql_function bib_sql_public_key;
bib_sql_function bib_sql_encrypt;
bib_sql_function bib_sql_decrypt;
bib_sql_function bib_sql_decrypt_text;
bib_sql_function bib_sql_reencrypt;
bib_sql_function bib_sql_export_key;
bib_sql_function bib_sql_import_key;

/* sqlite_keystore_store.c: a connection's key store, with the key of BIB_MASTER_KEY_FILE if set. */
BIB_MUST_CHECK bib_status bib_sqlite_keystore_new(bib_keystore **store);
void bib_sqlite_keystore_free(bib_keystore *store);

/* The loadable extension's entry point (.load ./bib). */
int sqlite3_bib_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

#endif
