/*
 * bib_key_cache.h — a small per-process cache of key schedules for raw keys.
 *
 * SQL callers pass the same 32-byte key row after row; deriving its PRK pads
 * and fingerprint once instead of per row halves the cost of a small
 * message.  Entries live in sodium_malloc'ed memory and are found by a
 * constant-time comparison with every slot, so a lookup reveals nothing
 * about the key through its timing.
 */
#ifndef BIB_KEY_CACHE_H
#define BIB_KEY_CACHE_H

#include "bib_envelope.h"

typedef struct bib_key_cache bib_key_cache;

/* NULL when secure memory cannot be had. */
bib_key_cache *bib_key_cache_new(void);

/* Wipes and frees; NULL is fine. */
void bib_key_cache_free(bib_key_cache *cache);

/*
 * The schedule of a raw key (BIB_ERR_KEY_LENGTH unless 32 bytes), derived now
 * if it is not cached; valid until a later lookup evicts it.
 */
BIB_MUST_CHECK bib_status bib_key_cache_get(const bib_key_schedule **schedule, bib_key_cache *cache,
                                            const uint8_t *key, size_t key_len);

#endif
