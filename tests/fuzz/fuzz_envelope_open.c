/*
 * fuzz_envelope_open.c — libFuzzer harness for the envelope openers.
 *
 * Input: selector[1] || key[32] || secret_key[32] || ad_len[1] || ad[ad_len] || envelope
 * (missing bytes read as zero; ad_len is cut to what is left).  Selector bits:
 *   0x01  pass a 31-byte key and a 33-byte secret key (the KEY opener takes a schedule, so
 *         there the 31-byte key goes to bib_key_cache_get): argument errors come first;
 *   0x02  pass ad = NULL when the AD is empty;
 *   0x04  fill the output buffer with 0xa5 beforehand instead of zeros.
 *
 * Every input goes through bib_envelope_parse and all three openers
 * (bib_envelope_decrypt_key under bib_key_schedule_init, bib_envelope_unseal,
 * bib_envelope_decrypt_hybrid), each into its own exactly sized buffer,
 * zeroed or filled (selector 0x04).  Checked:
 *   - parse OK implies env_len >= overhead = prefix_len + 16, prefix 56 or 72;
 *   - every opener reports the parse error the format checks give, then
 *     ENV_WRONG_MODE for the other modes (DESIGN §3.1 check order);
 *   - on failure a zeroed output buffer is still all zero (no unverified
 *     byte); a filled one is untouched, except that an AEAD failure leaves
 *     its first env_len - overhead bytes (what the AEAD wrote) zero;
 *   - on success out_len == env_len - overhead and nothing past out_len is written.
 * Seeds (tests/fuzz/run.sh): every valid and invalid envelope of
 * vectors/bib/envelope_v1.json with its key, secret key and AD, so the
 * fuzzer starts from envelopes that authenticate.
 */
#include "fuzz_common.h"

#define SEL_BAD_LENGTHS 0x01U
#define SEL_NULL_AD 0x02U
#define SEL_FILLED_OUT 0x04U
#define FILL_BYTE 0xa5U

enum opener {
    OPEN_KEY,
    OPEN_SEAL,
    OPEN_HYBRID
};

static bib_key_cache *key_cache;

/* The status an opener must return given the parse result, or -1 when crypto decides. */
static int expected_status(enum opener which, bib_status parsed, const bib_envelope_header *h,
                           int bad_lengths)
{
    static const bib_mode mode_of[] = {BIB_MODE_KEY, BIB_MODE_SEAL, BIB_MODE_HYBRID};

    if (bad_lengths)
        return which == OPEN_SEAL ? BIB_ERR_SECRET_KEY_LENGTH : BIB_ERR_KEY_LENGTH;
    if (parsed != BIB_OK)
        return (int)parsed;
    if (h->mode != mode_of[which])
        return BIB_ERR_ENV_WRONG_MODE;
    if (bib_aead_check_available(h->aead) != BIB_OK)
        return BIB_ERR_AEAD_UNAVAILABLE;
    return -1;
}

