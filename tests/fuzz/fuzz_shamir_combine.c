/*
 * fuzz_shamir_combine.c — libFuzzer harness for Shamir share v1 (DESIGN §4).
 *
 * 1. The input is read as a list of shares, each a chunk len[2, big-endian]
 *    || bytes[len] (the last chunk is cut to what is left; len 0xffff stands
 *    for a NULL share), at most 300 of them.  Each share gets its own heap
 *    buffer of exactly its length so that ASan sees any read past it.
 *    bib_shamir_combine must then either fail without writing to the secret
 *    buffer (zeroed, or filled with 0xa5 for odd-length inputs), or succeed
 *    with secret_len = share_len - 17 (1..1024), write nothing past it, and
 *    return the same secret for the shares in reverse order.
 * 2. When the input has at least 3 bytes it also drives a split: n = 1 +
 *    in[0] % 255, k = 1 + in[1] % n, the secret is in[2..] cut to a work
 *    budget (split costs secret_len * n * k multiplications), the random
 *    source is derived from the input.  Combining the first k shares, the
 *    last k in reverse order and (for small n) all n must return the secret;
 *    k - 1 shares must give SHARE_TOO_FEW.
 * Seeds (tests/fuzz/run.sh): the share lists of vectors/bib/shamir_v1.json,
 * valid and invalid, in the chunk format above.
 */
#include "fuzz_common.h"

#define MAX_CHUNKS 300U
#define NULL_CHUNK 0xffffU
#define SPLIT_BUDGET 4096U
#define FILL_BYTE 0xa5U

typedef struct share_list {
    uint8_t *share[MAX_CHUNKS];
    size_t len[MAX_CHUNKS];
    size_t count;
} share_list;

/* Combine into secret[] prefilled with `fill` and check the outcome. */
static bib_status combine(uint8_t secret[BIB_SHAMIR_MAXSECRETBYTES], size_t *secret_len,
                          const uint8_t *const *share, const size_t *len, size_t count,
                          uint8_t fill)
{
    bib_status st;

    memset(secret, fill, BIB_SHAMIR_MAXSECRETBYTES);
    *secret_len = 0;
    st = bib_shamir_combine(secret, secret_len, share, len, count);
    FUZZ_CHECK((unsigned)st < BIB_STATUS_COUNT);
    if (st == BIB_OK) {
        FUZZ_CHECK(count >= 1 && share[0] != NULL);
        FUZZ_CHECK(*secret_len >= 1 && *secret_len <= BIB_SHAMIR_MAXSECRETBYTES);
        FUZZ_CHECK(*secret_len == len[0] - BIB_SHAMIR_OVERHEAD);
        FUZZ_CHECK(count >= share[0][3]);
        FUZZ_CHECK(
            fuzz_all_equal(secret + *secret_len, BIB_SHAMIR_MAXSECRETBYTES - *secret_len, fill));
    } else {
        FUZZ_CHECK(st >= BIB_ERR_SHARE_NONE && st <= BIB_ERR_SHARE_TOO_FEW);
        FUZZ_CHECK(fuzz_all_equal(secret, BIB_SHAMIR_MAXSECRETBYTES, fill));
    }
    return st;
}

static void fuzz_combine(fuzz_input in)
{
    uint8_t fill = (in.left & 1U) ? FILL_BYTE : 0;
    share_list *list = calloc(1, sizeof *list);
    uint8_t secret[BIB_SHAMIR_MAXSECRETBYTES];
    size_t secret_len;
    bib_status st;

    FUZZ_CHECK(list != NULL);
    while (in.left >= 2 && list->count < MAX_CHUNKS) {
        size_t len = (size_t)in.p[0] << 8 | in.p[1];
        size_t i = list->count++;

        in.p += 2;
        in.left -= 2;
        if (len == NULL_CHUNK) {
            list->share[i] = NULL;
            list->len[i] = 0;
            continue;
        }
        if (len > in.left)
            len = in.left;
        list->share[i] = malloc(len > 0 ? len : 1);
        FUZZ_CHECK(list->share[i] != NULL);
        if (len > 0)
            memcpy(list->share[i], in.p, len);
        list->len[i] = len;
        in.p += len;
        in.left -= len;
    }

    st = combine(secret, &secret_len, (const uint8_t *const *)list->share, list->len, list->count,
                 fill);
    if (st == BIB_OK) {
        const uint8_t *reversed[MAX_CHUNKS];
        size_t reversed_len[MAX_CHUNKS];
        uint8_t again[BIB_SHAMIR_MAXSECRETBYTES];
        size_t again_len;

        /* Lagrange interpolation at 0 does not depend on the order of the points. */
        for (size_t i = 0; i < list->count; i++) {
            reversed[i] = list->share[list->count - 1 - i];
            reversed_len[i] = list->len[list->count - 1 - i];
        }
        FUZZ_CHECK(combine(again, &again_len, reversed, reversed_len, list->count, fill) == BIB_OK);
        FUZZ_CHECK(again_len == secret_len && memcmp(again, secret, secret_len) == 0);
    }
    for (size_t i = 0; i < list->count; i++)
        free(list->share[i]);
    free(list);
}

