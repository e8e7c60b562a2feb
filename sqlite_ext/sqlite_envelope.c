/*
 * sqlite_envelope.c — envelope format v1 with caller-supplied keys.
 *
 * Byte-string arguments take BLOBs (or TEXT as its UTF-8 bytes, see
 * sqlite_values.c).  Any NULL argument gives NULL.  `ad` (associated data)
 * defaults to zero bytes; decryption needs the same ad as encryption.
 * Envelopes are written with the AEAD that bib_aead() selects for the
 * connection (default aes256gcm); decryption reads the AEAD from the
 * envelope.  Keys are checked by the core: a key of the wrong length fails
 * with "bib: key must be 32 bytes" (or public key / secret key), a damaged
 * or altered envelope with the message for its defect, e.g.
 * "bib: envelope is too short", "bib: envelope authentication failed".
 * No plaintext byte is returned unless the envelope authenticates.
 * Without AES-NI, making or opening an aes256gcm envelope fails with
 * "bib: AES-256-GCM is not available on this CPU (no AES-NI)"; switch the
 * connection with bib_aead('xchacha20poly1305').
 *
 * All but bib_envelope_info are SQLITE_DIRECTONLY: top-level SQL may call
 * them, a view, trigger or other schema object may not.  bib_envelope_info
 * touches no key and is SQLITE_INNOCUOUS, usable even under
 * PRAGMA trusted_schema=OFF.
 *
 * bib_encrypt_raw(data BLOB, key BLOB [, ad BLOB]) -> BLOB
 *     KEY mode under a 32-byte symmetric key; the envelope carries the
 *     key's fingerprint as key_id.  72 bytes longer than data.
 *       SELECT bib_encrypt_raw(CAST('secret' AS BLOB), :key, CAST('row 42' AS BLOB));
 *
 * bib_decrypt_raw(envelope BLOB, key BLOB [, ad BLOB]) -> BLOB
 *     Opens a KEY envelope.
 *       SELECT bib_decrypt_raw(bib_encrypt_raw(x'00ff', zeroblob(32)), zeroblob(32));  -- x'00FF'
 *
 * bib_seal(data BLOB, public_key BLOB [, ad BLOB]) -> BLOB
 *     SEAL mode to a 32-byte X25519 public key (anyone can seal, only the
 *     holder of the secret key opens).  Small-order public keys are refused
 *     ("bib: X25519 key has small order ...").  72 bytes longer than data.
 *       SELECT bib_seal(CAST('for bob' AS BLOB), bib_x25519_public(:bob_secret));
 *
 * bib_unseal_raw(envelope BLOB, secret_key BLOB [, ad BLOB]) -> BLOB
 *     Opens a SEAL envelope with the recipient's 32-byte X25519 secret key.
 *       SELECT bib_unseal_raw(bib_seal(x'2a', bib_x25519_public(:sk)), :sk);  -- x'2A'
 *
 * bib_encrypt_hybrid_raw(data BLOB, key BLOB, public_key BLOB [, ad BLOB]) -> BLOB
 *     HYBRID mode: opening needs both the 32-byte symmetric key and the
 *     secret key of the X25519 public key.  88 bytes longer than data.
 *       SELECT bib_encrypt_hybrid_raw(x'2a', :key, bib_x25519_public(:sk));
 *
 * bib_decrypt_hybrid_raw(envelope BLOB, key BLOB, secret_key BLOB [, ad BLOB]) -> BLOB
 *     Opens a HYBRID envelope.
 *       SELECT bib_decrypt_hybrid_raw(:envelope, :key, :sk);
 *
 * bib_envelope_info(envelope BLOB) -> TEXT
 *     The envelope's header as a JSON object, without any key; fields a
 *     mode lacks are null.  key_id and recipient_id are lowercase hex.
 *     Fails on a malformed header with the same messages as decryption.
 *       SELECT bib_envelope_info(bib_encrypt_raw(x'', zeroblob(32)));
 *       -- {"version":1,"mode":"KEY","aead":"aes256gcm",
 *       --  "key_id":"<32 hex digits>","recipient_id":null,"overhead":72}  (one line)
 *       SELECT bib_envelope_info(e) ->> '$.mode' FROM t;   -- KEY, SEAL or HYBRID
 */
#include "bib_sqlite.h"

#include <sodium.h>
#include <stdio.h>

/*
 * The arguments of every envelope function: the input (data or envelope),
 * one key (KEY, SEAL) or two (HYBRID), then the optional ad.  Returns 0
 * with them read, or 1 when the result is already decided (see
 * bib_sqlite_read_bytes).
 */
static int read_args(sqlite3_context *ctx, int argc, sqlite3_value **argv, bib_mode mode,
                     bib_bytes *in, bib_bytes key[2], bib_bytes *ad)
{
    int nkeys = mode == BIB_MODE_HYBRID ? 2 : 1;
    bib_bytes arg[4];

    if (bib_sqlite_read_bytes(ctx, argc, argv, argc, arg) != 0)
        return 1;
    *in = arg[0];
    key[0] = arg[1];
    key[1] = arg[nkeys];
    ad->p = bib_sqlite_no_bytes;
    ad->n = 0;
    if (argc > 1 + nkeys)
        *ad = arg[1 + nkeys];
    return 0;
}

