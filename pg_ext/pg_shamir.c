/*
 * pg_shamir.c — Shamir secret sharing, share format v1.
 *
 *   bib.shamir_split(secret bytea, shares int, threshold int) → bytea[]
 *   bib.shamir_combine(shares bytea[]) → bytea
 *
 * STRICT.  A NULL element inside the array is an error (SQLSTATE 22004):
 * silently skipping it could turn a set of k shares into k-1.
 */
#include "bib_pg.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(bib_shamir_split_sql);
PG_FUNCTION_INFO_V1(bib_shamir_combine_sql);

Datum bib_shamir_split_sql(PG_FUNCTION_ARGS)
{
    bytea *secret = PG_GETARG_BYTEA_PP(0);
    unsigned n = (unsigned)bib_pg_size_arg(PG_GETARG_INT32(1));
    unsigned k = (unsigned)bib_pg_size_arg(PG_GETARG_INT32(2));
    size_t secret_len = VARSIZE_ANY_EXHDR(secret);
    size_t share_len = BIB_SHAMIR_SHARE_BYTES(secret_len);
    uint8_t *all;
    Datum *elems;
    bib_status st;

    /* The core validates n, k and the length before writing; size the buffer only when they are
     * sane. */
    all = palloc((n >= 1 && n <= BIB_SHAMIR_MAXSHARES && secret_len <= BIB_SHAMIR_MAXSECRETBYTES)
                     ? (size_t)n * share_len
                     : 1);
    st = bib_shamir_split(all, (const uint8_t *)VARDATA_ANY(secret), secret_len, n, k, NULL);
    if (st != BIB_OK)
        bib_pg_raise(st);
    elems = palloc(sizeof(Datum) * n);
    for (unsigned i = 0; i < n; i++) {
        bytea *share = bib_pg_bytea_alloc(share_len);
        memcpy(VARDATA(share), all + (size_t)i * share_len, share_len);
        elems[i] = PointerGetDatum(share);
    }
    explicit_bzero(all, (size_t)n * share_len);
    PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int)n, BYTEAOID, -1, false, TYPALIGN_INT));
}

Datum bib_shamir_combine_sql(PG_FUNCTION_ARGS)
{
    ArrayType *arr = PG_GETARG_ARRAYTYPE_P(0);
    Datum *elems;
    bool *nulls;
    int count;
    const uint8_t **share;
    size_t *share_len;
    uint8_t secret[BIB_SHAMIR_MAXSECRETBYTES];
    size_t secret_len;
    bytea *out;
    bib_status st;

    deconstruct_array(arr, BYTEAOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
    share = palloc0(sizeof(*share) * (count + 1));
    share_len = palloc0(sizeof(*share_len) * (count + 1));
    for (int i = 0; i < count; i++) {
        bytea *b;

        if (nulls[i])
            continue;
        b = DatumGetByteaPP(elems[i]);
        share[i] = (const uint8_t *)VARDATA_ANY(b);
        share_len[i] = VARSIZE_ANY_EXHDR(b);
    }
    st = bib_shamir_combine(secret, &secret_len, share, share_len, (size_t)count);
    if (st != BIB_OK)
        bib_pg_raise(st);
    out = bib_pg_bytea_alloc(secret_len);
    memcpy(VARDATA(out), secret, secret_len);
    explicit_bzero(secret, sizeof secret);
    PG_RETURN_BYTEA_P(out);
}
