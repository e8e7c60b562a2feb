/*
 * test_envelope.c — envelope format v1 (DESIGN §3) against the independent
 * reference's vectors (bib/envelope_v1.json), plus properties the vectors
 * cannot show: round trips at many sizes, that no single-byte change or
 * truncation ever opens, and that a failed opening leaves no plaintext.
 *
 * The vectors replay the reference's random bytes, so every valid envelope
 * is compared byte for byte; the invalid cases and sweeps pin our error for
 * each defect, which is also the reference's (our status names are its
 * codes, and our checks run in its order).
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* The SQL-level operations the vectors name (DESIGN §6). */
typedef enum env_op {
    OP_ENCRYPT_RAW,
    OP_SEAL,
    OP_ENCRYPT_HYBRID_RAW,
    OP_DECRYPT_RAW,
    OP_UNSEAL_RAW,
    OP_DECRYPT_HYBRID_RAW,
    OP_ENVELOPE_INFO,
    OP_COUNT
} env_op;

static const char *const op_names[OP_COUNT] = {
    [OP_ENCRYPT_RAW] = "encrypt_raw",
    [OP_SEAL] = "seal",
    [OP_ENCRYPT_HYBRID_RAW] = "encrypt_hybrid_raw",
    [OP_DECRYPT_RAW] = "decrypt_raw",
    [OP_UNSEAL_RAW] = "unseal_raw",
    [OP_DECRYPT_HYBRID_RAW] = "decrypt_hybrid_raw",
    [OP_ENVELOPE_INFO] = "envelope_info",
};

static const bib_mode all_modes[] = {BIB_MODE_KEY, BIB_MODE_SEAL, BIB_MODE_HYBRID};
static const bib_aead all_aeads[] = {BIB_AEAD_AES256GCM, BIB_AEAD_XCHACHA20POLY1305};
#define N_MODES (sizeof all_modes / sizeof all_modes[0])
#define N_AEADS (sizeof all_aeads / sizeof all_aeads[0])

/* Every argument an operation may take; each operation reads only its own. */
typedef struct env_args {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *secret_key;
    size_t secret_key_len;
    const uint8_t *public_key;
    size_t public_key_len;
    const uint8_t *ad;
    size_t ad_len;
    const uint8_t *key_id; /* NULL: the raw-key fingerprint */
    bib_aead aead;
    bib_key_cache *cache; /* decrypt_raw finds its schedule here, as the adapters do */
} env_args;

static env_op op_from_name(const char *name)
{
    for (int op = 0; op < OP_COUNT; op++)
        if (strcmp(op_names[op], name) == 0)
            return (env_op)op;
    VEC_FAIL("unknown envelope operation \"%s\"", name);
}

static bib_mode mode_of_op(env_op op)
{
    switch (op) {
    case OP_ENCRYPT_RAW:
    case OP_DECRYPT_RAW:
        return BIB_MODE_KEY;
    case OP_SEAL:
    case OP_UNSEAL_RAW:
        return BIB_MODE_SEAL;
    case OP_ENCRYPT_HYBRID_RAW:
    case OP_DECRYPT_HYBRID_RAW:
        return BIB_MODE_HYBRID;
    default:
        VEC_FAIL("%s has no mode", op_names[op]);
    }
}

static env_op encrypt_op_of(bib_mode mode)
{
    return mode == BIB_MODE_KEY    ? OP_ENCRYPT_RAW
           : mode == BIB_MODE_SEAL ? OP_SEAL
                                   : OP_ENCRYPT_HYBRID_RAW;
}

static env_op decrypt_op_of(bib_mode mode)
{
    return mode == BIB_MODE_KEY    ? OP_DECRYPT_RAW
           : mode == BIB_MODE_SEAL ? OP_UNSEAL_RAW
                                   : OP_DECRYPT_HYBRID_RAW;
}

