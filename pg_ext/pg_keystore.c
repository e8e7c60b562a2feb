/*
 * pg_keystore.c — SQL functions of the key store (DESIGN §6).
 *
 *   bib.create_key(name, kind DEFAULT 'aead') → uuid
 *   bib.rotate_key(name) → uuid           new active version; the old one is retired
 *   bib.revoke_key(id uuid)               decryption under it fails from now on
 *   bib.encrypt(data, key_name, ad) / bib.encrypt_text(text, key_name, ad)
 *   bib.decrypt(envelope, ad) / bib.decrypt_text(envelope, ad)
 *                                         any mode; keys found by key_id / recipient_id
 *   bib.reencrypt(envelope, ad)           same plaintext, current version of the same key(s)
 *   bib.public_key(key_name) → bytea      public key of an x25519 or ed25519 key
 *   bib.sign(message, key_name) → bytea   Ed25519 signature by a stored key
 *   bib.export_key(name, recipient) → bytea        every version, sealed (superuser)
 *   bib.import_key(blob, secret_key) → int         versions imported (superuser)
 *
 * None is SECURITY DEFINER: EXECUTE on the function is the privilege, and
 * table access happens inside, as the table's owner, with a pinned
 * search_path (pg_keystore_cache.c).  Secrets are unwrapped only into the
 * secure arena and never returned, except by export_key, sealed.
 */
#include "pg_keystore.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(bib_create_key);
PG_FUNCTION_INFO_V1(bib_rotate_key);
PG_FUNCTION_INFO_V1(bib_revoke_key);
PG_FUNCTION_INFO_V1(bib_encrypt);
PG_FUNCTION_INFO_V1(bib_encrypt_text);
PG_FUNCTION_INFO_V1(bib_decrypt);
PG_FUNCTION_INFO_V1(bib_decrypt_text);
PG_FUNCTION_INFO_V1(bib_reencrypt);
PG_FUNCTION_INFO_V1(bib_public_key);
PG_FUNCTION_INFO_V1(bib_sign_stored);
PG_FUNCTION_INFO_V1(bib_export_key);
PG_FUNCTION_INFO_V1(bib_import_key);

/* Added to a PostgreSQL timestamp (epoch 2000) it gives Unix microseconds, the export format's. */
#define PG_TO_UNIX_USECS ((int64)(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

#define BYTES(b) ((const uint8_t *)VARDATA_ANY(b))
#define LEN(b) ((size_t)VARSIZE_ANY_EXHDR(b))

static void require_kind(const bib_stored_key *key, bib_key_kind kind)
{
    if (key->kind != kind)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_WRONG_KIND)),
                        errdetail("Key \"%s\" is of kind %s; this needs %s.", key->name,
                                  bib_key_kind_name(key->kind), bib_key_kind_name(kind)),
                        errhint("%s", bib_status_hint(BIB_ERR_KEY_WRONG_KIND))));
}

static void require_not_revoked(const bib_stored_key *key)
{
    if (key->status == BIB_KEY_REVOKED)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_REVOKED)),
                        errdetail("Key \"%s\" version %d was revoked.", key->name, key->version)));
}

static char *name_arg(FunctionCallInfo fcinfo, int n)
{
    char *name = text_to_cstring(PG_GETARG_TEXT_PP(n));

    bib_pg_check(bib_key_name_check(name, strlen(name)));
    return name;
}

/* ---- encrypting by name: the hot path ------------------------------------ */

/* Per call site: the last name looked up and its key, valid within one cache generation. */
typedef struct name_memo {
    uint32 generation;
    char name[BIB_KEY_MAXNAMEBYTES + 1];
    bib_stored_key *key;
} name_memo;

static bib_stored_key *active_aead(FunctionCallInfo fcinfo, text *name)
{
    name_memo *memo = fcinfo->flinfo->fn_extra;
    size_t len = VARSIZE_ANY_EXHDR(name);

    if (memo != NULL && memo->generation == bib_keystore_generation &&
        strlen(memo->name) == len && memcmp(memo->name, VARDATA_ANY(name), len) == 0)
        return memo->key;
    if (memo == NULL) {
        memo = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof *memo);
        fcinfo->flinfo->fn_extra = memo;
    }
    bib_pg_check(bib_key_name_check(VARDATA_ANY(name), len));
    memcpy(memo->name, VARDATA_ANY(name), len);
    memo->name[len] = '\0';
    memo->key = bib_keystore_active(memo->name, false);
    require_kind(memo->key, BIB_KEY_AEAD);
    /* unwrap now, so that a generation change during it is caught below */
    (void)bib_keystore_schedule(memo->key);
    memo->generation = bib_keystore_generation;
    return memo->key;
}

