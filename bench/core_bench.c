/*
 * core_bench.c — microbenchmark of bib's crypto core alone (no database).
 *
 * Answers "where does the time of one encrypted row go?": the random seed,
 * the per-message DEK derivation (one HKDF-Expand block from a cached PRK),
 * the AEAD itself, and what a key-cache miss adds.  Raw libsodium AES-256-GCM
 * and XChaCha20-Poly1305 with a fixed key and nonce are the floor an
 * envelope cannot beat; libsodium's randombytes_buf is the baseline for
 * bib's buffered CSPRNG.
 *
 * Each row: calibrate an iteration count that lasts about 0.3 s, then keep
 * the best of 5 runs (CLOCK_MONOTONIC): the minimum is the least disturbed
 * by other work on the machine.  MB/s counts the payload bytes (10^6 bytes
 * per MB); for fixed-size operations, the bytes produced.
 *
 * Build and run with bench/core_bench.sh.  Output is a Markdown table.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bib_core.h"

#define TARGET_SECONDS 0.3
#define RUNS 5
#define SMALL_BYTES 128U
#define LARGE_BYTES ((size_t)1 << 20)
#define INFO_BYTES 40U

typedef void (*bench_fn)(size_t iterations);

/* Inputs shared by every benchmark; set up once in main. */
static struct {
    uint8_t key[32];
    uint8_t x25519_sk[32];
    uint8_t x25519_pk[32];
    uint8_t info[INFO_BYTES];
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    bib_key_schedule schedule;
    bib_key_cache *cache;
    bib_aead aead;
    size_t size;
    uint8_t *plain;
    uint8_t *env;       /* encryption output, sized for LARGE_BYTES */
    uint8_t *opened;    /* decryption output */
    uint8_t *sealed[2]; /* a KEY envelope of `size` bytes per AEAD, for decryption */
    size_t sealed_len[2];
    uint8_t small[32];
} g;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* An error here means the benchmark measures nothing; stop loudly. */
static void must(bib_status st, const char *what)
{
    if (st != BIB_OK) {
        fprintf(stderr, "core_bench: %s: %s\n", what, bib_status_message(st));
        exit(1);
    }
}

static void b_bib_random(size_t n)
{
    for (size_t i = 0; i < n; i++)
        bib_random_bytes(g.small, 32);
}

static void b_randombytes(size_t n)
{
    for (size_t i = 0; i < n; i++)
        randombytes_buf(g.small, 32);
}

static void b_hkdf_block(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g.info[INFO_BYTES - 1] = (uint8_t)i;
        bib_hkdf_expand_block(g.small, &g.schedule.prk, g.info, sizeof g.info);
    }
}

static void b_schedule_init(size_t n)
{
    bib_key_schedule s;
    uint8_t key[32];

    memcpy(key, g.key, sizeof key);
    for (size_t i = 0; i < n; i++) {
        key[0] = (uint8_t)i;
        bib_key_schedule_init(&s, key);
    }
    sodium_memzero(&s, sizeof s);
    sodium_memzero(key, sizeof key);
}

static void b_cache_hit(size_t n)
{
    const bib_key_schedule *s;

    for (size_t i = 0; i < n; i++)
        must(bib_key_cache_get(&s, g.cache, g.key, sizeof g.key), "bib_key_cache_get");
}

static void b_raw_aes(size_t n)
{
    for (size_t i = 0; i < n; i++)
        crypto_aead_aes256gcm_encrypt_detached(g.env, g.env + g.size, NULL, g.plain, g.size, NULL,
                                               0, NULL, g.nonce, g.key);
}

static void b_raw_xchacha(size_t n)
{
    for (size_t i = 0; i < n; i++)
        crypto_aead_xchacha20poly1305_ietf_encrypt_detached(g.env, g.env + g.size, NULL, g.plain,
                                                            g.size, NULL, 0, NULL, g.nonce, g.key);
}

static void b_encrypt_key(size_t n)
{
    for (size_t i = 0; i < n; i++)
        must(bib_envelope_encrypt_key(g.env, g.plain, g.size, NULL, 0, g.aead, NULL, &g.schedule,
                                      NULL),
             "bib_envelope_encrypt_key");
}

static void b_decrypt_key(size_t n)
{
    int a = g.aead == BIB_AEAD_AES256GCM ? 0 : 1;
    size_t out_len;

    for (size_t i = 0; i < n; i++)
        must(bib_envelope_decrypt_key(g.opened, &out_len, g.sealed[a], g.sealed_len[a], NULL, 0,
                                      &g.schedule),
             "bib_envelope_decrypt_key");
}

static void b_seal(size_t n)
{
    for (size_t i = 0; i < n; i++)
        must(bib_envelope_seal(g.env, g.plain, g.size, NULL, 0, g.aead, g.x25519_pk,
                               sizeof g.x25519_pk, NULL),
             "bib_envelope_seal");
}

/* Seconds per operation: best of RUNS runs of an iteration count lasting ~TARGET_SECONDS. */
static double measure(bench_fn fn)
{
    size_t n = 1;
    double t, best;

    for (;;) {
        double t0 = now();
        fn(n);
        t = now() - t0;
        if (t >= TARGET_SECONDS / 10)
            break;
        n *= t < TARGET_SECONDS / 1000 ? 100 : 10;
    }
    n = (size_t)((double)n * TARGET_SECONDS / t) + 1;
    best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        fn(n);
        t = now() - t0;
        if (t / (double)n < best)
            best = t / (double)n;
    }
    return best;
}