/* out must hold bib_envelope_sealed_size(mode_of_op(op), plain_len) bytes. */
static bib_status env_encrypt(env_op op, uint8_t *out, const uint8_t *plain, size_t plain_len,
                              const env_args *a, const bib_rng *rng)
{
    bib_key_schedule schedule;
    bib_status st;

    switch (op) {
    case OP_ENCRYPT_RAW:
        if (a->key_len != BIB_ENVELOPE_KEYBYTES)
            VEC_FAIL("encrypt_raw needs a 32-byte key, got %zu", a->key_len);
        bib_key_schedule_init(&schedule, a->key);
        st = bib_envelope_encrypt_key(out, plain, plain_len, a->ad, a->ad_len, a->aead, a->key_id,
                                      &schedule, rng);
        sodium_memzero(&schedule, sizeof schedule);
        return st;
    case OP_SEAL:
        return bib_envelope_seal(out, plain, plain_len, a->ad, a->ad_len, a->aead, a->public_key,
                                 a->public_key_len, rng);
    case OP_ENCRYPT_HYBRID_RAW:
        return bib_envelope_encrypt_hybrid(out, plain, plain_len, a->ad, a->ad_len, a->aead,
                                           a->key_id, a->key, a->key_len, a->public_key,
                                           a->public_key_len, rng);
    default:
        VEC_FAIL("%s is not an encryption", op_names[op]);
    }
}

/* out must hold env_len bytes; envelope_info only parses. */
static bib_status env_decrypt(env_op op, uint8_t *out, size_t *out_len, const uint8_t *env,
                              size_t env_len, const env_args *a)
{
    const bib_key_schedule *schedule;
    bib_envelope_header h;
    bib_status st;

    switch (op) {
    case OP_DECRYPT_RAW:
        st = bib_key_cache_get(&schedule, a->cache, a->key, a->key_len);
        if (st != BIB_OK)
            return st;
        return bib_envelope_decrypt_key(out, out_len, env, env_len, a->ad, a->ad_len, schedule);
    case OP_UNSEAL_RAW:
        return bib_envelope_unseal(out, out_len, env, env_len, a->ad, a->ad_len, a->secret_key,
                                   a->secret_key_len);
    case OP_DECRYPT_HYBRID_RAW:
        return bib_envelope_decrypt_hybrid(out, out_len, env, env_len, a->ad, a->ad_len, a->key,
                                           a->key_len, a->secret_key, a->secret_key_len);
    case OP_ENVELOPE_INFO:
        *out_len = 0;
        return bib_envelope_parse(&h, env, env_len);
    default:
        VEC_FAIL("%s is not a decryption", op_names[op]);
    }
}

/*
 * Our names are the reference's codes, except that its ARG_KEY_LENGTH
 * covers all our ARG_*_LENGTH statuses and its ARG_INVALID any ARG_*.
 */
static int status_matches(bib_status st, const char *code)
{
    const char *name = bib_status_name(st);
    size_t n = strlen(name);
    int is_arg = strncmp(name, "ARG_", 4) == 0;

    if (strcmp(code, "ARG_KEY_LENGTH") == 0)
        return is_arg && n > 11 && strcmp(name + n - 7, "_LENGTH") == 0;
    if (strcmp(code, "ARG_INVALID") == 0)
        return is_arg;
    return strcmp(name, code) == 0;
}

static void expect_all_zero(const char *what, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] != 0)
            VEC_FAIL("%s: output byte %zu of %zu left non-zero after a failure", what, i, len);
}

/*
 * Opening env with op must fail (with `code` when it is not NULL) and leave
 * the output buffer as it was: zero, so not one plaintext byte escapes.
 */
static void expect_refused(const char *what, env_op op, const uint8_t *env, size_t env_len,
                           const env_args *a, const char *code)
{
    uint8_t *out = calloc(env_len + 1, 1);
    size_t out_len = 0;
    bib_status st;

    assert_non_null(out);
    st = env_decrypt(op, out, &out_len, env, env_len, a);
    if (st == BIB_OK)
        VEC_FAIL("%s: %s accepted it", what, op_names[op]);
    if (code != NULL && !status_matches(st, code))
        VEC_FAIL("%s: got %s, want %s", what, bib_status_name(st), code);
    expect_all_zero(what, out, env_len + 1);
    free(out);
}

/* The same bytes in a buffer of exactly len bytes, so AddressSanitizer sees any overread. */
static uint8_t *exact_copy(const uint8_t *b, size_t len)
{
    uint8_t *c = malloc(len > 0 ? len : 1);

    assert_non_null(c);
    memcpy(c, b, len);
    return c;
}

/* Return when AES-256-GCM runs on this CPU; else skip the test, saying why. */
static void require_aes(void)
{
    if (!crypto_aead_aes256gcm_is_available()) {
        print_message("NOTICE: this CPU has no AES-NI: AES-256-GCM envelopes cannot be made or "
                      "opened, so the vectors (half of them AES) are skipped\n");
        skip();
    }
}

