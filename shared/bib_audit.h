/*
 * bib_audit.h — the audit trail's hashes (DESIGN §5): the canonical row
 * hash, one step of the chain, and the seal hash.
 *
 * Which columns an entry has, in which order, and how each value is written
 * as bytes is the adapter's documented choice (docs/audit-format.md); this
 * file fixes only the framing, so an external verifier needs nothing but
 * SHA-256 and that document.
 */
#ifndef BIB_AUDIT_H
#define BIB_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "bib_sha256.h"
#include "bib_status.h"

#define BIB_AUDIT_HASHBYTES 32U
/* The length word of a NULL field. */
#define BIB_AUDIT_NULL_LENGTH 0xFFFFFFFFU

/* row_hash = SHA-256("bib-audit-v1" || field || field ...), field = u32 length || bytes. */
typedef struct bib_audit_row {
    bib_sha256_state sha;
} bib_audit_row;

void bib_audit_row_begin(bib_audit_row *row);

/* Append one field; BIB_ERR_TOO_LARGE when len does not fit the u32 length word. */
BIB_MUST_CHECK bib_status bib_audit_row_field(bib_audit_row *row, const void *bytes, size_t len);

/* Append a NULL field (length word 0xFFFFFFFF, no bytes). */
void bib_audit_row_null(bib_audit_row *row);

void bib_audit_row_end(bib_audit_row *row, uint8_t row_hash[BIB_AUDIT_HASHBYTES]);

/* chain = SHA-256("bib-chain-v1" || chain || row_hash), in place. */
void bib_audit_chain_step(uint8_t chain[BIB_AUDIT_HASHBYTES],
                          const uint8_t row_hash[BIB_AUDIT_HASHBYTES]);

/*
 * seal_hash = SHA-256("bib-seal-v1" || u64 seal_id || u64 first_id ||
 * u64 last_id || u64 count || chain || prev), integers big-endian.
 */
void bib_audit_seal_hash(uint8_t seal_hash[BIB_AUDIT_HASHBYTES], uint64_t seal_id,
                         uint64_t first_id, uint64_t last_id, uint64_t count,
                         const uint8_t chain[BIB_AUDIT_HASHBYTES],
                         const uint8_t prev[BIB_AUDIT_HASHBYTES]);

#endif