static bytea *encrypt_under(bib_stored_key *key, const uint8_t *data, size_t len, bytea *ad)
{
    size_t size = bib_envelope_sealed_size(BIB_MODE_KEY, len);
    bytea *out;

    if (size == 0)
        bib_pg_raise(BIB_ERR_TOO_LARGE);
    out = bib_pg_bytea_alloc(size);
    bib_pg_check(bib_envelope_encrypt_key((uint8_t *)VARDATA(out), data, len, BYTES(ad), LEN(ad),
                                          (bib_aead)bib_pg_aead, key->id.data,
                                          bib_keystore_schedule(key), NULL));
    return out;
}

Datum bib_encrypt(PG_FUNCTION_ARGS)
{
    bytea *data = PG_GETARG_BYTEA_PP(0);
    bib_stored_key *key = active_aead(fcinfo, PG_GETARG_TEXT_PP(1));

    PG_RETURN_BYTEA_P(encrypt_under(key, BYTES(data), LEN(data), PG_GETARG_BYTEA_PP(2)));
}

/* Text is encrypted as UTF-8 whatever the database encoding, so envelopes travel. */
Datum bib_encrypt_text(PG_FUNCTION_ARGS)
{
    text *data = PG_GETARG_TEXT_PP(0);
    bib_stored_key *key = active_aead(fcinfo, PG_GETARG_TEXT_PP(1));
    char *utf8 = pg_server_to_any(VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data), PG_UTF8);
    size_t len = utf8 == VARDATA_ANY(data) ? VARSIZE_ANY_EXHDR(data) : strlen(utf8);

    PG_RETURN_BYTEA_P(encrypt_under(key, (const uint8_t *)utf8, len, PG_GETARG_BYTEA_PP(2)));
}

/* ---- opening ------------------------------------------------------------ */

static bib_stored_key *stored_by_id(const uint8_t *id, bib_key_kind kind)
{
    bib_stored_key *key = bib_keystore_by_id(id);

    if (key == NULL)
        bib_pg_raise(BIB_ERR_KEY_NOT_IN_STORE);
    require_kind(key, kind);
    require_not_revoked(key);
    return key;
}

static bib_stored_key *stored_by_recipient(const uint8_t *rid)
{
    bib_stored_key *key = bib_keystore_by_recipient(rid);

    if (key == NULL)
        bib_pg_raise(BIB_ERR_KEY_NOT_IN_STORE);
    require_not_revoked(key);
    return key;
}

/* Open env with the stored key(s) it names; *h receives its header. */
static bytea *open_stored(bytea *env, bytea *ad, bib_envelope_header *h)
{
    bytea *out = bib_pg_bytea_alloc(LEN(env));
    size_t out_len = 0;
    bib_status st;

    bib_pg_check(bib_envelope_parse(h, BYTES(env), LEN(env)));
    switch (h->mode) {
    case BIB_MODE_KEY:
        st = bib_envelope_decrypt_key((uint8_t *)VARDATA(out), &out_len, BYTES(env), LEN(env),
                                      BYTES(ad), LEN(ad),
                                      bib_keystore_schedule(stored_by_id(h->key_id, BIB_KEY_AEAD)));
        break;
    case BIB_MODE_SEAL:
        st = bib_envelope_unseal((uint8_t *)VARDATA(out), &out_len, BYTES(env), LEN(env),
                                 BYTES(ad), LEN(ad),
                                 bib_keystore_secret(stored_by_recipient(h->recipient_id)),
                                 BIB_KEY_SECRETBYTES);
        break;
    default: {
        uint8_t key[BIB_KEY_SECRETBYTES];

        /* Copied: the second lookup may recycle the arena slot of the first. */
        memcpy(key, bib_keystore_secret(stored_by_id(h->key_id, BIB_KEY_AEAD)), sizeof key);
        st = bib_envelope_decrypt_hybrid(
            (uint8_t *)VARDATA(out), &out_len, BYTES(env), LEN(env), BYTES(ad), LEN(ad), key,
            sizeof key, bib_keystore_secret(stored_by_recipient(h->recipient_id)),
            BIB_KEY_SECRETBYTES);
        explicit_bzero(key, sizeof key);
        break;
    }
    }
    bib_pg_check(st);
    SET_VARSIZE(out, VARHDRSZ + out_len);
    return out;
}

