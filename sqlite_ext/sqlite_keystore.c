/*
 * sqlite_keystore.c — the key store of the SQLite extension (DESIGN §6):
 * a master key per connection, named keys in the table bib_keys with
 * versions, rotation and revocation, encryption by key name, decryption of
 * any envelope whose key is stored, re-encryption, and sealed export and
 * import that move keys between SQLite and PostgreSQL.
 *
 * Master key.  32 bytes, read from a file of 64 hexadecimal characters
 * (optionally followed by a newline) that must be a regular file owned by
 * the user running the process with no permission for group or others
 * (chmod 600 or 400).  It lives in locked memory (sodium_malloc), one copy
 * per connection, and is wiped when the connection closes.  Two ways in:
 *   - the environment variable BIB_MASTER_KEY_FILE, read when the extension
 *     is loaded.  When it is set and the file is missing or refused, loading
 *     fails with the message below ("Error: bib: master key file does not
 *     exist"): a misconfiguration shows where it was made, not at some later
 *     query.  Unset or empty: the connection starts without a master key.
 *   - bib_master_key_load(path), at any time.
 * Without one, every function below that needs a secret fails with
 * "bib: no master key is configured".  Keys wrapped under another master
 * key fail with "bib: key was wrapped under a different master key".
 *
 * The table bib_keys (in main) is created by the first bib_key_create or
 * bib_import_key; before that the store is empty ("bib: no such key").  Its
 * columns: id BLOB (16 bytes, RFC 4122 version-4 layout), name TEXT,
 * version INTEGER (1, 2, ...), kind TEXT ('aead', 'x25519', 'ed25519'),
 * status TEXT ('active', 'retired', 'revoked'), created_at INTEGER (Unix
 * time in microseconds: datetime(created_at / 1000000, 'unixepoch') reads
 * it), public_key BLOB (x25519 and ed25519), recipient_id BLOB (x25519: the
 * id SEAL and HYBRID envelopes carry), wrapped_secret BLOB (the secret as a
 * KEY envelope under the master key with the id as associated data — the
 * only form a secret is ever stored in).  Reading it is safe; change it
 * only through these functions (hand edits take effect once committed).
 *
 * Key names are 1 to 63 bytes of UTF-8 ("bib: key name must be 1 to 63
 * characters").  Byte-string arguments follow sqlite_values.c (BLOB as is,
 * TEXT as its UTF-8 bytes); `ad` defaults to zero bytes and must be given
 * again to decrypt.  New envelopes use the AEAD of bib_aead().  Any NULL
 * argument gives NULL, and a function given NULL changes nothing.
 *
 * Every function here is SQLITE_DIRECTONLY: only top-level SQL may call
 * it, never a view, trigger, CHECK or generated column of a database file.
 * Errors carry the core's message, the same text PostgreSQL prints; a
 * failure of SQLite itself underneath (a read-only database, a bib_keys
 * table of another shape) carries SQLite's message.
 *
 * Cost: keys are unwrapped once and cached per connection; encrypting or
 * decrypting a row costs what bib_encrypt_raw costs plus a few hundred
 * nanoseconds, except for the first use of a key after a commit, which
 * reads its row (sqlite_keystore_store.c explains when a row is re-read).
 *
 * ---------------------------------------------------------------------
 * bib_master_key_load(path TEXT) -> BLOB
 *     Reads the master key from path and makes it this connection's,
 *     replacing any other; returns its 16-byte fingerprint.  A failure
 *     leaves the previous key in place.  Errors: "bib: master key file does
 *     not exist", "bib: master key file cannot be read" (not a regular
 *     file, no access), "bib: master key file must be owned by the server
 *     user and not accessible to others", "bib: master key must be 64
 *     hexadecimal characters".
 *       SELECT hex(bib_master_key_load('/etc/bib/master.key'));
 *
 * bib_master_key_fingerprint() -> BLOB
 *     The 16-byte fingerprint of the loaded master key (the raw-key
 *     fingerprint of DESIGN §3, also the key_id of every wrapped secret);
 *     equal to PostgreSQL's bib.master_key_fingerprint() for the same key.
 *       SELECT hex(bib_master_key_fingerprint());
 *
 * bib_key_create(name TEXT [, kind TEXT]) -> BLOB
 *     A new key, version 1, active, with a secret generated inside: kind
 *     'aead' (the default; for bib_encrypt), 'x25519' (SEAL envelopes, by
 *     bib_seal to its bib_public_key) or 'ed25519' (signing; its public key
 *     is stored).  Returns the 16-byte id.  Errors: "bib: unknown key
 *     kind", "bib: a key with this name already exists".
 *       SELECT hex(bib_key_create('customer-pii'));
 *       SELECT bib_key_create('node', 'x25519');
 *
 * bib_key_rotate(name TEXT) -> BLOB
 *     A new version of the same kind becomes active; the active one becomes
 *     retired and still decrypts what it encrypted.  Returns the new id.
 *     Error: "bib: no such key".
 *       SELECT bib_key_rotate('customer-pii');
 *
 * bib_key_revoke(id BLOB) -> NULL
 *     Marks that version revoked: from now on decrypting under it fails
 *     with "bib: key is revoked".  Revoking the active version leaves the
 *     name without one until the next rotation (bib_encrypt then fails with
 *     "bib: key is revoked").  Needs no master key.  Error: "bib: no such
 *     key" (also for an id that is not 16 bytes).
 *       SELECT bib_key_revoke(id) FROM bib_keys WHERE name = 'old' AND version = 1;
 *
 * bib_public_key(name TEXT) -> BLOB
 *     The 32-byte public key of the active version of an x25519 or ed25519
 *     key.  An aead key has none: "bib: key kind does not fit this
 *     operation".
 *       SELECT bib_seal(CAST('to the node' AS BLOB), bib_public_key('node'));
 *
 * bib_encrypt(data BLOB, key_name TEXT [, ad BLOB]) -> BLOB
 * bib_encrypt_text(data TEXT, key_name TEXT [, ad BLOB]) -> BLOB
 *     KEY mode under the active version of an aead key; the envelope's
 *     key_id is that version's id.  72 bytes longer than data.  (The two
 *     names are one function: text is encrypted as its UTF-8 bytes.)
 *     Errors: "bib: no such key", "bib: key is revoked" (no active
 *     version), "bib: key kind does not fit this operation" (not aead).
 *       INSERT INTO t(secret) VALUES (bib_encrypt(:data, 'customer-pii'));
 *
 * bib_decrypt(envelope BLOB [, ad BLOB]) -> BLOB
 *     Opens an envelope of any mode with the stored keys it names: KEY by
 *     its key_id, SEAL by its recipient_id, HYBRID by both — whatever made
 *     it (this store, PostgreSQL's, or a raw function given a stored
 *     key).  Retired versions still open.  Errors: the envelope's own
 *     ("bib: envelope is too short", "bib: envelope authentication failed",
 *     ...), "bib: no stored key matches this envelope", "bib: key is
 *     revoked", "bib: key kind does not fit this operation".
 *       SELECT bib_decrypt(secret) FROM t;
 *
 * bib_decrypt_text(envelope BLOB [, ad BLOB]) -> TEXT
 *     bib_decrypt, returning TEXT; plaintext that is not UTF-8 (or holds a
 *     NUL) fails with "bib: decrypted data is not valid UTF-8".
 *       SELECT bib_decrypt_text(bib_encrypt_text('héllo', 'customer-pii'));  -- héllo
 *
 * bib_reencrypt(envelope BLOB [, ad BLOB]) -> BLOB
 *     Opens the envelope as bib_decrypt does and makes a new one of the
 *     same mode and ad under the active version(s) of the same key name(s).
 *     After a rotation, re-encrypt everything and then revoke the old
 *     version.  Errors: those of bib_decrypt and bib_encrypt.
 *       UPDATE t SET secret = bib_reencrypt(secret);
 *
 * bib_export_key(name TEXT, recipient_public_key BLOB) -> BLOB
 *     Every version of the key (secrets, statuses, versions, creation
 *     times) in the export format v1 of shared/bib_keystore.h, sealed (SEAL
 *     mode, ad 'bib-v1 key-export') to a 32-byte X25519 public key: only the
 *     recipient's secret key opens it.  PostgreSQL's bib.import_key reads
 *     it.  Errors: "bib: no such key", "bib: public key must be 32 bytes".
 *       SELECT bib_export_key('customer-pii', :their_public_key);
 *
 * bib_import_key(blob BLOB, secret_key BLOB) -> INTEGER
 *     Opens an exported key with the recipient's X25519 secret key, wraps
 *     every version under this connection's master key and stores it with
 *     its id, name, version, status and creation time; returns the number
 *     of versions.  All or nothing.  Errors: "bib: envelope authentication
 *     failed" (wrong secret key, damaged blob), "bib: not a valid exported
 *     key", "bib: a key with this id is already stored", "bib: a key with
 *     this name already exists".
 *       SELECT bib_import_key(readfile('customer-pii.key'), :my_secret_key);  -- 2
 */
