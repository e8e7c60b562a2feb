/*
 * test_shamir.c — Shamir share format v1 (DESIGN §4) against the reference's
 * vectors (bib/shamir_v1.json), and the threshold property on random splits.
 *
 * The field arithmetic is checked on its own first (the FIPS-197 products
 * and the whole inverse table), so a wrong share can be told apart from a
 * wrong multiply.  Splits replay the reference's random bytes and must use
 * every one of them: drawing one byte more or less would change the shares.
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* The shares of a case, decoded, as the pointer and length arrays bib_shamir_combine takes. */
typedef struct share_list {
    const uint8_t **share;
    size_t *len;
    size_t count;
} share_list;

static void share_list_alloc(share_list *l, size_t count)
{
    l->share = calloc(count + 1, sizeof *l->share);
    l->len = calloc(count + 1, sizeof *l->len);
    l->count = count;
    assert_non_null(l->share);
    assert_non_null(l->len);
}

static void share_list_free(share_list *l)
{
    free(l->share);
    free(l->len);
}

/* Decode a JSON array of hex shares into bag. */
static void shares_from_json(share_list *l, hex_bag *bag, const json_value *hexes)
{
    share_list_alloc(l, json_len(hexes));
    for (size_t i = 0; i < l->count; i++)
        l->share[i] = bag_hex(bag, json_str(json_at(hexes, i)), &l->len[i]);
}

/* Combine the first count shares of l; on success the result must be `secret`. */
static bib_status combine(const char *what, const share_list *l, size_t count,
                          const uint8_t *secret, size_t secret_len)
{
    uint8_t out[BIB_SHAMIR_MAXSECRETBYTES];
    size_t out_len = 0;
    bib_status st = bib_shamir_combine(out, &out_len, l->share, l->len, count);

    if (st == BIB_OK)
        VEC_EXPECT_BYTES(what, out, out_len, secret, secret_len);
    sodium_memzero(out, sizeof out);
    return st;
}

static void test_gf256(void **state)
{
    json_value *doc = vec_load_json("bib/shamir_v1.json");
    const json_value *gf = json_get(doc, "gf");
    const json_value *mul = json_get(gf, "mul");
    hex_bag bag = HEX_BAG_INIT;
    size_t inv_len, len;

    (void)state;
    assert_true(json_len(mul) > 0);
    for (size_t i = 0; i < json_len(mul); i++) {
        const json_value *ex = json_at(mul, i);
        uint8_t abc[3];

        assert_int_equal(json_len(ex), 3);
        for (size_t j = 0; j < 3; j++) {
            const uint8_t *b = bag_hex(&bag, json_str(json_at(ex, j)), &len);
            assert_int_equal(len, 1);
            abc[j] = b[0];
        }
        if (bib_gf256_mul(abc[0], abc[1]) != abc[2] || bib_gf256_mul(abc[1], abc[0]) != abc[2])
            VEC_FAIL("gf mul %02x * %02x: want %02x", abc[0], abc[1], abc[2]);
    }
    const uint8_t *inv = bag_hex(&bag, json_get_str(gf, "inverse"), &inv_len);
    assert_int_equal(inv_len, 256);
    for (unsigned a = 0; a < 256; a++) {
        if (bib_gf256_inv((uint8_t)a) != inv[a])
            VEC_FAIL("gf inverse of %02x: got %02x, want %02x", a, bib_gf256_inv((uint8_t)a),
                     inv[a]);
        if (a != 0 && bib_gf256_mul((uint8_t)a, inv[a]) != 1)
            VEC_FAIL("gf %02x * its inverse is not 1", a);
    }
    bag_free(&bag);
    json_free(doc);
}

