/*
 * bib_password.c — generated passwords in URL-safe base64 without padding.
 */
#include "bib_password.h"

#include <sodium.h>

size_t bib_password_length(unsigned bits)
{
    return sodium_base64_ENCODED_LEN(bits / 8U, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1U;
}

bib_status bib_password_generate(char *out, unsigned bits, const bib_rng *rng)
{
    uint8_t raw[BIB_PASSWORD_MAXBITS / 8U];
    size_t n = bits / 8U;

    if (bits < BIB_PASSWORD_MINBITS || bits > BIB_PASSWORD_MAXBITS || bits % 8U != 0)
        return BIB_ERR_PASSWORD_BITS;
    bib_random_fill(rng, raw, n);
    sodium_bin2base64(out, bib_password_length(bits) + 1U, raw, n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, n);
    return BIB_OK;
}