#include "sqlite_keystore.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

/* ---- helpers ---------------------------------------------------------------- */

static int64_t now_unix_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A random RFC 4122 version-4 id, as PostgreSQL's key store makes them. */
static void new_key_id(uint8_t id[BIB_KEY_IDBYTES])
{
    bib_random_bytes(id, BIB_KEY_IDBYTES);
    id[6] = (uint8_t)((id[6] & 0x0F) | 0x40);
    id[8] = (uint8_t)((id[8] & 0x3F) | 0x80);
}

static int fail(sqlite3_context *ctx, bib_status st)
{
    bib_sqlite_error(ctx, st);
    return -1;
}

/*
 * The first row of sql with one parameter (text or blob); stmt is left on it.
 * 1: a row, 0: none (or no table yet), -1: error set.
 */
static int query_row(sqlite3_context *ctx, sqlite3_stmt **stmt, const char *sql, const void *param,
                     int len, int is_text)
{
    int rc, exists = bib_ks_table_exists(ctx);

    *stmt = NULL;
    if (exists <= 0)
        return exists;
    *stmt = bib_ks_prepare(ctx, sql);
    if (*stmt == NULL)
        return -1;
    if (is_text)
        sqlite3_bind_text(*stmt, 1, param, len, SQLITE_STATIC);
    else
        sqlite3_bind_blob(*stmt, 1, param, len, SQLITE_STATIC);
    rc = sqlite3_step(*stmt);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc != SQLITE_DONE)
        bib_ks_sqlite_error(ctx);
    sqlite3_finalize(*stmt);
    *stmt = NULL;
    return rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when sql finds a row for param, 0 when not, -1 after setting the error. */