Datum bib_decrypt(PG_FUNCTION_ARGS)
{
    bib_envelope_header h;

    PG_RETURN_BYTEA_P(open_stored(PG_GETARG_BYTEA_PP(0), PG_GETARG_BYTEA_PP(1), &h));
}

Datum bib_decrypt_text(PG_FUNCTION_ARGS)
{
    bib_envelope_header h;
    bytea *plain = open_stored(PG_GETARG_BYTEA_PP(0), PG_GETARG_BYTEA_PP(1), &h);
    const char *utf8 = VARDATA(plain);
    int len = (int)VARSIZE(plain) - VARHDRSZ;
    char *server;

    if (!pg_verify_mbstr(PG_UTF8, utf8, len, true))
        bib_pg_raise(BIB_ERR_TEXT_NOT_UTF8);
    server = pg_any_to_server(utf8, len, PG_UTF8);
    PG_RETURN_TEXT_P(server == utf8 ? cstring_to_text_with_len(utf8, len) : cstring_to_text(server));
}

/* The same plaintext under the active version(s) of the key(s) that opened it. */
Datum bib_reencrypt(PG_FUNCTION_ARGS)
{
    bytea *ad = PG_GETARG_BYTEA_PP(1);
    bib_envelope_header h;
    bytea *plain = open_stored(PG_GETARG_BYTEA_PP(0), ad, &h);
    size_t len = VARSIZE(plain) - VARHDRSZ;
    bib_stored_key *sym = NULL, *pub = NULL;
    bytea *out;

    if (h.has_key_id)
        sym = bib_keystore_active(bib_keystore_by_id(h.key_id)->name, false);
    if (h.has_recipient_id)
        pub = bib_keystore_active(bib_keystore_by_recipient(h.recipient_id)->name, false);
    if (h.mode == BIB_MODE_KEY) {
        out = encrypt_under(sym, (const uint8_t *)VARDATA(plain), len, ad);
    } else {
        out = bib_pg_bytea_alloc(bib_envelope_sealed_size(h.mode, len));
        if (h.mode == BIB_MODE_SEAL)
            bib_pg_check(bib_envelope_seal((uint8_t *)VARDATA(out), (const uint8_t *)VARDATA(plain),
                                           len, BYTES(ad), LEN(ad), (bib_aead)bib_pg_aead,
                                           pub->public_key, sizeof pub->public_key, NULL));
        else
            bib_pg_check(bib_envelope_encrypt_hybrid(
                (uint8_t *)VARDATA(out), (const uint8_t *)VARDATA(plain), len, BYTES(ad), LEN(ad),
                (bib_aead)bib_pg_aead, sym->id.data, bib_keystore_secret(sym),
                BIB_KEY_SECRETBYTES, pub->public_key, sizeof pub->public_key, NULL));
    }
    explicit_bzero(VARDATA(plain), len);
    PG_RETURN_BYTEA_P(out);
}

Datum bib_public_key(PG_FUNCTION_ARGS)
{
    bib_stored_key *key = bib_keystore_active(name_arg(fcinfo, 0), false);
    bytea *out;

    if (!key->has_public)
        require_kind(key, BIB_KEY_X25519);
    out = bib_pg_bytea_alloc(sizeof key->public_key);
    memcpy(VARDATA(out), key->public_key, sizeof key->public_key);
    PG_RETURN_BYTEA_P(out);
}

