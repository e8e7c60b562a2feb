/*
 * bib_envelope.c — envelope format v1 (DESIGN §3), to the byte.
 *
 * One path serves the three modes: each builds its prefix and its IKM, then
 * seal_with_prk / open_with_prk derive the per-message key and run the AEAD.
 * KEY mode skips HKDF-Extract because its PRK depends only on the key and is
 * cached in a bib_key_schedule.  Checks run in the order of DESIGN §3.1 rule
 * 1 so that every implementation reports the same error for the same input.
 */
#include "bib_envelope.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bib_keys.h"
#include "bib_sha256.h"

#define LABEL "bib-v1"
#define LABEL_LEN 6U
#define KEY_ID_LABEL "bib-v1 key-id"
#define RECIPIENT_LABEL "bib-v1 recipient"
#define FRESH_BYTES 32U
#define INFO_BYTES (LABEL_LEN + 2U + FRESH_BYTES)
#define X25519_BYTES 32U
/* Associated data up to this size is assembled on the stack. */
#define STACK_AD_BYTES 1024U

static const uint8_t magic[3] = {'b', 'i', 'b'};
static const uint8_t zero_nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];

static size_t prefix_length(bib_mode mode)
{
    return mode == BIB_MODE_HYBRID ? 72U : 56U;
}

size_t bib_envelope_sealed_size(bib_mode mode, size_t plain_len)
{
    if (plain_len > BIB_ENVELOPE_MAXPLAINBYTES)
        return 0;
    return prefix_length(mode) + plain_len + BIB_ENVELOPE_TAGBYTES;
}

const char *bib_aead_name(bib_aead aead)
{
    return aead == BIB_AEAD_AES256GCM ? "aes256gcm" : "xchacha20poly1305";
}

bib_status bib_aead_from_name(bib_aead *aead, const char *name)
{
    if (strcmp(name, "aes256gcm") == 0)
        *aead = BIB_AEAD_AES256GCM;
    else if (strcmp(name, "xchacha20poly1305") == 0)
        *aead = BIB_AEAD_XCHACHA20POLY1305;
    else
        return BIB_ERR_AEAD_NAME;
    return BIB_OK;
}

const char *bib_mode_name(bib_mode mode)
{
    switch (mode) {
    case BIB_MODE_KEY:
        return "KEY";
    case BIB_MODE_SEAL:
        return "SEAL";
    default:
        return "HYBRID";
    }
}

bib_status bib_aead_check_available(bib_aead aead)
{
    if (aead == BIB_AEAD_AES256GCM && !crypto_aead_aes256gcm_is_available())
        return BIB_ERR_AEAD_UNAVAILABLE;
    return BIB_OK;
}

void bib_envelope_recipient_id(uint8_t id[BIB_ENVELOPE_RECIPIENTIDBYTES],
                               const uint8_t public_key[32])
{
    bib_sha256_state st;
    uint8_t digest[BIB_SHA256_BYTES];

    bib_sha256_init(&st);
    bib_sha256_update(&st, (const uint8_t *)RECIPIENT_LABEL, strlen(RECIPIENT_LABEL));
    bib_sha256_update(&st, public_key, 32);
    bib_sha256_final(&st, digest);
    memcpy(id, digest, BIB_ENVELOPE_RECIPIENTIDBYTES);
}

void bib_key_schedule_init(bib_key_schedule *schedule, const uint8_t key[BIB_ENVELOPE_KEYBYTES])
{
    uint8_t prk[BIB_HKDF_PRKBYTES];

    bib_hkdf_extract(prk, (const uint8_t *)LABEL, LABEL_LEN, key, BIB_ENVELOPE_KEYBYTES);
    bib_hmac_key_init(&schedule->prk, prk);
    bib_hkdf_expand_block(prk, &schedule->prk, (const uint8_t *)KEY_ID_LABEL, strlen(KEY_ID_LABEL));
    memcpy(schedule->fingerprint, prk, BIB_ENVELOPE_KEYIDBYTES);
    sodium_memzero(prk, sizeof prk);
}

