/*
 * bib_keys.h — the small key helpers of the SQL API: X25519 and Ed25519 key
 * derivation, Ed25519 signatures, and SHA-256 (bib_sha256, from
 * bib_sha256.h, which this header includes for the SQL API's sake).
 *
 * Ed25519 keys are handled as their 32-byte seeds, as in the SQL API; the
 * 64-byte libsodium secret key exists only inside these functions and is
 * wiped before they return.
 */
#ifndef BIB_KEYS_H
#define BIB_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "bib_sha256.h"
#include "bib_status.h"

#define BIB_X25519_KEYBYTES 32U
#define BIB_ED25519_SEEDBYTES 32U
#define BIB_ED25519_PUBLICKEYBYTES 32U
#define BIB_ED25519_SIGNATUREBYTES 64U

/* Input lengths are checked here: BIB_ERR_SECRET_KEY_LENGTH, _SEED_LENGTH, ... */
BIB_MUST_CHECK bib_status bib_x25519_public(uint8_t public_key[BIB_X25519_KEYBYTES],
                                            const uint8_t *secret_key, size_t secret_key_len);

BIB_MUST_CHECK bib_status bib_ed25519_public(uint8_t public_key[BIB_ED25519_PUBLICKEYBYTES],
                                             const uint8_t *seed, size_t seed_len);

BIB_MUST_CHECK bib_status bib_ed25519_sign(uint8_t signature[BIB_ED25519_SIGNATUREBYTES],
                                           const uint8_t *message, size_t message_len,
                                           const uint8_t *seed, size_t seed_len);

/*
 * *valid = 1 when signature is a valid Ed25519 signature of message under
 * public_key, else 0.  Wrong argument lengths are errors, not "invalid".
 */
BIB_MUST_CHECK bib_status bib_ed25519_verify(int *valid, const uint8_t *message, size_t message_len,
                                             const uint8_t *signature, size_t signature_len,
                                             const uint8_t *public_key, size_t public_key_len);

#endif