/* bib_encrypt_raw, bib_seal, bib_encrypt_hybrid_raw: the mode decides the keys. */
static void encrypt_envelope(sqlite3_context *ctx, int argc, sqlite3_value **argv, bib_mode mode)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    bib_bytes data, key[2], ad;
    const bib_key_schedule *schedule = NULL;
    size_t size;
    uint8_t *out;
    bib_status st = BIB_OK;

    if (read_args(ctx, argc, argv, mode, &data, key, &ad) != 0)
        return;
    if (mode == BIB_MODE_KEY)
        st = bib_key_cache_get(&schedule, conn->keys, key[0].p, key[0].n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    /* 0 is the core's way of saying the plaintext is over its limit. */
    size = bib_envelope_sealed_size(mode, data.n);
    if (size == 0) {
        bib_sqlite_error(ctx, BIB_ERR_TOO_LARGE);
        return;
    }
    out = bib_sqlite_alloc(ctx, size);
    if (out == NULL)
        return;
    switch (mode) {
    case BIB_MODE_KEY:
        st = bib_envelope_encrypt_key(out, data.p, data.n, ad.p, ad.n, conn->aead, NULL, schedule,
                                      NULL);
        break;
    case BIB_MODE_SEAL:
        st = bib_envelope_seal(out, data.p, data.n, ad.p, ad.n, conn->aead, key[0].p, key[0].n,
                               NULL);
        break;
    case BIB_MODE_HYBRID:
        st = bib_envelope_encrypt_hybrid(out, data.p, data.n, ad.p, ad.n, conn->aead, NULL,
                                         key[0].p, key[0].n, key[1].p, key[1].n, NULL);
        break;
    }
    if (st != BIB_OK) {
        sqlite3_free(out);
        bib_sqlite_error(ctx, st);
        return;
    }
    bib_sqlite_result_blob(ctx, out, size);
}

/* bib_decrypt_raw, bib_unseal_raw, bib_decrypt_hybrid_raw. */
static void decrypt_envelope(sqlite3_context *ctx, int argc, sqlite3_value **argv, bib_mode mode)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    bib_bytes env, key[2], ad;
    const bib_key_schedule *schedule = NULL;
    uint8_t *out;
    size_t out_len = 0;
    bib_status st = BIB_OK;

    if (read_args(ctx, argc, argv, mode, &env, key, &ad) != 0)
        return;
    if (mode == BIB_MODE_KEY)
        st = bib_key_cache_get(&schedule, conn->keys, key[0].p, key[0].n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    /* The openers want room for env_len bytes; the plaintext is shorter. */
    out = bib_sqlite_alloc(ctx, env.n);
    if (out == NULL)
        return;
    switch (mode) {
    case BIB_MODE_KEY:
        st = bib_envelope_decrypt_key(out, &out_len, env.p, env.n, ad.p, ad.n, schedule);
        break;
    case BIB_MODE_SEAL:
        st = bib_envelope_unseal(out, &out_len, env.p, env.n, ad.p, ad.n, key[0].p, key[0].n);
        break;
    case BIB_MODE_HYBRID:
        st = bib_envelope_decrypt_hybrid(out, &out_len, env.p, env.n, ad.p, ad.n, key[0].p,
                                         key[0].n, key[1].p, key[1].n);
        break;
    }
    if (st != BIB_OK) {
        bib_sqlite_free_secret(out);
        bib_sqlite_error(ctx, st);
        return;
    }
    bib_sqlite_result_secret_blob(ctx, out, out_len);
}

void bib_sql_encrypt_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    encrypt_envelope(ctx, argc, argv, BIB_MODE_KEY);
}

void bib_sql_decrypt_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    decrypt_envelope(ctx, argc, argv, BIB_MODE_KEY);
}

void bib_sql_seal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    encrypt_envelope(ctx, argc, argv, BIB_MODE_SEAL);
}

void bib_sql_unseal_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    decrypt_envelope(ctx, argc, argv, BIB_MODE_SEAL);
}

void bib_sql_encrypt_hybrid_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    encrypt_envelope(ctx, argc, argv, BIB_MODE_HYBRID);
}

void bib_sql_decrypt_hybrid_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    decrypt_envelope(ctx, argc, argv, BIB_MODE_HYBRID);
}

/* Key ids and recipient ids have the same size; JSON_ID_CHARS holds `"<hex>"` and a NUL. */
_Static_assert(BIB_ENVELOPE_KEYIDBYTES == BIB_ENVELOPE_RECIPIENTIDBYTES, "one id size");
#define ID_BYTES BIB_ENVELOPE_KEYIDBYTES
#define JSON_ID_CHARS (2 * ID_BYTES + 3)

/* `"<hex>"` for a field the mode has, `null` otherwise. */
static void json_id(char out[JSON_ID_CHARS], int present, const uint8_t id[ID_BYTES])
{
    if (!present) {
        snprintf(out, JSON_ID_CHARS, "null");
        return;
    }
    out[0] = '"';
    sodium_bin2hex(out + 1, 2 * ID_BYTES + 1, id, ID_BYTES);
    out[2 * ID_BYTES + 1] = '"';
    out[2 * ID_BYTES + 2] = '\0';
}

void bib_sql_envelope_info(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes env;
    bib_envelope_header h;
    char key_id[JSON_ID_CHARS];
    char recipient_id[JSON_ID_CHARS];
    char json[192];
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 1, &env) != 0)
        return;
    st = bib_envelope_parse(&h, env.p, env.n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    json_id(key_id, h.has_key_id, h.key_id);
    json_id(recipient_id, h.has_recipient_id, h.recipient_id);
    snprintf(json, sizeof json,
             "{\"version\":%u,\"mode\":\"%s\",\"aead\":\"%s\",\"key_id\":%s,"
             "\"recipient_id\":%s,\"overhead\":%zu}",
             (unsigned)h.version, bib_mode_name(h.mode), bib_aead_name(h.aead), key_id,
             recipient_id, h.overhead);
    sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
}
