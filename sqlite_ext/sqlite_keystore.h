/*
 * sqlite_keystore.h — the SQLite key store's per-connection state, shared by
 * sqlite_keystore_store.c (master key, bib_keys table, cache of unwrapped
 * keys) and sqlite_keystore.c (the SQL functions).
 *
 * Every function that takes a sqlite3_context sets the SQL function's error
 * itself when it fails (bib_sqlite_error for a core status, SQLite's own
 * message for an error of a nested statement) and returns NULL or non-zero.
 */
#ifndef SQLITE_KEYSTORE_H
#define SQLITE_KEYSTORE_H

#include "bib_sqlite.h"

/*
 * One stored key version as the cache holds it, in secure memory.  A
 * pointer stays valid until the next lookup that is not told to keep it.
 */
typedef struct bib_ks_key {
    int used;               /* secret is the unwrapping of (id, wrapped) under the master key */
    unsigned trusted_epoch; /* metadata may be used without reading the row in this epoch */
    uint8_t id[BIB_KEY_IDBYTES];
    uint8_t wrapped[BIB_KEY_WRAPPEDBYTES];
    char name[BIB_KEY_MAXNAMEBYTES + 1];
    bib_key_kind kind;
    bib_key_status status;
    uint8_t secret[BIB_KEY_SECRETBYTES];
    bib_key_schedule schedule;                           /* aead keys: KEY mode */
    uint8_t public_key[32];                              /* x25519 and ed25519 keys */
    uint8_t recipient_id[BIB_ENVELOPE_RECIPIENTIDBYTES]; /* x25519 keys */
} bib_ks_key;

/* The key store of the connection that runs ctx; starts a lookup round (see the .c file). */
bib_keystore *bib_ks_begin(sqlite3_context *ctx);

/* BIB_ERR_MASTER_KEY_NOT_CONFIGURED until a master key is loaded. */
BIB_MUST_CHECK bib_status bib_ks_require_master(const bib_keystore *ks);
const bib_key_schedule *bib_ks_master(const bib_keystore *ks);

/* Load the master key from path (owner: this process's user); a failure keeps the old one. */
BIB_MUST_CHECK bib_status bib_ks_load_master(bib_keystore *ks, const char *path);

/* A name argument: valid UTF-8 and bib_key_name_check; NULL after setting the error. */
const char *bib_ks_name_arg(sqlite3_context *ctx, sqlite3_value *value);

/*
 * Lookups.  `keep` is a key the lookup must not evict (or NULL).  Errors:
 * no master key; by name KEY_NOT_FOUND, or KEY_REVOKED when no version is
 * active; by id / recipient KEY_NOT_IN_STORE; a wrapped secret that does not
 * open (MASTER_KEY_MISMATCH, ENV_*).  Status and kind are the caller's to judge.
 */
bib_ks_key *bib_ks_active(sqlite3_context *ctx, bib_keystore *ks, const char *name,
                          const bib_ks_key *keep);
bib_ks_key *bib_ks_by_id(sqlite3_context *ctx, bib_keystore *ks, const uint8_t *id,
                         const bib_ks_key *keep);
bib_ks_key *bib_ks_by_recipient(sqlite3_context *ctx, bib_keystore *ks, const uint8_t *rid,
                                const bib_ks_key *keep);

/* A nested statement on main.bib_keys; NULL after setting the error. */
sqlite3_stmt *bib_ks_prepare(sqlite3_context *ctx, const char *sql);
/* 1 when bib_keys exists in main, 0 when not, -1 after setting the error. */
int bib_ks_table_exists(sqlite3_context *ctx);
/* Create bib_keys and its indexes if missing; non-zero after setting the error. */
int bib_ks_ensure_table(sqlite3_context *ctx);
/* Run one statement without results; non-zero after setting the error. */
int bib_ks_exec(sqlite3_context *ctx, const char *sql);
/* Set SQLite's own error of the connection (a nested statement failed). */
void bib_ks_sqlite_error(sqlite3_context *ctx);

/*
 * Insert rows (secrets wrapped here under the master key) in one statement;
 * with retire_name, the active version of that name becomes retired in the
 * same statement.  Non-zero after setting the error.
 */
int bib_ks_insert(sqlite3_context *ctx, bib_keystore *ks, const bib_keyblob_entry *rows, size_t n,
                  const char *retire_name);

/* After this connection wrote bib_keys: drop what the cache trusts (see the .c file). */
void bib_ks_changed(sqlite3_context *ctx, bib_keystore *ks);

/* Strict UTF-8 without NUL. */
int bib_ks_utf8_valid(const uint8_t *s, size_t n);

#endif
