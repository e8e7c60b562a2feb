/*
 * sqlite_keystore_store.c — the SQLite key store underneath the SQL
 * functions of sqlite_keystore.c: the connection's master key, the bib_keys
 * table, and a cache of unwrapped keys.
 *
 * Registers no SQL function.
 *
 * The table (created by the first bib_key_create or bib_import_key, never
 * at load, so that loading bib writes nothing):
 *
 *   main.bib_keys(id BLOB PRIMARY KEY        -- 16 bytes, RFC 4122 v4 layout
 *                 name TEXT, version INTEGER, kind TEXT, status TEXT,
 *                 created_at INTEGER         -- Unix time in microseconds
 *                 public_key BLOB            -- x25519 and ed25519 keys
 *                 recipient_id BLOB          -- x25519: the id SEAL/HYBRID envelopes carry
 *                 wrapped_secret BLOB)       -- KEY envelope under the master key, AD = id
 *   UNIQUE (name, version), at most one 'active' row per name.
 *
 * Cache.  Up to CACHE_SLOTS unwrapped keys live in the state's secure
 * memory.  A secret is reused only for the same (id, wrapped_secret) it
 * was unwrapped from, which the row read just now says, so reusing it is
 * always right.  What needs care is answering a lookup *without* reading
 * the row: the slot's metadata (name, status, active) is trusted only
 * within an "epoch", which ends when
 *   - the database's data version changes (SQLITE_FCNTL_DATA_VERSION: any
 *     commit, this connection's or another's, seen at its next statement);
 *   - this connection's key functions write bib_keys; the connection is then
 *     "dirty" until the transaction ends (a commit changes the data version,
 *     a rollback leaves no write transaction): until then every lookup reads
 *     its row, so a rolled-back rotation can never be used to encrypt;
 *   - a master key is loaded (which also forgets every secret).
 * Nor is anything trusted while main has no transaction open (the data
 * version is only brought up to date when one starts): the lookup reads.
 * Edits made to bib_keys by hand (UPDATE ... SET status) are seen once they
 * commit.
 */
#include "sqlite_keystore.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_SLOTS 16U

/* The columns every lookup reads, in this order. */
#define KEY_COLUMNS "id, name, kind, status, wrapped_secret"

struct bib_keystore {
    int has_master;
    uint8_t master[BIB_MASTER_KEYBYTES];
    bib_key_schedule master_schedule;
    unsigned epoch;    /* slots trusted in this epoch may answer without reading */
    unsigned epoch_dv; /* data version the epoch started at */
    int trust_now;     /* this call may use and grant trust */
    int dirty;         /* this connection wrote bib_keys in a transaction not yet over */
    unsigned dirty_dv; /* data version when it did */
    unsigned next_victim;
    bib_ks_key slot[CACHE_SLOTS];
};

bib_status bib_sqlite_keystore_new(bib_keystore **store)
{
    bib_keystore *ks = sodium_malloc(sizeof *ks);
    const char *path = getenv("BIB_MASTER_KEY_FILE");
    bib_status st = BIB_OK;

    *store = NULL;
    if (ks == NULL)
        return BIB_ERR_NO_MEMORY;
    sodium_memzero(ks, sizeof *ks);
    ks->epoch = 1;
    if (path != NULL && path[0] != '\0')
        st = bib_ks_load_master(ks, path);
    if (st != BIB_OK) {
        sodium_free(ks);
        return st;
    }
    *store = ks;
    return BIB_OK;
}

void bib_sqlite_keystore_free(bib_keystore *store)
{
    sodium_free(store); /* wipes */
}

bib_status bib_ks_require_master(const bib_keystore *ks)
{
    return ks->has_master ? BIB_OK : BIB_ERR_MASTER_KEY_NOT_CONFIGURED;
}

const bib_key_schedule *bib_ks_master(const bib_keystore *ks)
{
    return &ks->master_schedule;
}