static int row_exists(sqlite3_context *ctx, const char *sql, const void *param, int len,
                      int is_text)
{
    sqlite3_stmt *stmt;
    int rc = query_row(ctx, &stmt, sql, param, len, is_text);

    sqlite3_finalize(stmt);
    return rc;
}

static const uint8_t *opt_ad(int argc, sqlite3_value **argv, int at, bib_bytes *ad,
                             sqlite3_context *ctx)
{
    ad->p = bib_sqlite_no_bytes;
    ad->n = 0;
    if (argc > at && bib_sqlite_bytes(ctx, argv[at], ad) != 0)
        return NULL;
    return ad->p;
}

/* ---- master key ------------------------------------------------------------- */

void bib_sql_master_key_load(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    const char *path;
    bib_status st;

    if (bib_sqlite_any_null(argc, argv))
        return;
    path = (const char *)sqlite3_value_text(argv[0]);
    if (path == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    /* A path with a NUL inside names no file. */
    if (strlen(path) != (size_t)sqlite3_value_bytes(argv[0]))
        st = BIB_ERR_MASTER_KEY_MISSING;
    else
        st = bib_ks_load_master(conn->store, path);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    sqlite3_result_blob(ctx, bib_ks_master(conn->store)->fingerprint, BIB_ENVELOPE_KEYIDBYTES,
                        SQLITE_TRANSIENT);
}

void bib_sql_master_key_fingerprint(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    bib_status st = bib_ks_require_master(conn->store);

    (void)argc;
    (void)argv;
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    sqlite3_result_blob(ctx, bib_ks_master(conn->store)->fingerprint, BIB_ENVELOPE_KEYIDBYTES,
                        SQLITE_TRANSIENT);
}

/* ---- creating, rotating, revoking -------------------------------------------- */

/*
 * Generate a secret of kind and store it as the active version `version` of
 * name, retiring the active one in the same statement (version > 1); the
 * new id goes to id.  Non-zero after setting the error.
 */
static int store_new_version(sqlite3_context *ctx, bib_keystore *ks, const char *name,
                             bib_key_kind kind, int64_t version, uint8_t id[BIB_KEY_IDBYTES])
{
    bib_keyblob_entry *e = sodium_malloc(sizeof *e);
    uint8_t public_key[32];
    int has_public, rc;

    if (e == NULL)
        return fail(ctx, BIB_ERR_NO_MEMORY);
    if (version > UINT32_MAX) {
        sodium_free(e);
        return fail(ctx, BIB_ERR_TOO_LARGE);
    }
    new_key_id(e->id);
    e->kind = kind;
    e->status = BIB_KEY_ACTIVE;
    e->version = (uint32_t)version;
    e->created_at = now_unix_usec();
    memcpy(e->name, name, strlen(name) + 1);
    bib_key_generate(e->secret, public_key, &has_public, kind, NULL);
    rc = bib_ks_insert(ctx, ks, e, 1, version > 1 ? name : NULL);
    memcpy(id, e->id, BIB_KEY_IDBYTES);
    sodium_free(e);
    return rc;
}

void bib_sql_key_create(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_key_kind kind = BIB_KEY_AEAD;
    uint8_t id[BIB_KEY_IDBYTES];
    const char *name;
    bib_keystore *ks;
    bib_status st;
    int exists;

    if (bib_sqlite_any_null(argc, argv) || (name = bib_ks_name_arg(ctx, argv[0])) == NULL)
        return;
    if (argc == 2) {
        const char *kind_name = (const char *)sqlite3_value_text(argv[1]);
        if (kind_name == NULL) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        st = strlen(kind_name) == (size_t)sqlite3_value_bytes(argv[1])
                 ? bib_key_kind_from_name(&kind, kind_name)
                 : BIB_ERR_KEY_KIND_UNKNOWN;
        if (st != BIB_OK) {
            bib_sqlite_error(ctx, st);
            return;
        }
    }
    ks = bib_ks_begin(ctx);
    st = bib_ks_require_master(ks);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    if (bib_ks_ensure_table(ctx) != 0)
        return;
    exists = row_exists(ctx, "SELECT 1 FROM main.bib_keys WHERE name = ?1", name, -1, 1);
    if (exists != 0) {
        if (exists > 0)
            bib_sqlite_error(ctx, BIB_ERR_KEY_NAME_EXISTS);
        return;
    }
    if (store_new_version(ctx, ks, name, kind, 1, id) == 0)
        sqlite3_result_blob(ctx, id, BIB_KEY_IDBYTES, SQLITE_TRANSIENT);
}

void bib_sql_key_rotate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_key_kind kind = BIB_KEY_AEAD;
    uint8_t id[BIB_KEY_IDBYTES];
    const char *name;
    sqlite3_stmt *stmt;
    sqlite3_int64 version;
    bib_keystore *ks;
    bib_status st;
    int found;

    if (bib_sqlite_any_null(argc, argv) || (name = bib_ks_name_arg(ctx, argv[0])) == NULL)
        return;
    ks = bib_ks_begin(ctx);
    st = bib_ks_require_master(ks);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    /* The newest version gives the kind and the next number. */
    found = query_row(ctx, &stmt,
                      "SELECT kind, version FROM main.bib_keys WHERE name = ?1 "
                      "ORDER BY version DESC LIMIT 1",
                      name, -1, 1);
    if (found <= 0) {
        if (found == 0)
            bib_sqlite_error(ctx, BIB_ERR_KEY_NOT_FOUND);
        return;
    }
    st = bib_key_kind_from_name(&kind, (const char *)sqlite3_column_text(stmt, 0));
    version = sqlite3_column_int64(stmt, 1);
    sqlite3_finalize(stmt);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    if (store_new_version(ctx, ks, name, kind, version + 1, id) == 0)
        sqlite3_result_blob(ctx, id, BIB_KEY_IDBYTES, SQLITE_TRANSIENT);
}

