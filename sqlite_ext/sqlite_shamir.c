/*
 * sqlite_shamir.c — Shamir secret sharing, share format v1.
 *
 * SQLite has no array type, so where PostgreSQL passes bytea[] these
 * functions use a JSON array of lowercase hex strings, one per share,
 * in the order of the share indexes 1..n.  Both functions handle secrets
 * and are SQLITE_DIRECTONLY (not callable from views, triggers or other
 * schema objects).
 *
 * bib_shamir_split(secret BLOB, shares INTEGER, threshold INTEGER) -> TEXT
 *     Splits a secret of 1 to 1024 bytes into `shares` shares (1 to 255),
 *     any `threshold` of which (1 to shares) recover it.  Returns the JSON
 *     array ["6273...", ...].  NULL in any argument gives NULL.
 *       SELECT bib_shamir_split(:master_key, 5, 3);
 *       SELECT value FROM json_each(bib_shamir_split(x'2a', 3, 2));   -- one row per share
 *
 * bib_shamir_combine(shares TEXT) -> BLOB
 * bib_shamir_combine(share BLOB, ...) -> BLOB
 *     Recovers the secret from at least `threshold` shares of one split.
 *     Two forms:
 *      - one TEXT argument: a JSON array of hex strings, as bib_shamir_split
 *        returns it (whitespace allowed, hex in either case, no escapes).
 *        A JSON null element fails with "bib: share must not be NULL"; text
 *        that is not such an array fails with
 *        "bib: shares must be a JSON array of hex strings";
 *      - one BLOB argument, or two or more arguments of any type: each
 *        argument is one share, taken as its bytes.
 *     A NULL argument gives NULL.  Bad shares fail with the core's message
 *     for the first defect ("bib: share check value does not match",
 *     "bib: fewer shares than the threshold", ...); no shares at all (an
 *     empty array, or no argument) fail with "bib: no shares given".  The
 *     check value detects corruption, not forgery: verify the result (e.g.
 *     against a key fingerprint) when that matters.
 *       SELECT hex(bib_shamir_combine(bib_shamir_split(x'2a', 3, 2)));      -- 2A
 *       SELECT hex(bib_shamir_combine(
 *           (SELECT json_group_array(value) FROM json_each(:shares) WHERE key IN (0, 2))));
 *       SELECT hex(bib_shamir_combine(:share1_blob, :share3_blob));
 */
#include "bib_sqlite.h"

#include <sodium.h>
#include <string.h>

void bib_sql_shamir_split(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes secret;
    unsigned n, k;
    size_t share_len, json_len;
    uint8_t *shares;
    char *json, *at;
    bib_status st;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 1, &secret) != 0)
        return;
    n = bib_sqlite_unsigned(argv[1]);
    k = bib_sqlite_unsigned(argv[2]);
    /*
     * The core refuses more shares or a longer secret than its limits before
     * it writes anything, so room for what fits within them is enough.
     */
    share_len = BIB_SHAMIR_SHARE_BYTES(
        secret.n < BIB_SHAMIR_MAXSECRETBYTES ? secret.n : BIB_SHAMIR_MAXSECRETBYTES);
    shares =
        bib_sqlite_alloc(ctx, (n < BIB_SHAMIR_MAXSHARES ? n : BIB_SHAMIR_MAXSHARES) * share_len);
    if (shares == NULL)
        return;
    st = bib_shamir_split(shares, secret.p, secret.n, n, k, NULL);
    if (st != BIB_OK) {
        bib_sqlite_free_secret(shares);
        bib_sqlite_error(ctx, st);
        return;
    }
    /* [ "hex" , "hex" ]: brackets, quotes, commas; +1 for the NUL sodium_bin2hex writes. */
    json_len = 2 + (size_t)n * (2 * share_len + 2) + (n - 1);
    json = (char *)bib_sqlite_alloc(ctx, json_len + 1);
    if (json == NULL) {
        bib_sqlite_free_secret(shares);
        return;
    }
    at = json;
    *at++ = '[';
    for (unsigned i = 0; i < n; i++) {
        if (i > 0)
            *at++ = ',';
        *at++ = '"';
        sodium_bin2hex(at, 2 * share_len + 1, shares + (size_t)i * share_len, share_len);
        at += 2 * share_len;
        *at++ = '"';
    }
    *at++ = ']';
    bib_sqlite_free_secret(shares);
    bib_sqlite_result_secret_text(ctx, json, json_len);
}

