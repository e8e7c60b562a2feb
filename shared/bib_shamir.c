/*
 * bib_shamir.c — Shamir secret sharing over GF(2^8), share format v1.
 *
 * Multiplication is a fixed eight-round shift-and-add with masks instead of
 * branches, and inversion a fixed power (a^254), so no operation on a secret
 * byte takes a data-dependent branch or indexes a table.  The share indexes
 * x are public, but they go through the same code.
 */
#include "bib_shamir.h"

#include <sodium.h>
#include <string.h>

#include "bib_sha256.h"

#define SHARE_VERSION 0x01
#define SPLIT_ID_BYTES 8U
#define MIN_SHARE_BYTES (BIB_SHAMIR_OVERHEAD + 1U)

uint8_t bib_gf256_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;

    for (int i = 0; i < 8; i++) {
        r ^= (uint8_t)(-(b & 1U)) & a;
        b >>= 1;
        a = (uint8_t)((a << 1) ^ ((uint8_t)(-(a >> 7)) & 0x1BU));
    }
    return r;
}

uint8_t bib_gf256_inv(uint8_t a)
{
    /* a^254 = a^-1 in GF(2^8); 254 = 0b11111110. */
    uint8_t a2 = bib_gf256_mul(a, a);
    uint8_t r = a2;

    for (int i = 0; i < 6; i++) {
        a2 = bib_gf256_mul(a2, a2);
        r = bib_gf256_mul(r, a2);
    }
    return r;
}

static void share_check(uint8_t check[BIB_SHAMIR_CHECKBYTES], const uint8_t *share, size_t body_len)
{
    uint8_t digest[BIB_SHA256_BYTES];

    bib_sha256(digest, share, body_len);
    memcpy(check, digest, BIB_SHAMIR_CHECKBYTES);
}

bib_status bib_shamir_split(uint8_t *shares, const uint8_t *secret, size_t secret_len, unsigned n,
                            unsigned k, const bib_rng *rng)
{
    size_t share_len = BIB_SHAMIR_SHARE_BYTES(secret_len);
    uint8_t coef[BIB_SHAMIR_MAXSHARES];
    uint8_t split_id[SPLIT_ID_BYTES];

    if (n < 1 || n > BIB_SHAMIR_MAXSHARES)
        return BIB_ERR_SHAMIR_SHARE_COUNT;
    if (k < 1 || k > n)
        return BIB_ERR_SHAMIR_THRESHOLD;
    if (secret_len < 1 || secret_len > BIB_SHAMIR_MAXSECRETBYTES)
        return BIB_ERR_SHAMIR_SECRET_LENGTH;

    bib_random_fill(rng, split_id, sizeof split_id);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *s = shares + (size_t)i * share_len;
        s[0] = 'b';
        s[1] = 's';
        s[2] = SHARE_VERSION;
        s[3] = (uint8_t)k;
        s[4] = (uint8_t)(i + 1);
        memcpy(s + 5, split_id, sizeof split_id);
    }
    for (size_t j = 0; j < secret_len; j++) {
        bib_random_fill(rng, coef, k - 1);
        for (unsigned i = 0; i < n; i++) {
            uint8_t x = (uint8_t)(i + 1);
            uint8_t y = 0;
            /* Horner from the highest coefficient a(k-1) down to a1, then the secret. */
            for (unsigned c = k - 1; c >= 1; c--)
                y = bib_gf256_mul(y, x) ^ coef[c - 1];
            y = bib_gf256_mul(y, x) ^ secret[j];
            shares[(size_t)i * share_len + BIB_SHAMIR_HEADERBYTES + j] = y;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        uint8_t *s = shares + (size_t)i * share_len;
        share_check(s + share_len - BIB_SHAMIR_CHECKBYTES, s, share_len - BIB_SHAMIR_CHECKBYTES);
    }
    sodium_memzero(coef, sizeof coef);
    return BIB_OK;
}

/* The checks one share passes on its own (DESIGN §4 rule 3). */
static bib_status check_share(const uint8_t *s, size_t len)
{
    uint8_t check[BIB_SHAMIR_CHECKBYTES];

    if (s == NULL)
        return BIB_ERR_SHARE_NULL;
    if (len < MIN_SHARE_BYTES)
        return BIB_ERR_SHARE_SHORT;
    if (s[0] != 'b' || s[1] != 's')
        return BIB_ERR_SHARE_BAD_MAGIC;
    if (s[2] != SHARE_VERSION)
        return BIB_ERR_SHARE_BAD_VERSION;
    if (s[3] == 0)
        return BIB_ERR_SHARE_BAD_THRESHOLD;
    if (s[4] == 0)
        return BIB_ERR_SHARE_BAD_INDEX;
    if (len > BIB_SHAMIR_SHARE_BYTES(BIB_SHAMIR_MAXSECRETBYTES))
        return BIB_ERR_SHARE_TOO_LONG;
    share_check(check, s, len - BIB_SHAMIR_CHECKBYTES);
    if (sodium_memcmp(check, s + len - BIB_SHAMIR_CHECKBYTES, BIB_SHAMIR_CHECKBYTES) != 0)
        return BIB_ERR_SHARE_BAD_CHECK;
    return BIB_OK;
}

bib_status bib_shamir_combine(uint8_t *secret, size_t *secret_len, const uint8_t *const *share,
                              const size_t *share_len, size_t count)
{
    uint8_t seen[256] = {0};
    uint8_t basis[BIB_SHAMIR_MAXSHARES];
    size_t len;

    if (count == 0)
        return BIB_ERR_SHARE_NONE;
    for (size_t i = 0; i < count; i++) {
        bib_status st = check_share(share[i], share_len[i]);
        if (st != BIB_OK)
            return st;
    }
    for (size_t i = 1; i < count; i++) {
        if (memcmp(share[i] + 5, share[0] + 5, SPLIT_ID_BYTES) != 0)
            return BIB_ERR_SHARE_MIXED_SPLIT;
        if (share[i][3] != share[0][3])
            return BIB_ERR_SHARE_MIXED_THRESHOLD;
        if (share_len[i] != share_len[0])
            return BIB_ERR_SHARE_MIXED_LENGTH;
    }
    for (size_t i = 0; i < count; i++) {
        if (seen[share[i][4]])
            return BIB_ERR_SHARE_DUPLICATE_INDEX;
        seen[share[i][4]] = 1;
    }
    if (count < share[0][3])
        return BIB_ERR_SHARE_TOO_FEW;

    /* Distinct non-zero indexes: count <= 255.  basis[i] = L_i(0) = prod x_j / (x_i ^ x_j). */
    for (size_t i = 0; i < count; i++) {
        uint8_t num = 1, den = 1;
        for (size_t j = 0; j < count; j++) {
            if (j == i)
                continue;
            num = bib_gf256_mul(num, share[j][4]);
            den = bib_gf256_mul(den, share[i][4] ^ share[j][4]);
        }
        basis[i] = bib_gf256_mul(num, bib_gf256_inv(den));
    }
    len = share_len[0] - BIB_SHAMIR_OVERHEAD;
    for (size_t b = 0; b < len; b++) {
        uint8_t s = 0;
        for (size_t i = 0; i < count; i++)
            s ^= bib_gf256_mul(basis[i], share[i][BIB_SHAMIR_HEADERBYTES + b]);
        secret[b] = s;
    }
    *secret_len = len;
    return BIB_OK;
}