bib_status bib_ks_load_master(bib_keystore *ks, const char *path)
{
    uint8_t *key = sodium_malloc(BIB_MASTER_KEYBYTES);
    bib_status st;

    if (key == NULL)
        return BIB_ERR_NO_MEMORY;
    st = bib_master_key_read_file(key, path, getuid());
    if (st == BIB_OK) {
        memcpy(ks->master, key, sizeof ks->master);
        bib_key_schedule_init(&ks->master_schedule, ks->master);
        ks->has_master = 1;
        /* Secrets unwrapped under the old key must not outlive it. */
        sodium_memzero(ks->slot, sizeof ks->slot);
        ks->epoch++;
    }
    sodium_free(key);
    return st;
}

static unsigned data_version(sqlite3 *db)
{
    unsigned dv = 0;

    (void)sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &dv);
    return dv;
}

bib_keystore *bib_ks_begin(sqlite3_context *ctx)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    bib_keystore *ks = conn->store;
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    unsigned dv = data_version(db);
    int txn = sqlite3_txn_state(db, "main");

    if (ks->dirty && (dv != ks->dirty_dv || txn != SQLITE_TXN_WRITE))
        ks->dirty = 0; /* the transaction is over; the epoch ends below or already has */
    if (dv != ks->epoch_dv) {
        ks->epoch++;
        ks->epoch_dv = dv;
    }
    ks->trust_now = !ks->dirty && txn != SQLITE_TXN_NONE;
    return ks;
}

void bib_ks_changed(sqlite3_context *ctx, bib_keystore *ks)
{
    ks->epoch++;
    ks->dirty = 1;
    ks->dirty_dv = data_version(sqlite3_context_db_handle(ctx));
    ks->trust_now = 0;
}

void bib_ks_sqlite_error(sqlite3_context *ctx)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);

    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
    sqlite3_result_error_code(ctx, sqlite3_extended_errcode(db));
}

sqlite3_stmt *bib_ks_prepare(sqlite3_context *ctx, const char *sql)
{
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(sqlite3_context_db_handle(ctx), sql, -1, &stmt, NULL) != SQLITE_OK) {
        bib_ks_sqlite_error(ctx);
        sqlite3_finalize(stmt);
        return NULL;
    }
    return stmt;
}

int bib_ks_exec(sqlite3_context *ctx, const char *sql)
{
    if (sqlite3_exec(sqlite3_context_db_handle(ctx), sql, NULL, NULL, NULL) != SQLITE_OK) {
        bib_ks_sqlite_error(ctx);
        return -1;
    }
    return 0;
}

int bib_ks_table_exists(sqlite3_context *ctx)
{
    sqlite3_stmt *stmt = bib_ks_prepare(
        ctx, "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'bib_keys'");
    int rc;

    if (stmt == NULL)
        return -1;
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        bib_ks_sqlite_error(ctx);
        sqlite3_finalize(stmt);
        return -1;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW;
}

int bib_ks_ensure_table(sqlite3_context *ctx)
{
    /* The CHECKs use only innocuous built-ins: the table works with trusted_schema=OFF. */
    static const char *ddl =
        "CREATE TABLE IF NOT EXISTS main.bib_keys (\n"
        "    id BLOB PRIMARY KEY CHECK (typeof(id) = 'blob' AND length(id) = 16),\n"
        "    name TEXT NOT NULL CHECK (typeof(name) = 'text'\n"
        "                              AND length(CAST(name AS BLOB)) BETWEEN 1 AND 63),\n"
        "    version INTEGER NOT NULL CHECK (typeof(version) = 'integer' AND version >= 0),\n"
        "    kind TEXT NOT NULL CHECK (kind IN ('aead', 'x25519', 'ed25519')),\n"
        "    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),\n"
        "    created_at INTEGER NOT NULL,\n"
        "    public_key BLOB,\n"
        "    recipient_id BLOB,\n"
        "    wrapped_secret BLOB NOT NULL,\n"
        "    UNIQUE (name, version)\n"
        ");\n"
        "CREATE UNIQUE INDEX IF NOT EXISTS main.bib_keys_one_active ON bib_keys (name)\n"
        "    WHERE status = 'active';\n"
        "CREATE INDEX IF NOT EXISTS main.bib_keys_recipient ON bib_keys (recipient_id);";

    return bib_ks_exec(ctx, ddl);
}

