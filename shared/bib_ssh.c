/*
 * bib_ssh.c — OpenSSH `ssh-ed25519` public key lines and SSHSIG signatures.
 *
 * Both formats are base64 around SSH wire "strings" (u32 big-endian length,
 * then bytes).  A cursor over the decoded bytes refuses any read past the
 * end, so a forged length can only produce an error.  The layouts follow
 * OpenSSH's PROTOCOL.sshsig and RFC 8709.
 */
#include "bib_ssh.h"

#include "bib_sha256.h"

#include <sodium.h>
#include <string.h>

#define ED25519_TYPE "ssh-ed25519"
#define SSHSIG_MAGIC "SSHSIG"
#define SSHSIG_MAGIC_LEN 6U
#define SSHSIG_VERSION 1U
#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define ARMOR_END "-----END SSH SIGNATURE-----"
#define MAX_LINE_BYTES 16384U

typedef struct wire {
    const uint8_t *p;
    size_t left;
} wire;

typedef struct wire_string {
    const uint8_t *p;
    size_t len;
} wire_string;

static int wire_u32(wire *w, uint32_t *v)
{
    if (w->left < 4)
        return 0;
    *v = ((uint32_t)w->p[0] << 24) | ((uint32_t)w->p[1] << 16) | ((uint32_t)w->p[2] << 8) |
         (uint32_t)w->p[3];
    w->p += 4;
    w->left -= 4;
    return 1;
}

static int wire_string_read(wire *w, wire_string *s)
{
    uint32_t len;

    if (!wire_u32(w, &len) || len > w->left)
        return 0;
    s->p = w->p;
    s->len = len;
    w->p += len;
    w->left -= len;
    return 1;
}

static int wire_string_is(const wire_string *s, const char *text)
{
    size_t len = strlen(text);
    return s->len == len && memcmp(s->p, text, len) == 0;
}

/*
 * The public key blob: string "ssh-ed25519" || string key[32], nothing after.
 * BIB_ERR_SSH_KEY_TYPE for a well-formed blob of another type.
 */
