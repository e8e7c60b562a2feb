/*
 * fuzz_envelope_roundtrip.c — libFuzzer harness: encrypt then open, in every
 * mode (KEY, SEAL, HYBRID) x AEAD (AES-256-GCM when the CPU has it,
 * XChaCha20-Poly1305).
 *
 * Input: ctrl[1] || key[32] || secret_key[32] || ad_len[2, big-endian] || ad || plaintext
 * (missing bytes read as zero; ad_len is cut to what is left).  Ctrl bits:
 *   0x01  pass an explicit key_id (the first 16 bytes of secret_key) instead of NULL;
 *   0x02  take the KEY-mode schedule from bib_key_cache_get instead of bib_key_schedule_init;
 *   0x04  pass ad = NULL when the AD is empty.
 * The random source is a ChaCha20 stream keyed by a hash of the whole input
 * (fuzz_common.h), so every run of an input draws the same bytes.
 *
 * Checked for each mode x AEAD:
 *   - the envelope has bib_envelope_sealed_size bytes and parses back to the
 *     mode, AEAD, key_id (fingerprint or explicit) and recipient_id used;
 *   - KEY mode is deterministic under a replayed random source;
 *   - the matching opener returns the plaintext exactly (out_len included);
 *   - the envelope with one byte flipped never opens, and leaves out all zero.
 * AD longer than 1 KiB takes the core's heap path for prefix || AD.
 */
#include "fuzz_common.h"

#define CTRL_KEY_ID 0x01U
#define CTRL_KEY_CACHE 0x02U
#define CTRL_NULL_AD 0x04U

static bib_key_cache *key_cache;

typedef struct roundtrip {
    const uint8_t *plain;
    size_t plain_len;
    const uint8_t *ad;
    size_t ad_len;
    const uint8_t *key_id; /* NULL: the fingerprint */
    uint8_t key[32];
    uint8_t sk[32];
    uint8_t pk[32];
    const bib_key_schedule *schedule;
    size_t flip_at;  /* reduced modulo the envelope length */
    uint8_t flip_by; /* non-zero */
} roundtrip;

static bib_status encrypt(uint8_t *env, const roundtrip *r, bib_mode mode, bib_aead aead,
                          const bib_rng *rng)
{
    switch (mode) {
    case BIB_MODE_KEY:
        return bib_envelope_encrypt_key(env, r->plain, r->plain_len, r->ad, r->ad_len, aead,
                                        r->key_id, r->schedule, rng);
    case BIB_MODE_SEAL:
        return bib_envelope_seal(env, r->plain, r->plain_len, r->ad, r->ad_len, aead, r->pk,
                                 sizeof r->pk, rng);
    default:
        return bib_envelope_encrypt_hybrid(env, r->plain, r->plain_len, r->ad, r->ad_len, aead,
                                           r->key_id, r->key, sizeof r->key, r->pk, sizeof r->pk,
                                           rng);
    }
}

static bib_status open_envelope(uint8_t *out, size_t *out_len, const uint8_t *env, size_t env_len,
                                const roundtrip *r, bib_mode mode)
{
    switch (mode) {
    case BIB_MODE_KEY:
        return bib_envelope_decrypt_key(out, out_len, env, env_len, r->ad, r->ad_len, r->schedule);
    case BIB_MODE_SEAL:
        return bib_envelope_unseal(out, out_len, env, env_len, r->ad, r->ad_len, r->sk,
                                   sizeof r->sk);
    default:
        return bib_envelope_decrypt_hybrid(out, out_len, env, env_len, r->ad, r->ad_len, r->key,
                                           sizeof r->key, r->sk, sizeof r->sk);
    }
}

static void check_header(const uint8_t *env, size_t env_len, const roundtrip *r, bib_mode mode,
                         bib_aead aead)
{
    bib_envelope_header h;
    uint8_t recipient_id[BIB_ENVELOPE_RECIPIENTIDBYTES];
    const uint8_t *key_id = r->key_id != NULL ? r->key_id : r->schedule->fingerprint;

    FUZZ_CHECK(bib_envelope_parse(&h, env, env_len) == BIB_OK);
    FUZZ_CHECK(h.mode == mode && h.aead == aead && h.version == 1);
    FUZZ_CHECK(env_len - h.overhead == r->plain_len);
    bib_envelope_recipient_id(recipient_id, r->pk);
    if (mode != BIB_MODE_SEAL)
        FUZZ_CHECK(h.has_key_id && memcmp(h.key_id, key_id, sizeof h.key_id) == 0);
    if (mode != BIB_MODE_KEY)
        FUZZ_CHECK(h.has_recipient_id &&
                   memcmp(h.recipient_id, recipient_id, sizeof recipient_id) == 0);
}

