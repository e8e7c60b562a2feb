/*
 * fuzz_ssh_key.c — libFuzzer harness for bib_ssh_ed25519_parse.
 *
 * The whole input is the public key line (attacker-controlled text, not
 * NUL-terminated: the parser must respect line_len).  It is copied to a heap
 * buffer of exactly its length so ASan sees any read past it.  Checked: the
 * status is a known one (OK, SSH_KEY_FORMAT or SSH_KEY_TYPE), and an accepted
 * key survives a round trip through its canonical line
 * "ssh-ed25519 " base64(string "ssh-ed25519" || string key[32]).
 * Seeds (tests/fuzz/run.sh): vectors/sshsig key.pub, key2.pub and rsa_key.pub.
 */
#include "fuzz_common.h"

#define TYPE "ssh-ed25519"
#define TYPE_LEN 11U
#define BLOB_LEN (4U + TYPE_LEN + 4U + 32U)
#define CANONICAL_BYTES                                                                            \
    (TYPE_LEN + 1U + sodium_base64_ENCODED_LEN(BLOB_LEN, sodium_base64_VARIANT_ORIGINAL))

/* The canonical authorized_keys line of a raw Ed25519 key, NUL-terminated. */
static void canonical_line(char *line, size_t cap, const uint8_t key[32])
{
    uint8_t blob[BLOB_LEN];
    size_t at = 0;

    blob[at++] = 0;
    blob[at++] = 0;
    blob[at++] = 0;
    blob[at++] = TYPE_LEN;
    memcpy(blob + at, TYPE, TYPE_LEN);
    at += TYPE_LEN;
    blob[at++] = 0;
    blob[at++] = 0;
    blob[at++] = 0;
    blob[at++] = 32;
    memcpy(blob + at, key, 32);
    memcpy(line, TYPE " ", TYPE_LEN + 1);
    sodium_bin2base64(line + TYPE_LEN + 1, cap - TYPE_LEN - 1, blob, sizeof blob,
                      sodium_base64_VARIANT_ORIGINAL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size > 0 ? size : 1);
    uint8_t key[BIB_SSH_ED25519_PUBLICKEYBYTES];
    bib_status st;

    FUZZ_CHECK(line != NULL);
    if (size > 0)
        memcpy(line, data, size);
    st = bib_ssh_ed25519_parse(key, line, size);
    FUZZ_CHECK(st == BIB_OK || st == BIB_ERR_SSH_KEY_FORMAT || st == BIB_ERR_SSH_KEY_TYPE);
    if (st == BIB_OK) {
        char canonical[CANONICAL_BYTES];
        uint8_t again[BIB_SSH_ED25519_PUBLICKEYBYTES];

        canonical_line(canonical, sizeof canonical, key);
        FUZZ_CHECK(bib_ssh_ed25519_parse(again, canonical, strlen(canonical)) == BIB_OK);
        FUZZ_CHECK(memcmp(again, key, sizeof key) == 0);
    }
    free(line);
    return 0;
}