int bib_ks_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint32_t cp, min;

        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

const char *bib_ks_name_arg(sqlite3_context *ctx, sqlite3_value *value)
{
    const char *name = (const char *)sqlite3_value_text(value);
    size_t len = (size_t)sqlite3_value_bytes(value);
    bib_status st;

    if (name == NULL) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    st = bib_key_name_check(name, len);
    if (st == BIB_OK && !bib_ks_utf8_valid((const uint8_t *)name, len))
        st = BIB_ERR_KEY_NAME_INVALID;
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return NULL;
    }
    return name;
}

/* ---- the cache ------------------------------------------------------------ */

static int trusted(const bib_keystore *ks, const bib_ks_key *k)
{
    return ks->trust_now && k->used && k->trusted_epoch == ks->epoch;
}

/* The slot for id: the one holding it, else the next victim that is not `keep`. */
static bib_ks_key *slot_for(bib_keystore *ks, const uint8_t *id, const bib_ks_key *keep)
{
    bib_ks_key *k;

    for (unsigned i = 0; i < CACHE_SLOTS; i++)
        if (ks->slot[i].used && memcmp(ks->slot[i].id, id, BIB_KEY_IDBYTES) == 0)
            return &ks->slot[i];
    k = &ks->slot[ks->next_victim];
    ks->next_victim = (ks->next_victim + 1) % CACHE_SLOTS;
    if (k == keep) {
        k = &ks->slot[ks->next_victim];
        ks->next_victim = (ks->next_victim + 1) % CACHE_SLOTS;
    }
    return k;
}

/* Unwrap a row's secret into k and derive what the envelope functions need. */
static bib_status unwrap_into(bib_keystore *ks, bib_ks_key *k, const uint8_t *id,
                              const uint8_t *wrapped, size_t wrapped_len, bib_key_kind kind)
{
    int has_public = 0;
    bib_status st;

    sodium_memzero(k, sizeof *k);
    st = bib_key_unwrap(k->secret, wrapped, wrapped_len, id, &ks->master_schedule);
    if (st == BIB_OK)
        st = bib_key_public(k->public_key, &has_public, kind, k->secret);
    if (st != BIB_OK) {
        sodium_memzero(k, sizeof *k);
        return st;
    }
    if (kind == BIB_KEY_AEAD)
        bib_key_schedule_init(&k->schedule, k->secret);
    if (kind == BIB_KEY_X25519)
        bib_envelope_recipient_id(k->recipient_id, k->public_key);
    memcpy(k->id, id, BIB_KEY_IDBYTES);
    memcpy(k->wrapped, wrapped, BIB_KEY_WRAPPEDBYTES);
    k->kind = kind;
    k->used = 1;
    return BIB_OK;
}