static void roundtrip_one(const roundtrip *r, bib_mode mode, bib_aead aead, fuzz_rng_state *rs)
{
    size_t env_len = bib_envelope_sealed_size(mode, r->plain_len);
    size_t prefix_len = mode == BIB_MODE_HYBRID ? 72U : 56U;
    bib_rng rng = {fuzz_rng_fill, rs};
    fuzz_rng_state replay = *rs;
    uint8_t *env, *out;
    size_t out_len = 0;
    bib_status st;

    FUZZ_CHECK(env_len == prefix_len + r->plain_len + BIB_ENVELOPE_TAGBYTES);
    env = malloc(env_len);
    out = calloc(1, env_len);
    FUZZ_CHECK(env != NULL && out != NULL);

    st = encrypt(env, r, mode, aead, &rng);
    FUZZ_CHECK(st == BIB_OK);
    check_header(env, env_len, r, mode, aead);

    if (mode == BIB_MODE_KEY) {
        bib_rng replayed = {fuzz_rng_fill, &replay};
        uint8_t *again = malloc(env_len);
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(encrypt(again, r, mode, aead, &replayed) == BIB_OK);
        FUZZ_CHECK(memcmp(again, env, env_len) == 0);
        free(again);
    }

    st = open_envelope(out, &out_len, env, env_len, r, mode);
    FUZZ_CHECK(st == BIB_OK);
    FUZZ_CHECK(out_len == r->plain_len);
    FUZZ_CHECK(memcmp(out, r->plain, r->plain_len) == 0);
    FUZZ_CHECK(fuzz_all_zero(out + out_len, env_len - out_len));

    env[r->flip_at % env_len] ^= r->flip_by;
    memset(out, 0, env_len);
    st = open_envelope(out, &out_len, env, env_len, r, mode);
    FUZZ_CHECK(st != BIB_OK);
    FUZZ_CHECK(fuzz_all_zero(out, env_len));

    free(out);
    free(env);
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
    static const bib_mode modes[] = {BIB_MODE_KEY, BIB_MODE_SEAL, BIB_MODE_HYBRID};
    static const bib_aead aeads[] = {BIB_AEAD_AES256GCM, BIB_AEAD_XCHACHA20POLY1305};
    fuzz_input in = {data, size};
    fuzz_rng_state rs;
    bib_key_schedule schedule;
    roundtrip r;
    uint8_t ctrl, len_be[2];

    memset(&r, 0, sizeof r);
    ctrl = fuzz_byte(&in);
    fuzz_take(&in, r.key, sizeof r.key);
    fuzz_take(&in, r.sk, sizeof r.sk);
    fuzz_take(&in, len_be, sizeof len_be);
    r.ad_len = (size_t)len_be[0] << 8 | len_be[1];
    if (r.ad_len > in.left)
        r.ad_len = in.left;
    r.ad = in.p;
    r.plain = in.p + r.ad_len;
    r.plain_len = in.left - r.ad_len;
    if (r.ad_len == 0 && (ctrl & CTRL_NULL_AD))
        r.ad = NULL;
    if (ctrl & CTRL_KEY_ID)
        r.key_id = r.sk;
    FUZZ_CHECK(bib_x25519_public(r.pk, r.sk, sizeof r.sk) == BIB_OK);
    if (ctrl & CTRL_KEY_CACHE) {
        FUZZ_CHECK(bib_key_cache_get(&r.schedule, key_cache, r.key, sizeof r.key) == BIB_OK);
    } else {
        bib_key_schedule_init(&schedule, r.key);
        r.schedule = &schedule;
    }
    r.flip_at = size * 31U + ctrl;
    r.flip_by = (uint8_t)(r.key[0] | 1U);

    (void)fuzz_rng_init(&rs, data, size);
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        for (size_t a = 0; a < sizeof aeads / sizeof aeads[0]; a++) {
            if (aeads[a] == BIB_AEAD_AES256GCM && !crypto_aead_aes256gcm_is_available())
                continue;
            roundtrip_one(&r, modes[m], aeads[a], &rs);
        }
    }
    sodium_memzero(&schedule, sizeof schedule);
    return 0;
}
