/*
 * bib_keystore.c — key kinds, generation, wrapping and the export format.
 */
#include "bib_keystore.h"

#include <sodium.h>
#include <string.h>

#include "bib_keys.h"

#define ENTRY_FIXED_BYTES (BIB_KEY_IDBYTES + 1U + 1U + 4U + 8U + 1U + BIB_KEY_SECRETBYTES)

static const char *const kind_names[] = {NULL, "aead", "x25519", "ed25519"};
static const char *const status_names[] = {NULL, "active", "retired", "revoked"};

static int name_index(const char *const *names, size_t count, const char *name)
{
    for (size_t i = 1; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return 0;
}

bib_status bib_key_kind_from_name(bib_key_kind *kind, const char *name)
{
    int i = name_index(kind_names, sizeof kind_names / sizeof *kind_names, name);

    if (i == 0)
        return BIB_ERR_KEY_KIND_UNKNOWN;
    *kind = (bib_key_kind)i;
    return BIB_OK;
}

const char *bib_key_kind_name(bib_key_kind kind)
{
    return kind >= BIB_KEY_AEAD && kind <= BIB_KEY_ED25519 ? kind_names[kind] : "unknown";
}

bib_status bib_key_status_from_name(bib_key_status *status, const char *name)
{
    int i = name_index(status_names, sizeof status_names / sizeof *status_names, name);

    if (i == 0)
        return BIB_ERR_KEYBLOB_FORMAT;
    *status = (bib_key_status)i;
    return BIB_OK;
}

const char *bib_key_status_name(bib_key_status status)
{
    return status >= BIB_KEY_ACTIVE && status <= BIB_KEY_REVOKED ? status_names[status]
                                                                 : "unknown";
}

bib_status bib_key_name_check(const char *name, size_t len)
{
    if (len < 1 || len > BIB_KEY_MAXNAMEBYTES || memchr(name, '\0', len) != NULL)
        return BIB_ERR_KEY_NAME_INVALID;
    return BIB_OK;
}

bib_status bib_key_public(uint8_t public_key[32], int *has_public, bib_key_kind kind,
                          const uint8_t secret[BIB_KEY_SECRETBYTES])
{
    *has_public = kind != BIB_KEY_AEAD;
    switch (kind) {
    case BIB_KEY_AEAD:
        return BIB_OK;
    case BIB_KEY_X25519:
        return bib_x25519_public(public_key, secret, BIB_KEY_SECRETBYTES);
    case BIB_KEY_ED25519:
        return bib_ed25519_public(public_key, secret, BIB_KEY_SECRETBYTES);
    }
    return BIB_ERR_KEY_KIND_UNKNOWN;
}

void bib_key_generate(uint8_t secret[BIB_KEY_SECRETBYTES], uint8_t public_key[32], int *has_public,
                      bib_key_kind kind, const bib_rng *rng)
{
    bib_random_fill(rng, secret, BIB_KEY_SECRETBYTES);
    /* cannot fail: the kind is valid and the secret 32 bytes */
    (void)!bib_key_public(public_key, has_public, kind, secret);
}

bib_status bib_key_wrap(uint8_t wrapped[BIB_KEY_WRAPPEDBYTES],
                        const uint8_t secret[BIB_KEY_SECRETBYTES], const uint8_t id[BIB_KEY_IDBYTES],
                        const bib_key_schedule *master, bib_aead aead, const bib_rng *rng)
{
    return bib_envelope_encrypt_key(wrapped, secret, BIB_KEY_SECRETBYTES, id, BIB_KEY_IDBYTES, aead,
                                    NULL, master, rng);
}

bib_status bib_key_unwrap(uint8_t secret[BIB_KEY_SECRETBYTES], const uint8_t *wrapped,
                          size_t wrapped_len, const uint8_t id[BIB_KEY_IDBYTES],
                          const bib_key_schedule *master)
{
    uint8_t out[BIB_KEY_WRAPPEDBYTES];
    size_t out_len = 0;
    bib_envelope_header h;
    bib_status st;

    if (wrapped_len != BIB_KEY_WRAPPEDBYTES)
        return BIB_ERR_ENV_SHORT;
    st = bib_envelope_parse(&h, wrapped, wrapped_len);
    if (st != BIB_OK)
        return st;
    if (h.mode == BIB_MODE_KEY &&
        memcmp(h.key_id, master->fingerprint, BIB_ENVELOPE_KEYIDBYTES) != 0)
        return BIB_ERR_MASTER_KEY_MISMATCH;
    st = bib_envelope_decrypt_key(out, &out_len, wrapped, wrapped_len, id, BIB_KEY_IDBYTES, master);
    if (st == BIB_OK && out_len != BIB_KEY_SECRETBYTES)
        st = BIB_ERR_ENV_AUTH;
    if (st == BIB_OK)
        memcpy(secret, out, BIB_KEY_SECRETBYTES);
    sodium_memzero(out, sizeof out);
    return st;
}

static void put_be(uint8_t *out, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be(const uint8_t *in, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++)
        v = (v << 8) | in[i];
    return v;
}

size_t bib_keyblob_size(const bib_keyblob_entry *entries, size_t n)
{
    size_t size = 4;

    for (size_t i = 0; i < n; i++)
        size += ENTRY_FIXED_BYTES + strlen(entries[i].name);
    return size;
}

bib_status bib_keyblob_write(uint8_t *out, const bib_keyblob_entry *entries, size_t n)
{
    uint8_t *p = out + 4;

    if (n < 1 || n > BIB_KEYBLOB_MAXENTRIES)
        return BIB_ERR_KEYBLOB_FORMAT;
    out[0] = 'b';
    out[1] = 'k';
    out[2] = 0x01;
    out[3] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        const bib_keyblob_entry *e = &entries[i];
        size_t name_len = strlen(e->name);
        if (bib_key_name_check(e->name, name_len) != BIB_OK)
            return BIB_ERR_KEY_NAME_INVALID;
        memcpy(p, e->id, BIB_KEY_IDBYTES);
        p += BIB_KEY_IDBYTES;
        *p++ = (uint8_t)e->kind;
        *p++ = (uint8_t)e->status;
        put_be(p, e->version, 4);
        p += 4;
        put_be(p, (uint64_t)e->created_at, 8);
        p += 8;
        *p++ = (uint8_t)name_len;
        memcpy(p, e->name, name_len);
        p += name_len;
        memcpy(p, e->secret, BIB_KEY_SECRETBYTES);
        p += BIB_KEY_SECRETBYTES;
    }
    return BIB_OK;
}

