/*
 * bib_shamir.h — Shamir secret sharing, share format v1 (DESIGN §4).
 *
 * GF(2^8) with the AES polynomial; every operation on secret-dependent values
 * is branch-free and table-free, so timing does not depend on the secret.
 */
#ifndef BIB_SHAMIR_H
#define BIB_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#include "bib_random.h"
#include "bib_status.h"

#define BIB_SHAMIR_MAXSECRETBYTES 1024U
#define BIB_SHAMIR_MAXSHARES 255U
#define BIB_SHAMIR_HEADERBYTES 13U
#define BIB_SHAMIR_CHECKBYTES 4U
#define BIB_SHAMIR_OVERHEAD (BIB_SHAMIR_HEADERBYTES + BIB_SHAMIR_CHECKBYTES)

/* Length of each share of a secret of secret_len bytes. */
#define BIB_SHAMIR_SHARE_BYTES(secret_len) ((secret_len) + BIB_SHAMIR_OVERHEAD)

/* Multiply in GF(2^8) mod 0x11B, in constant time. */
uint8_t bib_gf256_mul(uint8_t a, uint8_t b);

/* Multiplicative inverse (0 for 0), in constant time. */
uint8_t bib_gf256_inv(uint8_t a);

/*
 * Split secret into n shares with threshold k.  shares receives n shares of
 * BIB_SHAMIR_SHARE_BYTES(secret_len) bytes each, back to back, x = 1..n.
 */
BIB_MUST_CHECK bib_status bib_shamir_split(uint8_t *shares, const uint8_t *secret,
                                           size_t secret_len, unsigned n, unsigned k,
                                           const bib_rng *rng);

/*
 * Combine count shares (share[i] of share_len[i] bytes; a NULL share is an
 * error).  secret must hold BIB_SHAMIR_MAXSECRETBYTES bytes; *secret_len
 * receives the length.  On failure nothing is written to secret.
 */
BIB_MUST_CHECK bib_status bib_shamir_combine(uint8_t *secret, size_t *secret_len,
                                             const uint8_t *const *share, const size_t *share_len,
                                             size_t count);

#endif
