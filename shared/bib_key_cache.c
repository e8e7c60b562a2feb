/*
 * bib_key_cache.c — a few raw-key schedules kept in secure memory.
 *
 * Eight slots replaced round-robin: enough for a query that mixes a handful
 * of keys, small enough that comparing the key with every slot stays far
 * cheaper than one HKDF-Extract.  The comparison visits every slot and
 * every word without a data-dependent branch, so a lookup leaks nothing
 * about the key; it works on 64-bit words because sodium_memcmp's byte loop
 * was, measured, the largest single cost of encrypting a 128-byte row.
 */
#include "bib_key_cache.h"

#include <sodium.h>
#include <string.h>

#define CACHE_SLOTS 8U

typedef struct cache_slot {
    int used;
    uint8_t key[BIB_ENVELOPE_KEYBYTES];
    bib_key_schedule schedule;
} cache_slot;

struct bib_key_cache {
    cache_slot slot[CACHE_SLOTS];
    unsigned next_victim;
};

bib_key_cache *bib_key_cache_new(void)
{
    bib_key_cache *cache = sodium_malloc(sizeof *cache);

    if (cache != NULL)
        sodium_memzero(cache, sizeof *cache);
    return cache;
}

void bib_key_cache_free(bib_key_cache *cache)
{
    sodium_free(cache);
}

/* Zero when the two keys are equal; constant time. */
static uint64_t key_difference(const uint8_t *a, const uint8_t *b)
{
    uint64_t diff = 0;

    for (size_t i = 0; i < BIB_ENVELOPE_KEYBYTES; i += sizeof(uint64_t)) {
        uint64_t x, y;
        memcpy(&x, a + i, sizeof x);
        memcpy(&y, b + i, sizeof y);
        diff |= x ^ y;
    }
    return diff;
}

bib_status bib_key_cache_get(const bib_key_schedule **schedule, bib_key_cache *cache,
                             const uint8_t *key, size_t key_len)
{
    int found = -1;

    if (key_len != BIB_ENVELOPE_KEYBYTES)
        return BIB_ERR_KEY_LENGTH;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        int same = (key_difference(cache->slot[i].key, key) == 0) & cache->slot[i].used;
        found = same ? (int)i : found;
    }
    if (found < 0) {
        cache_slot *s = &cache->slot[cache->next_victim];
        cache->next_victim = (cache->next_victim + 1) % CACHE_SLOTS;
        memcpy(s->key, key, BIB_ENVELOPE_KEYBYTES);
        bib_key_schedule_init(&s->schedule, key);
        s->used = 1;
        found = (int)(s - cache->slot);
    }
    *schedule = &cache->slot[found].schedule;
    return BIB_OK;
}