bib_status bib_keyblob_read(bib_keyblob_entry *entries, size_t *n, const uint8_t *blob, size_t len)
{
    size_t at = 4, count;

    if (len < 4 || blob[0] != 'b' || blob[1] != 'k' || blob[2] != 0x01 || blob[3] == 0)
        return BIB_ERR_KEYBLOB_FORMAT;
    count = blob[3];
    for (size_t i = 0; i < count; i++) {
        bib_keyblob_entry *e = &entries[i];
        size_t name_len;

        if (len - at < ENTRY_FIXED_BYTES)
            return BIB_ERR_KEYBLOB_FORMAT;
        memcpy(e->id, blob + at, BIB_KEY_IDBYTES);
        at += BIB_KEY_IDBYTES;
        e->kind = (bib_key_kind)blob[at++];
        e->status = (bib_key_status)blob[at++];
        e->version = (uint32_t)get_be(blob + at, 4);
        at += 4;
        e->created_at = (int64_t)get_be(blob + at, 8);
        at += 8;
        name_len = blob[at++];
        if (e->kind < BIB_KEY_AEAD || e->kind > BIB_KEY_ED25519 || e->status < BIB_KEY_ACTIVE ||
            e->status > BIB_KEY_REVOKED || len - at < name_len + BIB_KEY_SECRETBYTES ||
            bib_key_name_check((const char *)blob + at, name_len) != BIB_OK)
            return BIB_ERR_KEYBLOB_FORMAT;
        memcpy(e->name, blob + at, name_len);
        e->name[name_len] = '\0';
        at += name_len;
        memcpy(e->secret, blob + at, BIB_KEY_SECRETBYTES);
        at += BIB_KEY_SECRETBYTES;
    }
    if (at != len)
        return BIB_ERR_KEYBLOB_FORMAT;
    *n = count;
    return BIB_OK;
}
