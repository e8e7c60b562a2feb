/*
 * bib_sha256.c — SHA-256 with a run-time choice of block function, and
 * HMAC-SHA256 on it.
 *
 * Everything but the block function is shared: buffering, padding and the
 * digest's byte order are written once, so the two block functions can only
 * differ in how they compress, and the tests compare exactly that.  The
 * SHA-NI function alone is compiled for the SHA, SSSE3 and SSE4.1
 * instructions (a target attribute), so the rest of the core and the
 * extensions still build for any x86-64 and need no -msha.
 */
#include "bib_sha256.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#define HMAC_IPAD 0x36U
#define HMAC_OPAD 0x5cU
/* Padding ends with the message length in bits, big-endian, in the block's last 8 bytes. */
#define LENGTH_OFFSET (BIB_SHA256_BLOCKBYTES - 8U)

/* Compress nblocks consecutive 64-byte blocks into h. */
typedef void blocks_fn(uint32_t h[8], const uint8_t *in, size_t nblocks);

/* FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64
 * primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 §5.3.3: the square roots of the first 8 primes, likewise. */
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* NULL until the first hash picks a block function; atomic because SQLite may hash on many threads.
 */
static blocks_fn *_Atomic chosen_blocks;

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32U - n));
}

/*
 * One round of FIPS 180-4 §6.2.2 step 3.  Instead of shifting eight
 * variables along, the caller rotates their names: the new a is written
 * over h and the new e over d.
 */
#define ROUND(a, b, c, d, e, f, g, h, t)                                                           \
    do {                                                                                           \
        uint32_t t1 =                                                                              \
            h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + (g ^ (e & (f ^ g))) + K[t] + w[t];      \
        d += t1;                                                                                   \
        h = t1 + (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) | (c & (a | b)));             \
    } while (0)

/* FIPS 180-4 §6.2.2, for CPUs without the SHA extensions. */
static void blocks_portable(uint32_t state[8], const uint8_t *in, size_t nblocks)
{
    uint32_t w[64];

    for (; nblocks > 0; nblocks--, in += BIB_SHA256_BLOCKBYTES) {
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

        for (int t = 0; t < 16; t++)
            w[t] = load_be32(in + 4 * t);
        for (int t = 0; t < 64; t += 8) {
            /* Expanded just before its rounds, so the compiler interleaves the two. */
            for (int i = t < 16 ? 16 : t; i < t + 8; i++) {
                uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
                uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);

                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
            ROUND(a, b, c, d, e, f, g, h, t);
            ROUND(h, a, b, c, d, e, f, g, t + 1);
            ROUND(g, h, a, b, c, d, e, f, t + 2);
            ROUND(f, g, h, a, b, c, d, e, t + 3);
            ROUND(e, f, g, h, a, b, c, d, t + 4);
            ROUND(d, e, f, g, h, a, b, c, t + 5);
            ROUND(c, d, e, f, g, h, a, b, t + 6);
            ROUND(b, c, d, e, f, g, h, a, t + 7);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
    /* The schedule is derived from the message, which for HMAC includes the key. */
    sodium_memzero(w, sizeof w);
}

#if defined(__x86_64__)
#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/*
 * W[t..t+3] for t >= 16 from the four previous groups, oldest first:
 * SHA256MSG1 gives W[t-16] + sigma0(W[t-15]), the alignr adds W[t-7], and
 * SHA256MSG2 adds sigma1(W[t-2]), itself partly computed in the same group.
 */
static inline SHANI_TARGET __m128i shani_schedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3)
{
    __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));

    return _mm_sha256msg2_epu32(x, w3);
}

/*
 * Four rounds.  SHA256RNDS2 does two: it takes (C,D,G,H) and (A,B,E,F) and
 * W+K for its rounds in the low two lanes of its third operand, and returns
 * the new (A,B,E,F); the old (A,B,E,F) is then the new (C,D,G,H), so the
 * second call swaps the operands' roles back.
 */