/* The key of the row stmt is on (KEY_COLUMNS); NULL after setting the error. */
static bib_ks_key *key_from_row(sqlite3_context *ctx, bib_keystore *ks, sqlite3_stmt *stmt,
                                const bib_ks_key *keep)
{
    const uint8_t *id = sqlite3_column_blob(stmt, 0);
    const char *name = (const char *)sqlite3_column_text(stmt, 1);
    const char *kind_name = (const char *)sqlite3_column_text(stmt, 2);
    const char *status_name = (const char *)sqlite3_column_text(stmt, 3);
    const uint8_t *wrapped = sqlite3_column_blob(stmt, 4);
    size_t wrapped_len = (size_t)sqlite3_column_bytes(stmt, 4);
    bib_key_kind kind = BIB_KEY_AEAD;
    bib_key_status status = BIB_KEY_ACTIVE;
    bib_ks_key *k;
    bib_status st;

    /* The table's CHECKs make these hold; a file edited around them is refused, not trusted. */
    if (id == NULL || sqlite3_column_bytes(stmt, 0) != BIB_KEY_IDBYTES || name == NULL ||
        kind_name == NULL || status_name == NULL)
        st = BIB_ERR_KEY_NOT_IN_STORE;
    else if ((st = bib_key_kind_from_name(&kind, kind_name)) == BIB_OK &&
             bib_key_status_from_name(&status, status_name) != BIB_OK)
        st = BIB_ERR_KEY_NOT_IN_STORE;
    if (st == BIB_OK && bib_key_name_check(name, strlen(name)) != BIB_OK)
        st = BIB_ERR_KEY_NAME_INVALID;
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return NULL;
    }
    k = slot_for(ks, id, keep);
    if (!(k->used && k->kind == kind && wrapped != NULL && wrapped_len == BIB_KEY_WRAPPEDBYTES &&
          memcmp(k->wrapped, wrapped, BIB_KEY_WRAPPEDBYTES) == 0)) {
        st = unwrap_into(ks, k, id, wrapped != NULL ? wrapped : bib_sqlite_no_bytes, wrapped_len,
                         kind);
        if (st != BIB_OK) {
            bib_sqlite_error(ctx, st);
            return NULL;
        }
    }
    memcpy(k->name, name, strlen(name) + 1);
    k->status = status;
    k->trusted_epoch = ks->trust_now ? ks->epoch : 0;
    return k;
}

/*
 * Read the first row of sql (one blob or text parameter) into the cache.
 * *found = 0 when there is no row (or no table); NULL with *found = 1
 * after setting the error.
 */
static bib_ks_key *read_key(sqlite3_context *ctx, bib_keystore *ks, const char *sql,
                            const void *param, int param_len, int param_is_text,
                            const bib_ks_key *keep, int *found)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    sqlite3_stmt *stmt = NULL;
    bib_ks_key *k = NULL;
    int rc;

    *found = 1;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        /* No table yet is an empty store; any other failure is SQLite's to tell. */
        int code = sqlite3_extended_errcode(db), exists;
        char *msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));

        sqlite3_finalize(stmt);
        exists = bib_ks_table_exists(ctx);
        if (exists == 0) {
            *found = 0;
        } else if (exists > 0) {
            sqlite3_result_error(ctx, msg != NULL ? msg : "out of memory", -1);
            sqlite3_result_error_code(ctx, msg != NULL ? code : SQLITE_NOMEM);
        }
        sqlite3_free(msg);
        return NULL;
    }
    if (param_is_text)
        sqlite3_bind_text(stmt, 1, param, param_len, SQLITE_STATIC);
    else
        sqlite3_bind_blob(stmt, 1, param, param_len, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        k = key_from_row(ctx, ks, stmt, keep);
    else if (rc == SQLITE_DONE)
        *found = 0;
    else
        bib_ks_sqlite_error(ctx);
    sqlite3_finalize(stmt);
    return k;
}

static int master_ok(sqlite3_context *ctx, const bib_keystore *ks)
{
    bib_status st = bib_ks_require_master(ks);

    if (st != BIB_OK)
        bib_sqlite_error(ctx, st);
    return st == BIB_OK;
}

