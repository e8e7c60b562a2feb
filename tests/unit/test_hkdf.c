/*
 * test_hkdf.c — HKDF-SHA256 (bib_hkdf*) and the HMAC-SHA256 it is built on
 * (bib_hmac_sha256, with libsodium's alongside), against RFC 5869 and
 * Wycheproof.
 *
 * Envelope KEY mode caches the PRK's HMAC pads and expands from them, so
 * every vector goes through both the one-shot bib_hkdf and the split
 * extract / bib_hmac_key_init / bib_hkdf_expand path, and through
 * bib_hkdf_expand_block, which the envelope uses for its 32-byte keys.
 * The vector tests run twice, on SHA-256's portable block function and on
 * the one the CPU picks (SHA-NI where present).
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/*
 * okm = HKDF(ikm, salt, info) by every route the core offers.  Returns
 * nothing: any difference fails the test, naming `what`.
 */
static void expect_hkdf_routes(const char *what, const uint8_t *ikm, size_t ikm_len,
                               const uint8_t *salt, size_t salt_len, const uint8_t *info,
                               size_t info_len, const uint8_t *okm, size_t okm_len)
{
    uint8_t *out = malloc(okm_len + 1);
    uint8_t prk[BIB_HKDF_PRKBYTES], block[BIB_HKDF_PRKBYTES];
    size_t first = okm_len < sizeof block ? okm_len : sizeof block;
    bib_hmac_key key;

    assert_non_null(out);
    VEC_EXPECT_STATUS(what, bib_hkdf(out, okm_len, ikm, ikm_len, salt, salt_len, info, info_len),
                      BIB_OK);
    VEC_EXPECT_BYTES(what, out, okm_len, okm, okm_len);

    memset(out, 0, okm_len);
    bib_hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
    bib_hmac_key_init(&key, prk);
    VEC_EXPECT_STATUS(what, bib_hkdf_expand(out, okm_len, &key, info, info_len), BIB_OK);
    VEC_EXPECT_BYTES(what, out, okm_len, okm, okm_len);

    bib_hkdf_expand_block(block, &key, info, info_len);
    VEC_EXPECT_BYTES(what, block, first, okm, first);
    free(out);
}

static void test_rfc5869(void **state)
{
    json_value *doc = vec_load_json("rfc/hkdf_rfc5869.json");
    const json_value *tests = json_get(doc, "tests");
    char what[64];

    (void)state;
    assert_true(json_len(tests) > 0);
    for (size_t i = 0; i < json_len(tests); i++) {
        const json_value *t = json_at(tests, i);
        hex_bag bag = HEX_BAG_INIT;
        size_t ikm_len, salt_len, info_len, prk_len, okm_len;
        const uint8_t *ikm = bag_field(&bag, t, "IKM", &ikm_len);
        const uint8_t *salt = bag_field(&bag, t, "salt", &salt_len);
        const uint8_t *info = bag_field(&bag, t, "info", &info_len);
        const uint8_t *prk = bag_field(&bag, t, "PRK", &prk_len);
        const uint8_t *okm = bag_field(&bag, t, "OKM", &okm_len);
        uint8_t got_prk[BIB_HKDF_PRKBYTES];

        snprintf(what, sizeof what, "RFC 5869 tcId %lld", json_get_int(t, "tcId"));
        assert_int_equal(json_get_int(t, "L"), okm_len);
        bib_hkdf_extract(got_prk, salt, salt_len, ikm, ikm_len);
        VEC_EXPECT_BYTES(what, got_prk, sizeof got_prk, prk, prk_len);
        expect_hkdf_routes(what, ikm, ikm_len, salt, salt_len, info, info_len, okm, okm_len);
        bag_free(&bag);
    }
    json_free(doc);
}

typedef struct counts {
    size_t valid;
    size_t invalid;
} counts;