static inline SHANI_TARGET void shani_rounds4(__m128i *abef, __m128i *cdgh, __m128i w,
                                              const uint32_t *k)
{
    __m128i wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)k));

    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

static SHANI_TARGET void blocks_shani(uint32_t h[8], const uint8_t *in, size_t nblocks)
{
    /* Byte-swaps each 32-bit lane: the message words are big-endian. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i abcd = _mm_loadu_si128((const __m128i *)h);
    __m128i cdgh = _mm_loadu_si128((const __m128i *)(h + 4));
    __m128i abef;

    /* h[0..7] = a..h to the instruction's lanes, high to low: (A,B,E,F) and (C,D,G,H). */
    abcd = _mm_shuffle_epi32(abcd, 0xB1);     /* b a d c, low lane first */
    cdgh = _mm_shuffle_epi32(cdgh, 0x1B);     /* h g f e */
    abef = _mm_alignr_epi8(abcd, cdgh, 8);    /* f e b a */
    cdgh = _mm_blend_epi16(cdgh, abcd, 0xF0); /* h g d c */

    for (; nblocks > 0; nblocks--, in += BIB_SHA256_BLOCKBYTES) {
        const __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)in), bswap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 16)), bswap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 32)), bswap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 48)), bswap);

        shani_rounds4(&abef, &cdgh, w0, K);
        shani_rounds4(&abef, &cdgh, w1, K + 4);
        shani_rounds4(&abef, &cdgh, w2, K + 8);
        shani_rounds4(&abef, &cdgh, w3, K + 12);
        for (int t = 16; t < 64; t += 16) {
            w0 = shani_schedule(w0, w1, w2, w3);
            shani_rounds4(&abef, &cdgh, w0, K + t);
            w1 = shani_schedule(w1, w2, w3, w0);
            shani_rounds4(&abef, &cdgh, w1, K + t + 4);
            w2 = shani_schedule(w2, w3, w0, w1);
            shani_rounds4(&abef, &cdgh, w2, K + t + 8);
            w3 = shani_schedule(w3, w0, w1, w2);
            shani_rounds4(&abef, &cdgh, w3, K + t + 12);
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    /* And back: a b c d and e f g h, low lane first. */
    abef = _mm_shuffle_epi32(abef, 0x1B);     /* a b e f */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);     /* g h c d */
    abcd = _mm_blend_epi16(abef, cdgh, 0xF0); /* a b c d */
    cdgh = _mm_alignr_epi8(cdgh, abef, 8);    /* e f g h */
    _mm_storeu_si128((__m128i *)h, abcd);
    _mm_storeu_si128((__m128i *)(h + 4), cdgh);
}

/* SHA256RNDS2 and friends need CPUID.(7,0):EBX.SHA; the shuffles need SSSE3 and SSE4.1. */
static int cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & bit_SHA) != 0;
}
#endif

static blocks_fn *best_blocks(void)
{
#if defined(__x86_64__)
    if (cpu_has_sha_ni())
        return blocks_shani;
#endif
    return blocks_portable;
}

/* Racing first callers all store the same pointer, so relaxed order is enough. */
static blocks_fn *blocks(void)
{
    blocks_fn *fn = atomic_load_explicit(&chosen_blocks, memory_order_relaxed);

    if (fn == NULL) {
        fn = best_blocks();
        atomic_store_explicit(&chosen_blocks, fn, memory_order_relaxed);
    }
    return fn;
}

void bib_sha256_force_portable(int on)
{
    atomic_store_explicit(&chosen_blocks, on ? blocks_portable : best_blocks(),
                          memory_order_relaxed);
}

const char *bib_sha256_implementation(void)
{
    return blocks() == blocks_portable ? "portable" : "sha-ni";
}

/*
 * The buffer is zeroed too, though no byte of it is read before it is
 * written: a state is then a function of what it absorbed, so two key
 * schedules from the same key compare equal byte for byte.
 */
void bib_sha256_init(bib_sha256_state *st)
{
    memcpy(st->h, H0, sizeof st->h);
    st->count = 0;
    memset(st->buf, 0, sizeof st->buf);
}