void bib_sql_key_revoke(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_keystore *ks;
    sqlite3_stmt *stmt;
    bib_bytes id;
    int exists, rc;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 1, &id) != 0)
        return;
    ks = bib_ks_begin(ctx);
    exists = id.n == BIB_KEY_IDBYTES ? bib_ks_table_exists(ctx) : 0;
    if (exists <= 0) {
        if (exists == 0)
            bib_sqlite_error(ctx, BIB_ERR_KEY_NOT_FOUND);
        return;
    }
    stmt = bib_ks_prepare(ctx, "UPDATE main.bib_keys SET status = 'revoked' WHERE id = ?1");
    if (stmt == NULL)
        return;
    sqlite3_bind_blob(stmt, 1, id.p, (int)id.n, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        bib_ks_sqlite_error(ctx);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return;
    bib_ks_changed(ctx, ks);
    if (sqlite3_changes(sqlite3_context_db_handle(ctx)) == 0)
        bib_sqlite_error(ctx, BIB_ERR_KEY_NOT_FOUND);
}

void bib_sql_public_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *name;
    bib_ks_key *k;

    if (bib_sqlite_any_null(argc, argv) || (name = bib_ks_name_arg(ctx, argv[0])) == NULL)
        return;
    k = bib_ks_active(ctx, bib_ks_begin(ctx), name, NULL);
    if (k == NULL)
        return;
    if (k->kind == BIB_KEY_AEAD) {
        bib_sqlite_error(ctx, BIB_ERR_KEY_WRONG_KIND);
        return;
    }
    sqlite3_result_blob(ctx, k->public_key, sizeof k->public_key, SQLITE_TRANSIENT);
}