static void wycheproof_hkdf_case(const json_value *group, const json_value *t, void *ctx)
{
    counts *n = ctx;
    hex_bag bag = HEX_BAG_INIT;
    size_t ikm_len, salt_len, info_len, okm_len;
    const uint8_t *ikm = bag_field(&bag, t, "ikm", &ikm_len);
    const uint8_t *salt = bag_field(&bag, t, "salt", &salt_len);
    const uint8_t *info = bag_field(&bag, t, "info", &info_len);
    const uint8_t *okm = bag_field(&bag, t, "okm", &okm_len);
    size_t size = (size_t)json_get_int(t, "size");
    char what[64];

    (void)group;
    snprintf(what, sizeof what, "Wycheproof HKDF tcId %lld", json_get_int(t, "tcId"));
    if (wycheproof_result_of(t) == WYCHEPROOF_VALID) {
        assert_int_equal(size, okm_len);
        expect_hkdf_routes(what, ikm, ikm_len, salt, salt_len, info, info_len, okm, okm_len);
        n->valid++;
    } else {
        /* The only invalid tests ask for more than 255 blocks; the length check refuses them first.
         */
        uint8_t prk[BIB_HKDF_PRKBYTES];
        bib_hmac_key key;
        uint8_t *out = malloc(size + 1);

        assert_non_null(out);
        VEC_EXPECT_STATUS(what, bib_hkdf(out, size, ikm, ikm_len, salt, salt_len, info, info_len),
                          BIB_ERR_HKDF_LENGTH);
        bib_hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
        bib_hmac_key_init(&key, prk);
        VEC_EXPECT_STATUS(what, bib_hkdf_expand(out, size, &key, info, info_len),
                          BIB_ERR_HKDF_LENGTH);
        free(out);
        n->invalid++;
    }
    bag_free(&bag);
}

static void test_wycheproof_hkdf(void **state)
{
    json_value *doc = vec_load_json("wycheproof/hkdf_sha256_test.json");
    counts n = {0, 0};

    (void)state;
    wycheproof_for_each(doc, wycheproof_hkdf_case, &n);
    print_message("HKDF-SHA256: %zu valid, %zu invalid Wycheproof tests\n", n.valid, n.invalid);
    assert_true(n.valid > 0 && n.invalid > 0);
    json_free(doc);
}

/* The MAC of msg by each implementation: libsodium's, then bib's on either SHA-256 path. */
#define HMAC_IMPLS 3
static const char *const hmac_impl_names[HMAC_IMPLS] = {"libsodium", "bib portable", "bib best"};

static void hmac_by_impl(uint8_t mac[BIB_SHA256_BYTES], int impl, const uint8_t *key,
                         size_t key_len, const uint8_t *msg, size_t msg_len)
{
    /* Two updates, so that the streaming interface is what is exercised. */
    if (impl == 0) {
        crypto_auth_hmacsha256_state st;

        crypto_auth_hmacsha256_init(&st, key, key_len);
        crypto_auth_hmacsha256_update(&st, msg, msg_len / 2);
        crypto_auth_hmacsha256_update(&st, msg + msg_len / 2, msg_len - msg_len / 2);
        crypto_auth_hmacsha256_final(&st, mac);
    } else {
        bib_hmac_sha256_state st;

        bib_sha256_force_portable(impl == 1);
        bib_hmac_sha256_init(&st, key, key_len);
        bib_hmac_sha256_update(&st, msg, msg_len / 2);
        bib_hmac_sha256_update(&st, msg + msg_len / 2, msg_len - msg_len / 2);
        bib_hmac_sha256_final(&st, mac);
        bib_sha256_force_portable(0);
    }
}

/* Wycheproof's MAC tests on bib's HMAC-SHA256, which HKDF is built on, and on libsodium's. */
static void wycheproof_hmac_case(const json_value *group, const json_value *t, void *ctx)
{
    counts *n = ctx;
    hex_bag bag = HEX_BAG_INIT;
    size_t key_len, msg_len, tag_len;
    const uint8_t *key = bag_field(&bag, t, "key", &key_len);
    const uint8_t *msg = bag_field(&bag, t, "msg", &msg_len);
    const uint8_t *tag = bag_field(&bag, t, "tag", &tag_len);
    size_t want_len = (size_t)json_get_int(group, "tagSize") / 8;
    int valid = wycheproof_result_of(t) == WYCHEPROOF_VALID;

    assert_true(want_len <= BIB_SHA256_BYTES);
    for (int impl = 0; impl < HMAC_IMPLS; impl++) {
        uint8_t mac[BIB_SHA256_BYTES];
        int same;

        hmac_by_impl(mac, impl, key, key_len, msg, msg_len);
        same = tag_len == want_len && sodium_memcmp(mac, tag, want_len) == 0;
        if (valid && !same)
            VEC_FAIL("Wycheproof HMAC tcId %lld, %s: tag differs", json_get_int(t, "tcId"),
                     hmac_impl_names[impl]);
        if (!valid && same)
            VEC_FAIL("Wycheproof HMAC tcId %lld, %s: invalid tag accepted", json_get_int(t, "tcId"),
                     hmac_impl_names[impl]);
    }
    if (valid)
        n->valid++;
    else
        n->invalid++;
    bag_free(&bag);
}

