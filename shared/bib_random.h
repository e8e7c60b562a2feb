/*
 * bib_random.h — where the core's random bytes come from.
 *
 * Every core function that needs randomness takes a `const bib_rng *`.
 * NULL means the process CSPRNG (bib_random_bytes); tests pass a source
 * that replays the bytes recorded in ../shared/vectors so that envelopes and
 * Shamir shares can be reproduced byte for byte.
 */
#ifndef BIB_RANDOM_H
#define BIB_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "bib_status.h"

typedef struct bib_rng {
    /* Fill buf with len bytes.  Must not fail. */
    void (*fill)(void *ctx, uint8_t *buf, size_t len);
    void *ctx;
} bib_rng;

/* Fill buf from rng, or from the process CSPRNG when rng is NULL. */
void bib_random_fill(const bib_rng *rng, uint8_t *buf, size_t len);

/*
 * The process CSPRNG: a ChaCha20 keystream keyed from the kernel and refilled
 * in blocks, so that small draws cost no system call.  Its state lives in a
 * page that the kernel wipes in a forked child (MADV_WIPEONFORK), so two
 * processes forked from one parent never share a stream.
 */
void bib_random_bytes(uint8_t *buf, size_t len);

/* Largest draw the SQL function bib.random(n) serves. */
#define BIB_RANDOM_MAXBYTES ((size_t)1 << 20)

/* BIB_OK when 1 <= len <= BIB_RANDOM_MAXBYTES. */
BIB_MUST_CHECK bib_status bib_random_check_length(size_t len);

#endif
