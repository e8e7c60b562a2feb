/*
 * bib_envelope.h — envelope format v1 (DESIGN §3): KEY, SEAL and HYBRID
 * modes over AES-256-GCM or XChaCha20-Poly1305, with per-message keys from
 * HKDF-SHA256.
 *
 * Callers size the output with bib_envelope_sealed_size (sealing) or
 * the envelope length and own every buffer.  An opener writes `out` only
 * while authenticating it; on an AEAD failure it wipes `out` again, and
 * earlier errors never touch it: no unverified plaintext byte survives.
 */
#ifndef BIB_ENVELOPE_H
#define BIB_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "bib_hkdf.h"
#include "bib_random.h"
#include "bib_status.h"

#define BIB_ENVELOPE_KEYBYTES 32U
#define BIB_ENVELOPE_KEYIDBYTES 16U
#define BIB_ENVELOPE_RECIPIENTIDBYTES 16U
#define BIB_ENVELOPE_HEADERBYTES 8U
#define BIB_ENVELOPE_TAGBYTES 16U
#define BIB_ENVELOPE_MAXPREFIXBYTES 72U
/* Largest plaintext accepted: keeps every size computation far from overflow. */
#define BIB_ENVELOPE_MAXPLAINBYTES ((size_t)1 << 30)

typedef enum bib_mode {
    BIB_MODE_KEY = 0x01,
    BIB_MODE_SEAL = 0x02,
    BIB_MODE_HYBRID = 0x03
} bib_mode;

typedef enum bib_aead {
    BIB_AEAD_AES256GCM = 0x01,
    BIB_AEAD_XCHACHA20POLY1305 = 0x02
} bib_aead;

/* The parsed prefix of an envelope; fields a mode lacks are absent. */
typedef struct bib_envelope_header {
    uint8_t version;
    bib_mode mode;
    bib_aead aead;
    int has_key_id;
    int has_recipient_id;
    uint8_t key_id[BIB_ENVELOPE_KEYIDBYTES];
    uint8_t recipient_id[BIB_ENVELOPE_RECIPIENTIDBYTES];
    size_t prefix_len;
    size_t overhead;
} bib_envelope_header;

/*
 * What KEY mode caches per symmetric key: the HMAC pads of its PRK and its
 * fingerprint.  Secret: allocate it with sodium_malloc (or wipe it).
 */
typedef struct bib_key_schedule {
    bib_hmac_key prk;
    uint8_t fingerprint[BIB_ENVELOPE_KEYIDBYTES];
} bib_key_schedule;

/* Derive the PRK pads and the raw-key fingerprint of a 32-byte key. */
void bib_key_schedule_init(bib_key_schedule *schedule, const uint8_t key[BIB_ENVELOPE_KEYBYTES]);

/* Envelope length for a plaintext of plain_len bytes; 0 if plain_len is too large. */
size_t bib_envelope_sealed_size(bib_mode mode, size_t plain_len);

/* "aes256gcm" / "xchacha20poly1305" <-> bib_aead; names as the bib.aead setting spells them. */
const char *bib_aead_name(bib_aead aead);
BIB_MUST_CHECK bib_status bib_aead_from_name(bib_aead *aead, const char *name);
/* "KEY" / "SEAL" / "HYBRID". */
const char *bib_mode_name(bib_mode mode);

/* BIB_ERR_AEAD_UNAVAILABLE when this CPU cannot run the AEAD (AES-GCM without AES-NI). */
BIB_MUST_CHECK bib_status bib_aead_check_available(bib_aead aead);

/* recipient_id = SHA-256("bib-v1 recipient" || public_key)[0..16). */
void bib_envelope_recipient_id(uint8_t id[BIB_ENVELOPE_RECIPIENTIDBYTES],
                               const uint8_t public_key[32]);

/* Format checks only (DESIGN §3.1 rule 1 up to the length check); needs no key. */
BIB_MUST_CHECK bib_status bib_envelope_parse(bib_envelope_header *header, const uint8_t *env,
                                             size_t env_len);

/*
 * Key arguments come with their lengths: the core is where they are checked
 * (BIB_ERR_KEY_LENGTH, BIB_ERR_PUBLIC_KEY_LENGTH, BIB_ERR_SECRET_KEY_LENGTH),
 * before anything else.  A NULL key_id means the raw-key fingerprint.
 */

/* KEY mode under a key schedule (see bib_key_cache for raw keys). */
BIB_MUST_CHECK bib_status bib_envelope_encrypt_key(uint8_t *out, const uint8_t *plain,
                                                   size_t plain_len, const uint8_t *ad,
                                                   size_t ad_len, bib_aead aead,
                                                   const uint8_t *key_id,
                                                   const bib_key_schedule *key, const bib_rng *rng);

/* SEAL mode to an X25519 public key; refuses small-order keys. */
BIB_MUST_CHECK bib_status bib_envelope_seal(uint8_t *out, const uint8_t *plain, size_t plain_len,
                                            const uint8_t *ad, size_t ad_len, bib_aead aead,
                                            const uint8_t *public_key, size_t public_key_len,
                                            const bib_rng *rng);

/* HYBRID mode: opening needs both the symmetric key and the recipient's secret key. */
BIB_MUST_CHECK bib_status bib_envelope_encrypt_hybrid(uint8_t *out, const uint8_t *plain,
                                                      size_t plain_len, const uint8_t *ad,
                                                      size_t ad_len, bib_aead aead,
                                                      const uint8_t *key_id, const uint8_t *key,
                                                      size_t key_len, const uint8_t *public_key,
                                                      size_t public_key_len, const bib_rng *rng);

/*
 * Openers.  out must hold env_len bytes (the plaintext is env_len minus the
 * overhead); *out_len receives the plaintext length.
 */
BIB_MUST_CHECK bib_status bib_envelope_decrypt_key(uint8_t *out, size_t *out_len,
                                                   const uint8_t *env, size_t env_len,
                                                   const uint8_t *ad, size_t ad_len,
                                                   const bib_key_schedule *key);

BIB_MUST_CHECK bib_status bib_envelope_unseal(uint8_t *out, size_t *out_len, const uint8_t *env,
                                              size_t env_len, const uint8_t *ad, size_t ad_len,
                                              const uint8_t *secret_key, size_t secret_key_len);

BIB_MUST_CHECK bib_status bib_envelope_decrypt_hybrid(uint8_t *out, size_t *out_len,
                                                      const uint8_t *env, size_t env_len,
                                                      const uint8_t *ad, size_t ad_len,
                                                      const uint8_t *key, size_t key_len,
                                                      const uint8_t *secret_key,
                                                      size_t secret_key_len);

#endif
