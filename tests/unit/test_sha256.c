/*
 * test_sha256.c — bib_sha256 and bib_hmac_sha256 on both block functions.
 *
 * libsodium's SHA-256 and HMAC-SHA256 are the reference.  Every input is
 * hashed by the SHA-NI path and by the portable path
 * (bib_sha256_force_portable), in one piece and in random pieces, and each
 * digest must equal libsodium's and the other path's.  Lengths 0..300
 * cross every padding case (55, 56, 63, 64 bytes past a block) several
 * times; a few large inputs go through multi-block updates.  Inputs are
 * pseudo-random from fixed seeds, so a failure repeats.
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bib_sha256.h"

#define MAX_SMALL 300U
#define MAX_KEY 200U
#define PATHS 2

static const size_t large_lens[] = {1000, 4096, 65536 + 7, (1U << 20) + 3};

/* Index 0 forces the portable path, index 1 lets the CPU choose. */
static const char *const path_names[PATHS] = {"portable", "best"};

static void use_path(int path)
{
    bib_sha256_force_portable(path == 0);
}

/* Deterministic bytes: a ChaCha20 stream keyed by (what, n). */
static void fill(uint8_t *buf, size_t len, uint32_t what, uint64_t n)
{
    uint8_t seed[randombytes_SEEDBYTES] = {0};

    memcpy(seed, &what, sizeof what);
    memcpy(seed + sizeof what, &n, sizeof n);
    randombytes_buf_deterministic(buf, len, seed);
}

/* xorshift32: chunk sizes only, so that they repeat with the inputs. */
static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/*
 * A chunk length: mostly short (buffered, straddling block ends), sometimes
 * several blocks (the direct path), sometimes empty.
 */
static size_t chunk_len(uint32_t *x, size_t left)
{
    uint32_t r = next_rand(x);
    size_t n = (r & 3U) == 0 ? (r >> 8) % 300U : (r >> 8) % 70U;

    return n < left ? n : left;
}

static void sha256_chunked(uint8_t digest[BIB_SHA256_BYTES], const uint8_t *msg, size_t len,
                           uint32_t seed)
{
    bib_sha256_state st;
    uint32_t x = seed | 1U;
    size_t done = 0;

    bib_sha256_init(&st);
    while (done < len) {
        size_t n = chunk_len(&x, len - done);

        bib_sha256_update(&st, msg + done, n);
        done += n;
    }
    bib_sha256_final(&st, digest);
}

/* msg's digest by both paths, whole and chunked, against libsodium's. */
static void expect_sha256(const uint8_t *msg, size_t len)
{
    uint8_t want[crypto_hash_sha256_BYTES];
    uint8_t got[PATHS][BIB_SHA256_BYTES];
    uint8_t chunked[BIB_SHA256_BYTES];
    char what[96];

    crypto_hash_sha256(want, msg, len);
    for (int path = 0; path < PATHS; path++) {
        use_path(path);
        snprintf(what, sizeof what, "SHA-256 %s (%s), %zu bytes", path_names[path],
                 bib_sha256_implementation(), len);
        bib_sha256(got[path], msg, len);
        VEC_EXPECT_BYTES(what, got[path], sizeof got[path], want, sizeof want);
        sha256_chunked(chunked, msg, len, (uint32_t)len * 2654435761U);
        VEC_EXPECT_BYTES(what, chunked, sizeof chunked, want, sizeof want);
    }
    VEC_EXPECT_BYTES("SHA-256 paths agree", got[0], sizeof got[0], got[1], sizeof got[1]);
}

/* The CPU flag as the kernel reports it, so that a broken CPUID check cannot pass as "portable". */
static int cpu_reports_sha_ni(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    int found = 0;

    if (f == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strncmp(line, "flags", 5) == 0 && strstr(line, " sha_ni") != NULL;
    fclose(f);
    return found;
}

static void test_path_selection(void **state)
{
    (void)state;
    bib_sha256_force_portable(1);
    assert_string_equal(bib_sha256_implementation(), "portable");
    bib_sha256_force_portable(0);
    print_message("SHA-256 block function: %s\n", bib_sha256_implementation());
    if (cpu_reports_sha_ni())
        assert_string_equal(bib_sha256_implementation(), "sha-ni");
}

/* FIPS 180-2 appendix B: one block, two blocks, and a million 'a' (in pieces). */
static void test_fips_examples(void **state)
{
    static const struct {
        const char *msg;
        const char *digest;
    } cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    static const char million_a[] =
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    uint8_t a[1000], got[BIB_SHA256_BYTES];
    hex_bag bag = HEX_BAG_INIT;
    size_t want_len;
    char what[96];

    (void)state;
    memset(a, 'a', sizeof a);
    for (int path = 0; path < PATHS; path++) {
        bib_sha256_state st;
        const uint8_t *want;

        use_path(path);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            want = bag_hex(&bag, cases[i].digest, &want_len);
            snprintf(what, sizeof what, "FIPS example \"%s\", %s", cases[i].msg, path_names[path]);
            bib_sha256(got, (const uint8_t *)cases[i].msg, strlen(cases[i].msg));
            VEC_EXPECT_BYTES(what, got, sizeof got, want, want_len);
        }
        bib_sha256_init(&st);
        for (int i = 0; i < 1000; i++)
            bib_sha256_update(&st, a, sizeof a);
        bib_sha256_final(&st, got);
        want = bag_hex(&bag, million_a, &want_len);
        VEC_EXPECT_BYTES("a million 'a'", got, sizeof got, want, want_len);
    }
    bag_free(&bag);
}

