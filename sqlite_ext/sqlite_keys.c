/*
 * sqlite_keys.c — key derivation, key helpers, signatures and random values.
 *
 * Byte-string arguments take BLOBs (or TEXT as its UTF-8 bytes), integer
 * arguments INTEGERs (see sqlite_values.c).  Any NULL argument gives NULL.
 * Lengths and ranges are checked by the core, whose message names the rule:
 * "bib: secret key must be 32 bytes", "bib: Ed25519 seed must be 32 bytes",
 * "bib: HKDF output length must be 1 to 8160 bytes", ...  All but
 * bib_verify are SQLITE_DIRECTONLY (not callable from views, triggers or
 * other schema objects); bib_verify needs no secret and is
 * SQLITE_INNOCUOUS.
 *
 * bib_hkdf(ikm BLOB, salt BLOB, info BLOB, length INTEGER) -> BLOB
 *     RFC 5869 HKDF-SHA256, `length` bytes (1 to 8160).  An empty salt
 *     means 32 zero bytes, as in the RFC.
 *       SELECT hex(bib_hkdf(:ikm, x'', CAST('bib demo' AS BLOB), 32));
 *
 * bib_x25519_public(secret_key BLOB) -> BLOB
 *     The 32-byte X25519 public key of a 32-byte secret key.
 *       SELECT bib_x25519_public(bib_random(32));
 *
 * bib_ed25519_public(seed BLOB) -> BLOB
 *     The 32-byte Ed25519 public key of a 32-byte seed (bib handles Ed25519
 *     secret keys as their seeds).
 *       SELECT bib_ed25519_public(:seed);
 *
 * bib_sign(message BLOB, seed BLOB) -> BLOB
 *     The 64-byte Ed25519 signature of message under the key of seed.
 *       SELECT bib_sign(CAST('hello' AS BLOB), :seed);
 *
 * bib_verify(message BLOB, signature BLOB, public_key BLOB) -> INTEGER
 *     1 when signature is a valid Ed25519 signature of message under
 *     public_key, else 0.  A signature that is not 64 bytes or a key that is
 *     not 32 bytes is an error, not 0.  Needs no secret: usable in views
 *     and triggers.
 *       SELECT bib_verify(m, bib_sign(m, :seed), bib_ed25519_public(:seed));  -- 1
 *
 * bib_random(n INTEGER) -> BLOB
 *     n bytes (1 to 1048576) from the CSPRNG.
 *       SELECT bib_random(32);
 *
 * bib_gen_password([bits INTEGER]) -> TEXT
 *     A password of `bits` random bits (a multiple of 8 from 128 to 4096,
 *     default 256) written in URL-safe base64 without padding: 256 bits
 *     give 43 characters of A-Z a-z 0-9 - _.
 *       SELECT bib_gen_password();      -- e.g. 'q3J0...' (43 characters)
 *       SELECT bib_gen_password(128);   -- 22 characters
 */
#include "bib_sqlite.h"

#include <sodium.h>
#include <string.h>

#define DEFAULT_PASSWORD_BITS 256U
/* Characters of the longest password, plus the terminator. */
#define PASSWORD_BUFFER                                                                            \
    sodium_base64_ENCODED_LEN(BIB_PASSWORD_MAXBITS / 8U, sodium_base64_VARIANT_URLSAFE_NO_PADDING)

void bib_sql_hkdf(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes arg[3];
    size_t len;
    uint8_t *out;
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 3, arg) != 0)
        return;
    len = bib_sqlite_size(argv[3]);
    st = bib_hkdf_check_length(len);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    out = bib_sqlite_alloc(ctx, len);
    if (out == NULL)
        return;
    st = bib_hkdf(out, len, arg[0].p, arg[0].n, arg[1].p, arg[1].n, arg[2].p, arg[2].n);
    if (st != BIB_OK) {
        bib_sqlite_free_secret(out);
        bib_sqlite_error(ctx, st);
        return;
    }
    bib_sqlite_result_secret_blob(ctx, out, len);
}

void bib_sql_x25519_public(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes sk;
    uint8_t pk[BIB_X25519_KEYBYTES];
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 1, &sk) != 0)
        return;
    st = bib_x25519_public(pk, sk.p, sk.n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    sqlite3_result_blob(ctx, pk, sizeof pk, SQLITE_TRANSIENT);
}

void bib_sql_ed25519_public(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes seed;
    uint8_t pk[BIB_ED25519_PUBLICKEYBYTES];
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 1, &seed) != 0)
        return;
    st = bib_ed25519_public(pk, seed.p, seed.n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    sqlite3_result_blob(ctx, pk, sizeof pk, SQLITE_TRANSIENT);
}

void bib_sql_sign(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes arg[2];
    uint8_t sig[BIB_ED25519_SIGNATUREBYTES];
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 2, arg) != 0)
        return;
    st = bib_ed25519_sign(sig, arg[0].p, arg[0].n, arg[1].p, arg[1].n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    sqlite3_result_blob(ctx, sig, sizeof sig, SQLITE_TRANSIENT);
}

void bib_sql_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes arg[3];
    int valid = 0;
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 3, arg) != 0)
        return;
    st = bib_ed25519_verify(&valid, arg[0].p, arg[0].n, arg[1].p, arg[1].n, arg[2].p, arg[2].n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    sqlite3_result_int(ctx, valid);
}

void bib_sql_random(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    size_t n;
    uint8_t *out;
    bib_status st;

    if (bib_sqlite_any_null(argc, argv))
        return;
    n = bib_sqlite_size(argv[0]);
    st = bib_random_check_length(n);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    out = bib_sqlite_alloc(ctx, n);
    if (out == NULL)
        return;
    bib_random_bytes(out, n);
    bib_sqlite_result_secret_blob(ctx, out, n);
}

void bib_sql_gen_password(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    unsigned bits = DEFAULT_PASSWORD_BITS;
    /* Room for any size the core accepts, so that the core alone judges `bits`. */
    char buf[PASSWORD_BUFFER];
    size_t len;
    char *out;
    bib_status st;

    if (bib_sqlite_any_null(argc, argv))
        return;
    if (argc == 1)
        bits = bib_sqlite_unsigned(argv[0]);
    st = bib_password_generate(buf, bits, NULL);
    if (st != BIB_OK) {
        bib_sqlite_error(ctx, st);
        return;
    }
    len = strlen(buf);
    out = (char *)bib_sqlite_alloc(ctx, len);
    if (out != NULL) {
        memcpy(out, buf, len);
        bib_sqlite_result_secret_text(ctx, out, len);
    }
    sodium_memzero(buf, sizeof buf);
}
