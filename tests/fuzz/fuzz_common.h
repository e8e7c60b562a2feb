/*
 * fuzz_common.h — what every libFuzzer harness of the core shares: one-time
 * initialisation, an assertion that survives -DNDEBUG, a deterministic
 * random source derived from the fuzz input, and small byte helpers.
 *
 * Header-only (static functions) so that each harness stays one translation
 * unit and tests/fuzz/run.sh can build it with a single clang command.
 */
#ifndef BIB_FUZZ_COMMON_H
#define BIB_FUZZ_COMMON_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bib_core.h"

/* A failed check is a finding: print where and abort so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* bib_core_init once per process; a harness that cannot initialise must not pretend to fuzz. */
static inline void fuzz_init(void)
{
    static int done;

    if (!done) {
        if (bib_core_init() != BIB_OK) {
            fprintf(stderr, "fuzz: bib_core_init failed\n");
            abort();
        }
        done = 1;
    }
}

/* 1 when the len bytes at p all equal byte. */
static inline int fuzz_all_equal(const uint8_t *p, size_t len, uint8_t byte)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < len; i++)
        acc |= (uint8_t)(p[i] ^ byte);
    return acc == 0;
}

static inline int fuzz_all_zero(const uint8_t *p, size_t len)
{
    return fuzz_all_equal(p, len, 0);
}

/* A reader that hands out input bytes and then zeros, so short inputs still run. */
typedef struct fuzz_input {
    const uint8_t *p;
    size_t left;
} fuzz_input;

static inline void fuzz_take(fuzz_input *in, uint8_t *out, size_t len)
{
    size_t n = len < in->left ? len : in->left;

    memcpy(out, in->p, n);
    memset(out + n, 0, len - n);
    in->p += n;
    in->left -= n;
}

static inline uint8_t fuzz_byte(fuzz_input *in)
{
    uint8_t b;

    fuzz_take(in, &b, 1);
    return b;
}

/*
 * The deterministic bib_rng: a ChaCha20 keystream under a key hashed from
 * the whole input, one nonce per draw, so a crash input replays exactly.
 */
typedef struct fuzz_rng_state {
    uint8_t key[crypto_stream_chacha20_KEYBYTES];
    uint64_t draws;
} fuzz_rng_state;

static inline void fuzz_rng_fill(void *ctx, uint8_t *buf, size_t len)
{
    fuzz_rng_state *s = ctx;
    uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {0};

    memcpy(nonce, &s->draws, sizeof s->draws < sizeof nonce ? sizeof s->draws : sizeof nonce);
    s->draws++;
    crypto_stream_chacha20(buf, len, nonce, s->key);
}

static inline bib_rng fuzz_rng_init(fuzz_rng_state *s, const uint8_t *data, size_t size)
{
    bib_rng rng;

    crypto_generichash(s->key, sizeof s->key, data, size, NULL, 0);
    s->draws = 0;
    rng.fill = fuzz_rng_fill;
    rng.ctx = s;
    return rng;
}

#endif
