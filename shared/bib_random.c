/*
 * bib_random.c — the process CSPRNG and the injectable random source.
 *
 * Drawing 32 bytes from the kernel costs a system call, which is a large
 * share of encrypting one small row.  So small draws come from a ChaCha20
 * keystream keyed with 32 kernel bytes, with fast key erasure: every refill
 * replaces the key with the first 32 bytes of the new block, and every byte
 * handed out is wiped from the buffer, so the state never reveals past
 * output.
 *
 * A forked child must never repeat its parent's stream (PostgreSQL forks
 * every backend from the postmaster).  The state lives in its own page
 * marked MADV_WIPEONFORK, which the kernel hands to a child zero-filled, so
 * the child finds `seeded == 0` and reseeds from the kernel; a
 * pthread_atfork handler does the same where the kernel lacks that flag.
 * Large draws go straight to the kernel.
 */
#include "bib_random.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/mman.h>

#define POOL_BLOCK_BYTES 1024U
#define POOL_KEY_BYTES crypto_stream_chacha20_KEYBYTES
#define DIRECT_DRAW_BYTES 256U

typedef struct pool_state {
    uint8_t seeded;
    size_t available; /* unread bytes at the end of block */
    uint8_t key[POOL_KEY_BYTES];
    uint8_t block[POOL_BLOCK_BYTES];
} pool_state;

static pool_state *pool;
static int pool_unusable;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_forget_in_child(void)
{
    if (pool != NULL)
        sodium_memzero(pool, sizeof *pool);
    pthread_mutex_init(&pool_lock, NULL);
}

static void pool_create(void)
{
    void *page =
        mmap(NULL, sizeof(pool_state), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        pool_unusable = 1;
        return;
    }
#ifdef MADV_WIPEONFORK
    (void)madvise(page, sizeof(pool_state), MADV_WIPEONFORK);
#endif
#ifdef MADV_DONTDUMP
    (void)madvise(page, sizeof(pool_state), MADV_DONTDUMP);
#endif
    (void)mlock(page, sizeof(pool_state));
    pool = page;
    if (pthread_atfork(NULL, NULL, pool_forget_in_child) != 0) {
        munmap(page, sizeof(pool_state));
        pool = NULL;
        pool_unusable = 1;
    }
}

/* Next block of keystream under the current key; its first 32 bytes become the next key. */
static void pool_refill(void)
{
    static const uint8_t zero_nonce[crypto_stream_chacha20_NONCEBYTES];

    if (!pool->seeded) {
        randombytes_buf(pool->key, sizeof pool->key);
        pool->seeded = 1;
    }
    crypto_stream_chacha20(pool->block, sizeof pool->block, zero_nonce, pool->key);
    memcpy(pool->key, pool->block, POOL_KEY_BYTES);
    sodium_memzero(pool->block, POOL_KEY_BYTES);
    pool->available = POOL_BLOCK_BYTES - POOL_KEY_BYTES;
}

void bib_random_bytes(uint8_t *buf, size_t len)
{
    pthread_once(&pool_once, pool_create);
    if (len > DIRECT_DRAW_BYTES || pool_unusable) {
        randombytes_buf(buf, len);
        return;
    }
    pthread_mutex_lock(&pool_lock);
    if (!pool->seeded)
        pool->available = 0;
    while (len > 0) {
        if (pool->available == 0)
            pool_refill();
        size_t take = len < pool->available ? len : pool->available;
        uint8_t *from = pool->block + POOL_BLOCK_BYTES - pool->available;
        memcpy(buf, from, take);
        sodium_memzero(from, take);
        pool->available -= take;
        buf += take;
        len -= take;
    }
    pthread_mutex_unlock(&pool_lock);
}

void bib_random_fill(const bib_rng *rng, uint8_t *buf, size_t len)
{
    if (rng != NULL)
        rng->fill(rng->ctx, buf, len);
    else
        bib_random_bytes(buf, len);
}

bib_status bib_random_check_length(size_t len)
{
    return (len >= 1 && len <= BIB_RANDOM_MAXBYTES) ? BIB_OK : BIB_ERR_RANDOM_LENGTH;
}
