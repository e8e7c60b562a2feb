/*
 * bib_sha256.h — SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) for the
 * core's hot paths: per-message HKDF, audit row hashes and the audit chain.
 *
 * libsodium 1.0.18 has only a portable SHA-256, and its two compressions
 * were most of a small envelope's cost.  The block function here is chosen
 * once, at the first hash: the x86-64 SHA extensions when the CPU has them,
 * a portable one otherwise.  Both give the same bytes; SHA-512 stays on
 * libsodium.
 */
#ifndef BIB_SHA256_H
#define BIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define BIB_SHA256_BYTES 32U
#define BIB_SHA256_BLOCKBYTES 64U

/* A hash in progress.  May hold secrets (HMAC pads): wipe copies with sodium_memzero. */
typedef struct bib_sha256_state {
    uint32_t h[8];
    uint64_t count; /* bytes absorbed so far */
    uint8_t buf[BIB_SHA256_BLOCKBYTES];
} bib_sha256_state;

/* HMAC-SHA256: the inner and outer hashes with their pad blocks absorbed. */
typedef struct bib_hmac_sha256_state {
    bib_sha256_state inner;
    bib_sha256_state outer;
} bib_hmac_sha256_state;

void bib_sha256_init(bib_sha256_state *st);
/* in may be NULL when len is 0. */
void bib_sha256_update(bib_sha256_state *st, const uint8_t *in, size_t len);
/* Writes the digest and wipes the state; init it again before reuse. */
void bib_sha256_final(bib_sha256_state *st, uint8_t digest[BIB_SHA256_BYTES]);

void bib_sha256(uint8_t digest[BIB_SHA256_BYTES], const uint8_t *data, size_t len);

/* Any key length; keys longer than a block are hashed first (RFC 2104). */
void bib_hmac_sha256_init(bib_hmac_sha256_state *st, const uint8_t *key, size_t key_len);
void bib_hmac_sha256_update(bib_hmac_sha256_state *st, const uint8_t *in, size_t len);
/* Writes the tag and wipes the state. */
void bib_hmac_sha256_final(bib_hmac_sha256_state *st, uint8_t mac[BIB_SHA256_BYTES]);

/*
 * For tests and benchmarks only: nonzero makes every later hash use the
 * portable block function, zero returns to the CPU's best.  Not meant to be
 * called while other threads hash.
 */
void bib_sha256_force_portable(int on);

/* "sha-ni" or "portable": the block function hashes use now. */
const char *bib_sha256_implementation(void);

#endif
