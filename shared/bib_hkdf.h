/*
 * bib_hkdf.h — HKDF-SHA256 (RFC 5869) and the cached key schedule of
 * envelope KEY mode.
 *
 * libsodium 1.0.18 (Debian 12) has no HKDF, and its SHA-256 is portable C
 * only, so HKDF is built here on bib_hmac_sha256 (bib_sha256.h, SHA-NI when
 * the CPU has it).  A bib_hmac_key holds the HMAC state after the ipad and
 * opad blocks of a PRK have been absorbed: expanding a 40-byte info string
 * from it then costs two SHA-256 compressions.
 */
#ifndef BIB_HKDF_H
#define BIB_HKDF_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "bib_sha256.h"
#include "bib_status.h"

#define BIB_HKDF_PRKBYTES 32U
#define BIB_HKDF_MAXBYTES (255U * 32U)

/* HMAC-SHA256 keyed with a PRK, pads absorbed.  Secret: keep in sodium_malloc memory. */
typedef struct bib_hmac_key {
    bib_hmac_sha256_state state;
} bib_hmac_key;

/* BIB_OK when 1 <= out_len <= BIB_HKDF_MAXBYTES. */
BIB_MUST_CHECK bib_status bib_hkdf_check_length(size_t out_len);

/* PRK = HMAC-SHA256(salt, ikm); an empty salt means 32 zero bytes (RFC 5869). */
void bib_hkdf_extract(uint8_t prk[BIB_HKDF_PRKBYTES], const uint8_t *salt, size_t salt_len,
                      const uint8_t *ikm, size_t ikm_len);

/* Absorb a PRK's pads once so that later expansions reuse them. */
void bib_hmac_key_init(bib_hmac_key *key, const uint8_t prk[BIB_HKDF_PRKBYTES]);

/* OKM = HKDF-Expand(PRK, info, out_len); 1 <= out_len <= BIB_HKDF_MAXBYTES. */
BIB_MUST_CHECK bib_status bib_hkdf_expand(uint8_t *out, size_t out_len, const bib_hmac_key *prk,
                                          const uint8_t *info, size_t info_len);

/* T(1) = HMAC(PRK, info || 0x01): the first 32 bytes of any HKDF-Expand output. */
void bib_hkdf_expand_block(uint8_t out[BIB_HKDF_PRKBYTES], const bib_hmac_key *prk,
                           const uint8_t *info, size_t info_len);

/* Extract then expand. */
BIB_MUST_CHECK bib_status bib_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                                   const uint8_t *salt, size_t salt_len, const uint8_t *info,
                                   size_t info_len);

#endif