/* Run the core on the shares; the secret is the result. */
static void combine(sqlite3_context *ctx, const uint8_t *const *share, const size_t *share_len,
                    size_t count)
{
    uint8_t *secret = bib_sqlite_alloc(ctx, BIB_SHAMIR_MAXSECRETBYTES);
    size_t secret_len = 0;
    bib_status st;

    if (secret == NULL)
        return;
    st = bib_shamir_combine(secret, &secret_len, share, share_len, count);
    if (st != BIB_OK) {
        bib_sqlite_free_secret(secret);
        bib_sqlite_error(ctx, st);
        return;
    }
    bib_sqlite_result_secret_blob(ctx, secret, secret_len);
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/*
 * Parse `[ "<hex>" | null , ... ]` (JSON, hex strings without escapes),
 * decoding the shares into buf, which has room for (end - p) / 2 bytes.
 * share[] and share_len[] have room for (end - p) / 3 + 1 entries; a null
 * element becomes a NULL share, which the core refuses.  Returns the number
 * of elements, or -1 when the text is not such an array.
 */
static long parse_share_list(const char *p, const char *end, uint8_t *buf, size_t buf_len,
                             const uint8_t **share, size_t *share_len)
{
    long count = 0;

    p = skip_space(p, end);
    if (p == end || *p++ != '[')
        return -1;
    p = skip_space(p, end);
    if (p < end && *p == ']')
        return skip_space(p + 1, end) == end ? 0 : -1;
    for (;;) {
        if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            share[count] = NULL;
            share_len[count] = 0;
            p += 4;
        } else if (p < end && *p == '"') {
            const char *hex_end;
            size_t n;

            p++;
            if (sodium_hex2bin(buf, buf_len, p, (size_t)(end - p), NULL, &n, &hex_end) != 0 ||
                hex_end == end || *hex_end != '"')
                return -1;
            share[count] = buf;
            share_len[count] = n;
            buf += n;
            buf_len -= n;
            p = hex_end + 1;
        } else {
            return -1;
        }
        count++;
        p = skip_space(p, end);
        if (p < end && *p == ',') {
            p = skip_space(p + 1, end);
            continue;
        }
        if (p < end && *p == ']')
            return skip_space(p + 1, end) == end ? count : -1;
        return -1;
    }
}

/* bib_shamir_combine('["hex", ...]'). */
static void combine_json(sqlite3_context *ctx, sqlite3_value *list)
{
    const char *text = (const char *)sqlite3_value_text(list);
    size_t len = (size_t)sqlite3_value_bytes(list);
    size_t max_count = len / 3 + 1;
    uint8_t *buf;
    const uint8_t **share;
    size_t *share_len;

    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    buf = bib_sqlite_alloc(ctx, len / 2);
    share = (const uint8_t **)bib_sqlite_alloc(ctx, max_count * sizeof *share);
    share_len = (size_t *)bib_sqlite_alloc(ctx, max_count * sizeof *share_len);
    if (buf != NULL && share != NULL && share_len != NULL) {
        long count = parse_share_list(text, text + len, buf, len / 2, share, share_len);

        if (count < 0)
            bib_sqlite_error(ctx, BIB_ERR_SHARE_LIST_FORMAT);
        else
            combine(ctx, share, share_len, (size_t)count);
    }
    bib_sqlite_free_secret(buf);
    sqlite3_free(share);
    sqlite3_free(share_len);
}

/* bib_shamir_combine(share, share, ...). */
static void combine_args(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    size_t count = (size_t)argc;
    const uint8_t **share = (const uint8_t **)bib_sqlite_alloc(ctx, count * sizeof *share);
    size_t *share_len = (size_t *)bib_sqlite_alloc(ctx, count * sizeof *share_len);
    size_t i;

    if (share != NULL && share_len != NULL) {
        for (i = 0; i < count; i++) {
            bib_bytes b;

            if (bib_sqlite_bytes(ctx, argv[i], &b) != 0)
                break;
            share[i] = b.p;
            share_len[i] = b.n;
        }
        if (i == count)
            combine(ctx, share, share_len, count);
    }
    sqlite3_free(share);
    sqlite3_free(share_len);
}

void bib_sql_shamir_combine(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (bib_sqlite_any_null(argc, argv))
        return;
    if (argc == 1 && sqlite3_value_type(argv[0]) == SQLITE_TEXT)
        combine_json(ctx, argv[0]);
    else
        combine_args(ctx, argc, argv);
}