/* Write "bib" 01 mode aead 00 00; the mode fields follow at byte 8. */
static void write_header(uint8_t *out, bib_mode mode, bib_aead aead)
{
    memcpy(out, magic, sizeof magic);
    out[3] = 0x01;
    out[4] = (uint8_t)mode;
    out[5] = (uint8_t)aead;
    out[6] = 0;
    out[7] = 0;
}

bib_status bib_envelope_parse(bib_envelope_header *h, const uint8_t *env, size_t env_len)
{
    if (env_len < BIB_ENVELOPE_HEADERBYTES)
        return BIB_ERR_ENV_SHORT;
    if (memcmp(env, magic, sizeof magic) != 0)
        return BIB_ERR_ENV_BAD_MAGIC;
    if (env[3] != 0x01)
        return BIB_ERR_ENV_BAD_VERSION;
    if (env[4] < BIB_MODE_KEY || env[4] > BIB_MODE_HYBRID)
        return BIB_ERR_ENV_BAD_MODE;
    if (env[5] != BIB_AEAD_AES256GCM && env[5] != BIB_AEAD_XCHACHA20POLY1305)
        return BIB_ERR_ENV_BAD_AEAD;
    if (env[6] != 0 || env[7] != 0)
        return BIB_ERR_ENV_BAD_FLAGS;

    memset(h, 0, sizeof *h);
    h->version = env[3];
    h->mode = (bib_mode)env[4];
    h->aead = (bib_aead)env[5];
    h->prefix_len = prefix_length(h->mode);
    h->overhead = h->prefix_len + BIB_ENVELOPE_TAGBYTES;
    if (env_len < h->overhead)
        return BIB_ERR_ENV_SHORT;
    switch (h->mode) {
    case BIB_MODE_KEY:
        h->has_key_id = 1;
        memcpy(h->key_id, env + 8, BIB_ENVELOPE_KEYIDBYTES);
        break;
    case BIB_MODE_SEAL:
        h->has_recipient_id = 1;
        memcpy(h->recipient_id, env + 8, BIB_ENVELOPE_RECIPIENTIDBYTES);
        break;
    case BIB_MODE_HYBRID:
        h->has_key_id = 1;
        h->has_recipient_id = 1;
        memcpy(h->key_id, env + 8, BIB_ENVELOPE_KEYIDBYTES);
        memcpy(h->recipient_id, env + 24, BIB_ENVELOPE_RECIPIENTIDBYTES);
        break;
    }
    return BIB_OK;
}

/* DEK = HKDF-Expand(PRK, "bib-v1" || mode || aead || fresh, 32); fresh = the prefix's last 32
 * bytes. */
static void derive_dek(uint8_t dek[32], const bib_hmac_key *prk, const uint8_t *prefix,
                       size_t prefix_len)
{
    uint8_t info[INFO_BYTES];

    memcpy(info, LABEL, LABEL_LEN);
    info[LABEL_LEN] = prefix[4];
    info[LABEL_LEN + 1] = prefix[5];
    memcpy(info + LABEL_LEN + 2, prefix + prefix_len - FRESH_BYTES, FRESH_BYTES);
    bib_hkdf_expand_block(dek, prk, info, sizeof info);
}

/*
 * The AEAD's associated data is prefix || user AD, contiguous.  Small ones
 * are built in `stack`; larger ones need a heap buffer (the AD is not
 * secret), released by release_ad.
 */
static bib_status assemble_ad(uint8_t **full, uint8_t *stack, const uint8_t *prefix,
                              size_t prefix_len, const uint8_t *ad, size_t ad_len)
{
    if (ad_len > BIB_ENVELOPE_MAXPLAINBYTES)
        return BIB_ERR_TOO_LARGE;
    *full = prefix_len + ad_len <= STACK_AD_BYTES ? stack : malloc(prefix_len + ad_len);
    if (*full == NULL)
        return BIB_ERR_NO_MEMORY;
    memcpy(*full, prefix, prefix_len);
    if (ad_len > 0)
        memcpy(*full + prefix_len, ad, ad_len);
    return BIB_OK;
}