/* ---- vectors -------------------------------------------------------------- */

/*
 * A case's arguments; valid cases name the recipient's keys recipient_sk /
 * recipient_pk, invalid ones secret_key / public_key.
 */
static void args_from_json(env_args *a, hex_bag *bag, const json_value *c, const char *sk_field,
                           const char *pk_field, bib_key_cache *cache)
{
    const json_value *aead = json_find(c, "aead");
    const json_value *is_fingerprint = json_find(c, "key_id_is_fingerprint");
    size_t key_id_len;

    a->key = bag_field(bag, c, "key", &a->key_len);
    a->secret_key = bag_field(bag, c, sk_field, &a->secret_key_len);
    a->public_key = bag_field(bag, c, pk_field, &a->public_key_len);
    a->ad = bag_field(bag, c, "ad", &a->ad_len);
    a->key_id = NULL;
    if (is_fingerprint != NULL && !json_is_null(is_fingerprint) && !json_bool(is_fingerprint)) {
        a->key_id = bag_field(bag, c, "key_id", &key_id_len);
        assert_int_equal(key_id_len, BIB_ENVELOPE_KEYIDBYTES);
    }
    a->aead = BIB_AEAD_XCHACHA20POLY1305;
    if (aead != NULL && !json_is_null(aead))
        assert_int_equal(bib_aead_from_name(&a->aead, json_str(aead)), BIB_OK);
    a->cache = cache;
}

static void expect_id(const char *what, const char *field, int present, const uint8_t *id,
                      const json_value *info)
{
    hex_bag bag = HEX_BAG_INIT;
    size_t len;
    const uint8_t *want = bag_field(&bag, info, field, &len);

    if ((want != NULL) != (present != 0))
        VEC_FAIL("%s: %s is %s", what, field, present ? "present, want none" : "missing");
    if (want != NULL)
        VEC_EXPECT_BYTES(what, id, BIB_ENVELOPE_KEYIDBYTES, want, len);
    bag_free(&bag);
}

static void expect_text(const char *what, const char *field, const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        VEC_FAIL("%s: %s is \"%s\", want \"%s\"", what, field, got, want);
}

/* bib_envelope_parse gives what the reference's envelope_info gives. */
static void expect_info(const char *what, const uint8_t *env, size_t env_len,
                        const json_value *info)
{
    bib_envelope_header h;

    VEC_EXPECT_STATUS(what, bib_envelope_parse(&h, env, env_len), BIB_OK);
    assert_int_equal(h.version, json_get_int(info, "version"));
    expect_text(what, "mode", bib_mode_name(h.mode), json_get_str(info, "mode"));
    expect_text(what, "aead", bib_aead_name(h.aead), json_get_str(info, "aead"));
    expect_id(what, "key_id", h.has_key_id, h.key_id, info);
    expect_id(what, "recipient_id", h.has_recipient_id, h.recipient_id, info);
    assert_int_equal(h.overhead, json_get_int(info, "overhead"));
}

static void valid_case(const json_value *c, const json_value *doc, bib_key_cache *cache)
{
    hex_bag bag = HEX_BAG_INIT;
    env_args a;
    env_op enc = op_from_name(json_get_str(c, "encrypt_op"));
    env_op dec = op_from_name(json_get_str(c, "decrypt_op"));
    size_t plain_len, rng_len, env_len, size, out_len = 0;
    const uint8_t *plain = bag_field(&bag, c, "plaintext", &plain_len);
    const uint8_t *rng_bytes = bag_field(&bag, c, "rng", &rng_len);
    const uint8_t *env = bag_field(&bag, c, "envelope", &env_len);
    uint8_t *out;
    replay_rng rng;
    char what[128];

    (void)doc;
    snprintf(what, sizeof what, "envelope valid %lld (%s)", json_get_int(c, "id"),
             json_get_str(c, "name"));
    args_from_json(&a, &bag, c, "recipient_sk", "recipient_pk", cache);
    expect_text(what, "mode", bib_mode_name(mode_of_op(enc)), json_get_str(c, "mode"));
    size = bib_envelope_sealed_size(mode_of_op(enc), plain_len);
    assert_int_equal(size, env_len);
    out = calloc(size + 1, 1);
    assert_non_null(out);

    replay_rng_init(&rng, rng_bytes, rng_len);
    VEC_EXPECT_STATUS(what, env_encrypt(enc, out, plain, plain_len, &a, &rng.rng), BIB_OK);
    replay_rng_expect_consumed(&rng);
    VEC_EXPECT_BYTES(what, out, size, env, env_len);

    memset(out, 0, size);
    VEC_EXPECT_STATUS(what, env_decrypt(dec, out, &out_len, env, env_len, &a), BIB_OK);
    VEC_EXPECT_BYTES(what, out, out_len, plain, plain_len);
    expect_info(what, env, env_len, json_get(c, "envelope_info"));
    free(out);
    bag_free(&bag);
}