Datum bib_sign_stored(PG_FUNCTION_ARGS)
{
    bytea *msg = PG_GETARG_BYTEA_PP(0);
    bib_stored_key *key = bib_keystore_active(name_arg(fcinfo, 1), false);
    bytea *out = bib_pg_bytea_alloc(BIB_ED25519_SIGNATUREBYTES);

    require_kind(key, BIB_KEY_ED25519);
    bib_pg_check(bib_ed25519_sign((uint8_t *)VARDATA(out), BYTES(msg), LEN(msg),
                                  bib_keystore_secret(key), BIB_KEY_SECRETBYTES));
    PG_RETURN_BYTEA_P(out);
}

/* ---- writing the store ---------------------------------------------------- */

static Datum uuid_datum(const uint8_t *id)
{
    pg_uuid_t *u = palloc(sizeof *u);

    memcpy(u->data, id, UUID_LEN);
    return UUIDPGetDatum(u);
}

static Datum bytes_datum(const uint8_t *p, size_t len)
{
    bytea *b = bib_pg_bytea_alloc(len);

    memcpy(VARDATA(b), p, len);
    return PointerGetDatum(b);
}

/* Insert one version: the secret is wrapped here and forgotten by the caller. */
static void insert_version(const uint8_t id[BIB_KEY_IDBYTES], const char *name, int32 version,
                           bib_key_kind kind, bib_key_status status, const uint8_t *secret,
                           TimestampTz created_at)
{
    static const char *sql =
        "INSERT INTO bib.key_store (id, name, version, kind, status, created_at, public_key, "
        "wrapped_secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    Oid types[8] = {UUIDOID, TEXTOID, INT4OID, TEXTOID, TEXTOID, TIMESTAMPTZOID, BYTEAOID, BYTEAOID};
    Datum values[8];
    char nulls[8] = "        ";
    uint8_t wrapped[BIB_KEY_WRAPPEDBYTES];
    uint8_t public_key[32];
    int has_public;

    bib_pg_check(bib_key_public(public_key, &has_public, kind, secret));
    bib_pg_check(bib_key_wrap(wrapped, secret, id, bib_pg_master_key(), (bib_aead)bib_pg_aead, NULL));
    values[0] = uuid_datum(id);
    values[1] = CStringGetTextDatum(name);
    values[2] = Int32GetDatum(version);
    values[3] = CStringGetTextDatum(bib_key_kind_name(kind));
    values[4] = CStringGetTextDatum(bib_key_status_name(status));
    values[5] = TimestampTzGetDatum(created_at);
    values[6] = has_public ? bytes_datum(public_key, sizeof public_key) : (Datum)0;
    nulls[6] = has_public ? ' ' : 'n';
    values[7] = bytes_datum(wrapped, sizeof wrapped);
    if (SPI_execute_with_args(sql, 8, types, values, nulls, false, 0) != SPI_OK_INSERT)
        elog(ERROR, "bib: inserting into bib.key_store failed");
}

/* A random RFC 4122 version-4 UUID. */
static void new_key_id(uint8_t id[BIB_KEY_IDBYTES])
{
    bib_random_bytes(id, BIB_KEY_IDBYTES);
    id[6] = (uint8_t)((id[6] & 0x0F) | 0x40);
    id[8] = (uint8_t)((id[8] & 0x3F) | 0x80);
}

/* Generate a secret of kind and store it as version `version` of name. */
static Datum store_new_version(const char *name, bib_key_kind kind, int32 version)
{
    uint8_t *secret = sodium_malloc(BIB_KEY_SECRETBYTES);
    uint8_t public_key[32];
    uint8_t id[BIB_KEY_IDBYTES];
    int has_public;

    if (secret == NULL)
        bib_pg_raise(BIB_ERR_NO_MEMORY);
    new_key_id(id);
    bib_key_generate(secret, public_key, &has_public, kind, NULL);
    PG_TRY();
    {
        insert_version(id, name, version, kind, BIB_KEY_ACTIVE, secret, GetCurrentTimestamp());
    }
    PG_FINALLY();
    {
        sodium_free(secret);
    }
    PG_END_TRY();
    return uuid_datum(id);
}