bib_ks_key *bib_ks_active(sqlite3_context *ctx, bib_keystore *ks, const char *name,
                          const bib_ks_key *keep)
{
    bib_ks_key *k;
    int found;

    if (!master_ok(ctx, ks))
        return NULL;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        k = &ks->slot[i];
        if (trusted(ks, k) && k->status == BIB_KEY_ACTIVE && strcmp(k->name, name) == 0)
            return k;
    }
    k = read_key(ctx, ks,
                 "SELECT " KEY_COLUMNS " FROM main.bib_keys WHERE name = ?1 AND status = 'active'",
                 name, -1, 1, keep, &found);
    if (k == NULL && !found) {
        /* No active version: a name with only revoked or retired ones is revoked. */
        k = read_key(ctx, ks, "SELECT " KEY_COLUMNS " FROM main.bib_keys WHERE name = ?1 LIMIT 1",
                     name, -1, 1, keep, &found);
        if (k != NULL || !found)
            bib_sqlite_error(ctx, k != NULL ? BIB_ERR_KEY_REVOKED : BIB_ERR_KEY_NOT_FOUND);
        return NULL;
    }
    return k;
}

bib_ks_key *bib_ks_by_id(sqlite3_context *ctx, bib_keystore *ks, const uint8_t *id,
                         const bib_ks_key *keep)
{
    bib_ks_key *k;
    int found;

    if (!master_ok(ctx, ks))
        return NULL;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        k = &ks->slot[i];
        if (trusted(ks, k) && memcmp(k->id, id, BIB_KEY_IDBYTES) == 0)
            return k;
    }
    k = read_key(ctx, ks, "SELECT " KEY_COLUMNS " FROM main.bib_keys WHERE id = ?1", id,
                 BIB_KEY_IDBYTES, 0, keep, &found);
    if (k == NULL && !found)
        bib_sqlite_error(ctx, BIB_ERR_KEY_NOT_IN_STORE);
    return k;
}

bib_ks_key *bib_ks_by_recipient(sqlite3_context *ctx, bib_keystore *ks, const uint8_t *rid,
                                const bib_ks_key *keep)
{
    bib_ks_key *k;
    int found;

    if (!master_ok(ctx, ks))
        return NULL;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        k = &ks->slot[i];
        if (trusted(ks, k) && k->kind == BIB_KEY_X25519 &&
            memcmp(k->recipient_id, rid, BIB_ENVELOPE_RECIPIENTIDBYTES) == 0)
            return k;
    }
    k = read_key(ctx, ks,
                 "SELECT " KEY_COLUMNS " FROM main.bib_keys WHERE recipient_id = ?1 "
                 "AND kind = 'x25519' ORDER BY version DESC LIMIT 1",
                 rid, BIB_ENVELOPE_RECIPIENTIDBYTES, 0, keep, &found);
    if (k == NULL && !found)
        bib_sqlite_error(ctx, BIB_ERR_KEY_NOT_IN_STORE);
    /* The row's recipient_id column is not what decides: the unwrapped key's own is. */
    if (k != NULL && memcmp(k->recipient_id, rid, BIB_ENVELOPE_RECIPIENTIDBYTES) != 0) {
        bib_sqlite_error(ctx, BIB_ERR_KEY_NOT_IN_STORE);
        return NULL;
    }
    return k;
}

/* ---- writing ---------------------------------------------------------------- */

/* The columns an insert writes, and the values of one row: ?1..?9 moved by `at`. */
#define INSERT_COLUMNS                                                                             \
    "id, name, version, kind, status, created_at, public_key, recipient_id, wrapped_secret"

