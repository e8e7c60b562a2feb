/*
 * fuzz_sshsig.c — libFuzzer harness for bib_sshsig_verify.
 *
 * Fixed: the message of vectors/sshsig/message, namespace "bib-break-glass"
 * and the raw Ed25519 key of vectors/sshsig/key.pub (a public throwaway test
 * key; sshsig_fixtures.json ed25519_raw_hex).  Each input runs two ways:
 *   1. as the armored text itself (exercises the armour and base64 layer);
 *   2. as the decoded SSHSIG blob, re-armored here with sodium_bin2base64 in
 *      70-character lines between the BEGIN/END lines as ssh-keygen writes
 *      them, so that mutations reach the wire parser instead of dying in base64.
 * Checked: the status is OK or an SSHSIG error; in way 2, OK only for the blob
 * of message.sig (rebuilt below from the fixture's fields): an Ed25519
 * signature under a fixed key admits no second accepted encoding.
 * At start-up the rebuilt blob must verify, or the harness aborts.
 * Seeds (tests/fuzz/run.sh): the *.sig files, armored and decoded.
 */
#include "fuzz_common.h"

#define NAMESPACE "bib-break-glass"
#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----\n"
#define ARMOR_END "-----END SSH SIGNATURE-----\n"
#define ARMOR_LINE 70U

static const uint8_t public_key[32] = {
    0xb0, 0xbc, 0x7d, 0x76, 0x5d, 0xeb, 0x7c, 0xab, 0xa8, 0xb1, 0xd0, 0x6a, 0x57, 0x43, 0x36, 0xef,
    0x67, 0x87, 0xbe, 0xf7, 0x32, 0x58, 0xf1, 0x6c, 0x0c, 0x07, 0x1e, 0x33, 0x44, 0x6f, 0x62, 0xd6};

/* message.sig's raw Ed25519 signature (sshsig_fixtures.json signature_raw_hex). */
static const uint8_t good_signature[64] = {
    0x56, 0xe3, 0xff, 0x12, 0xf3, 0xf7, 0x2f, 0x29, 0x69, 0xbe, 0x38, 0x46, 0x89, 0x41, 0xd9, 0x51,
    0xb7, 0x68, 0x38, 0x67, 0xa0, 0x20, 0x10, 0xb6, 0xb9, 0x5b, 0xee, 0x81, 0xe4, 0x4b, 0x2e, 0xf2,
    0x0d, 0x66, 0x89, 0x9d, 0x3d, 0x8d, 0x03, 0x17, 0x58, 0xda, 0xa5, 0xbe, 0x44, 0x5f, 0xb7, 0xd1,
    0x24, 0xcd, 0x75, 0x48, 0xe5, 0x9b, 0x41, 0x6f, 0x1c, 0x0a, 0x77, 0x2f, 0x49, 0x47, 0x61, 0x01};

static const char message[] = "bib break-glass test message\nrequest-id: 0001\n";
#define MESSAGE_LEN (sizeof message - 1)

static uint8_t good_blob[256];
static size_t good_blob_len;

static void put_u32(uint32_t v)
{
    good_blob[good_blob_len++] = (uint8_t)(v >> 24);
    good_blob[good_blob_len++] = (uint8_t)(v >> 16);
    good_blob[good_blob_len++] = (uint8_t)(v >> 8);
    good_blob[good_blob_len++] = (uint8_t)v;
}

static void put_bytes(const void *p, size_t len)
{
    memcpy(good_blob + good_blob_len, p, len);
    good_blob_len += len;
}

static void put_string(const void *p, size_t len)
{
    put_u32((uint32_t)len);
    put_bytes(p, len);
}

/* "SSHSIG" || u32 1 || string pubkey || string ns || string "" || string "sha512" || string sig */
static void build_good_blob(void)
{
    put_bytes("SSHSIG", 6);
    put_u32(1);
    put_u32(4 + 11 + 4 + 32);
    put_string("ssh-ed25519", 11);
    put_string(public_key, sizeof public_key);
    put_string(NAMESPACE, strlen(NAMESPACE));
    put_string("", 0);
    put_string("sha512", 6);
    put_u32(4 + 11 + 4 + 64);
    put_string("ssh-ed25519", 11);
    put_string(good_signature, sizeof good_signature);
}

/* Armor blob as ssh-keygen does; returns a malloc'ed text of *text_len bytes. */
static char *armor(const uint8_t *blob, size_t blob_len, size_t *text_len)
{
    size_t b64_cap = sodium_base64_ENCODED_LEN(blob_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64_cap);
    size_t b64_len, lines, at = 0;
    char *text;

    FUZZ_CHECK(b64 != NULL);
    sodium_bin2base64(b64, b64_cap, blob, blob_len, sodium_base64_VARIANT_ORIGINAL);
    b64_len = strlen(b64);
    lines = (b64_len + ARMOR_LINE - 1) / ARMOR_LINE;
    text = malloc(strlen(ARMOR_BEGIN) + b64_len + lines + strlen(ARMOR_END));
    FUZZ_CHECK(text != NULL);
    memcpy(text, ARMOR_BEGIN, strlen(ARMOR_BEGIN));
    at = strlen(ARMOR_BEGIN);
    for (size_t i = 0; i < b64_len; i += ARMOR_LINE) {
        size_t n = b64_len - i < ARMOR_LINE ? b64_len - i : ARMOR_LINE;
        memcpy(text + at, b64 + i, n);
        at += n;
        text[at++] = '\n';
    }
    memcpy(text + at, ARMOR_END, strlen(ARMOR_END));
    at += strlen(ARMOR_END);
    free(b64);
    *text_len = at;
    return text;
}

static bib_status verify(const char *text, size_t text_len)
{
    bib_status st = bib_sshsig_verify(text, text_len, (const uint8_t *)message, MESSAGE_LEN,
                                      NAMESPACE, public_key);

    FUZZ_CHECK(st == BIB_OK || (st >= BIB_ERR_SSHSIG_ARMOR && st <= BIB_ERR_SSHSIG_BAD_SIGNATURE));
    return st;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t text_len;
    char *text;

    (void)argc;
    (void)argv;
    fuzz_init();
    build_good_blob();
    text = armor(good_blob, good_blob_len, &text_len);
    if (verify(text, text_len) != BIB_OK) {
        fprintf(stderr, "fuzz_sshsig: the rebuilt message.sig does not verify\n");
        abort();
    }
    free(text);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size > 0 ? size : 1);
    size_t text_len;

    /* Way 1: the input is the armored text, in a buffer of exactly its size. */
    FUZZ_CHECK(text != NULL);
    if (size > 0)
        memcpy(text, data, size);
    (void)verify(text, size);
    free(text);

    /* Way 2: the input is the blob. */
    text = armor(data, size, &text_len);
    if (verify(text, text_len) == BIB_OK)
        FUZZ_CHECK(size == good_blob_len && memcmp(data, good_blob, size) == 0);
    free(text);
    return 0;
}
