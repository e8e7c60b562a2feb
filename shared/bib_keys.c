/*
 * bib_keys.c — X25519/Ed25519 key helpers for the SQL API.
 */
#include "bib_keys.h"

#include <sodium.h>

bib_status bib_x25519_public(uint8_t public_key[BIB_X25519_KEYBYTES], const uint8_t *secret_key,
                             size_t secret_key_len)
{
    if (secret_key_len != BIB_X25519_KEYBYTES)
        return BIB_ERR_SECRET_KEY_LENGTH;
    crypto_scalarmult_base(public_key, secret_key);
    return BIB_OK;
}

bib_status bib_ed25519_public(uint8_t public_key[BIB_ED25519_PUBLICKEYBYTES], const uint8_t *seed,
                              size_t seed_len)
{
    uint8_t sk[crypto_sign_SECRETKEYBYTES];

    if (seed_len != BIB_ED25519_SEEDBYTES)
        return BIB_ERR_SEED_LENGTH;
    crypto_sign_seed_keypair(public_key, sk, seed);
    sodium_memzero(sk, sizeof sk);
    return BIB_OK;
}

bib_status bib_ed25519_sign(uint8_t signature[BIB_ED25519_SIGNATUREBYTES], const uint8_t *message,
                            size_t message_len, const uint8_t *seed, size_t seed_len)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];

    if (seed_len != BIB_ED25519_SEEDBYTES)
        return BIB_ERR_SEED_LENGTH;
    crypto_sign_seed_keypair(pk, sk, seed);
    crypto_sign_detached(signature, NULL, message, message_len, sk);
    sodium_memzero(sk, sizeof sk);
    return BIB_OK;
}

bib_status bib_ed25519_verify(int *valid, const uint8_t *message, size_t message_len,
                              const uint8_t *signature, size_t signature_len,
                              const uint8_t *public_key, size_t public_key_len)
{
    if (signature_len != BIB_ED25519_SIGNATUREBYTES)
        return BIB_ERR_SIGNATURE_LENGTH;
    if (public_key_len != BIB_ED25519_PUBLICKEYBYTES)
        return BIB_ERR_PUBLIC_KEY_LENGTH;
    *valid = crypto_sign_verify_detached(signature, message, message_len, public_key) == 0;
    return BIB_OK;
}
