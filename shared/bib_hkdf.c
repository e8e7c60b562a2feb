/*
 * bib_hkdf.c — HKDF-SHA256 (RFC 5869) on bib's HMAC-SHA256 state.
 *
 * Expansion copies a state whose ipad/opad blocks were absorbed once
 * (bib_hmac_key), so the cost of one 32-byte output block is the
 * compressions of info || counter and of the inner digest, nothing more.
 * bib_hmac_sha256_final wipes the state it finishes, so copies need no
 * wiping of their own.
 */
#include "bib_hkdf.h"

#include <string.h>

bib_status bib_hkdf_check_length(size_t out_len)
{
    return (out_len >= 1 && out_len <= BIB_HKDF_MAXBYTES) ? BIB_OK : BIB_ERR_HKDF_LENGTH;
}

void bib_hkdf_extract(uint8_t prk[BIB_HKDF_PRKBYTES], const uint8_t *salt, size_t salt_len,
                      const uint8_t *ikm, size_t ikm_len)
{
    static const uint8_t zero_salt[BIB_HKDF_PRKBYTES];
    bib_hmac_sha256_state st;

    if (salt_len == 0) {
        salt = zero_salt;
        salt_len = sizeof zero_salt;
    }
    bib_hmac_sha256_init(&st, salt, salt_len);
    bib_hmac_sha256_update(&st, ikm, ikm_len);
    bib_hmac_sha256_final(&st, prk);
}

void bib_hmac_key_init(bib_hmac_key *key, const uint8_t prk[BIB_HKDF_PRKBYTES])
{
    bib_hmac_sha256_init(&key->state, prk, BIB_HKDF_PRKBYTES);
}

bib_status bib_hkdf_expand(uint8_t *out, size_t out_len, const bib_hmac_key *prk,
                           const uint8_t *info, size_t info_len)
{
    bib_hmac_sha256_state st;
    uint8_t block[BIB_SHA256_BYTES];
    size_t done = 0;
    uint8_t counter = 1;

    if (bib_hkdf_check_length(out_len) != BIB_OK)
        return BIB_ERR_HKDF_LENGTH;
    while (done < out_len) {
        size_t take = out_len - done < sizeof block ? out_len - done : sizeof block;

        memcpy(&st, &prk->state, sizeof st);
        if (done > 0)
            bib_hmac_sha256_update(&st, block, sizeof block);
        bib_hmac_sha256_update(&st, info, info_len);
        bib_hmac_sha256_update(&st, &counter, 1);
        bib_hmac_sha256_final(&st, block);
        memcpy(out + done, block, take);
        done += take;
        counter++;
    }
    sodium_memzero(block, sizeof block);
    return BIB_OK;
}

void bib_hkdf_expand_block(uint8_t out[BIB_HKDF_PRKBYTES], const bib_hmac_key *prk,
                           const uint8_t *info, size_t info_len)
{
    static const uint8_t first = 1;
    bib_hmac_sha256_state st;

    memcpy(&st, &prk->state, sizeof st);
    bib_hmac_sha256_update(&st, info, info_len);
    bib_hmac_sha256_update(&st, &first, 1);
    bib_hmac_sha256_final(&st, out);
}

bib_status bib_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                    const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len)
{
    uint8_t prk[BIB_HKDF_PRKBYTES];
    bib_hmac_key key;
    bib_status st;

    if (bib_hkdf_check_length(out_len) != BIB_OK)
        return BIB_ERR_HKDF_LENGTH;
    bib_hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
    bib_hmac_key_init(&key, prk);
    st = bib_hkdf_expand(out, out_len, &key, info, info_len);
    sodium_memzero(prk, sizeof prk);
    sodium_memzero(&key, sizeof key);
    return st;
}
