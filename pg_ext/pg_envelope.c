/*
 * pg_envelope.c — SQL functions over envelope v1 with caller-supplied keys.
 *
 *   bib.encrypt_raw(data, key, ad)            KEY mode, key_id = the key's fingerprint
 *   bib.decrypt_raw(envelope, key, ad)
 *   bib.seal(data, public_key, ad)            SEAL mode to an X25519 public key
 *   bib.unseal_raw(envelope, secret_key, ad)
 *   bib.encrypt_hybrid_raw(data, key, public_key, ad)
 *   bib.decrypt_hybrid_raw(envelope, key, secret_key, ad)
 *   bib.envelope_info(envelope)               the prefix's fields; needs no key
 *
 * All are STRICT: NULL in gives NULL out.  New envelopes use bib.aead.
 * Plaintext buffers of failed openings are wiped by the core.
 */
#include "bib_pg.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(bib_encrypt_raw);
PG_FUNCTION_INFO_V1(bib_decrypt_raw);
PG_FUNCTION_INFO_V1(bib_seal);
PG_FUNCTION_INFO_V1(bib_unseal_raw);
PG_FUNCTION_INFO_V1(bib_encrypt_hybrid_raw);
PG_FUNCTION_INFO_V1(bib_decrypt_hybrid_raw);
PG_FUNCTION_INFO_V1(bib_envelope_info);

#define BYTES(b) ((const uint8_t *)VARDATA_ANY(b))
#define LEN(b) ((size_t)VARSIZE_ANY_EXHDR(b))

/* The output bytea for an envelope of `mode` around plain. */
static bytea *alloc_envelope(bib_mode mode, const bytea *plain)
{
    size_t size = bib_envelope_sealed_size(mode, LEN(plain));

    if (size == 0)
        bib_pg_raise(BIB_ERR_TOO_LARGE);
    return bib_pg_bytea_alloc(size);
}

/* Plaintext room for opening env: never more than the envelope itself. */
static bytea *alloc_plain(const bytea *env)
{
    return bib_pg_bytea_alloc(LEN(env));
}

/* Shrink the opened plaintext's varlena to its real length. */
static Datum plain_result(bytea *out, size_t out_len)
{
    SET_VARSIZE(out, VARHDRSZ + out_len);
    PG_RETURN_BYTEA_P(out);
}