static void valid_case(const json_value *c)
{
    hex_bag bag = HEX_BAG_INIT;
    size_t secret_len, rng_len;
    const uint8_t *secret = bag_field(&bag, c, "secret", &secret_len);
    const uint8_t *rng_bytes = bag_field(&bag, c, "rng", &rng_len);
    unsigned n = (unsigned)json_get_int(c, "n"), k = (unsigned)json_get_int(c, "k");
    const json_value *sets = json_get(c, "combine_sets");
    size_t share_len = BIB_SHAMIR_SHARE_BYTES(secret_len);
    uint8_t *shares = malloc(n * share_len);
    share_list expected, picked;
    replay_rng rng;
    char what[128];

    assert_non_null(shares);
    snprintf(what, sizeof what, "shamir valid %lld (%s)", json_get_int(c, "id"),
             json_get_str(c, "name"));
    shares_from_json(&expected, &bag, json_get(c, "shares"));
    assert_int_equal(expected.count, n);

    replay_rng_init(&rng, rng_bytes, rng_len);
    VEC_EXPECT_STATUS(what, bib_shamir_split(shares, secret, secret_len, n, k, &rng.rng), BIB_OK);
    replay_rng_expect_consumed(&rng);
    for (size_t i = 0; i < n; i++)
        VEC_EXPECT_BYTES(what, shares + i * share_len, share_len, expected.share[i],
                         expected.len[i]);

    assert_true(json_len(sets) > 0);
    share_list_alloc(&picked, BIB_SHAMIR_MAXSHARES);
    for (size_t s = 0; s < json_len(sets); s++) {
        const json_value *set = json_at(sets, s);

        for (size_t i = 0; i < json_len(set); i++) {
            long long x = json_int(json_at(set, i));
            assert_true(x >= 1 && x <= (long long)n);
            picked.share[i] = expected.share[x - 1];
            picked.len[i] = expected.len[x - 1];
        }
        VEC_EXPECT_STATUS(what, combine(what, &picked, json_len(set), secret, secret_len), BIB_OK);
    }
    share_list_free(&picked);
    share_list_free(&expected);
    free(shares);
    bag_free(&bag);
}

/* Our status names are the reference's codes, order-dependent cases included. */
static void invalid_case(const json_value *c)
{
    hex_bag bag = HEX_BAG_INIT;
    share_list l;
    const char *want = json_get_str(c, "error");
    bib_status st;
    char what[128];

    snprintf(what, sizeof what, "shamir invalid %lld (%s)", json_get_int(c, "id"),
             json_get_str(c, "name"));
    shares_from_json(&l, &bag, json_get(c, "shares"));
    st = combine(what, &l, l.count, NULL, 0);
    if (strcmp(bib_status_name(st), want) != 0)
        VEC_FAIL("%s: got %s, want %s", what, bib_status_name(st), want);
    share_list_free(&l);
    bag_free(&bag);
}

/*
 * The reference's ARG_INVALID is one of our three split argument errors.
 * The random source holds no bytes: arguments are refused before any draw.
 */
static void invalid_split_case(const json_value *c)
{
    hex_bag bag = HEX_BAG_INIT;
    size_t secret_len;
    const uint8_t *secret = bag_field(&bag, c, "secret", &secret_len);
    uint8_t shares[BIB_SHAMIR_SHARE_BYTES(1)];
    replay_rng rng;
    bib_status st;
    char what[96];

    snprintf(what, sizeof what, "shamir invalid split %lld (%s)", json_get_int(c, "id"),
             json_get_str(c, "name"));
    assert_string_equal(json_get_str(c, "error"), "ARG_INVALID");
    replay_rng_init(&rng, NULL, 0);
    st = bib_shamir_split(shares, secret, secret_len, (unsigned)json_get_int(c, "n"),
                          (unsigned)json_get_int(c, "k"), &rng.rng);
    if (st != BIB_ERR_SHAMIR_SHARE_COUNT && st != BIB_ERR_SHAMIR_THRESHOLD &&
        st != BIB_ERR_SHAMIR_SECRET_LENGTH)
        VEC_FAIL("%s: got %s, want a split argument error", what, bib_status_name(st));
    bag_free(&bag);
}

/* Run fn over doc[section]; fails if the section is empty. */
static void for_each_case(const char *section, void (*fn)(const json_value *c))
{
    json_value *doc = vec_load_json("bib/shamir_v1.json");
    const json_value *cases = json_get(doc, section);

    assert_true(json_len(cases) > 0);
    for (size_t i = 0; i < json_len(cases); i++)
        fn(json_at(cases, i));
    print_message("shamir %s: %zu cases\n", section, json_len(cases));
    json_free(doc);
}

static void test_vectors_valid(void **state)
{
    (void)state;
    for_each_case("valid", valid_case);
}

static void test_vectors_invalid(void **state)
{
    (void)state;
    for_each_case("invalid", invalid_case);
}

static void test_vectors_invalid_split(void **state)
{
    (void)state;
    for_each_case("invalid_split", invalid_split_case);
}

static unsigned popcount(unsigned v)
{
    unsigned c = 0;

    for (; v != 0; v &= v - 1)
        c++;
    return c;
}

/*
 * Every subset of k shares gives the secret back, in either order; every
 * subset of k-1 is refused as too few.  n <= 8, so subsets are bitmasks.
 */