/* ---- encrypting and decrypting ------------------------------------------------ */

/* The active aead version of name; NULL after setting the error. */
static bib_ks_key *active_of_kind(sqlite3_context *ctx, bib_keystore *ks, const char *name,
                                  bib_key_kind kind, const bib_ks_key *keep)
{
    bib_ks_key *k = bib_ks_active(ctx, ks, name, keep);

    if (k != NULL && k->kind != kind) {
        bib_sqlite_error(ctx, BIB_ERR_KEY_WRONG_KIND);
        return NULL;
    }
    return k;
}

/* KEY mode under k; the result is set, or the error. */
static void encrypt_under(sqlite3_context *ctx, const bib_ks_key *k, bib_bytes data, bib_bytes ad)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    size_t size = bib_envelope_sealed_size(BIB_MODE_KEY, data.n);
    uint8_t *out;
    bib_status st;

    if (size == 0) {
        bib_sqlite_error(ctx, BIB_ERR_TOO_LARGE);
        return;
    }
    out = bib_sqlite_alloc(ctx, size);
    if (out == NULL)
        return;
    st = bib_envelope_encrypt_key(out, data.p, data.n, ad.p, ad.n, conn->aead, k->id, &k->schedule,
                                  NULL);
    if (st != BIB_OK) {
        sqlite3_free(out);
        bib_sqlite_error(ctx, st);
        return;
    }
    bib_sqlite_result_blob(ctx, out, size);
}

void bib_sql_encrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *name;
    bib_bytes data, ad;
    bib_ks_key *k;

    if (bib_sqlite_any_null(argc, argv) || (name = bib_ks_name_arg(ctx, argv[1])) == NULL ||
        bib_sqlite_bytes(ctx, argv[0], &data) != 0 || opt_ad(argc, argv, 2, &ad, ctx) == NULL)
        return;
    k = active_of_kind(ctx, bib_ks_begin(ctx), name, BIB_KEY_AEAD, NULL);
    if (k != NULL)
        encrypt_under(ctx, k, data, ad);
}

/* A stored key that may open an envelope: of the kind, not revoked. */
static int usable(sqlite3_context *ctx, const bib_ks_key *k, bib_key_kind kind)
{
    if (k == NULL)
        return 0;
    if (k->kind != kind)
        return fail(ctx, BIB_ERR_KEY_WRONG_KIND), 0;
    if (k->status == BIB_KEY_REVOKED)
        return fail(ctx, BIB_ERR_KEY_REVOKED), 0;
    return 1;
}

/* What opened an envelope: the names of its stored keys ("" for none). */
typedef struct opened {
    bib_envelope_header h;
    char sym_name[BIB_KEY_MAXNAMEBYTES + 1];
    char pub_name[BIB_KEY_MAXNAMEBYTES + 1];
} opened;

/*
 * Open env with the stored keys it names.  The plaintext (secret memory
 * from bib_sqlite_alloc) and its length, or NULL after setting the error.
 */