Datum bib_encrypt_raw(PG_FUNCTION_ARGS)
{
    bytea *data = PG_GETARG_BYTEA_PP(0);
    bytea *key = PG_GETARG_BYTEA_PP(1);
    bytea *ad = PG_GETARG_BYTEA_PP(2);
    const bib_key_schedule *schedule;
    bytea *out;

    bib_pg_check(bib_key_cache_get(&schedule, bib_pg_key_cache(), BYTES(key), LEN(key)));
    out = alloc_envelope(BIB_MODE_KEY, data);
    bib_pg_check(bib_envelope_encrypt_key((uint8_t *)VARDATA(out), BYTES(data), LEN(data),
                                          BYTES(ad), LEN(ad), (bib_aead)bib_pg_aead, NULL, schedule,
                                          NULL));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_decrypt_raw(PG_FUNCTION_ARGS)
{
    bytea *env = PG_GETARG_BYTEA_PP(0);
    bytea *key = PG_GETARG_BYTEA_PP(1);
    bytea *ad = PG_GETARG_BYTEA_PP(2);
    const bib_key_schedule *schedule;
    bytea *out;
    size_t out_len;

    bib_pg_check(bib_key_cache_get(&schedule, bib_pg_key_cache(), BYTES(key), LEN(key)));
    out = alloc_plain(env);
    bib_pg_check(bib_envelope_decrypt_key((uint8_t *)VARDATA(out), &out_len, BYTES(env), LEN(env),
                                          BYTES(ad), LEN(ad), schedule));
    return plain_result(out, out_len);
}

Datum bib_seal(PG_FUNCTION_ARGS)
{
    bytea *data = PG_GETARG_BYTEA_PP(0);
    bytea *pk = PG_GETARG_BYTEA_PP(1);
    bytea *ad = PG_GETARG_BYTEA_PP(2);
    bytea *out = alloc_envelope(BIB_MODE_SEAL, data);

    bib_pg_check(bib_envelope_seal((uint8_t *)VARDATA(out), BYTES(data), LEN(data), BYTES(ad),
                                   LEN(ad), (bib_aead)bib_pg_aead, BYTES(pk), LEN(pk), NULL));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_unseal_raw(PG_FUNCTION_ARGS)
{
    bytea *env = PG_GETARG_BYTEA_PP(0);
    bytea *sk = PG_GETARG_BYTEA_PP(1);
    bytea *ad = PG_GETARG_BYTEA_PP(2);
    bytea *out = alloc_plain(env);
    size_t out_len;

    bib_pg_check(bib_envelope_unseal((uint8_t *)VARDATA(out), &out_len, BYTES(env), LEN(env),
                                     BYTES(ad), LEN(ad), BYTES(sk), LEN(sk)));
    return plain_result(out, out_len);
}

Datum bib_encrypt_hybrid_raw(PG_FUNCTION_ARGS)
{
    bytea *data = PG_GETARG_BYTEA_PP(0);
    bytea *key = PG_GETARG_BYTEA_PP(1);
    bytea *pk = PG_GETARG_BYTEA_PP(2);
    bytea *ad = PG_GETARG_BYTEA_PP(3);
    bytea *out = alloc_envelope(BIB_MODE_HYBRID, data);

    bib_pg_check(bib_envelope_encrypt_hybrid((uint8_t *)VARDATA(out), BYTES(data), LEN(data),
                                             BYTES(ad), LEN(ad), (bib_aead)bib_pg_aead, NULL,
                                             BYTES(key), LEN(key), BYTES(pk), LEN(pk), NULL));
    PG_RETURN_BYTEA_P(out);
}

Datum bib_decrypt_hybrid_raw(PG_FUNCTION_ARGS)
{
    bytea *env = PG_GETARG_BYTEA_PP(0);
    bytea *key = PG_GETARG_BYTEA_PP(1);
    bytea *sk = PG_GETARG_BYTEA_PP(2);
    bytea *ad = PG_GETARG_BYTEA_PP(3);
    bytea *out = alloc_plain(env);
    size_t out_len;

    bib_pg_check(bib_envelope_decrypt_hybrid((uint8_t *)VARDATA(out), &out_len, BYTES(env),
                                             LEN(env), BYTES(ad), LEN(ad), BYTES(key), LEN(key),
                                             BYTES(sk), LEN(sk)));
    return plain_result(out, out_len);
}

static Datum bytes_datum(const uint8_t *p, size_t len)
{
    bytea *b = bib_pg_bytea_alloc(len);

    memcpy(VARDATA(b), p, len);
    return PointerGetDatum(b);
}

/* (version int, mode text, aead text, key_id bytea, recipient_id bytea, overhead int) */
Datum bib_envelope_info(PG_FUNCTION_ARGS)
{
    bytea *env = PG_GETARG_BYTEA_PP(0);
    bib_envelope_header h;
    TupleDesc desc;
    Datum values[6];
    bool nulls[6] = {false};

    bib_pg_check(bib_envelope_parse(&h, BYTES(env), LEN(env)));
    if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "bib: envelope_info must return a record");
    desc = BlessTupleDesc(desc);
    values[0] = Int32GetDatum(h.version);
    values[1] = CStringGetTextDatum(bib_mode_name(h.mode));
    values[2] = CStringGetTextDatum(bib_aead_name(h.aead));
    if (h.has_key_id)
        values[3] = bytes_datum(h.key_id, sizeof h.key_id);
    else
        nulls[3] = true;
    if (h.has_recipient_id)
        values[4] = bytes_datum(h.recipient_id, sizeof h.recipient_id);
    else
        nulls[4] = true;
    values[5] = Int32GetDatum((int32)h.overhead);
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