static void threshold_property(unsigned n, unsigned k)
{
    uint8_t secret[64];
    size_t secret_len = 1 + randombytes_uniform(sizeof secret);
    size_t share_len = BIB_SHAMIR_SHARE_BYTES(secret_len);
    uint8_t *shares = malloc(n * share_len);
    share_list picked;
    char what[64];

    assert_non_null(shares);
    randombytes_buf(secret, secret_len);
    VEC_EXPECT_STATUS("split", bib_shamir_split(shares, secret, secret_len, n, k, NULL), BIB_OK);
    share_list_alloc(&picked, n);
    for (unsigned mask = 1; mask < (1U << n); mask++) {
        unsigned size = popcount(mask);
        size_t count = 0;

        if (size != k && size + 1 != k)
            continue;
        for (unsigned x = 0; x < n; x++) {
            if (mask & (1U << x)) {
                picked.share[count] = shares + x * share_len;
                picked.len[count++] = share_len;
            }
        }
        snprintf(what, sizeof what, "n=%u k=%u subset %#x", n, k, mask);
        VEC_EXPECT_STATUS(what, combine(what, &picked, count, secret, secret_len),
                          size == k ? BIB_OK : BIB_ERR_SHARE_TOO_FEW);
        for (size_t i = 0; i < count / 2; i++) {
            const uint8_t *t = picked.share[i];
            picked.share[i] = picked.share[count - 1 - i];
            picked.share[count - 1 - i] = t;
        }
        VEC_EXPECT_STATUS(what, combine(what, &picked, count, secret, secret_len),
                          size == k ? BIB_OK : BIB_ERR_SHARE_TOO_FEW);
    }
    share_list_free(&picked);
    free(shares);
}

static void test_threshold_property(void **state)
{
    static const unsigned nk[][2] = {{5, 3}, {6, 6}, {7, 1}, {8, 4}};

    (void)state;
    for (size_t i = 0; i < sizeof nk / sizeof nk[0]; i++)
        threshold_property(nk[i][0], nk[i][1]);
}

static void test_combine_arguments(void **state)
{
    uint8_t secret[4] = {1, 2, 3, 4}, shares[3 * BIB_SHAMIR_SHARE_BYTES(4)];
    uint8_t out[BIB_SHAMIR_MAXSECRETBYTES];
    const uint8_t *share[2] = {shares, NULL};
    size_t len[2] = {BIB_SHAMIR_SHARE_BYTES(4), BIB_SHAMIR_SHARE_BYTES(4)};
    size_t out_len = 0;
    bib_status st;

    (void)state;
    assert_int_equal(bib_shamir_split(shares, secret, sizeof secret, 3, 2, NULL), BIB_OK);
    VEC_EXPECT_STATUS("NULL share", bib_shamir_combine(out, &out_len, share, len, 2),
                      BIB_ERR_SHARE_NULL);
    st = bib_shamir_combine(out, &out_len, share, len, 0);
    VEC_EXPECT_STATUS("no shares", st, BIB_ERR_SHARE_NONE);
    assert_string_equal(bib_status_name(st), "SHARE_TOO_FEW");
}

static void test_split_arguments(void **state)
{
    static const struct {
        const char *what;
        size_t secret_len;
        unsigned n, k;
        bib_status want;
    } cases[] = {
        {"k > n", 16, 3, 4, BIB_ERR_SHAMIR_THRESHOLD},
        {"k = 0", 16, 3, 0, BIB_ERR_SHAMIR_THRESHOLD},
        {"n > 255", 16, 256, 2, BIB_ERR_SHAMIR_SHARE_COUNT},
        {"n = 0", 16, 0, 0, BIB_ERR_SHAMIR_SHARE_COUNT},
        {"empty secret", 0, 3, 2, BIB_ERR_SHAMIR_SECRET_LENGTH},
        {"1025-byte secret", 1025, 3, 2, BIB_ERR_SHAMIR_SECRET_LENGTH},
    };
    static uint8_t secret[BIB_SHAMIR_MAXSECRETBYTES + 1];
    static uint8_t shares[3 * BIB_SHAMIR_SHARE_BYTES(BIB_SHAMIR_MAXSECRETBYTES + 1)];
    replay_rng rng;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        replay_rng_init(&rng, NULL, 0);
        VEC_EXPECT_STATUS(
            cases[i].what,
            bib_shamir_split(shares, secret, cases[i].secret_len, cases[i].n, cases[i].k, &rng.rng),
            cases[i].want);
    }
    /* The limits themselves are accepted. */
    assert_int_equal(bib_shamir_split(shares, secret, BIB_SHAMIR_MAXSECRETBYTES, 3, 3, NULL),
                     BIB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gf256),
        cmocka_unit_test(test_vectors_valid),
        cmocka_unit_test(test_vectors_invalid),
        cmocka_unit_test(test_vectors_invalid_split),
        cmocka_unit_test(test_threshold_property),
        cmocka_unit_test(test_combine_arguments),
        cmocka_unit_test(test_split_arguments),
    };

    return cmocka_run_group_tests_name("shamir", tests, vec_group_setup, NULL);
}
