/*
 * sqlite_values.c — SQLite values in, SQLite results out.
 *
 * Registers no SQL function.  The rules it implements are the ones every
 * function's manual refers to:
 *
 *  - Byte-string arguments (data, keys, envelopes, shares...) take any
 *    non-NULL value: a BLOB as is, TEXT as its UTF-8 bytes, numbers as their
 *    text — as SQLite's own functions do (length(), hex()).
 *      SELECT bib_encrypt_raw('hello', bib_random(32));   -- encrypts the 5 bytes "hello"
 *  - Integer arguments (lengths, counts, bits) take INTEGER values and TEXT
 *    that reads as an integer ('32').  Negative numbers and any other value
 *    (REAL, BLOB, other TEXT) count as 0; numbers too large for the C type
 *    count as its maximum.  Both are out of every range the core accepts, so
 *    the function fails with the core's range message:
 *      SELECT bib_random(-1);     -- bib: random byte count must be 1 to 1048576
 *      SELECT bib_random(16.5);   -- same
 *  - Results that are secret (plaintexts, derived keys, random bytes,
 *    passwords, shares, combined secrets) are wiped when SQLite frees them.
 */
#include "bib_sqlite.h"

#include <limits.h>
#include <sodium.h>

const uint8_t bib_sqlite_no_bytes[1] = {0};

int bib_sqlite_any_null(int argc, sqlite3_value **argv)
{
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            return 1;
    return 0;
}

int bib_sqlite_bytes(sqlite3_context *ctx, sqlite3_value *value, bib_bytes *out)
{
    int type = sqlite3_value_type(value);
    const void *p = sqlite3_value_blob(value);
    int n = sqlite3_value_bytes(value);

    if (p == NULL) {
        /* Empty BLOB and TEXT have no pointer; a number always has text: NULL is no memory. */
        if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
            sqlite3_result_error_nomem(ctx);
            return -1;
        }
        p = bib_sqlite_no_bytes;
        n = 0;
    }
    out->p = p;
    out->n = (size_t)n;
    return 0;
}

int bib_sqlite_read_bytes(sqlite3_context *ctx, int argc, sqlite3_value **argv, int n,
                          bib_bytes *out)
{
    if (bib_sqlite_any_null(argc, argv))
        return 1;
    for (int i = 0; i < n; i++)
        if (bib_sqlite_bytes(ctx, argv[i], &out[i]) != 0)
            return 1;
    return 0;
}

size_t bib_sqlite_size(sqlite3_value *value)
{
    sqlite3_int64 v;

    if (sqlite3_value_numeric_type(value) != SQLITE_INTEGER)
        return 0;
    v = sqlite3_value_int64(value);
    if (v < 0)
        return 0;
    if ((sqlite3_uint64)v > SIZE_MAX)
        return SIZE_MAX;
    return (size_t)v;
}

unsigned bib_sqlite_unsigned(sqlite3_value *value)
{
    size_t v = bib_sqlite_size(value);

    return v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

uint8_t *bib_sqlite_alloc(sqlite3_context *ctx, size_t n)
{
    uint8_t *p = sqlite3_malloc64(n > 0 ? n : 1);

    if (p == NULL)
        sqlite3_result_error_nomem(ctx);
    return p;
}

void bib_sqlite_free_secret(void *p)
{
    if (p == NULL)
        return;
    sodium_memzero(p, (size_t)sqlite3_msize(p));
    sqlite3_free(p);
}

void bib_sqlite_result_blob(sqlite3_context *ctx, uint8_t *p, size_t n)
{
    sqlite3_result_blob64(ctx, p, n, sqlite3_free);
}

void bib_sqlite_result_secret_blob(sqlite3_context *ctx, uint8_t *p, size_t n)
{
    sqlite3_result_blob64(ctx, p, n, bib_sqlite_free_secret);
}

void bib_sqlite_result_secret_text(sqlite3_context *ctx, char *p, size_t n)
{
    sqlite3_result_text64(ctx, p, n, bib_sqlite_free_secret, SQLITE_UTF8);
}
