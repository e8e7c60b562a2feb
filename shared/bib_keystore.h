/*
 * bib_keystore.h — what both engines' key stores share: key kinds and
 * names, generating a key of a kind, wrapping secrets under the master key,
 * and the export format that moves keys between engines.
 *
 * Export format v1 (sealed with SEAL mode to the recipient, AD
 * "bib-v1 key-export"; docs/keys.md):
 *   blob  := "bk" 0x01 || count u8 (1..255) || entry*count
 *   entry := id[16] || kind u8 || status u8 || version u32 || created_at i64
 *            (Unix microseconds) || name_len u8 (1..63) || name || secret[32]
 * Integers big-endian; kind 1 aead, 2 x25519, 3 ed25519; status 1 active,
 * 2 retired, 3 revoked.
 */
#ifndef BIB_KEYSTORE_H
#define BIB_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "bib_envelope.h"
#include "bib_random.h"
#include "bib_status.h"

#define BIB_KEY_SECRETBYTES 32U
#define BIB_KEY_IDBYTES 16U
#define BIB_KEY_MAXNAMEBYTES 63U
#define BIB_KEYBLOB_MAXENTRIES 255U
/* The associated data of an exported key's SEAL envelope. */
#define BIB_KEYBLOB_AD "bib-v1 key-export"

typedef enum bib_key_kind {
    BIB_KEY_AEAD = 1,
    BIB_KEY_X25519 = 2,
    BIB_KEY_ED25519 = 3
} bib_key_kind;

typedef enum bib_key_status {
    BIB_KEY_ACTIVE = 1,
    BIB_KEY_RETIRED = 2,
    BIB_KEY_REVOKED = 3
} bib_key_status;

/* One stored key version.  Holds a secret: keep it in sodium_malloc'ed memory. */
typedef struct bib_keyblob_entry {
    uint8_t id[BIB_KEY_IDBYTES];
    bib_key_kind kind;
    bib_key_status status;
    uint32_t version;
    int64_t created_at;
    char name[BIB_KEY_MAXNAMEBYTES + 1];
    uint8_t secret[BIB_KEY_SECRETBYTES];
} bib_keyblob_entry;

/* "aead" / "x25519" / "ed25519". */
BIB_MUST_CHECK bib_status bib_key_kind_from_name(bib_key_kind *kind, const char *name);
const char *bib_key_kind_name(bib_key_kind kind);
BIB_MUST_CHECK bib_status bib_key_status_from_name(bib_key_status *status, const char *name);
const char *bib_key_status_name(bib_key_status status);

/* 1 to 63 bytes, no NUL. */
BIB_MUST_CHECK bib_status bib_key_name_check(const char *name, size_t len);

/*
 * A fresh secret of `kind`, and its public key for x25519 and ed25519
 * (*has_public = 0 for aead).
 */
void bib_key_generate(uint8_t secret[BIB_KEY_SECRETBYTES], uint8_t public_key[32], int *has_public,
                      bib_key_kind kind, const bib_rng *rng);

/* The public key of a stored secret (x25519: X25519 base point; ed25519: from the seed). */
BIB_MUST_CHECK bib_status bib_key_public(uint8_t public_key[32], int *has_public,
                                         bib_key_kind kind, const uint8_t secret[BIB_KEY_SECRETBYTES]);

/* Wrapped size of a secret: a KEY envelope of 32 bytes. */
#define BIB_KEY_WRAPPEDBYTES (72U + BIB_KEY_SECRETBYTES)

/*
 * Wrap a secret under the master key: KEY mode, key_id = the master key's
 * fingerprint, AD = the key's id, so a wrapped secret cannot be moved to
 * another key's row.
 */
BIB_MUST_CHECK bib_status bib_key_wrap(uint8_t wrapped[BIB_KEY_WRAPPEDBYTES],
                                       const uint8_t secret[BIB_KEY_SECRETBYTES],
                                       const uint8_t id[BIB_KEY_IDBYTES],
                                       const bib_key_schedule *master, bib_aead aead,
                                       const bib_rng *rng);

/* BIB_ERR_MASTER_KEY_MISMATCH when wrapped under another master key. */
BIB_MUST_CHECK bib_status bib_key_unwrap(uint8_t secret[BIB_KEY_SECRETBYTES],
                                         const uint8_t *wrapped, size_t wrapped_len,
                                         const uint8_t id[BIB_KEY_IDBYTES],
                                         const bib_key_schedule *master);

/* Size of the export blob of n entries (before sealing). */
size_t bib_keyblob_size(const bib_keyblob_entry *entries, size_t n);

BIB_MUST_CHECK bib_status bib_keyblob_write(uint8_t *out, const bib_keyblob_entry *entries,
                                            size_t n);

/* entries must hold BIB_KEYBLOB_MAXENTRIES; BIB_ERR_KEYBLOB_FORMAT on any defect. */
BIB_MUST_CHECK bib_status bib_keyblob_read(bib_keyblob_entry *entries, size_t *n,
                                           const uint8_t *blob, size_t len);

#endif
