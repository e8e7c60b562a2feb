/*
 * pg_keys.c — key helpers, HKDF and random values.
 *
 *   bib.hkdf(ikm, salt, info, length)        RFC 5869 HKDF-SHA256
 *   bib.x25519_public(secret_key)            X25519 public key of a secret key
 *   bib.ed25519_public(seed)                 Ed25519 public key of a 32-byte seed
 *   bib.sign(message, seed)                  Ed25519 signature (64 bytes)
 *   bib.verify(message, signature, public_key) → boolean
 *   bib.random(n)                            n CSPRNG bytes, 1 <= n <= 1 MiB
 *   bib.gen_password(bits DEFAULT 256)       URL-safe base64, no padding
 *
 * All STRICT.  Secret temporaries are wiped by the core.
 */
#include "bib_pg.h"

#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(bib_hkdf_sql);
PG_FUNCTION_INFO_V1(bib_x25519_public_sql);
PG_FUNCTION_INFO_V1(bib_ed25519_public_sql);
PG_FUNCTION_INFO_V1(bib_sign_sql);
PG_FUNCTION_INFO_V1(bib_verify_sql);
PG_FUNCTION_INFO_V1(bib_random_sql);
PG_FUNCTION_INFO_V1(bib_gen_password_sql);

#define BYTES(b) ((const uint8_t *)VARDATA_ANY(b))
#define LEN(b) ((size_t)VARSIZE_ANY_EXHDR(b))

Datum bib_hkdf_sql(PG_FUNCTION_ARGS)
{
    bytea *ikm = PG_GETARG_BYTEA_PP(0);
    bytea *salt = PG_GETARG_BYTEA_PP(1);
    bytea *info = PG_GETARG_BYTEA_PP(2);
    size_t len = bib_pg_size_arg(PG_GETARG_INT32(3));
    bytea *out;

    bib_pg_check(bib_hkdf_check_length(len));
    out = bib_pg_bytea_alloc(len);
    bib_pg_check(bib_hkdf((uint8_t *)VARDATA(out), len, BYTES(ikm), LEN(ikm), BYTES(salt),
                          LEN(salt), BYTES(info), LEN(info)));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_x25519_public_sql(PG_FUNCTION_ARGS)
{
    bytea *sk = PG_GETARG_BYTEA_PP(0);
    bytea *out = bib_pg_bytea_alloc(BIB_X25519_KEYBYTES);

    bib_pg_check(bib_x25519_public((uint8_t *)VARDATA(out), BYTES(sk), LEN(sk)));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_ed25519_public_sql(PG_FUNCTION_ARGS)
{
    bytea *seed = PG_GETARG_BYTEA_PP(0);
    bytea *out = bib_pg_bytea_alloc(BIB_ED25519_PUBLICKEYBYTES);

    bib_pg_check(bib_ed25519_public((uint8_t *)VARDATA(out), BYTES(seed), LEN(seed)));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_sign_sql(PG_FUNCTION_ARGS)
{
    bytea *msg = PG_GETARG_BYTEA_PP(0);
    bytea *seed = PG_GETARG_BYTEA_PP(1);
    bytea *out = bib_pg_bytea_alloc(BIB_ED25519_SIGNATUREBYTES);

    bib_pg_check(
        bib_ed25519_sign((uint8_t *)VARDATA(out), BYTES(msg), LEN(msg), BYTES(seed), LEN(seed)));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_verify_sql(PG_FUNCTION_ARGS)
{
    bytea *msg = PG_GETARG_BYTEA_PP(0);
    bytea *sig = PG_GETARG_BYTEA_PP(1);
    bytea *pk = PG_GETARG_BYTEA_PP(2);
    int valid = 0;

    bib_pg_check(
        bib_ed25519_verify(&valid, BYTES(msg), LEN(msg), BYTES(sig), LEN(sig), BYTES(pk), LEN(pk)));
    PG_RETURN_BOOL(valid);
}

Datum bib_random_sql(PG_FUNCTION_ARGS)
{
    size_t n = bib_pg_size_arg(PG_GETARG_INT32(0));
    bytea *out;

    bib_pg_check(bib_random_check_length(n));
    out = bib_pg_bytea_alloc(n);
    bib_random_bytes((uint8_t *)VARDATA(out), n);
    PG_RETURN_BYTEA_P(out);
}

Datum bib_gen_password_sql(PG_FUNCTION_ARGS)
{
    unsigned bits = (unsigned)bib_pg_size_arg(PG_GETARG_INT32(0));
    char buf[BIB_PASSWORD_MAXBITS / 6 + 2];
    text *out;

    bib_pg_check(bib_password_generate(buf, bits, NULL));
    out = cstring_to_text(buf);
    explicit_bzero(buf, sizeof buf);
    PG_RETURN_TEXT_P(out);
}