static void invalid_case(const json_value *c, const json_value *doc, bib_key_cache *cache)
{
    hex_bag bag = HEX_BAG_INIT;
    env_args a;
    env_op op = op_from_name(json_get_str(c, "op"));
    const char *code = json_get_str(c, "error");
    size_t env_len, plain_len, rng_len;
    const uint8_t *env = bag_field(&bag, c, "envelope", &env_len);
    const uint8_t *plain = bag_field(&bag, c, "plaintext", &plain_len);
    const uint8_t *rng_bytes = bag_field(&bag, c, "rng", &rng_len);
    char what[128];

    (void)doc;
    snprintf(what, sizeof what, "envelope invalid %lld (%s)", json_get_int(c, "id"),
             json_get_str(c, "name"));
    args_from_json(&a, &bag, c, "secret_key", "public_key", cache);
    if (env != NULL) {
        expect_refused(what, op, env, env_len, &a, code);
    } else {
        /* An encryption the reference refuses: nothing of the envelope may be left behind. */
        size_t size = bib_envelope_sealed_size(mode_of_op(op), plain_len);
        uint8_t *out = calloc(size, 1);
        replay_rng rng;
        bib_status st;

        assert_non_null(out);
        replay_rng_init(&rng, rng_bytes, rng_len);
        st = env_encrypt(op, out, plain, plain_len, &a, &rng.rng);
        if (!status_matches(st, code))
            VEC_FAIL("%s: got %s, want %s", what, bib_status_name(st), code);
        expect_all_zero(what, out, size);
        free(out);
    }
    bag_free(&bag);
}

static const json_value *valid_by_id(const json_value *valid, long long id)
{
    for (size_t i = 0; i < json_len(valid); i++)
        if (json_get_int(json_at(valid, i), "id") == id)
            return json_at(valid, i);
    VEC_FAIL("no valid envelope case with id %lld", id);
}

/* expected[i] for byte i XORed with the mask, or for the envelope cut to i bytes. */
static void sweep(const json_value *s, const json_value *doc, bib_key_cache *cache)
{
    const json_value *base = valid_by_id(json_get(doc, "valid"), json_get_int(s, "base_id"));
    const json_value *expected = json_get(s, "expected");
    const char *kind = json_get_str(s, "kind");
    int is_xor = strcmp(kind, "xor") == 0;
    env_op op = op_from_name(json_get_str(s, "op"));
    uint8_t mask = is_xor ? (uint8_t)json_get_int(s, "xor") : 0;
    hex_bag bag = HEX_BAG_INIT;
    size_t env_len;
    const uint8_t *env = bag_field(&bag, base, "envelope", &env_len);
    env_args a;
    char what[96];

    if (!is_xor && strcmp(kind, "truncate") != 0)
        VEC_FAIL("unknown sweep kind \"%s\"", kind);
    args_from_json(&a, &bag, base, "recipient_sk", "recipient_pk", cache);
    assert_int_equal(json_len(expected), env_len);
    for (size_t i = 0; i < env_len; i++) {
        uint8_t *m = exact_copy(env, is_xor ? env_len : i);

        if (is_xor)
            m[i] ^= mask;
        snprintf(what, sizeof what, "sweep %s %u on case %lld, position %zu", kind, mask,
                 json_get_int(s, "base_id"), i);
        expect_refused(what, op, m, is_xor ? env_len : i, &a, json_str(json_at(expected, i)));
        free(m);
    }
    bag_free(&bag);
}

/* Run fn over every case of one section of envelope_v1.json, with a fresh key cache. */
static void run_section(const char *section, void (*fn)(const json_value *c, const json_value *doc,
                                                        bib_key_cache *cache))
{
    json_value *doc;
    const json_value *cases;
    bib_key_cache *cache;

    require_aes();
    doc = vec_load_json("bib/envelope_v1.json");
    cases = json_get(doc, section);
    cache = bib_key_cache_new();
    assert_non_null(cache);
    assert_true(json_len(cases) > 0);
    for (size_t i = 0; i < json_len(cases); i++)
        fn(json_at(cases, i), doc, cache);
    print_message("envelope %s: %zu cases\n", section, json_len(cases));
    bib_key_cache_free(cache);
    json_free(doc);
}

