/*
 * test_ed25519.c — bib_ed25519_public / _sign / _verify: Wycheproof's
 * verification tests, sign-verify round trips, and the length errors.
 *
 * The SQL API handles Ed25519 secret keys as 32-byte seeds and signs audit
 * seals with them, so verification must refuse every malleable or
 * malformed signature Wycheproof knows, and a wrong-length argument must be
 * an error rather than a quiet "invalid".
 */
#include "vectors.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

typedef struct ed25519_counts {
    size_t valid;
    size_t invalid;
    size_t length_errors;
} ed25519_counts;

static void wycheproof_case(const json_value *group, const json_value *t, void *ctx)
{
    ed25519_counts *n = ctx;
    hex_bag bag = HEX_BAG_INIT;
    size_t pk_len, msg_len, sig_len;
    const uint8_t *pk = bag_field(&bag, json_get(group, "publicKey"), "pk", &pk_len);
    const uint8_t *msg = bag_field(&bag, t, "msg", &msg_len);
    const uint8_t *sig = bag_field(&bag, t, "sig", &sig_len);
    long long id = json_get_int(t, "tcId");
    int valid = -1;
    bib_status st = bib_ed25519_verify(&valid, msg, msg_len, sig, sig_len, pk, pk_len);

    if (wycheproof_result_of(t) == WYCHEPROOF_VALID) {
        if (st != BIB_OK || valid != 1)
            VEC_FAIL("Ed25519 tcId %lld: valid signature: status %s, valid %d", id,
                     bib_status_name(st), valid);
        n->valid++;
    } else if (st == BIB_OK) {
        if (valid != 0)
            VEC_FAIL("Ed25519 tcId %lld: invalid signature accepted", id);
        n->invalid++;
    } else {
        /* Only a signature or key of the wrong length may be refused as an argument error. */
        if (!(st == BIB_ERR_SIGNATURE_LENGTH && sig_len != BIB_ED25519_SIGNATUREBYTES) &&
            !(st == BIB_ERR_PUBLIC_KEY_LENGTH && pk_len != BIB_ED25519_PUBLICKEYBYTES))
            VEC_FAIL("Ed25519 tcId %lld: unexpected status %s", id, bib_status_name(st));
        n->length_errors++;
    }
    bag_free(&bag);
}

static void test_wycheproof(void **state)
{
    json_value *doc = vec_load_json("wycheproof/ed25519_test.json");
    ed25519_counts n = {0, 0, 0};

    (void)state;
    wycheproof_for_each(doc, wycheproof_case, &n);
    print_message("Ed25519: %zu valid, %zu invalid, %zu wrong-length Wycheproof tests\n", n.valid,
                  n.invalid, n.length_errors);
    assert_true(n.valid > 0 && n.invalid > 0 && n.length_errors > 0);
    json_free(doc);
}

/* Expect verify to say `want` (1 or 0) with status OK. */
static void expect_verdict(const char *what, const uint8_t *msg, size_t msg_len,
                           const uint8_t sig[64], const uint8_t pk[32], int want)
{
    int valid = -1;

    VEC_EXPECT_STATUS(what, bib_ed25519_verify(&valid, msg, msg_len, sig, 64, pk, 32), BIB_OK);
    if (valid != want)
        VEC_FAIL("%s: verify said %d, want %d", what, valid, want);
}

/*
 * Seeds give the same key as libsodium's seed keypair; a signature verifies,
 * and flipping one bit of the message, the signature or the key breaks it.
 */
static void test_round_trip(void **state)
{
    static const size_t msg_lens[] = {0, 1, 32, 64, 1000};
    uint8_t seed[32], pk[32], sk[64], ref_pk[32], sig[64], other[32], msg[1000];

    (void)state;
    for (size_t i = 0; i < sizeof msg_lens / sizeof msg_lens[0]; i++) {
        size_t len = msg_lens[i];
        size_t flip = len > 0 ? randombytes_uniform((uint32_t)len) : 0;

        randombytes_buf(seed, sizeof seed);
        randombytes_buf(msg, sizeof msg);
        assert_int_equal(bib_ed25519_public(pk, seed, sizeof seed), BIB_OK);
        crypto_sign_seed_keypair(ref_pk, sk, seed);
        VEC_EXPECT_BYTES("ed25519 public", pk, sizeof pk, ref_pk, sizeof ref_pk);
        assert_int_equal(bib_ed25519_sign(sig, msg, len, seed, sizeof seed), BIB_OK);
        expect_verdict("own signature", msg, len, sig, pk, 1);

        if (len > 0) {
            msg[flip] ^= 0x01;
            expect_verdict("flipped message", msg, len, sig, pk, 0);
            msg[flip] ^= 0x01;
        }
        sig[randombytes_uniform(64)] ^= 0x80;
        expect_verdict("flipped signature", msg, len, sig, pk, 0);
        assert_int_equal(bib_ed25519_sign(sig, msg, len, seed, sizeof seed), BIB_OK);
        randombytes_buf(other, sizeof other);
        assert_int_equal(bib_ed25519_public(other, other, sizeof other), BIB_OK);
        expect_verdict("another key", msg, len, sig, other, 0);
    }
    sodium_memzero(sk, sizeof sk);
}

static void test_length_errors(void **state)
{
    static const size_t bad_key[] = {0, 31, 33, 64};
    static const size_t bad_sig[] = {0, 63, 65, 128};
    uint8_t seed[64] = {0}, pk[64] = {0}, sig[128] = {0};
    const uint8_t msg[1] = {0};
    int valid = -1;

    (void)state;
    for (size_t i = 0; i < sizeof bad_key / sizeof bad_key[0]; i++) {
        VEC_EXPECT_STATUS("public seed", bib_ed25519_public(pk, seed, bad_key[i]),
                          BIB_ERR_SEED_LENGTH);
        VEC_EXPECT_STATUS("sign seed", bib_ed25519_sign(sig, msg, 1, seed, bad_key[i]),
                          BIB_ERR_SEED_LENGTH);
        VEC_EXPECT_STATUS("verify key", bib_ed25519_verify(&valid, msg, 1, sig, 64, pk, bad_key[i]),
                          BIB_ERR_PUBLIC_KEY_LENGTH);
    }
    for (size_t i = 0; i < sizeof bad_sig / sizeof bad_sig[0]; i++) {
        VEC_EXPECT_STATUS("verify signature",
                          bib_ed25519_verify(&valid, msg, 1, sig, bad_sig[i], pk, 32),
                          BIB_ERR_SIGNATURE_LENGTH);
    }
    assert_int_equal(valid, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wycheproof),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_length_errors),
    };

    return cmocka_run_group_tests_name("ed25519", tests, vec_group_setup, NULL);
}