static void open_one(enum opener which, const uint8_t *env, size_t env_len, const uint8_t *ad,
                     size_t ad_len, const bib_key_schedule *schedule, const uint8_t key[32],
                     const uint8_t sk[32], int bad_lengths, uint8_t fill, bib_status parsed,
                     const bib_envelope_header *h)
{
    size_t key_len = bad_lengths ? 31 : 32, sk_len = bad_lengths ? 33 : 32;
    /* Exactly env_len bytes (the documented size), so ASan sees any write past it. */
    uint8_t *out = malloc(env_len > 0 ? env_len : 1);
    size_t out_len = (size_t)-1;
    bib_status st;
    int want = expected_status(which, parsed, h, bad_lengths);

    FUZZ_CHECK(out != NULL);
    memset(out, fill, env_len);
    switch (which) {
    case OPEN_KEY:
        /* The KEY opener takes a schedule: a raw key's length is checked by the key cache. */
        if (bad_lengths) {
            const bib_key_schedule *cached;
            st = bib_key_cache_get(&cached, key_cache, key, key_len);
            break;
        }
        st = bib_envelope_decrypt_key(out, &out_len, env, env_len, ad, ad_len, schedule);
        break;
    case OPEN_SEAL:
        st = bib_envelope_unseal(out, &out_len, env, env_len, ad, ad_len, sk, sk_len);
        break;
    default:
        st = bib_envelope_decrypt_hybrid(out, &out_len, env, env_len, ad, ad_len, key, key_len, sk,
                                         sk_len);
        break;
    }

    FUZZ_CHECK((unsigned)st < BIB_STATUS_COUNT);
    if (want >= 0) {
        FUZZ_CHECK((int)st == want);
    } else {
        /* Past the format checks only crypto can fail. */
        FUZZ_CHECK(st == BIB_OK || st == BIB_ERR_ENV_AUTH ||
                   (st == BIB_ERR_ENV_SMALL_ORDER && which != OPEN_KEY));
    }
    if (st == BIB_OK) {
        FUZZ_CHECK(parsed == BIB_OK);
        FUZZ_CHECK(out_len == env_len - h->overhead);
        FUZZ_CHECK(fuzz_all_equal(out + out_len, env_len - out_len, fill));
    } else if (st == BIB_ERR_ENV_AUTH) {
        size_t ct_len = env_len - h->overhead;
        FUZZ_CHECK(fuzz_all_zero(out, ct_len));
        FUZZ_CHECK(fuzz_all_equal(out + ct_len, env_len - ct_len, fill));
    } else {
        FUZZ_CHECK(fuzz_all_equal(out, env_len, fill));
    }
    free(out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    key_cache = bib_key_cache_new();
    FUZZ_CHECK(key_cache != NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = {data, size};
    uint8_t selector, key[32], sk[32];
    size_t ad_len;
    const uint8_t *ad;
    uint8_t *env;
    size_t env_len;
    bib_key_schedule schedule;
    bib_envelope_header h;
    bib_status parsed;
    int bad_lengths;
    uint8_t fill;

    selector = fuzz_byte(&in);
    bad_lengths = (selector & SEL_BAD_LENGTHS) != 0;
    fill = (selector & SEL_FILLED_OUT) ? FILL_BYTE : 0;
    fuzz_take(&in, key, sizeof key);
    fuzz_take(&in, sk, sizeof sk);
    ad_len = fuzz_byte(&in);
    if (ad_len > in.left)
        ad_len = in.left;
    ad = in.p;
    in.p += ad_len;
    in.left -= ad_len;
    if (ad_len == 0 && (selector & SEL_NULL_AD))
        ad = NULL;

    /* A heap copy of exactly env_len bytes: any read past the envelope is an ASan report. */
    env_len = in.left;
    env = malloc(env_len > 0 ? env_len : 1);
    FUZZ_CHECK(env != NULL);
    if (env_len > 0)
        memcpy(env, in.p, env_len);

    memset(&h, 0xA5, sizeof h);
    parsed = bib_envelope_parse(&h, env, env_len);
    FUZZ_CHECK(parsed == BIB_OK ||
               (parsed >= BIB_ERR_ENV_SHORT && parsed <= BIB_ERR_ENV_BAD_FLAGS));
    if (parsed == BIB_OK) {
        FUZZ_CHECK(h.version == 1);
        FUZZ_CHECK(h.prefix_len == (h.mode == BIB_MODE_HYBRID ? 72U : 56U));
        FUZZ_CHECK(h.overhead == h.prefix_len + BIB_ENVELOPE_TAGBYTES);
        FUZZ_CHECK(env_len >= h.overhead);
        FUZZ_CHECK(h.has_key_id == (h.mode != BIB_MODE_SEAL));
        FUZZ_CHECK(h.has_recipient_id == (h.mode != BIB_MODE_KEY));
        FUZZ_CHECK(memcmp(h.key_id, env + 8, h.has_key_id ? 16 : 0) == 0);
        FUZZ_CHECK(bib_envelope_sealed_size(h.mode, env_len - h.overhead) == env_len);
    }

    bib_key_schedule_init(&schedule, key);
    open_one(OPEN_KEY, env, env_len, ad, ad_len, &schedule, key, sk, bad_lengths, fill, parsed, &h);
    open_one(OPEN_SEAL, env, env_len, ad, ad_len, &schedule, key, sk, bad_lengths, fill, parsed,
             &h);
    open_one(OPEN_HYBRID, env, env_len, ad, ad_len, &schedule, key, sk, bad_lengths, fill, parsed,
             &h);
    sodium_memzero(&schedule, sizeof schedule);
    free(env);
    return 0;
}