static void test_vectors_valid(void **state)
{
    (void)state;
    run_section("valid", valid_case);
}

static void test_vectors_invalid(void **state)
{
    (void)state;
    run_section("invalid", invalid_case);
}

static void test_vectors_sweeps(void **state)
{
    (void)state;
    run_section("sweeps", sweep);
}

/* ---- properties ----------------------------------------------------------- */

typedef struct keyset {
    uint8_t key[BIB_ENVELOPE_KEYBYTES];
    uint8_t secret_key[32];
    uint8_t public_key[32];
} keyset;

static void keyset_random(keyset *k)
{
    randombytes_buf(k->key, sizeof k->key);
    randombytes_buf(k->secret_key, sizeof k->secret_key);
    assert_int_equal(bib_x25519_public(k->public_key, k->secret_key, sizeof k->secret_key), BIB_OK);
}

static env_args args_for(const keyset *k, bib_aead aead, const uint8_t *ad, size_t ad_len,
                         bib_key_cache *cache)
{
    env_args a = {k->key,
                  sizeof k->key,
                  k->secret_key,
                  sizeof k->secret_key,
                  k->public_key,
                  sizeof k->public_key,
                  ad,
                  ad_len,
                  NULL,
                  aead,
                  cache};
    return a;
}

static int aead_usable(bib_aead aead)
{
    return aead != BIB_AEAD_AES256GCM || crypto_aead_aes256gcm_is_available();
}

/* A fresh envelope from the process CSPRNG, malloc'ed to its exact size. */
static uint8_t *make_envelope(bib_mode mode, const uint8_t *plain, size_t plain_len,
                              const env_args *a, size_t *env_len)
{
    size_t size = bib_envelope_sealed_size(mode, plain_len);
    uint8_t *env = malloc(size);

    assert_non_null(env);
    VEC_EXPECT_STATUS("encrypt", env_encrypt(encrypt_op_of(mode), env, plain, plain_len, a, NULL),
                      BIB_OK);
    *env_len = size;
    return env;
}

static void round_trip(bib_mode mode, bib_aead aead, size_t plain_len, bib_key_cache *cache)
{
    uint8_t ad[64];
    size_t ad_len = plain_len % (sizeof ad + 1), env_len, out_len = 0;
    uint8_t *plain = malloc(plain_len + 1), *env, *out;
    bib_envelope_header h;
    keyset k;
    env_args a;
    char what[80];

    assert_non_null(plain);
    snprintf(what, sizeof what, "round trip %s %s %zu bytes", bib_mode_name(mode),
             bib_aead_name(aead), plain_len);
    keyset_random(&k);
    randombytes_buf(ad, sizeof ad);
    randombytes_buf(plain, plain_len);
    a = args_for(&k, aead, ad, ad_len, cache);
    env = make_envelope(mode, plain, plain_len, &a, &env_len);
    out = malloc(env_len);
    assert_non_null(out);
    VEC_EXPECT_STATUS(what, env_decrypt(decrypt_op_of(mode), out, &out_len, env, env_len, &a),
                      BIB_OK);
    VEC_EXPECT_BYTES(what, out, out_len, plain, plain_len);
    VEC_EXPECT_STATUS(what, bib_envelope_parse(&h, env, env_len), BIB_OK);
    assert_int_equal(h.mode, mode);
    assert_int_equal(h.aead, aead);
    assert_int_equal(h.overhead, env_len - plain_len);
    free(out);
    free(env);
    free(plain);
}

static void round_trips(bib_mode mode, bib_aead aead, bib_key_cache *cache)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, 65536};

    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        round_trip(mode, aead, sizes[s], cache);
}

/* Run fn for every mode and every AEAD this CPU can run, with one key cache. */
static void for_each_mode_aead(void (*fn)(bib_mode mode, bib_aead aead, bib_key_cache *cache))
{
    bib_key_cache *cache = bib_key_cache_new();

    assert_non_null(cache);
    for (size_t m = 0; m < N_MODES; m++)
        for (size_t e = 0; e < N_AEADS; e++)
            if (aead_usable(all_aeads[e]))
                fn(all_modes[m], all_aeads[e], cache);
    bib_key_cache_free(cache);
}

