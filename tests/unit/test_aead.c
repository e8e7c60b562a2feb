/*
 * test_aead.c — the two AEADs of envelope format v1, as libsodium provides
 * them, against Wycheproof: AES-256-GCM and XChaCha20-Poly1305-IETF.
 *
 * The envelope code calls libsodium directly, so these tests pin the
 * primitive under it: a Debian libsodium update that broke either AEAD would
 * show here, with a tcId, before it showed as an envelope mismatch.
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* libsodium's combined-mode AEAD calls; both AEADs share these signatures. */
typedef struct aead_impl {
    const char *name;
    size_t key_bytes;
    size_t nonce_bytes;
    size_t tag_bytes;
    int (*encrypt)(unsigned char *c, unsigned long long *clen, const unsigned char *m,
                   unsigned long long mlen, const unsigned char *ad, unsigned long long adlen,
                   const unsigned char *nsec, const unsigned char *npub, const unsigned char *k);
    int (*decrypt)(unsigned char *m, unsigned long long *mlen, unsigned char *nsec,
                   const unsigned char *c, unsigned long long clen, const unsigned char *ad,
                   unsigned long long adlen, const unsigned char *npub, const unsigned char *k);
    /* 0 for a group whose parameters this AEAD cannot take (counted as not applicable). */
    int (*applicable)(const json_value *group);
} aead_impl;

typedef struct aead_run {
    const aead_impl *impl;
    size_t valid;
    size_t invalid;
    size_t not_applicable;
} aead_run;

/* libsodium's AES-GCM is AES-256 with a 96-bit nonce and a 128-bit tag only. */
static int aes_gcm_applicable(const json_value *group)
{
    return json_get_int(group, "keySize") == 256 && json_get_int(group, "ivSize") == 96 &&
           json_get_int(group, "tagSize") == 128;
}

/*
 * Every XChaCha20-Poly1305 group applies: the groups with other nonce sizes
 * hold only invalid tests, which the fixed 24-byte nonce of the API refuses.
 */
static int xchacha_applicable(const json_value *group)
{
    (void)group;
    return 1;
}

static const aead_impl aes256gcm = {
    "AES-256-GCM",
    crypto_aead_aes256gcm_KEYBYTES,
    crypto_aead_aes256gcm_NPUBBYTES,
    crypto_aead_aes256gcm_ABYTES,
    crypto_aead_aes256gcm_encrypt,
    crypto_aead_aes256gcm_decrypt,
    aes_gcm_applicable,
};

static const aead_impl xchacha20poly1305 = {
    "XChaCha20-Poly1305",
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
    crypto_aead_xchacha20poly1305_ietf_ABYTES,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    xchacha_applicable,
};

static void aead_case(const json_value *group, const json_value *t, void *ctx)
{
    aead_run *run = ctx;
    const aead_impl *impl = run->impl;
    hex_bag bag = HEX_BAG_INIT;
    size_t key_len, iv_len, aad_len, msg_len, ct_len, tag_len;
    const uint8_t *key = bag_field(&bag, t, "key", &key_len);
    const uint8_t *iv = bag_field(&bag, t, "iv", &iv_len);
    const uint8_t *aad = bag_field(&bag, t, "aad", &aad_len);
    const uint8_t *msg = bag_field(&bag, t, "msg", &msg_len);
    const uint8_t *ct = bag_field(&bag, t, "ct", &ct_len);
    const uint8_t *tag = bag_field(&bag, t, "tag", &tag_len);
    /* The parameters the API can take at all; anything else cannot be decrypted. */
    int shape_ok = key_len == impl->key_bytes && iv_len == impl->nonce_bytes &&
                   tag_len == impl->tag_bytes && ct_len == msg_len;
    size_t sealed_len = ct_len + tag_len;
    uint8_t *sealed = malloc(sealed_len + 1), *out = malloc(sealed_len + 1);
    unsigned long long out_len = 0;
    char what[80];
    int rc = -1;

    assert_non_null(sealed);
    assert_non_null(out);
    snprintf(what, sizeof what, "%s tcId %lld", impl->name, json_get_int(t, "tcId"));
    memcpy(sealed, ct, ct_len);
    memcpy(sealed + ct_len, tag, tag_len);
    if (!impl->applicable(group)) {
        run->not_applicable++;
    } else if (wycheproof_result_of(t) == WYCHEPROOF_VALID) {
        if (!shape_ok)
            VEC_FAIL("%s: valid test with parameters the API cannot take", what);
        assert_int_equal(impl->encrypt(out, &out_len, msg, msg_len, aad, aad_len, NULL, iv, key),
                         0);
        VEC_EXPECT_BYTES(what, out, (size_t)out_len, sealed, sealed_len);
        rc = impl->decrypt(out, &out_len, NULL, sealed, sealed_len, aad, aad_len, iv, key);
        if (rc != 0)
            VEC_FAIL("%s: valid ciphertext refused", what);
        VEC_EXPECT_BYTES(what, out, (size_t)out_len, msg, msg_len);
        run->valid++;
    } else {
        if (shape_ok)
            rc = impl->decrypt(out, &out_len, NULL, sealed, sealed_len, aad, aad_len, iv, key);
        if (rc == 0)
            VEC_FAIL("%s: invalid ciphertext decrypted", what);
        run->invalid++;
    }
    free(sealed);
    free(out);
    bag_free(&bag);
}

static void run_aead_file(const char *file, const aead_impl *impl)
{
    json_value *doc = vec_load_json(file);
    aead_run run = {impl, 0, 0, 0};

    wycheproof_for_each(doc, aead_case, &run);
    print_message("%s: %zu valid, %zu invalid, %zu not applicable Wycheproof tests\n", impl->name,
                  run.valid, run.invalid, run.not_applicable);
    assert_true(run.valid > 0 && run.invalid > 0);
    json_free(doc);
}

static void test_aes256gcm(void **state)
{
    (void)state;
    if (!crypto_aead_aes256gcm_is_available()) {
        print_message("NOTICE: this CPU has no AES-NI: libsodium cannot run AES-256-GCM, "
                      "its Wycheproof tests are skipped\n");
        skip();
    }
    run_aead_file("wycheproof/aes_gcm_test.json", &aes256gcm);
}

static void test_xchacha20poly1305(void **state)
{
    (void)state;
    run_aead_file("wycheproof/xchacha20_poly1305_test.json", &xchacha20poly1305);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aes256gcm),
        cmocka_unit_test(test_xchacha20poly1305),
    };

    return cmocka_run_group_tests_name("aead", tests, vec_group_setup, NULL);
}