static void release_ad(uint8_t *full, const uint8_t *stack)
{
    if (full != stack)
        free(full);
}

/* The prefix is already at out; write ciphertext || tag after it. */
static bib_status seal_with_prk(uint8_t *out, size_t prefix_len, const uint8_t *plain,
                                size_t plain_len, const uint8_t *ad, size_t ad_len,
                                const bib_hmac_key *prk)
{
    uint8_t stack[STACK_AD_BYTES];
    uint8_t *full_ad;
    uint8_t dek[32];
    uint8_t *ct = out + prefix_len;
    uint8_t *tag = ct + plain_len;
    bib_status st;

    st = assemble_ad(&full_ad, stack, out, prefix_len, ad, ad_len);
    if (st != BIB_OK)
        return st;
    derive_dek(dek, prk, out, prefix_len);
    if (out[5] == BIB_AEAD_AES256GCM)
        crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL, plain, plain_len, full_ad,
                                               prefix_len + ad_len, NULL, zero_nonce, dek);
    else
        crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
            ct, tag, NULL, plain, plain_len, full_ad, prefix_len + ad_len, NULL, zero_nonce, dek);
    sodium_memzero(dek, sizeof dek);
    release_ad(full_ad, stack);
    return BIB_OK;
}

static bib_status open_with_prk(uint8_t *out, size_t *out_len, const uint8_t *env, size_t env_len,
                                const bib_envelope_header *h, const uint8_t *ad, size_t ad_len,
                                const bib_hmac_key *prk)
{
    uint8_t stack[STACK_AD_BYTES];
    uint8_t *full_ad;
    uint8_t dek[32];
    size_t ct_len = env_len - h->overhead;
    const uint8_t *ct = env + h->prefix_len;
    const uint8_t *tag = ct + ct_len;
    int rc;
    bib_status st;

    st = assemble_ad(&full_ad, stack, env, h->prefix_len, ad, ad_len);
    if (st != BIB_OK)
        return st;
    derive_dek(dek, prk, env, h->prefix_len);
    if (h->aead == BIB_AEAD_AES256GCM)
        rc = crypto_aead_aes256gcm_decrypt_detached(out, NULL, ct, ct_len, tag, full_ad,
                                                    h->prefix_len + ad_len, zero_nonce, dek);
    else
        rc = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
            out, NULL, ct, ct_len, tag, full_ad, h->prefix_len + ad_len, zero_nonce, dek);
    sodium_memzero(dek, sizeof dek);
    release_ad(full_ad, stack);
    if (rc != 0) {
        sodium_memzero(out, ct_len);
        return BIB_ERR_ENV_AUTH;
    }
    *out_len = ct_len;
    return BIB_OK;
}

/* Shared head of every opener: format checks, length, expected mode, AEAD availability. */
static bib_status parse_for(bib_envelope_header *h, const uint8_t *env, size_t env_len,
                            bib_mode mode)
{
    bib_status st = bib_envelope_parse(h, env, env_len);

    if (st != BIB_OK)
        return st;
    if (h->mode != mode)
        return BIB_ERR_ENV_WRONG_MODE;
    return bib_aead_check_available(h->aead);
}

/* Checks common to every encryption: AEAD known and usable, size representable. */
static bib_status check_encrypt(bib_aead aead, size_t plain_len)
{
    if (aead != BIB_AEAD_AES256GCM && aead != BIB_AEAD_XCHACHA20POLY1305)
        return BIB_ERR_AEAD_NAME;
    if (plain_len > BIB_ENVELOPE_MAXPLAINBYTES)
        return BIB_ERR_TOO_LARGE;
    return bib_aead_check_available(aead);
}