static bib_status parse_ed25519_blob(uint8_t public_key[32], const uint8_t *blob, size_t len)
{
    wire w = {blob, len};
    wire_string type, key;

    if (!wire_string_read(&w, &type))
        return BIB_ERR_SSH_KEY_FORMAT;
    if (!wire_string_is(&type, ED25519_TYPE))
        return BIB_ERR_SSH_KEY_TYPE;
    if (!wire_string_read(&w, &key) || key.len != 32 || w.left != 0)
        return BIB_ERR_SSH_KEY_FORMAT;
    memcpy(public_key, key.p, 32);
    return BIB_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bib_status bib_ssh_ed25519_parse(uint8_t public_key[BIB_SSH_ED25519_PUBLICKEYBYTES],
                                 const char *line, size_t line_len)
{
    uint8_t blob[MAX_LINE_BYTES];
    size_t blob_len, i = 0, type_start, type_len, b64_start, b64_len;
    bib_status st;

    if (line_len > MAX_LINE_BYTES)
        return BIB_ERR_SSH_KEY_FORMAT;
    while (i < line_len && is_space(line[i]))
        i++;
    type_start = i;
    while (i < line_len && !is_space(line[i]))
        i++;
    type_len = i - type_start;
    while (i < line_len && is_space(line[i]))
        i++;
    b64_start = i;
    while (i < line_len && !is_space(line[i]))
        i++;
    b64_len = i - b64_start;
    if (type_len == 0 || b64_len == 0)
        return BIB_ERR_SSH_KEY_FORMAT;
    if (memchr(line, '\0', line_len) != NULL)
        return BIB_ERR_SSH_KEY_FORMAT;
    if (sodium_base642bin(blob, sizeof blob, line + b64_start, b64_len, NULL, &blob_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return BIB_ERR_SSH_KEY_FORMAT;
    st = parse_ed25519_blob(public_key, blob, blob_len);
    if (st != BIB_OK)
        return st;
    /* The type word must name the blob's type. */
    if (type_len != strlen(ED25519_TYPE) || memcmp(line + type_start, ED25519_TYPE, type_len) != 0)
        return BIB_ERR_SSH_KEY_FORMAT;
    return BIB_OK;
}

/* Strip the armour lines and whitespace, then base64-decode what is between. */
static bib_status dearmor(uint8_t *blob, size_t blob_cap, size_t *blob_len, const char *armored,
                          size_t armored_len)
{
    size_t begin_len = strlen(ARMOR_BEGIN), end_len = strlen(ARMOR_END);
    size_t start = 0, stop = armored_len;
    char body[BIB_SSHSIG_MAXARMORBYTES];
    size_t body_len = 0;

    if (armored_len > BIB_SSHSIG_MAXARMORBYTES)
        return BIB_ERR_SSHSIG_ARMOR;
    while (start < stop && is_space(armored[start]))
        start++;
    while (stop > start && is_space(armored[stop - 1]))
        stop--;
    if (stop - start < begin_len + end_len ||
        memcmp(armored + start, ARMOR_BEGIN, begin_len) != 0 ||
        memcmp(armored + stop - end_len, ARMOR_END, end_len) != 0)
        return BIB_ERR_SSHSIG_ARMOR;
    for (size_t i = start + begin_len; i < stop - end_len; i++) {
        if (is_space(armored[i]))
            continue;
        body[body_len++] = armored[i];
    }
    if (body_len == 0 || sodium_base642bin(blob, blob_cap, body, body_len, NULL, blob_len, NULL,
                                           sodium_base64_VARIANT_ORIGINAL) != 0)
        return BIB_ERR_SSHSIG_ARMOR;
    return BIB_OK;
}

/* SSHSIG || string ns || string reserved || string hash_alg || string H(message) */
static bib_status signed_data(uint8_t *out, size_t *out_len, size_t cap, const wire_string *ns,
                              const wire_string *reserved, const wire_string *hash_alg,
                              const uint8_t *message, size_t message_len)
{
    uint8_t digest[crypto_hash_sha512_BYTES];
    size_t digest_len;
    const wire_string *field[3] = {ns, reserved, hash_alg};
    size_t at = SSHSIG_MAGIC_LEN;

    if (wire_string_is(hash_alg, "sha512")) {
        crypto_hash_sha512(digest, message, message_len);
        digest_len = crypto_hash_sha512_BYTES;
    } else if (wire_string_is(hash_alg, "sha256")) {
        bib_sha256(digest, message, message_len);
        digest_len = BIB_SHA256_BYTES;
    } else {
        return BIB_ERR_SSHSIG_HASH;
    }
    if (SSHSIG_MAGIC_LEN + 16 + ns->len + reserved->len + hash_alg->len + digest_len > cap)
        return BIB_ERR_SSHSIG_FORMAT;
    memcpy(out, SSHSIG_MAGIC, SSHSIG_MAGIC_LEN);
    for (int f = 0; f < 4; f++) {
        const uint8_t *p = f < 3 ? field[f]->p : digest;
        size_t len = f < 3 ? field[f]->len : digest_len;
        out[at++] = (uint8_t)(len >> 24);
        out[at++] = (uint8_t)(len >> 16);
        out[at++] = (uint8_t)(len >> 8);
        out[at++] = (uint8_t)len;
        memcpy(out + at, p, len);
        at += len;
    }
    *out_len = at;
    return BIB_OK;
}

bib_status bib_sshsig_verify(const char *armored, size_t armored_len, const uint8_t *message,
                             size_t message_len, const char *namespace_,
                             const uint8_t public_key[BIB_SSH_ED25519_PUBLICKEYBYTES])
{
    uint8_t blob[BIB_SSHSIG_MAXARMORBYTES];
    uint8_t to_verify[BIB_SSHSIG_MAXARMORBYTES + 128];
    uint8_t signer[32];
    size_t blob_len, to_verify_len;
    uint32_t version;
    wire w;
    wire_string pubkey, ns, reserved, hash_alg, sig, sigtype, raw;
    bib_status st;

    st = dearmor(blob, sizeof blob, &blob_len, armored, armored_len);
    if (st != BIB_OK)
        return st;
    if (blob_len < SSHSIG_MAGIC_LEN || memcmp(blob, SSHSIG_MAGIC, SSHSIG_MAGIC_LEN) != 0)
        return BIB_ERR_SSHSIG_FORMAT;
    w.p = blob + SSHSIG_MAGIC_LEN;
    w.left = blob_len - SSHSIG_MAGIC_LEN;
    if (!wire_u32(&w, &version))
        return BIB_ERR_SSHSIG_FORMAT;
    if (version != SSHSIG_VERSION)
        return BIB_ERR_SSHSIG_VERSION;
    if (!wire_string_read(&w, &pubkey) || !wire_string_read(&w, &ns) ||
        !wire_string_read(&w, &reserved) || !wire_string_read(&w, &hash_alg) ||
        !wire_string_read(&w, &sig) || w.left != 0)
        return BIB_ERR_SSHSIG_FORMAT;
    if (!wire_string_is(&ns, namespace_))
        return BIB_ERR_SSHSIG_NAMESPACE;
    st = parse_ed25519_blob(signer, pubkey.p, pubkey.len);
    if (st == BIB_ERR_SSH_KEY_TYPE)
        return BIB_ERR_SSHSIG_KEY_TYPE;
    if (st != BIB_OK)
        return BIB_ERR_SSHSIG_FORMAT;
    if (sodium_memcmp(signer, public_key, 32) != 0)
        return BIB_ERR_SSHSIG_KEY_MISMATCH;

    w.p = sig.p;
    w.left = sig.len;
    if (!wire_string_read(&w, &sigtype) || !wire_string_read(&w, &raw) || w.left != 0)
        return BIB_ERR_SSHSIG_FORMAT;
    if (!wire_string_is(&sigtype, ED25519_TYPE))
        return BIB_ERR_SSHSIG_KEY_TYPE;
    if (raw.len != crypto_sign_BYTES)
        return BIB_ERR_SSHSIG_FORMAT;

    st = signed_data(to_verify, &to_verify_len, sizeof to_verify, &ns, &reserved, &hash_alg,
                     message, message_len);
    if (st != BIB_OK)
        return st;
    if (crypto_sign_verify_detached(raw.p, to_verify, to_verify_len, public_key) != 0)
        return BIB_ERR_SSHSIG_BAD_SIGNATURE;
    return BIB_OK;
}