void bib_sha256_update(bib_sha256_state *st, const uint8_t *in, size_t len)
{
    size_t have = (size_t)(st->count % BIB_SHA256_BLOCKBYTES);
    blocks_fn *compress;

    if (len == 0)
        return;
    compress = blocks();
    st->count += len;
    if (have > 0) {
        size_t take = BIB_SHA256_BLOCKBYTES - have;

        if (take > len) {
            memcpy(st->buf + have, in, len);
            return;
        }
        memcpy(st->buf + have, in, take);
        compress(st->h, st->buf, 1);
        in += take;
        len -= take;
    }
    if (len >= BIB_SHA256_BLOCKBYTES) {
        compress(st->h, in, len / BIB_SHA256_BLOCKBYTES);
        in += len - len % BIB_SHA256_BLOCKBYTES;
        len %= BIB_SHA256_BLOCKBYTES;
    }
    if (len > 0)
        memcpy(st->buf, in, len);
}

void bib_sha256_final(bib_sha256_state *st, uint8_t digest[BIB_SHA256_BYTES])
{
    size_t have = (size_t)(st->count % BIB_SHA256_BLOCKBYTES);
    uint64_t bits = st->count * 8U;
    blocks_fn *compress = blocks();

    st->buf[have++] = 0x80;
    if (have > LENGTH_OFFSET) {
        memset(st->buf + have, 0, BIB_SHA256_BLOCKBYTES - have);
        compress(st->h, st->buf, 1);
        have = 0;
    }
    memset(st->buf + have, 0, LENGTH_OFFSET - have);
    store_be32(st->buf + LENGTH_OFFSET, (uint32_t)(bits >> 32));
    store_be32(st->buf + LENGTH_OFFSET + 4, (uint32_t)bits);
    compress(st->h, st->buf, 1);
    for (int i = 0; i < 8; i++)
        store_be32(digest + 4 * i, st->h[i]);
    sodium_memzero(st, sizeof *st);
}

void bib_sha256(uint8_t digest[BIB_SHA256_BYTES], const uint8_t *data, size_t len)
{
    bib_sha256_state st;

    bib_sha256_init(&st);
    bib_sha256_update(&st, data, len);
    bib_sha256_final(&st, digest);
}

void bib_hmac_sha256_init(bib_hmac_sha256_state *st, const uint8_t *key, size_t key_len)
{
    uint8_t pad[BIB_SHA256_BLOCKBYTES];
    uint8_t key_hash[BIB_SHA256_BYTES];

    if (key_len > BIB_SHA256_BLOCKBYTES) {
        bib_sha256(key_hash, key, key_len);
        key = key_hash;
        key_len = sizeof key_hash;
    }
    memset(pad, HMAC_IPAD, sizeof pad);
    for (size_t i = 0; i < key_len; i++)
        pad[i] ^= key[i];
    bib_sha256_init(&st->inner);
    bib_sha256_update(&st->inner, pad, sizeof pad);
    /* key ^ opad from key ^ ipad, without a second pass over the key. */
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] ^= HMAC_IPAD ^ HMAC_OPAD;
    bib_sha256_init(&st->outer);
    bib_sha256_update(&st->outer, pad, sizeof pad);
    sodium_memzero(pad, sizeof pad);
    sodium_memzero(key_hash, sizeof key_hash);
}

void bib_hmac_sha256_update(bib_hmac_sha256_state *st, const uint8_t *in, size_t len)
{
    bib_sha256_update(&st->inner, in, len);
}

void bib_hmac_sha256_final(bib_hmac_sha256_state *st, uint8_t mac[BIB_SHA256_BYTES])
{
    uint8_t inner[BIB_SHA256_BYTES];

    bib_sha256_final(&st->inner, inner);
    bib_sha256_update(&st->outer, inner, sizeof inner);
    bib_sha256_final(&st->outer, mac);
    sodium_memzero(inner, sizeof inner);
}