int bib_ks_insert(sqlite3_context *ctx, bib_keystore *ks, const bib_keyblob_entry *rows, size_t n,
                  const char *retire_name)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    /* Per row: wrapped secret, public key, recipient id (none of them secret). */
    enum {
        ROW_BYTES = BIB_KEY_WRAPPEDBYTES + 32 + BIB_ENVELOPE_RECIPIENTIDBYTES
    };
    uint8_t *buf = sqlite3_malloc64(n * ROW_BYTES);
    sqlite3_str *sql = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    sqlite3_stmt *stmt = NULL;
    char *text;
    bib_status st = buf == NULL ? BIB_ERR_NO_MEMORY : BIB_OK;
    int rc = SQLITE_ERROR;

    /*
     * One statement, so that it is all or nothing even inside another
     * statement (where no SAVEPOINT may be opened).  A rotation retires the
     * active version in the same statement: its row is inserted again as
     * 'retired', which the upsert turns into an update of that row.
     */
    sqlite3_str_appendall(sql, "INSERT INTO main.bib_keys (" INSERT_COLUMNS ") ");
    if (retire_name != NULL)
        sqlite3_str_appendf(sql,
                            "SELECT id, name, version, kind, 'retired', created_at, public_key, "
                            "recipient_id, wrapped_secret FROM main.bib_keys "
                            "WHERE name = ?%d AND status = 'active' UNION ALL ",
                            (int)(9 * n + 1));
    sqlite3_str_appendall(sql, "VALUES ");
    for (size_t i = 0; i < n; i++) {
        int at = (int)(9 * i);
        sqlite3_str_appendf(sql, "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d)",
                            i > 0 ? ", " : "", at + 1, at + 2, at + 3, at + 4, at + 5, at + 6,
                            at + 7, at + 8, at + 9);
    }
    if (retire_name != NULL)
        sqlite3_str_appendall(sql, " ON CONFLICT (id) DO UPDATE SET status = excluded.status");
    text = sqlite3_str_finish(sql);
    if (text == NULL)
        st = BIB_ERR_NO_MEMORY;
    for (size_t i = 0; st == BIB_OK && i < n; i++) {
        uint8_t *wrapped = buf + i * ROW_BYTES, *pk = wrapped + BIB_KEY_WRAPPEDBYTES,
                *rid = pk + 32;
        int has_public = 0;

        st = bib_key_public(pk, &has_public, rows[i].kind, rows[i].secret);
        if (st == BIB_OK)
            st = bib_key_wrap(wrapped, rows[i].secret, rows[i].id, &ks->master_schedule, conn->aead,
                              NULL);
        if (rows[i].kind == BIB_KEY_X25519)
            bib_envelope_recipient_id(rid, pk);
    }
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
    } else if ((stmt = bib_ks_prepare(ctx, text)) != NULL) {
        for (size_t i = 0; i < n; i++) {
            const bib_keyblob_entry *e = &rows[i];
            const uint8_t *wrapped = buf + i * ROW_BYTES, *pk = wrapped + BIB_KEY_WRAPPEDBYTES;
            int at = (int)(9 * i);

            sqlite3_bind_blob(stmt, at + 1, e->id, BIB_KEY_IDBYTES, SQLITE_STATIC);
            sqlite3_bind_text(stmt, at + 2, e->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(stmt, at + 3, e->version);
            sqlite3_bind_text(stmt, at + 4, bib_key_kind_name(e->kind), -1, SQLITE_STATIC);
            sqlite3_bind_text(stmt, at + 5, bib_key_status_name(e->status), -1, SQLITE_STATIC);
            sqlite3_bind_int64(stmt, at + 6, e->created_at);
            if (e->kind != BIB_KEY_AEAD)
                sqlite3_bind_blob(stmt, at + 7, pk, 32, SQLITE_STATIC);
            if (e->kind == BIB_KEY_X25519)
                sqlite3_bind_blob(stmt, at + 8, pk + 32, BIB_ENVELOPE_RECIPIENTIDBYTES,
                                  SQLITE_STATIC);
            sqlite3_bind_blob(stmt, at + 9, wrapped, BIB_KEY_WRAPPEDBYTES, SQLITE_STATIC);
        }
        if (retire_name != NULL)
            sqlite3_bind_text(stmt, (int)(9 * n + 1), retire_name, -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt);
        if (rc != SQLITE_DONE)
            bib_ks_sqlite_error(ctx);
        sqlite3_finalize(stmt);
        bib_ks_changed(ctx, ks);
    }
    sqlite3_free(text);
    sqlite3_free(buf);
    return rc == SQLITE_DONE ? 0 : -1;
}