/* Combine shares[first .. first+count) (backwards when reverse) and compare with the secret. */
static void expect_secret(const uint8_t *shares, size_t share_len, size_t first, size_t count,
                          int reverse, const uint8_t *secret, size_t secret_len)
{
    const uint8_t *ptr[BIB_SHAMIR_MAXSHARES];
    size_t len[BIB_SHAMIR_MAXSHARES];
    uint8_t out[BIB_SHAMIR_MAXSECRETBYTES];
    size_t out_len;

    for (size_t i = 0; i < count; i++) {
        size_t at = reverse ? first + count - 1 - i : first + i;
        ptr[i] = shares + at * share_len;
        len[i] = share_len;
    }
    FUZZ_CHECK(combine(out, &out_len, ptr, len, count, 0) == BIB_OK);
    FUZZ_CHECK(out_len == secret_len && memcmp(out, secret, secret_len) == 0);
}

static void fuzz_split(const uint8_t *data, size_t size)
{
    unsigned n = 1U + data[0] % BIB_SHAMIR_MAXSHARES;
    unsigned k = 1U + data[1] % n;
    size_t secret_len = size - 2, budget = SPLIT_BUDGET / ((size_t)n * k);
    size_t share_len;
    uint8_t *secret, *shares;
    fuzz_rng_state rs;
    bib_rng rng = fuzz_rng_init(&rs, data, size);

    if (budget < 1)
        budget = 1;
    if (secret_len > budget)
        secret_len = budget;
    if (secret_len > BIB_SHAMIR_MAXSECRETBYTES)
        secret_len = BIB_SHAMIR_MAXSECRETBYTES;
    share_len = BIB_SHAMIR_SHARE_BYTES(secret_len);
    secret = malloc(secret_len);
    shares = malloc(share_len * n);
    FUZZ_CHECK(secret != NULL && shares != NULL);
    memcpy(secret, data + 2, secret_len);

    FUZZ_CHECK(bib_shamir_split(shares, secret, secret_len, n, k, &rng) == BIB_OK);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *s = shares + (size_t)i * share_len;
        FUZZ_CHECK(s[0] == 'b' && s[1] == 's' && s[2] == 1 && s[3] == k && s[4] == i + 1);
        FUZZ_CHECK(memcmp(s + 5, shares + 5, 8) == 0);
    }

    expect_secret(shares, share_len, 0, k, 0, secret, secret_len);
    expect_secret(shares, share_len, n - k, k, 1, secret, secret_len);
    if (n <= 64)
        expect_secret(shares, share_len, 0, n, 0, secret, secret_len);
    if (k > 1) {
        const uint8_t *ptr[BIB_SHAMIR_MAXSHARES];
        size_t len[BIB_SHAMIR_MAXSHARES];
        uint8_t out[BIB_SHAMIR_MAXSECRETBYTES];
        size_t out_len;

        for (unsigned i = 0; i + 1 < k; i++) {
            ptr[i] = shares + (size_t)i * share_len;
            len[i] = share_len;
        }
        FUZZ_CHECK(combine(out, &out_len, ptr, len, k - 1, FILL_BYTE) == BIB_ERR_SHARE_TOO_FEW);
    }
    sodium_memzero(secret, secret_len);
    free(secret);
    free(shares);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = {data, size};

    fuzz_combine(in);
    if (size >= 3)
        fuzz_split(data, size);
    return 0;
}