static void size_label(char *buf, size_t cap, size_t bytes)
{
    if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
        snprintf(buf, cap, "%zu MiB", bytes >> 20);
    else
        snprintf(buf, cap, "%zu B", bytes);
}

/* One table row; bytes = 0 for an operation without a meaningful throughput. */
static void row(const char *op, const char *note, size_t bytes, bench_fn fn)
{
    double s = measure(fn);
    double ns = s * 1e9;
    char size[32], per_op[32], rate[32];

    size_label(size, sizeof size, bytes);
    if (ns < 10000)
        snprintf(per_op, sizeof per_op, "%.0f ns", ns);
    else
        snprintf(per_op, sizeof per_op, "%.1f µs", ns / 1000);
    if (bytes > 0)
        snprintf(rate, sizeof rate, "%.0f", (double)bytes / s / 1e6);
    else
        snprintf(rate, sizeof rate, "—");
    printf("| %s%s | %s | %s | %s |\n", op, note, bytes > 0 ? size : "—", per_op, rate);
    fflush(stdout);
}

static void print_cpu(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];

    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p != NULL) {
                p[strcspn(p, "\n")] = '\0';
                printf("CPU:%s  \n", p + 1);
            }
            break;
        }
    }
    fclose(f);
}

int main(void)
{
    static const size_t sizes[] = {SMALL_BYTES, LARGE_BYTES};
    static const bib_aead aeads[] = {BIB_AEAD_AES256GCM, BIB_AEAD_XCHACHA20POLY1305};
    int have_aes;

    must(bib_core_init(), "bib_core_init");
    have_aes = crypto_aead_aes256gcm_is_available();
    g.plain = malloc(LARGE_BYTES);
    g.opened = malloc(bib_envelope_sealed_size(BIB_MODE_HYBRID, LARGE_BYTES));
    g.env = malloc(bib_envelope_sealed_size(BIB_MODE_HYBRID, LARGE_BYTES));
    g.cache = bib_key_cache_new();
    if (g.plain == NULL || g.opened == NULL || g.env == NULL || g.cache == NULL) {
        fprintf(stderr, "core_bench: out of memory\n");
        return 1;
    }
    randombytes_buf(g.plain, LARGE_BYTES);
    randombytes_buf(g.key, sizeof g.key);
    randombytes_buf(g.info, sizeof g.info);
    randombytes_buf(g.x25519_sk, sizeof g.x25519_sk);
    must(bib_x25519_public(g.x25519_pk, g.x25519_sk, sizeof g.x25519_sk), "bib_x25519_public");
    bib_key_schedule_init(&g.schedule, g.key);

    printf("## bib core microbenchmark\n\n");
    print_cpu();
    printf("libsodium %s, AES-NI %s; best of %d runs of ~%.1f s each; MB = 10^6 bytes.\n\n",
           sodium_version_string(), have_aes ? "yes" : "no (AES-GCM rows skipped)", RUNS,
           TARGET_SECONDS);
    printf("| operation | size | time/op | MB/s |\n");
    printf("|---|---:|---:|---:|\n");

    row("bib_random_bytes(32)", "", 32, b_bib_random);
    row("randombytes_buf(32) (libsodium)", "", 32, b_randombytes);
    row("bib_hkdf_expand_block, cached PRK (DEK)", "", 32, b_hkdf_block);
    row("bib_key_schedule_init (cache miss)", "", 0, b_schedule_init);
    row("bib_key_cache_get (hit)", "", 0, b_cache_hit);

    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        g.size = sizes[s];
        if (have_aes)
            row("raw crypto_aead_aes256gcm (floor)", "", g.size, b_raw_aes);
        row("raw crypto_aead_xchacha20poly1305_ietf (floor)", "", g.size, b_raw_xchacha);
        for (size_t a = 0; a < sizeof aeads / sizeof aeads[0]; a++) {
            const char *note =
                aeads[a] == BIB_AEAD_AES256GCM ? ", aes256gcm" : ", xchacha20poly1305";

            if (aeads[a] == BIB_AEAD_AES256GCM && !have_aes)
                continue;
            g.aead = aeads[a];
            g.sealed_len[a] = bib_envelope_sealed_size(BIB_MODE_KEY, g.size);
            free(g.sealed[a]);
            g.sealed[a] = malloc(g.sealed_len[a]);
            if (g.sealed[a] == NULL)
                return 1;
            must(bib_envelope_encrypt_key(g.sealed[a], g.plain, g.size, NULL, 0, g.aead, NULL,
                                          &g.schedule, NULL),
                 "bib_envelope_encrypt_key");
            row("bib_envelope_encrypt_key, cached schedule", note, g.size, b_encrypt_key);
            row("bib_envelope_decrypt_key, cached schedule", note, g.size, b_decrypt_key);
            row("bib_envelope_seal", note, g.size, b_seal);
        }
    }

    for (size_t a = 0; a < 2; a++)
        free(g.sealed[a]);
    bib_key_cache_free(g.cache);
    sodium_memzero(&g.schedule, sizeof g.schedule);
    free(g.plain);
    free(g.opened);
    free(g.env);
    return 0;
}