bib_status bib_envelope_encrypt_key(uint8_t *out, const uint8_t *plain, size_t plain_len,
                                    const uint8_t *ad, size_t ad_len, bib_aead aead,
                                    const uint8_t *key_id, const bib_key_schedule *key,
                                    const bib_rng *rng)
{
    bib_status st = check_encrypt(aead, plain_len);

    if (st != BIB_OK)
        return st;
    write_header(out, BIB_MODE_KEY, aead);
    memcpy(out + 8, key_id != NULL ? key_id : key->fingerprint, BIB_ENVELOPE_KEYIDBYTES);
    bib_random_fill(rng, out + 24, FRESH_BYTES);
    return seal_with_prk(out, prefix_length(BIB_MODE_KEY), plain, plain_len, ad, ad_len, &key->prk);
}

bib_status bib_envelope_decrypt_key(uint8_t *out, size_t *out_len, const uint8_t *env,
                                    size_t env_len, const uint8_t *ad, size_t ad_len,
                                    const bib_key_schedule *key)
{
    bib_envelope_header h;
    bib_status st = parse_for(&h, env, env_len, BIB_MODE_KEY);

    if (st != BIB_OK)
        return st;
    return open_with_prk(out, out_len, env, env_len, &h, ad, ad_len, &key->prk);
}

/*
 * The X25519 part of SEAL and HYBRID: IKM = [K ||] shared || epk || rpk,
 * extracted into a PRK.  BIB_ERR_ENV_SMALL_ORDER when shared is all zero.
 */
static bib_status x25519_prk(bib_hmac_key *prk, const uint8_t *key, const uint8_t *scalar,
                             const uint8_t *point, const uint8_t epk[X25519_BYTES],
                             const uint8_t rpk[X25519_BYTES])
{
    uint8_t ikm[BIB_ENVELOPE_KEYBYTES + 3 * X25519_BYTES];
    uint8_t raw_prk[BIB_HKDF_PRKBYTES];
    size_t at = 0;

    if (key != NULL) {
        memcpy(ikm, key, BIB_ENVELOPE_KEYBYTES);
        at = BIB_ENVELOPE_KEYBYTES;
    }
    if (crypto_scalarmult(ikm + at, scalar, point) != 0) {
        sodium_memzero(ikm, sizeof ikm);
        return BIB_ERR_ENV_SMALL_ORDER;
    }
    memcpy(ikm + at + X25519_BYTES, epk, X25519_BYTES);
    memcpy(ikm + at + 2 * X25519_BYTES, rpk, X25519_BYTES);
    bib_hkdf_extract(raw_prk, (const uint8_t *)LABEL, LABEL_LEN, ikm, at + 3 * X25519_BYTES);
    bib_hmac_key_init(prk, raw_prk);
    sodium_memzero(ikm, sizeof ikm);
    sodium_memzero(raw_prk, sizeof raw_prk);
    return BIB_OK;
}

/* SEAL and HYBRID encryption; key == NULL for SEAL. */
static bib_status encrypt_to_recipient(uint8_t *out, const uint8_t *plain, size_t plain_len,
                                       const uint8_t *ad, size_t ad_len, bib_aead aead,
                                       const uint8_t *key_id, const uint8_t *key,
                                       const uint8_t *rpk, const bib_rng *rng)
{
    bib_mode mode = key != NULL ? BIB_MODE_HYBRID : BIB_MODE_SEAL;
    size_t prefix_len = prefix_length(mode);
    uint8_t *epk = out + prefix_len - X25519_BYTES;
    uint8_t esk[X25519_BYTES];
    bib_hmac_key prk;
    bib_status st = check_encrypt(aead, plain_len);

    if (st != BIB_OK)
        return st;
    write_header(out, mode, aead);
    if (mode == BIB_MODE_HYBRID) {
        if (key_id != NULL) {
            memcpy(out + 8, key_id, BIB_ENVELOPE_KEYIDBYTES);
        } else {
            bib_key_schedule schedule;
            bib_key_schedule_init(&schedule, key);
            memcpy(out + 8, schedule.fingerprint, BIB_ENVELOPE_KEYIDBYTES);
            sodium_memzero(&schedule, sizeof schedule);
        }
        bib_envelope_recipient_id(out + 24, rpk);
    } else {
        bib_envelope_recipient_id(out + 8, rpk);
    }
    bib_random_fill(rng, esk, sizeof esk);
    crypto_scalarmult_base(epk, esk);
    st = x25519_prk(&prk, key, esk, rpk, epk, rpk);
    sodium_memzero(esk, sizeof esk);
    if (st == BIB_OK)
        st = seal_with_prk(out, prefix_len, plain, plain_len, ad, ad_len, &prk);
    sodium_memzero(&prk, sizeof prk);
    if (st != BIB_OK)
        sodium_memzero(out, prefix_len);
    return st;
}