static uint8_t *open_stored(sqlite3_context *ctx, bib_bytes env, bib_bytes ad, size_t *out_len,
                            opened *o)
{
    bib_ks_key *sym = NULL, *pub = NULL;
    bib_keystore *ks;
    uint8_t *out;
    bib_status st;

    memset(o, 0, sizeof *o);
    st = bib_envelope_parse(&o->h, env.p, env.n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return NULL;
    }
    ks = bib_ks_begin(ctx);
    if (o->h.has_key_id &&
        !usable(ctx, sym = bib_ks_by_id(ctx, ks, o->h.key_id, NULL), BIB_KEY_AEAD))
        return NULL;
    if (o->h.has_recipient_id &&
        !usable(ctx, pub = bib_ks_by_recipient(ctx, ks, o->h.recipient_id, sym), BIB_KEY_X25519))
        return NULL;
    out = bib_sqlite_alloc(ctx, env.n);
    if (out == NULL)
        return NULL;
    switch (o->h.mode) {
    case BIB_MODE_KEY:
        st = bib_envelope_decrypt_key(out, out_len, env.p, env.n, ad.p, ad.n, &sym->schedule);
        break;
    case BIB_MODE_SEAL:
        st = bib_envelope_unseal(out, out_len, env.p, env.n, ad.p, ad.n, pub->secret,
                                 BIB_KEY_SECRETBYTES);
        break;
    case BIB_MODE_HYBRID:
        st = bib_envelope_decrypt_hybrid(out, out_len, env.p, env.n, ad.p, ad.n, sym->secret,
                                         BIB_KEY_SECRETBYTES, pub->secret, BIB_KEY_SECRETBYTES);
        break;
    }
    if (st != BIB_OK) {
        bib_sqlite_free_secret(out);
        bib_sqlite_error(ctx, st);
        return NULL;
    }
    if (sym != NULL)
        memcpy(o->sym_name, sym->name, sizeof o->sym_name);
    if (pub != NULL)
        memcpy(o->pub_name, pub->name, sizeof o->pub_name);
    return out;
}

/* bib_decrypt and bib_decrypt_text. */
static void decrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv, int as_text)
{
    bib_bytes env, ad;
    size_t len = 0;
    uint8_t *plain;
    opened o;

    if (bib_sqlite_any_null(argc, argv) || bib_sqlite_bytes(ctx, argv[0], &env) != 0 ||
        opt_ad(argc, argv, 1, &ad, ctx) == NULL)
        return;
    plain = open_stored(ctx, env, ad, &len, &o);
    if (plain == NULL)
        return;
    if (!as_text) {
        bib_sqlite_result_secret_blob(ctx, plain, len);
    } else if (bib_ks_utf8_valid(plain, len)) {
        bib_sqlite_result_secret_text(ctx, (char *)plain, len);
    } else {
        bib_sqlite_free_secret(plain);
        bib_sqlite_error(ctx, BIB_ERR_TEXT_NOT_UTF8);
    }
}

void bib_sql_decrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    decrypt(ctx, argc, argv, 0);
}

void bib_sql_decrypt_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    decrypt(ctx, argc, argv, 1);
}

