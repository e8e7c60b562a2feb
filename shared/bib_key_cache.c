/*
 * bib_key_cache.c — a few raw-key schedules kept in secure memory.
 *
 * Eight slots replaced round-robin: enough for a query that mixes a handful
 * of keys, small enough that comparing the key with every slot (in constant
 * time, so the lookup leaks nothing) stays cheaper than one HKDF-Extract.
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

bib_status bib_key_cache_get(const bib_key_schedule **schedule, bib_key_cache *cache,
                             const uint8_t *key, size_t key_len)
{
    int found = -1;

    if (key_len != BIB_ENVELOPE_KEYBYTES)
        return BIB_ERR_KEY_LENGTH;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        int same = sodium_memcmp(cache->slot[i].key, key, BIB_ENVELOPE_KEYBYTES) == 0;
        if (same && cache->slot[i].used)
            found = (int)i;
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