static void test_every_small_length(void **state)
{
    uint8_t msg[MAX_SMALL];

    (void)state;
    for (size_t len = 0; len <= MAX_SMALL; len++) {
        fill(msg, len, 1, len);
        expect_sha256(msg, len);
    }
}

static void test_large_inputs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof large_lens / sizeof large_lens[0]; i++) {
        uint8_t *msg = malloc(large_lens[i]);

        assert_non_null(msg);
        fill(msg, large_lens[i], 2, large_lens[i]);
        expect_sha256(msg, large_lens[i]);
        free(msg);
    }
}

/* Hashing NULL with length 0 is the empty message (callers pass absent info so). */
static void test_empty_null_update(void **state)
{
    uint8_t got[BIB_SHA256_BYTES], want[crypto_hash_sha256_BYTES];
    bib_sha256_state st;

    (void)state;
    crypto_hash_sha256(want, (const uint8_t *)"", 0);
    for (int path = 0; path < PATHS; path++) {
        use_path(path);
        bib_sha256_init(&st);
        bib_sha256_update(&st, NULL, 0);
        bib_sha256_final(&st, got);
        VEC_EXPECT_BYTES("NULL, 0", got, sizeof got, want, sizeof want);
    }
}

/* final wipes the state: HKDF relies on it for the HMAC pads it copies. */
static void test_final_wipes(void **state)
{
    static const uint8_t zero[sizeof(bib_hmac_sha256_state)];
    bib_hmac_sha256_state hmac;
    bib_sha256_state st;
    uint8_t out[BIB_SHA256_BYTES];

    (void)state;
    bib_sha256_init(&st);
    bib_sha256_update(&st, (const uint8_t *)"secret", 6);
    bib_sha256_final(&st, out);
    assert_memory_equal(&st, zero, sizeof st);
    bib_hmac_sha256_init(&hmac, (const uint8_t *)"key", 3);
    bib_hmac_sha256_update(&hmac, (const uint8_t *)"secret", 6);
    bib_hmac_sha256_final(&hmac, out);
    assert_memory_equal(&hmac, zero, sizeof hmac);
}

/*
 * HMAC against libsodium for keys of 0..200 bytes (past the block size, so
 * long keys are hashed first) and messages of every length 0..300, chunked.
 */
static void test_hmac_matches_libsodium(void **state)
{
    uint8_t key[MAX_KEY], msg[MAX_SMALL];
    uint8_t want[crypto_auth_hmacsha256_BYTES], got[BIB_SHA256_BYTES];
    char what[96];

    (void)state;
    for (size_t key_len = 0; key_len <= MAX_KEY; key_len++) {
        size_t msg_len = (key_len * 37U) % (MAX_SMALL + 1U);
        crypto_auth_hmacsha256_state ref;

        fill(key, key_len, 3, key_len);
        fill(msg, msg_len, 4, key_len);
        crypto_auth_hmacsha256_init(&ref, key, key_len);
        crypto_auth_hmacsha256_update(&ref, msg, msg_len);
        crypto_auth_hmacsha256_final(&ref, want);
        for (int path = 0; path < PATHS; path++) {
            bib_hmac_sha256_state st;
            uint32_t x = (uint32_t)key_len * 2246822519U | 1U;
            size_t done = 0;

            use_path(path);
            snprintf(what, sizeof what, "HMAC %s, key %zu bytes, message %zu bytes",
                     path_names[path], key_len, msg_len);
            bib_hmac_sha256_init(&st, key, key_len);
            while (done < msg_len) {
                size_t n = chunk_len(&x, msg_len - done);

                bib_hmac_sha256_update(&st, msg + done, n);
                done += n;
            }
            bib_hmac_sha256_final(&st, got);
            VEC_EXPECT_BYTES(what, got, sizeof got, want, sizeof want);
        }
    }
}

/* A test may fail with the portable path forced; the next test must not inherit it. */
static int restore_best(void **state)
{
    (void)state;
    bib_sha256_force_portable(0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_path_selection, restore_best),
        cmocka_unit_test_teardown(test_fips_examples, restore_best),
        cmocka_unit_test_teardown(test_every_small_length, restore_best),
        cmocka_unit_test_teardown(test_large_inputs, restore_best),
        cmocka_unit_test_teardown(test_empty_null_update, restore_best),
        cmocka_unit_test_teardown(test_final_wipes, restore_best),
        cmocka_unit_test_teardown(test_hmac_matches_libsodium, restore_best),
    };

    return cmocka_run_group_tests_name("sha256", tests, vec_group_setup, NULL);
}