Datum bib_create_key(PG_FUNCTION_ARGS)
{
    char *name = name_arg(fcinfo, 0);
    char *kind_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
    bib_keystore_owner_state owner;
    bib_key_kind kind;
    Datum id;

    bib_pg_check(bib_key_kind_from_name(&kind, kind_name));
    (void)bib_pg_master_key();
    if (bib_keystore_name_exists(name))
        ereport(ERROR, (errcode(ERRCODE_DUPLICATE_OBJECT),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_NAME_EXISTS)),
                        errdetail("Key \"%s\" exists.", name),
                        errhint("%s", bib_status_hint(BIB_ERR_KEY_NAME_EXISTS))));
    bib_keystore_as_owner_begin(&owner);
    id = store_new_version(name, kind, 1);
    bib_keystore_as_owner_end(&owner);
    PG_RETURN_DATUM(id);
}

Datum bib_rotate_key(PG_FUNCTION_ARGS)
{
    static const char *lock_sql =
        "SELECT kind, version FROM bib.key_store WHERE name OPERATOR(pg_catalog.=) $1 FOR UPDATE";
    static const char *retire_sql = "UPDATE bib.key_store SET status = 'retired' "
                                    "WHERE name OPERATOR(pg_catalog.=) $1 "
                                    "AND status OPERATOR(pg_catalog.=) 'active'";
    char *name = name_arg(fcinfo, 0);
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(name)};
    bib_keystore_owner_state owner;
    bib_key_kind kind = BIB_KEY_AEAD;
    int32 version = 0;
    Datum id;

    (void)bib_pg_master_key();
    bib_keystore_as_owner_begin(&owner);
    if (SPI_execute_with_args(lock_sql, 1, types, values, NULL, false, 0) != SPI_OK_SELECT)
        elog(ERROR, "bib: reading bib.key_store failed");
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_NOT_FOUND)),
                        errdetail("No key is named \"%s\".", name),
                        errhint("%s", bib_status_hint(BIB_ERR_KEY_NOT_FOUND))));
    for (uint64 i = 0; i < SPI_processed; i++) {
        bool isnull;
        int32 v = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2,
                                              &isnull));
        if (v > version) {
            version = v;
            bib_pg_check(bib_key_kind_from_name(
                &kind, TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[i],
                                                         SPI_tuptable->tupdesc, 1, &isnull))));
        }
    }
    if (SPI_execute_with_args(retire_sql, 1, types, values, NULL, false, 0) != SPI_OK_UPDATE)
        elog(ERROR, "bib: updating bib.key_store failed");
    id = store_new_version(name, kind, version + 1);
    bib_keystore_as_owner_end(&owner);
    PG_RETURN_DATUM(id);
}

Datum bib_revoke_key(PG_FUNCTION_ARGS)
{
    static const char *sql = "UPDATE bib.key_store SET status = 'revoked' "
                             "WHERE id OPERATOR(pg_catalog.=) $1";
    Oid types[1] = {UUIDOID};
    Datum values[1] = {PG_GETARG_DATUM(0)};
    bib_keystore_owner_state owner;
    uint64 changed;

    bib_keystore_as_owner_begin(&owner);
    if (SPI_execute_with_args(sql, 1, types, values, NULL, false, 0) != SPI_OK_UPDATE)
        elog(ERROR, "bib: updating bib.key_store failed");
    changed = SPI_processed;
    bib_keystore_as_owner_end(&owner);
    if (changed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                        errmsg("%s", bib_status_message(BIB_ERR_KEY_NOT_FOUND)),
                        errdetail("No key has id %s.",
                                  DatumGetCString(DirectFunctionCall1(uuid_out, values[0])))));
    PG_RETURN_VOID();
}

static void require_superuser(const char *what)
{
    if (!superuser())
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("bib: only a superuser may %s", what)));
}

