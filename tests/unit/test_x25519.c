/*
 * test_x25519.c — X25519 as SEAL and HYBRID envelopes use it: libsodium's
 * crypto_scalarmult against Wycheproof and RFC 7748, and bib_x25519_public.
 *
 * The envelope relies on crypto_scalarmult returning -1 exactly when the
 * shared secret is all zero (its ENV_ZERO_SHARED check), so the Wycheproof
 * low-order points are checked for that too, not merely "acceptable".
 */
#include "vectors.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

typedef struct x25519_counts {
    size_t equal;
    size_t zero_refused;
    size_t invalid;
} x25519_counts;

static int all_zero(const uint8_t *b, size_t len)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < len; i++)
        acc |= b[i];
    return acc == 0;
}

/*
 * One DH computation under Wycheproof's rules (RFC 7748 files use the same
 * field names).  An all-zero result must be refused with -1 and is allowed
 * only where the vector's own shared secret is all zero.
 */
static void x25519_case(const json_value *group, const json_value *t, void *ctx)
{
    x25519_counts *n = ctx;
    hex_bag bag = HEX_BAG_INIT;
    size_t priv_len, pub_len, shared_len;
    const uint8_t *priv = bag_field(&bag, t, "private", &priv_len);
    const uint8_t *pub = bag_field(&bag, t, "public", &pub_len);
    const uint8_t *shared = bag_field(&bag, t, "shared", &shared_len);
    uint8_t out[crypto_scalarmult_BYTES];
    long long id = json_get_int(t, "tcId");
    int rc, equal;

    (void)group;
    assert_int_equal(priv_len, crypto_scalarmult_SCALARBYTES);
    assert_int_equal(pub_len, crypto_scalarmult_BYTES);
    assert_int_equal(shared_len, crypto_scalarmult_BYTES);
    rc = crypto_scalarmult(out, priv, pub);
    equal = rc == 0 && memcmp(out, shared, sizeof out) == 0;
    switch (wycheproof_result_of(t)) {
    case WYCHEPROOF_VALID:
        if (!equal)
            VEC_FAIL("X25519 tcId %lld: valid test gave rc %d or another secret", id, rc);
        n->equal++;
        break;
    case WYCHEPROOF_ACCEPTABLE:
        if (rc != 0 && !all_zero(shared, shared_len))
            VEC_FAIL("X25519 tcId %lld: refused a non-zero shared secret", id);
        if (rc == 0 && !equal)
            VEC_FAIL("X25519 tcId %lld: acceptable test gave another secret", id);
        if (rc == 0)
            n->equal++;
        else
            n->zero_refused++;
        break;
    case WYCHEPROOF_INVALID:
        if (equal)
            VEC_FAIL("X25519 tcId %lld: invalid test accepted", id);
        n->invalid++;
        break;
    }
    bag_free(&bag);
}

static void test_wycheproof(void **state)
{
    json_value *doc = vec_load_json("wycheproof/x25519_test.json");
    x25519_counts n = {0, 0, 0};

    (void)state;
    wycheproof_for_each(doc, x25519_case, &n);
    print_message("X25519: %zu equal, %zu all-zero results refused, %zu invalid Wycheproof tests\n",
                  n.equal, n.zero_refused, n.invalid);
    assert_true(n.equal > 0 && n.zero_refused > 0);
    json_free(doc);
}

static void test_rfc7748(void **state)
{
    json_value *doc = vec_load_json("rfc/x25519_rfc7748.json");
    const json_value *tests = json_get(doc, "tests");
    const json_value *keygen = json_get(doc, "keygen");
    x25519_counts n = {0, 0, 0};

    (void)state;
    for (size_t i = 0; i < json_len(tests); i++)
        x25519_case(NULL, json_at(tests, i), &n);
    assert_int_equal(n.equal, json_len(tests));
    assert_true(json_len(keygen) > 0);
    for (size_t i = 0; i < json_len(keygen); i++) {
        const json_value *k = json_at(keygen, i);
        hex_bag bag = HEX_BAG_INIT;
        size_t priv_len, pub_len;
        const uint8_t *priv = bag_field(&bag, k, "private", &priv_len);
        const uint8_t *pub = bag_field(&bag, k, "public", &pub_len);
        uint8_t got[BIB_X25519_KEYBYTES];
        char what[48];

        snprintf(what, sizeof what, "RFC 7748 keygen tcId %lld", json_get_int(k, "tcId"));
        VEC_EXPECT_STATUS(what, bib_x25519_public(got, priv, priv_len), BIB_OK);
        VEC_EXPECT_BYTES(what, got, sizeof got, pub, pub_len);
        bag_free(&bag);
    }
    json_free(doc);
}

/* bib_x25519_public is the base-point multiplication, and the pairs agree on a secret. */
static void test_public_agrees(void **state)
{
    uint8_t a[32], b[32], pa[32], pb[32], ref[32], ab[32], ba[32];

    (void)state;
    for (int i = 0; i < 16; i++) {
        randombytes_buf(a, sizeof a);
        randombytes_buf(b, sizeof b);
        assert_int_equal(bib_x25519_public(pa, a, sizeof a), BIB_OK);
        assert_int_equal(bib_x25519_public(pb, b, sizeof b), BIB_OK);
        assert_int_equal(crypto_scalarmult_base(ref, a), 0);
        VEC_EXPECT_BYTES("x25519 public", pa, sizeof pa, ref, sizeof ref);
        assert_int_equal(crypto_scalarmult(ab, a, pb), 0);
        assert_int_equal(crypto_scalarmult(ba, b, pa), 0);
        VEC_EXPECT_BYTES("x25519 agreement", ab, sizeof ab, ba, sizeof ba);
    }
}

static void test_public_length(void **state)
{
    static const size_t bad[] = {0, 1, 31, 33, 64};
    uint8_t sk[64] = {0}, pk[32];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        VEC_EXPECT_STATUS("x25519 secret key length", bib_x25519_public(pk, sk, bad[i]),
                          BIB_ERR_SECRET_KEY_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wycheproof),
        cmocka_unit_test(test_rfc7748),
        cmocka_unit_test(test_public_agrees),
        cmocka_unit_test(test_public_length),
    };

    return cmocka_run_group_tests_name("x25519", tests, vec_group_setup, NULL);
}