void bib_sql_reencrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    bib_ks_key *sym = NULL, *pub = NULL;
    bib_bytes env, ad, plain;
    bib_keystore *ks;
    uint8_t *p, *out;
    size_t size;
    bib_status st = BIB_OK;
    opened o;

    if (bib_sqlite_any_null(argc, argv) || bib_sqlite_bytes(ctx, argv[0], &env) != 0 ||
        opt_ad(argc, argv, 1, &ad, ctx) == NULL)
        return;
    p = open_stored(ctx, env, ad, &plain.n, &o);
    if (p == NULL)
        return;
    plain.p = p;
    ks = bib_ks_begin(ctx);
    if (o.h.has_key_id)
        sym = active_of_kind(ctx, ks, o.sym_name, BIB_KEY_AEAD, NULL);
    if (o.h.has_recipient_id && (sym != NULL || !o.h.has_key_id))
        pub = active_of_kind(ctx, ks, o.pub_name, BIB_KEY_X25519, sym);
    if ((o.h.has_key_id && sym == NULL) || (o.h.has_recipient_id && pub == NULL)) {
        bib_sqlite_free_secret(p);
        return;
    }
    if (o.h.mode == BIB_MODE_KEY) {
        encrypt_under(ctx, sym, plain, ad);
        bib_sqlite_free_secret(p);
        return;
    }
    size = bib_envelope_sealed_size(o.h.mode, plain.n);
    out = size == 0 ? NULL : bib_sqlite_alloc(ctx, size);
    if (out == NULL) {
        bib_sqlite_free_secret(p);
        if (size == 0)
            bib_sqlite_error(ctx, BIB_ERR_TOO_LARGE);
        return;
    }
    if (o.h.mode == BIB_MODE_SEAL)
        st = bib_envelope_seal(out, plain.p, plain.n, ad.p, ad.n, conn->aead, pub->public_key,
                               sizeof pub->public_key, NULL);
    else
        st = bib_envelope_encrypt_hybrid(out, plain.p, plain.n, ad.p, ad.n, conn->aead, sym->id,
                                         sym->secret, BIB_KEY_SECRETBYTES, pub->public_key,
                                         sizeof pub->public_key, NULL);
    bib_sqlite_free_secret(p);
    if (st != BIB_OK) {
        sqlite3_free(out);
        bib_sqlite_error(ctx, st);
        return;
    }
    bib_sqlite_result_blob(ctx, out, size);
}

/* ---- export and import -------------------------------------------------------- */

#define ENTRIES_BYTES (sizeof(bib_keyblob_entry) * BIB_KEYBLOB_MAXENTRIES)

/* Every version of name, unwrapped into entries (secure memory); -1 after setting the error. */
static int read_versions(sqlite3_context *ctx, bib_keystore *ks, const char *name,
                         bib_keyblob_entry *entries, size_t *n)
{
    sqlite3_stmt *stmt;
    int rc = query_row(ctx, &stmt,
                       "SELECT id, kind, status, version, created_at, wrapped_secret "
                       "FROM main.bib_keys WHERE name = ?1 ORDER BY version",
                       name, -1, 1);
    bib_status st = BIB_OK;

    *n = 0;
    if (rc <= 0)
        return rc == 0 ? fail(ctx, BIB_ERR_KEY_NOT_FOUND) : -1;
    while (st == BIB_OK) {
        bib_keyblob_entry *e = &entries[*n];
        const uint8_t *id = sqlite3_column_blob(stmt, 0);
        const char *kind = (const char *)sqlite3_column_text(stmt, 1);
        const char *status = (const char *)sqlite3_column_text(stmt, 2);
        sqlite3_int64 version = sqlite3_column_int64(stmt, 3);
        const uint8_t *wrapped = sqlite3_column_blob(stmt, 5);

        if (*n == BIB_KEYBLOB_MAXENTRIES)
            st = BIB_ERR_TOO_LARGE;
        else if (id == NULL || sqlite3_column_bytes(stmt, 0) != BIB_KEY_IDBYTES || kind == NULL ||
                 status == NULL || version < 0 || version > UINT32_MAX ||
                 bib_key_kind_from_name(&e->kind, kind) != BIB_OK ||
                 bib_key_status_from_name(&e->status, status) != BIB_OK)
            st = BIB_ERR_KEY_NOT_IN_STORE;
        else
            st = bib_key_unwrap(e->secret, wrapped != NULL ? wrapped : bib_sqlite_no_bytes,
                                (size_t)sqlite3_column_bytes(stmt, 5), id, bib_ks_master(ks));
        if (st != BIB_OK)
            break;
        memcpy(e->id, id, BIB_KEY_IDBYTES);
        e->version = (uint32_t)version;
        e->created_at = sqlite3_column_int64(stmt, 4);
        memcpy(e->name, name, strlen(name) + 1);
        (*n)++;
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            bib_ks_sqlite_error(ctx);
            sqlite3_finalize(stmt);
            return -1;
        }
    }
    sqlite3_finalize(stmt);
    return st == BIB_OK ? 0 : fail(ctx, st);
}