static void test_round_trips(void **state)
{
    (void)state;
    for_each_mode_aead(round_trips);
}

/* Every bit-0 and bit-7 flip of every byte, and every truncation, of a 40-byte message. */
static void tamper_all(bib_mode mode, bib_aead aead, bib_key_cache *cache)
{
    static const uint8_t masks[] = {0x01, 0x80};
    uint8_t plain[40], ad[16];
    size_t env_len;
    uint8_t *env;
    keyset k;
    env_args a;
    char what[96];

    keyset_random(&k);
    randombytes_buf(plain, sizeof plain);
    randombytes_buf(ad, sizeof ad);
    a = args_for(&k, aead, ad, sizeof ad, cache);
    env = make_envelope(mode, plain, sizeof plain, &a, &env_len);
    for (size_t i = 0; i < env_len; i++) {
        for (size_t f = 0; f < sizeof masks; f++) {
            uint8_t *m = exact_copy(env, env_len);

            m[i] ^= masks[f];
            snprintf(what, sizeof what, "%s %s: byte %zu ^ 0x%02x", bib_mode_name(mode),
                     bib_aead_name(aead), i, masks[f]);
            expect_refused(what, decrypt_op_of(mode), m, env_len, &a, NULL);
            free(m);
        }
        uint8_t *t = exact_copy(env, i);
        snprintf(what, sizeof what, "%s %s: cut to %zu bytes", bib_mode_name(mode),
                 bib_aead_name(aead), i);
        expect_refused(what, decrypt_op_of(mode), t, i, &a, NULL);
        free(t);
    }
    free(env);
}

static void test_tampering(void **state)
{
    (void)state;
    for_each_mode_aead(tamper_all);
}

/* Open env under args changed from `a` by the caller; the AEAD must refuse. */
static void expect_auth_failure(const char *what, bib_mode mode, const uint8_t *env, size_t env_len,
                                const env_args *changed)
{
    expect_refused(what, decrypt_op_of(mode), env, env_len, changed,
                   bib_status_name(BIB_ERR_ENV_AUTH));
}

static void wrong_ad_or_key(bib_mode mode, bib_aead aead, bib_key_cache *cache)
{
    uint8_t plain[40], ad[16], other_ad[16];
    size_t env_len;
    uint8_t *env;
    keyset k, other;
    env_args a, changed;

    keyset_random(&k);
    keyset_random(&other);
    randombytes_buf(plain, sizeof plain);
    randombytes_buf(ad, sizeof ad);
    a = args_for(&k, aead, ad, sizeof ad, cache);
    env = make_envelope(mode, plain, sizeof plain, &a, &env_len);

    memcpy(other_ad, ad, sizeof ad);
    other_ad[3] ^= 0x20;
    changed = a;
    changed.ad = other_ad;
    expect_auth_failure("AD with one bit changed", mode, env, env_len, &changed);
    changed.ad = ad;
    changed.ad_len = sizeof ad - 1;
    expect_auth_failure("AD one byte short", mode, env, env_len, &changed);
    changed.ad_len = 0;
    expect_auth_failure("AD missing", mode, env, env_len, &changed);

    /* KEY and HYBRID depend on K, SEAL and HYBRID on the secret key: change each alone. */
    changed = a;
    changed.key = other.key;
    if (mode != BIB_MODE_SEAL)
        expect_auth_failure("another symmetric key", mode, env, env_len, &changed);
    changed = a;
    changed.secret_key = other.secret_key;
    if (mode != BIB_MODE_KEY)
        expect_auth_failure("another secret key", mode, env, env_len, &changed);
    free(env);
}

static void test_wrong_ad_or_key(void **state)
{
    (void)state;
    for_each_mode_aead(wrong_ad_or_key);
}

/* Without AES-NI every AES-256-GCM encryption says so instead of failing some other way. */
static void test_aes_unavailable(void **state)
{
    uint8_t out[BIB_ENVELOPE_MAXPREFIXBYTES + BIB_ENVELOPE_TAGBYTES + 1];
    const uint8_t plain[1] = {0};
    keyset k;
    env_args a;

    (void)state;
    if (crypto_aead_aes256gcm_is_available()) {
        assert_int_equal(bib_aead_check_available(BIB_AEAD_AES256GCM), BIB_OK);
        return;
    }
    keyset_random(&k);
    a = args_for(&k, BIB_AEAD_AES256GCM, NULL, 0, NULL);
    for (size_t m = 0; m < N_MODES; m++)
        VEC_EXPECT_STATUS("AES without AES-NI",
                          env_encrypt(encrypt_op_of(all_modes[m]), out, plain, 1, &a, NULL),
                          BIB_ERR_AEAD_UNAVAILABLE);
}