/* SEAL and HYBRID decryption; key == NULL for SEAL. */
static bib_status decrypt_from_sender(uint8_t *out, size_t *out_len, const uint8_t *env,
                                      size_t env_len, const uint8_t *ad, size_t ad_len,
                                      const uint8_t *key, const uint8_t *secret_key)
{
    bib_mode mode = key != NULL ? BIB_MODE_HYBRID : BIB_MODE_SEAL;
    bib_envelope_header h;
    uint8_t rpk[X25519_BYTES];
    bib_hmac_key prk;
    bib_status st = parse_for(&h, env, env_len, mode);

    if (st != BIB_OK)
        return st;
    const uint8_t *epk = env + h.prefix_len - X25519_BYTES;
    crypto_scalarmult_base(rpk, secret_key);
    st = x25519_prk(&prk, key, secret_key, epk, epk, rpk);
    if (st == BIB_OK)
        st = open_with_prk(out, out_len, env, env_len, &h, ad, ad_len, &prk);
    sodium_memzero(&prk, sizeof prk);
    return st;
}

bib_status bib_envelope_seal(uint8_t *out, const uint8_t *plain, size_t plain_len,
                             const uint8_t *ad, size_t ad_len, bib_aead aead,
                             const uint8_t *public_key, size_t public_key_len, const bib_rng *rng)
{
    if (public_key_len != X25519_BYTES)
        return BIB_ERR_PUBLIC_KEY_LENGTH;
    return encrypt_to_recipient(out, plain, plain_len, ad, ad_len, aead, NULL, NULL, public_key,
                                rng);
}

bib_status bib_envelope_encrypt_hybrid(uint8_t *out, const uint8_t *plain, size_t plain_len,
                                       const uint8_t *ad, size_t ad_len, bib_aead aead,
                                       const uint8_t *key_id, const uint8_t *key, size_t key_len,
                                       const uint8_t *public_key, size_t public_key_len,
                                       const bib_rng *rng)
{
    if (key_len != BIB_ENVELOPE_KEYBYTES)
        return BIB_ERR_KEY_LENGTH;
    if (public_key_len != X25519_BYTES)
        return BIB_ERR_PUBLIC_KEY_LENGTH;
    return encrypt_to_recipient(out, plain, plain_len, ad, ad_len, aead, key_id, key, public_key,
                                rng);
}

bib_status bib_envelope_unseal(uint8_t *out, size_t *out_len, const uint8_t *env, size_t env_len,
                               const uint8_t *ad, size_t ad_len, const uint8_t *secret_key,
                               size_t secret_key_len)
{
    if (secret_key_len != X25519_BYTES)
        return BIB_ERR_SECRET_KEY_LENGTH;
    return decrypt_from_sender(out, out_len, env, env_len, ad, ad_len, NULL, secret_key);
}

bib_status bib_envelope_decrypt_hybrid(uint8_t *out, size_t *out_len, const uint8_t *env,
                                       size_t env_len, const uint8_t *ad, size_t ad_len,
                                       const uint8_t *key, size_t key_len,
                                       const uint8_t *secret_key, size_t secret_key_len)
{
    if (key_len != BIB_ENVELOPE_KEYBYTES)
        return BIB_ERR_KEY_LENGTH;
    if (secret_key_len != X25519_BYTES)
        return BIB_ERR_SECRET_KEY_LENGTH;
    return decrypt_from_sender(out, out_len, env, env_len, ad, ad_len, key, secret_key);
}
