/*
 * bib_audit.c — framing and hashing of audit entries, chain and seals.
 */
#include "bib_audit.h"

#include <string.h>

#define ROW_LABEL "bib-audit-v1"
#define CHAIN_LABEL "bib-chain-v1"
#define SEAL_LABEL "bib-seal-v1"

static void put_u32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static void put_u64(uint8_t out[8], uint64_t v)
{
    put_u32(out, (uint32_t)(v >> 32));
    put_u32(out + 4, (uint32_t)v);
}

void bib_audit_row_begin(bib_audit_row *row)
{
    bib_sha256_init(&row->sha);
    bib_sha256_update(&row->sha, (const uint8_t *)ROW_LABEL, strlen(ROW_LABEL));
}

bib_status bib_audit_row_field(bib_audit_row *row, const void *bytes, size_t len)
{
    uint8_t word[4];

    if (len >= BIB_AUDIT_NULL_LENGTH)
        return BIB_ERR_TOO_LARGE;
    put_u32(word, (uint32_t)len);
    bib_sha256_update(&row->sha, word, sizeof word);
    if (len > 0)
        bib_sha256_update(&row->sha, bytes, len);
    return BIB_OK;
}

void bib_audit_row_null(bib_audit_row *row)
{
    uint8_t word[4];

    put_u32(word, BIB_AUDIT_NULL_LENGTH);
    bib_sha256_update(&row->sha, word, sizeof word);
}

void bib_audit_row_end(bib_audit_row *row, uint8_t row_hash[BIB_AUDIT_HASHBYTES])
{
    bib_sha256_final(&row->sha, row_hash);
}

void bib_audit_chain_step(uint8_t chain[BIB_AUDIT_HASHBYTES],
                          const uint8_t row_hash[BIB_AUDIT_HASHBYTES])
{
    bib_sha256_state sha;

    bib_sha256_init(&sha);
    bib_sha256_update(&sha, (const uint8_t *)CHAIN_LABEL, strlen(CHAIN_LABEL));
    bib_sha256_update(&sha, chain, BIB_AUDIT_HASHBYTES);
    bib_sha256_update(&sha, row_hash, BIB_AUDIT_HASHBYTES);
    bib_sha256_final(&sha, chain);
}

void bib_audit_seal_hash(uint8_t seal_hash[BIB_AUDIT_HASHBYTES], uint64_t seal_id,
                         uint64_t first_id, uint64_t last_id, uint64_t count,
                         const uint8_t chain[BIB_AUDIT_HASHBYTES],
                         const uint8_t prev[BIB_AUDIT_HASHBYTES])
{
    bib_sha256_state sha;
    uint8_t numbers[32];

    put_u64(numbers, seal_id);
    put_u64(numbers + 8, first_id);
    put_u64(numbers + 16, last_id);
    put_u64(numbers + 24, count);
    bib_sha256_init(&sha);
    bib_sha256_update(&sha, (const uint8_t *)SEAL_LABEL, strlen(SEAL_LABEL));
    bib_sha256_update(&sha, numbers, sizeof numbers);
    bib_sha256_update(&sha, chain, BIB_AUDIT_HASHBYTES);
    bib_sha256_update(&sha, prev, BIB_AUDIT_HASHBYTES);
    bib_sha256_final(&sha, seal_hash);
}