void bib_sql_export_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    bib_keyblob_entry *entries = NULL;
    uint8_t *blob = NULL, *out = NULL;
    size_t n = 0, blob_len = 0, size = 0;
    const char *name;
    bib_bytes recipient;
    bib_keystore *ks;
    bib_status st;

    if (bib_sqlite_any_null(argc, argv) || (name = bib_ks_name_arg(ctx, argv[0])) == NULL ||
        bib_sqlite_bytes(ctx, argv[1], &recipient) != 0)
        return;
    ks = bib_ks_begin(ctx);
    st = bib_ks_require_master(ks);
    if (st == BIB_OK && (entries = sodium_malloc(ENTRIES_BYTES)) == NULL)
        st = BIB_ERR_NO_MEMORY;
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    if (read_versions(ctx, ks, name, entries, &n) != 0) {
        sodium_free(entries);
        return;
    }
    blob_len = bib_keyblob_size(entries, n);
    blob = sodium_malloc(blob_len);
    st = blob == NULL ? BIB_ERR_NO_MEMORY : bib_keyblob_write(blob, entries, n);
    sodium_free(entries);
    if (st == BIB_OK) {
        size = bib_envelope_sealed_size(BIB_MODE_SEAL, blob_len);
        out = bib_sqlite_alloc(ctx, size);
        if (out != NULL)
            st = bib_envelope_seal(out, blob, blob_len, (const uint8_t *)BIB_KEYBLOB_AD,
                                   strlen(BIB_KEYBLOB_AD), conn->aead, recipient.p, recipient.n,
                                   NULL);
    }
    sodium_free(blob);
    if (st != BIB_OK) {
        sqlite3_free(out);
        bib_sqlite_error(ctx, st);
        return;
    }
    if (out != NULL)
        bib_sqlite_result_blob(ctx, out, size);
}

/*
 * What a valid blob cannot hold even though each entry reads: an id twice,
 * a (name, version) twice, two active versions of one name.
 */
static bib_status check_consistent(const bib_keyblob_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (memcmp(e[i].id, e[j].id, BIB_KEY_IDBYTES) == 0 ||
                (strcmp(e[i].name, e[j].name) == 0 &&
                 (e[i].version == e[j].version ||
                  (e[i].status == BIB_KEY_ACTIVE && e[j].status == BIB_KEY_ACTIVE))))
                return BIB_ERR_KEYBLOB_FORMAT;
    return BIB_OK;
}

/* Refuse what is already stored: the same id, or the same name under other ids. */
static int check_not_stored(sqlite3_context *ctx, const bib_keyblob_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = row_exists(ctx, "SELECT 1 FROM main.bib_keys WHERE id = ?1", e[i].id,
                            BIB_KEY_IDBYTES, 0);
        if (rc > 0)
            return fail(ctx, BIB_ERR_KEY_ID_EXISTS);
        if (rc == 0)
            rc = row_exists(ctx, "SELECT 1 FROM main.bib_keys WHERE name = ?1", e[i].name, -1, 1);
        if (rc > 0)
            return fail(ctx, BIB_ERR_KEY_NAME_EXISTS);
        if (rc < 0)
            return -1;
    }
    return 0;
}

void bib_sql_import_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_keyblob_entry *entries = NULL;
    uint8_t *plain = NULL;
    size_t plain_len = 0, n = 0;
    bib_bytes arg[2];
    bib_keystore *ks;
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 2, arg) != 0)
        return;
    ks = bib_ks_begin(ctx);
    st = bib_ks_require_master(ks);
    if (st == BIB_OK) {
        plain = sodium_malloc(arg[0].n + 1);
        entries = sodium_malloc(ENTRIES_BYTES);
        if (plain == NULL || entries == NULL)
            st = BIB_ERR_NO_MEMORY;
    }
    if (st == BIB_OK)
        st = bib_envelope_unseal(plain, &plain_len, arg[0].p, arg[0].n,
                                 (const uint8_t *)BIB_KEYBLOB_AD, strlen(BIB_KEYBLOB_AD), arg[1].p,
                                 arg[1].n);
    if (st == BIB_OK)
        st = bib_keyblob_read(entries, &n, plain, plain_len);
    if (st == BIB_OK)
        st = check_consistent(entries, n);
    sodium_free(plain);
    if (st != BIB_OK)
        bib_sqlite_error(ctx, st);
    else if (bib_ks_ensure_table(ctx) == 0 && check_not_stored(ctx, entries, n) == 0 &&
             bib_ks_insert(ctx, ks, entries, n, NULL) == 0)
        sqlite3_result_int64(ctx, (sqlite3_int64)n);
    sodium_free(entries);
}