static void test_wycheproof_hmac(void **state)
{
    json_value *doc = vec_load_json("wycheproof/hmac_sha256_test.json");
    counts n = {0, 0};

    (void)state;
    wycheproof_for_each(doc, wycheproof_hmac_case, &n);
    print_message("HMAC-SHA256: %zu valid, %zu invalid Wycheproof tests\n", n.valid, n.invalid);
    assert_true(n.valid > 0 && n.invalid > 0);
    json_free(doc);
}

/*
 * bib_hkdf_expand_block is T(1), the first 32 bytes of any expansion, for
 * info lengths on both sides of each SHA-256 block boundary (the envelope's
 * 40-byte info included).
 */
static void test_expand_block_is_first_block(void **state)
{
    static const size_t info_lens[] = {0, 1, 31, 32, 40, 54, 55, 56, 63, 64, 65, 119, 120, 200};
    uint8_t prk[BIB_HKDF_PRKBYTES], info[200], block[BIB_HKDF_PRKBYTES], okm[100];
    bib_hmac_key key;

    (void)state;
    for (size_t i = 0; i < sizeof info_lens / sizeof info_lens[0]; i++) {
        randombytes_buf(prk, sizeof prk);
        randombytes_buf(info, sizeof info);
        bib_hmac_key_init(&key, prk);
        assert_int_equal(bib_hkdf_expand(okm, sizeof okm, &key, info, info_lens[i]), BIB_OK);
        bib_hkdf_expand_block(block, &key, info, info_lens[i]);
        VEC_EXPECT_BYTES("expand_block", block, sizeof block, okm, sizeof block);
    }
}

/* Output lengths: 1..255*32 bytes, checked before anything is computed. */
static void test_length_limits(void **state)
{
    static uint8_t out[BIB_HKDF_MAXBYTES + 1];
    uint8_t prk[BIB_HKDF_PRKBYTES] = {0};
    const uint8_t ikm[1] = {0};
    bib_hmac_key key;

    (void)state;
    bib_hmac_key_init(&key, prk);
    assert_int_equal(bib_hkdf_check_length(0), BIB_ERR_HKDF_LENGTH);
    assert_int_equal(bib_hkdf_check_length(1), BIB_OK);
    assert_int_equal(bib_hkdf_check_length(BIB_HKDF_MAXBYTES), BIB_OK);
    assert_int_equal(bib_hkdf_check_length(BIB_HKDF_MAXBYTES + 1), BIB_ERR_HKDF_LENGTH);
    assert_int_equal(bib_hkdf(out, 0, ikm, 1, NULL, 0, NULL, 0), BIB_ERR_HKDF_LENGTH);
    assert_int_equal(bib_hkdf_expand(out, 0, &key, NULL, 0), BIB_ERR_HKDF_LENGTH);
    assert_int_equal(bib_hkdf(out, BIB_HKDF_MAXBYTES, ikm, 1, NULL, 0, NULL, 0), BIB_OK);
    assert_int_equal(bib_hkdf_expand(out, BIB_HKDF_MAXBYTES, &key, NULL, 0), BIB_OK);
    assert_int_equal(bib_hkdf_expand(out, BIB_HKDF_MAXBYTES + 1, &key, NULL, 0),
                     BIB_ERR_HKDF_LENGTH);
}

static int use_portable_sha256(void **state)
{
    (void)state;
    bib_sha256_force_portable(1);
    return 0;
}

static int use_best_sha256(void **state)
{
    (void)state;
    bib_sha256_force_portable(0);
    return 0;
}

int main(void)
{
    /* The vector tests again on the portable SHA-256 path, named apart in the log. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc5869),
        cmocka_unit_test(test_wycheproof_hkdf),
        cmocka_unit_test(test_wycheproof_hmac),
        cmocka_unit_test(test_expand_block_is_first_block),
        cmocka_unit_test(test_length_limits),
        {"test_rfc5869 (portable SHA-256)", test_rfc5869, use_portable_sha256, use_best_sha256,
         NULL},
        {"test_wycheproof_hkdf (portable SHA-256)", test_wycheproof_hkdf, use_portable_sha256,
         use_best_sha256, NULL},
        {"test_expand_block_is_first_block (portable SHA-256)", test_expand_block_is_first_block,
         use_portable_sha256, use_best_sha256, NULL},
    };

    return cmocka_run_group_tests_name("hkdf", tests, vec_group_setup, NULL);
}