/* Every version of a key, sealed to recipient (export format v1, bib_keystore.h). */
Datum bib_export_key(PG_FUNCTION_ARGS)
{
    char *name = name_arg(fcinfo, 0);
    bytea *recipient = PG_GETARG_BYTEA_PP(1);
    List *versions = NIL;
    bib_keyblob_entry *entries;
    uint8_t *blob;
    size_t n = 0, blob_len;
    ListCell *lc;
    bytea *out;
    bib_status st;

    require_superuser("export keys");
    (void)bib_keystore_active(name, true);
    bib_keystore_versions(name, &versions);
    if (versions == NIL)
        bib_pg_raise(BIB_ERR_KEY_NOT_FOUND);
    if (list_length(versions) > (int)BIB_KEYBLOB_MAXENTRIES)
        bib_pg_raise(BIB_ERR_TOO_LARGE);
    entries = sodium_malloc(sizeof(bib_keyblob_entry) * BIB_KEYBLOB_MAXENTRIES);
    if (entries == NULL)
        bib_pg_raise(BIB_ERR_NO_MEMORY);
    foreach (lc, versions) {
        bib_stored_key *key = lfirst(lc);
        bib_keyblob_entry *e = &entries[n++];

        memcpy(e->id, key->id.data, BIB_KEY_IDBYTES);
        e->kind = key->kind;
        e->status = key->status;
        e->version = (uint32)key->version;
        e->created_at = key->created_at + PG_TO_UNIX_USECS;
        strlcpy(e->name, key->name, sizeof e->name);
        memcpy(e->secret, bib_keystore_secret(key), BIB_KEY_SECRETBYTES);
    }
    blob_len = bib_keyblob_size(entries, n);
    blob = sodium_malloc(blob_len);
    st = blob == NULL ? BIB_ERR_NO_MEMORY : bib_keyblob_write(blob, entries, n);
    sodium_free(entries);
    if (st == BIB_OK) {
        out = bib_pg_bytea_alloc(bib_envelope_sealed_size(BIB_MODE_SEAL, blob_len));
        st = bib_envelope_seal((uint8_t *)VARDATA(out), blob, blob_len,
                               (const uint8_t *)BIB_KEYBLOB_AD, strlen(BIB_KEYBLOB_AD),
                               (bib_aead)bib_pg_aead, BYTES(recipient), LEN(recipient), NULL);
    }
    sodium_free(blob);
    bib_pg_check(st);
    PG_RETURN_BYTEA_P(out);
}

/* Store every version of an exported key under this server's master key. */
Datum bib_import_key(PG_FUNCTION_ARGS)
{
    bytea *blob = PG_GETARG_BYTEA_PP(0);
    bytea *sk = PG_GETARG_BYTEA_PP(1);
    bib_keyblob_entry *entries;
    uint8_t *plain;
    size_t plain_len = 0, n = 0;
    bib_keystore_owner_state owner;
    bib_status st;

    require_superuser("import keys");
    (void)bib_pg_master_key();
    plain = sodium_malloc(LEN(blob) + 1);
    entries = sodium_malloc(sizeof(bib_keyblob_entry) * BIB_KEYBLOB_MAXENTRIES);
    if (plain == NULL || entries == NULL) {
        sodium_free(plain);
        sodium_free(entries);
        bib_pg_raise(BIB_ERR_NO_MEMORY);
    }
    st = bib_envelope_unseal(plain, &plain_len, BYTES(blob), LEN(blob),
                             (const uint8_t *)BIB_KEYBLOB_AD, strlen(BIB_KEYBLOB_AD), BYTES(sk),
                             LEN(sk));
    if (st == BIB_OK)
        st = bib_keyblob_read(entries, &n, plain, plain_len);
    sodium_free(plain);
    for (size_t i = 0; st == BIB_OK && i < n; i++) {
        bib_stored_key *same_id = bib_keystore_by_id(entries[i].id);
        if (same_id != NULL)
            st = BIB_ERR_KEY_ID_EXISTS;
        else if (bib_keystore_name_exists(entries[i].name))
            st = BIB_ERR_KEY_NAME_EXISTS;
    }
    if (st != BIB_OK) {
        sodium_free(entries);
        bib_pg_raise(st);
    }
    PG_TRY();
    {
        bib_keystore_as_owner_begin(&owner);
        for (size_t i = 0; i < n; i++)
            insert_version(entries[i].id, entries[i].name, (int32)entries[i].version,
                           entries[i].kind, entries[i].status, entries[i].secret,
                           entries[i].created_at - PG_TO_UNIX_USECS);
        bib_keystore_as_owner_end(&owner);
    }
    PG_FINALLY();
    {
        sodium_free(entries);
    }
    PG_END_TRY();
    PG_RETURN_INT32((int32)n);
}