/* ---- small API pieces ----------------------------------------------------- */

static void test_key_cache(void **state)
{
    uint8_t keys[12][BIB_ENVELOPE_KEYBYTES];
    const int n_keys = (int)(sizeof keys / sizeof keys[0]);
    bib_key_schedule fresh, first;
    const bib_key_schedule *got, *again;
    bib_key_cache *cache = bib_key_cache_new();

    (void)state;
    assert_non_null(cache);
    /*
     * Twelve keys (more than the cache has slots) that each differ from the
     * first in one byte, at positions spread over all four 64-bit words: a
     * lookup that compared only part of the key would return a wrong schedule.
     */
    randombytes_buf(keys[0], sizeof keys[0]);
    for (int i = 1; i < n_keys; i++) {
        memcpy(keys[i], keys[0], sizeof keys[0]);
        keys[i][(i * 29) % BIB_ENVELOPE_KEYBYTES] ^= (uint8_t)i;
    }

    /* A hit returns the cached schedule itself, equal to a freshly derived one. */
    assert_int_equal(bib_key_cache_get(&got, cache, keys[0], 32), BIB_OK);
    memcpy(&first, got, sizeof first);
    assert_int_equal(bib_key_cache_get(&again, cache, keys[0], 32), BIB_OK);
    assert_ptr_equal(got, again);
    assert_memory_equal(&first, again, sizeof first);
    bib_key_schedule_init(&fresh, keys[0]);
    assert_memory_equal(&fresh, again, sizeof fresh);

    /* Looked up forwards then backwards: each answer is its own key's. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n_keys; i++) {
            int k = pass == 0 ? i : n_keys - 1 - i;

            assert_int_equal(bib_key_cache_get(&got, cache, keys[k], 32), BIB_OK);
            bib_key_schedule_init(&fresh, keys[k]);
            assert_memory_equal(&fresh, got, sizeof fresh);
        }
    }

    VEC_EXPECT_STATUS("cache 0-byte key", bib_key_cache_get(&got, cache, keys[0], 0),
                      BIB_ERR_KEY_LENGTH);
    VEC_EXPECT_STATUS("cache 31-byte key", bib_key_cache_get(&got, cache, keys[0], 31),
                      BIB_ERR_KEY_LENGTH);
    VEC_EXPECT_STATUS("cache 33-byte key", bib_key_cache_get(&got, cache, keys[0], 33),
                      BIB_ERR_KEY_LENGTH);
    sodium_memzero(&fresh, sizeof fresh);
    sodium_memzero(&first, sizeof first);
    bib_key_cache_free(cache);
    bib_key_cache_free(NULL);
}

static void test_names(void **state)
{
    static const char *const bad[] = {
        "", "AES256GCM", "aes256gcm ", "aes-256-gcm", "chacha20poly1305", "xchacha20poly1305\n"};
    bib_aead aead = BIB_AEAD_AES256GCM;

    (void)state;
    for (size_t e = 0; e < N_AEADS; e++) {
        assert_int_equal(bib_aead_from_name(&aead, bib_aead_name(all_aeads[e])), BIB_OK);
        assert_int_equal(aead, all_aeads[e]);
    }
    assert_string_equal(bib_aead_name(BIB_AEAD_AES256GCM), "aes256gcm");
    assert_string_equal(bib_aead_name(BIB_AEAD_XCHACHA20POLY1305), "xchacha20poly1305");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aead = BIB_AEAD_XCHACHA20POLY1305;
        VEC_EXPECT_STATUS(bad[i], bib_aead_from_name(&aead, bad[i]), BIB_ERR_AEAD_NAME);
        assert_int_equal(aead, BIB_AEAD_XCHACHA20POLY1305);
    }
    assert_string_equal(bib_mode_name(BIB_MODE_KEY), "KEY");
    assert_string_equal(bib_mode_name(BIB_MODE_SEAL), "SEAL");
    assert_string_equal(bib_mode_name(BIB_MODE_HYBRID), "HYBRID");
}

static void test_sealed_size(void **state)
{
    static const size_t overhead[] = {72, 72, 88};
    static const size_t lens[] = {0, 1, 1000, BIB_ENVELOPE_MAXPLAINBYTES};

    (void)state;
    for (size_t m = 0; m < N_MODES; m++) {
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
            assert_int_equal(bib_envelope_sealed_size(all_modes[m], lens[i]),
                             lens[i] + overhead[m]);
        assert_int_equal(bib_envelope_sealed_size(all_modes[m], BIB_ENVELOPE_MAXPLAINBYTES + 1), 0);
        assert_int_equal(bib_envelope_sealed_size(all_modes[m], SIZE_MAX), 0);
    }
}

/*
 * Argument errors come before any work: key lengths, an unknown AEAD, and
 * sizes past the limit (the buffers here are far smaller than the lengths
 * claimed, so reading them would be caught by AddressSanitizer).
 */
static void test_argument_errors(void **state)
{
    uint8_t out[256] = {0}, small[8] = {0};
    size_t env_len, out_len;
    uint8_t *env;
    keyset k;
    env_args a;

    (void)state;
    keyset_random(&k);
    a = args_for(&k, BIB_AEAD_XCHACHA20POLY1305, NULL, 0, NULL);
    env = make_envelope(BIB_MODE_HYBRID, small, 1, &a, &env_len);

    VEC_EXPECT_STATUS("seal 31-byte public key",
                      bib_envelope_seal(out, small, 1, NULL, 0, a.aead, k.public_key, 31, NULL),
                      BIB_ERR_PUBLIC_KEY_LENGTH);
    VEC_EXPECT_STATUS("hybrid 31-byte key",
                      bib_envelope_encrypt_hybrid(out, small, 1, NULL, 0, a.aead, NULL, k.key, 31,
                                                  k.public_key, 32, NULL),
                      BIB_ERR_KEY_LENGTH);
    VEC_EXPECT_STATUS("hybrid 33-byte public key",
                      bib_envelope_encrypt_hybrid(out, small, 1, NULL, 0, a.aead, NULL, k.key, 32,
                                                  k.public_key, 33, NULL),
                      BIB_ERR_PUBLIC_KEY_LENGTH);
    VEC_EXPECT_STATUS("unseal 31-byte secret key",
                      bib_envelope_unseal(out, &out_len, env, env_len, NULL, 0, k.secret_key, 31),
                      BIB_ERR_SECRET_KEY_LENGTH);
    VEC_EXPECT_STATUS("decrypt hybrid 33-byte key",
                      bib_envelope_decrypt_hybrid(out, &out_len, env, env_len, NULL, 0, k.key, 33,
                                                  k.secret_key, 32),
                      BIB_ERR_KEY_LENGTH);
    VEC_EXPECT_STATUS("decrypt hybrid 0-byte secret key",
                      bib_envelope_decrypt_hybrid(out, &out_len, env, env_len, NULL, 0, k.key, 32,
                                                  k.secret_key, 0),
                      BIB_ERR_SECRET_KEY_LENGTH);
    VEC_EXPECT_STATUS(
        "seal unknown AEAD",
        bib_envelope_seal(out, small, 1, NULL, 0, (bib_aead)3, k.public_key, 32, NULL),
        BIB_ERR_AEAD_NAME);
    VEC_EXPECT_STATUS("seal too large",
                      bib_envelope_seal(out, small, BIB_ENVELOPE_MAXPLAINBYTES + 1, NULL, 0, a.aead,
                                        k.public_key, 32, NULL),
                      BIB_ERR_TOO_LARGE);
    VEC_EXPECT_STATUS("decrypt AD too large",
                      bib_envelope_decrypt_hybrid(out, &out_len, env, env_len, small,
                                                  BIB_ENVELOPE_MAXPLAINBYTES + 1, k.key, 32,
                                                  k.secret_key, 32),
                      BIB_ERR_TOO_LARGE);
    free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_valid),   cmocka_unit_test(test_vectors_invalid),
        cmocka_unit_test(test_vectors_sweeps),  cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_tampering),       cmocka_unit_test(test_wrong_ad_or_key),
        cmocka_unit_test(test_aes_unavailable), cmocka_unit_test(test_key_cache),
        cmocka_unit_test(test_names),           cmocka_unit_test(test_sealed_size),
        cmocka_unit_test(test_argument_errors),
    };

    return cmocka_run_group_tests_name("envelope", tests, vec_group_setup, NULL);
}
