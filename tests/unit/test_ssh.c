/*
 * test_ssh.c — OpenSSH public key lines and SSHSIG signatures, as break
 * glass reads them: the committed ssh-keygen fixtures (sshsig/), malformed
 * and truncated input, and fresh signatures from the ssh-keygen installed
 * here, so that a change in OpenSSH's output would be noticed.
 *
 * Both parsers read attacker-controlled text.  Every truncation and every
 * bit flip of a real signature must be refused with a status, never a
 * crash; the buffers handed over are exactly as long as the text, so
 * AddressSanitizer sees any overread.
 */
#include "vectors.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#define NAMESPACE "bib-break-glass"
#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define ARMOR_END "-----END SSH SIGNATURE-----"
/* ssh-keygen wraps the base64 at 70 columns; re-armoured blobs do the same. */
#define ARMOR_COLUMNS 70U

/* The raw Ed25519 key of a .pub file, from sshsig_fixtures.json (decoded independently). */
static void fixture_key(uint8_t key[32], const char *pub_file)
{
    json_value *doc = vec_load_json("sshsig/sshsig_fixtures.json");
    hex_bag bag = HEX_BAG_INIT;
    size_t len;
    const uint8_t *raw =
        bag_field(&bag, json_get(json_get(doc, "keys"), pub_file), "ed25519_raw_hex", &len);

    assert_int_equal(len, 32);
    memcpy(key, raw, 32);
    bag_free(&bag);
    json_free(doc);
}

static bib_status parse_line(const char *line, size_t len, uint8_t key[32])
{
    char *exact = malloc(len > 0 ? len : 1);
    bib_status st;

    assert_non_null(exact);
    memcpy(exact, line, len);
    st = bib_ssh_ed25519_parse(key, exact, len);
    free(exact);
    return st;
}

static bib_status parse_text(const char *line, uint8_t key[32])
{
    return parse_line(line, strlen(line), key);
}

/* The base64 field of a .pub file's line, malloc'ed. */
static char *pub_base64(const char *pub_file)
{
    char rel[64];
    size_t len;
    char *text, *start, *end, *b64;

    snprintf(rel, sizeof rel, "sshsig/%s", pub_file);
    text = vec_read_file(rel, &len);
    start = strchr(text, ' ');
    assert_non_null(start);
    start++;
    end = start + strcspn(start, " \n");
    b64 = strndup(start, (size_t)(end - start));
    assert_non_null(b64);
    free(text);
    return b64;
}

static void test_parse_fixture_keys(void **state)
{
    static const char *const files[] = {"key.pub", "key2.pub"};
    uint8_t want[32], got[32];
    char rel[64];
    size_t len;

    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *text;

        snprintf(rel, sizeof rel, "sshsig/%s", files[i]);
        text = vec_read_file(rel, &len);
        fixture_key(want, files[i]);
        VEC_EXPECT_STATUS(files[i], parse_line(text, len, got), BIB_OK);
        VEC_EXPECT_BYTES(files[i], got, sizeof got, want, sizeof want);
        free(text);
    }
    {
        char *text = vec_read_file("sshsig/rsa_key.pub", &len);
        VEC_EXPECT_STATUS("rsa_key.pub", parse_line(text, len, got), BIB_ERR_SSH_KEY_TYPE);
        free(text);
    }
}

/* Key lines built from key.pub's base64: accepted layouts, and the type word checked. */
static void test_parse_variants(void **state)
{
    char *ed = pub_base64("key.pub"), *rsa = pub_base64("rsa_key.pub");
    char line[2048];
    uint8_t want[32], got[32];

    (void)state;
    fixture_key(want, "key.pub");
    snprintf(line, sizeof line, "ssh-ed25519 %s", ed);
    VEC_EXPECT_STATUS("no comment", parse_text(line, got), BIB_OK);
    VEC_EXPECT_BYTES("no comment", got, 32, want, 32);
    snprintf(line, sizeof line, " \tssh-ed25519\t%s  a comment with spaces\r\n", ed);
    VEC_EXPECT_STATUS("blanks and comment", parse_text(line, got), BIB_OK);
    VEC_EXPECT_BYTES("blanks and comment", got, 32, want, 32);

    snprintf(line, sizeof line, "ssh-rsa %s test@bib", ed);
    VEC_EXPECT_STATUS("type word ssh-rsa on an ed25519 blob", parse_text(line, got),
                      BIB_ERR_SSH_KEY_FORMAT);
    snprintf(line, sizeof line, "ssh-ed25519x %s", ed);
    VEC_EXPECT_STATUS("type word with a suffix", parse_text(line, got), BIB_ERR_SSH_KEY_FORMAT);
    snprintf(line, sizeof line, "ssh-ed25519 %s rsa@bib", rsa);
    VEC_EXPECT_STATUS("ssh-ed25519 word on an RSA blob", parse_text(line, got),
                      BIB_ERR_SSH_KEY_TYPE);
    free(ed);
    free(rsa);
}

static void test_parse_garbage(void **state)
{
    static const char *const garbage[] = {
        "",
        " ",
        "\n",
        "hello",
        "ssh-ed25519",
        "ssh-ed25519 ",
        "ssh-ed25519 !!!!",
        "ssh-ed25519 AAAA",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
        "AAAAC3NzaC1lZDI1NTE5 ssh-ed25519",
    };
    char *ed = pub_base64("key.pub");
    size_t b64_len = strlen(ed);
    char line[2048];
    uint8_t got[32], blob[128], *big;
    size_t blob_len;

    (void)state;
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        VEC_EXPECT_STATUS(garbage[i], parse_text(garbage[i], got), BIB_ERR_SSH_KEY_FORMAT);

    /* Every truncation of the base64 field. */
    for (size_t cut = 1; cut < b64_len; cut++) {
        snprintf(line, sizeof line, "ssh-ed25519 %.*s test@bib", (int)cut, ed);
        VEC_EXPECT_STATUS(line, parse_text(line, got), BIB_ERR_SSH_KEY_FORMAT);
    }

    /* A well-formed blob with bytes after the key. */
    assert_int_equal(sodium_base642bin(blob, sizeof blob, ed, b64_len, NULL, &blob_len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    memset(blob + blob_len, 0, 4);
    memcpy(line, "ssh-ed25519 ", 12);
    sodium_bin2base64(line + 12, sizeof line - 12, blob, blob_len + 4,
                      sodium_base64_VARIANT_ORIGINAL);
    VEC_EXPECT_STATUS("trailing blob bytes", parse_text(line, got), BIB_ERR_SSH_KEY_FORMAT);

    /* A NUL inside the line, and a line longer than any key line. */
    snprintf(line, sizeof line, "ssh-ed25519 %s x", ed);
    line[strlen(line) - 1] = '\0';
    VEC_EXPECT_STATUS("embedded NUL", parse_line(line, strlen(ed) + 14, got),
                      BIB_ERR_SSH_KEY_FORMAT);
    big = malloc(16385);
    assert_non_null(big);
    memset(big, 'A', 16385);
    memcpy(big, "ssh-ed25519 ", 12);
    VEC_EXPECT_STATUS("16385-byte line", parse_line((const char *)big, 16385, got),
                      BIB_ERR_SSH_KEY_FORMAT);
    free(big);
    free(ed);
}

/* ---- SSHSIG --------------------------------------------------------------- */

/* bib_sshsig_verify over the text in a buffer of exactly its length. */
static bib_status verify_text(const char *armored, size_t len, const uint8_t *msg, size_t msg_len,
                              const char *ns, const uint8_t key[32])
{
    char *exact = malloc(len > 0 ? len : 1);
    bib_status st;

    assert_non_null(exact);
    memcpy(exact, armored, len);
    st = bib_sshsig_verify(exact, len, msg, msg_len, ns, key);
    free(exact);
    return st;
}

static bib_status verify_files(const char *sig_file, const char *msg_file, const char *ns,
                               const uint8_t key[32])
{
    char rel[96];
    size_t sig_len, msg_len;
    char *sig, *msg;
    bib_status st;

    snprintf(rel, sizeof rel, "sshsig/%s", sig_file);
    sig = vec_read_file(rel, &sig_len);
    snprintf(rel, sizeof rel, "sshsig/%s", msg_file);
    msg = vec_read_file(rel, &msg_len);
    st = verify_text(sig, sig_len, (const uint8_t *)msg, msg_len, ns, key);
    free(sig);
    free(msg);
    return st;
}

/* The matrix of sshsig/README.md, for a verifier pinned to one key and namespace. */
static void test_fixture_matrix(void **state)
{
    static const struct {
        const char *sig, *msg, *ns, *key;
        bib_status want;
    } rows[] = {
        {"message.sig", "message", NAMESPACE, "key.pub", BIB_OK},
        {"message.sig", "message.tampered", NAMESPACE, "key.pub", BIB_ERR_SSHSIG_BAD_SIGNATURE},
        {"message.sig.corrupt", "message", NAMESPACE, "key.pub", BIB_ERR_SSHSIG_BAD_SIGNATURE},
        {"message.other-ns.sig", "message", NAMESPACE, "key.pub", BIB_ERR_SSHSIG_NAMESPACE},
        {"message.key2.sig", "message", NAMESPACE, "key.pub", BIB_ERR_SSHSIG_KEY_MISMATCH},
        {"message.rsa.sig", "message", NAMESPACE, "key.pub", BIB_ERR_SSHSIG_KEY_TYPE},
        {"message.sig", "message", "other", "key.pub", BIB_ERR_SSHSIG_NAMESPACE},
        {"message.other-ns.sig", "message", "other", "key.pub", BIB_OK},
        {"message.key2.sig", "message", NAMESPACE, "key2.pub", BIB_OK},
    };
    uint8_t key[32];
    char what[128];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fixture_key(key, rows[i].key);
        snprintf(what, sizeof what, "%s over %s, namespace %s, key %s", rows[i].sig, rows[i].msg,
                 rows[i].ns, rows[i].key);
        VEC_EXPECT_STATUS(what, verify_files(rows[i].sig, rows[i].msg, rows[i].ns, key),
                          rows[i].want);
    }
}

/* The SSHSIG blob inside an armoured signature, malloc'ed. */
static uint8_t *dearmor(const char *armored, size_t *blob_len)
{
    const char *begin = strstr(armored, ARMOR_BEGIN);
    const char *end = strstr(armored, ARMOR_END);
    size_t cap = strlen(armored);
    uint8_t *blob = malloc(cap);

    assert_non_null(begin);
    assert_non_null(end);
    assert_non_null(blob);
    begin += strlen(ARMOR_BEGIN);
    assert_int_equal(sodium_base642bin(blob, cap, begin, (size_t)(end - begin), "\r\n", blob_len,
                                       NULL, sodium_base64_VARIANT_ORIGINAL),
                     0);
    return blob;
}

/* Armour a blob as ssh-keygen does: BEGIN, base64 in 70-column lines, END. */
static char *armor(const uint8_t *blob, size_t blob_len, size_t *len)
{
    size_t b64_cap = sodium_base64_ENCODED_LEN(blob_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64_cap);
    size_t b64_len, at = 0;
    char *out;

    assert_non_null(b64);
    sodium_bin2base64(b64, b64_cap, blob, blob_len, sodium_base64_VARIANT_ORIGINAL);
    b64_len = strlen(b64);
    out = malloc(sizeof ARMOR_BEGIN + b64_len + b64_len / ARMOR_COLUMNS + 1 + sizeof ARMOR_END + 1);
    assert_non_null(out);
    at += (size_t)sprintf(out + at, "%s\n", ARMOR_BEGIN);
    for (size_t i = 0; i < b64_len; i += ARMOR_COLUMNS)
        at += (size_t)sprintf(out + at, "%.*s\n", (int)ARMOR_COLUMNS, b64 + i);
    at += (size_t)sprintf(out + at, "%s\n", ARMOR_END);
    free(b64);
    *len = at;
    return out;
}

/* Verify a blob, re-armoured, over `message` with key.pub's key. */
static bib_status verify_blob(const uint8_t *blob, size_t blob_len, const char *message,
                              size_t message_len, const uint8_t key[32])
{
    size_t len;
    char *text = armor(blob, blob_len, &len);
    bib_status st = verify_text(text, len, (const uint8_t *)message, message_len, NAMESPACE, key);

    free(text);
    return st;
}

static void test_malformed_armor(void **state)
{
    static const char *const bad[] = {
        "",
        ARMOR_BEGIN "\n" ARMOR_END "\n",
        ARMOR_BEGIN "\n \n\t\n" ARMOR_END "\n",
        ARMOR_BEGIN "\n!!!!not base64!!!!\n" ARMOR_END "\n",
        ARMOR_BEGIN "\nU1NIU0lH\n",
        "U1NIU0lH\n" ARMOR_END "\n",
        "-----BEGIN SSH SIGNATURE----\nU1NIU0lH\n" ARMOR_END "\n",
        ARMOR_END "\nU1NIU0lH\n" ARMOR_BEGIN "\n",
    };
    size_t sig_len, msg_len;
    char *sig = vec_read_file("sshsig/message.sig", &sig_len);
    char *msg = vec_read_file("sshsig/message", &msg_len);
    const char *body = strchr(sig, '\n') + 1;
    uint8_t key[32];
    char *big;

    (void)state;
    fixture_key(key, "key.pub");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        VEC_EXPECT_STATUS(
            bad[i], verify_text(bad[i], strlen(bad[i]), (uint8_t *)msg, msg_len, NAMESPACE, key),
            BIB_ERR_SSHSIG_ARMOR);
    VEC_EXPECT_STATUS(
        "BEGIN line missing",
        verify_text(body, sig_len - (size_t)(body - sig), (uint8_t *)msg, msg_len, NAMESPACE, key),
        BIB_ERR_SSHSIG_ARMOR);
    VEC_EXPECT_STATUS("END line missing",
                      verify_text(sig, (size_t)(strstr(sig, ARMOR_END) - sig), (uint8_t *)msg,
                                  msg_len, NAMESPACE, key),
                      BIB_ERR_SSHSIG_ARMOR);
    /* Longer than any signature bib accepts, though well armoured around its padding. */
    big = malloc(BIB_SSHSIG_MAXARMORBYTES + 2);
    assert_non_null(big);
    memset(big, ' ', BIB_SSHSIG_MAXARMORBYTES + 1);
    memcpy(big, sig, sig_len);
    VEC_EXPECT_STATUS(
        "oversized armour",
        verify_text(big, BIB_SSHSIG_MAXARMORBYTES + 1, (uint8_t *)msg, msg_len, NAMESPACE, key),
        BIB_ERR_SSHSIG_ARMOR);
    free(big);
    free(sig);
    free(msg);
}

/*
 * The decoded blob of message.sig, re-armoured: whole it verifies (so the
 * armour helper is right); cut short anywhere, or with any byte changed, it
 * must not.
 */
static void test_blob_damage(void **state)
{
    size_t sig_len, msg_len, blob_len;
    char *sig = vec_read_file("sshsig/message.sig", &sig_len);
    char *msg = vec_read_file("sshsig/message", &msg_len);
    uint8_t *blob = dearmor(sig, &blob_len);
    uint8_t key[32];
    char what[64];

    (void)state;
    fixture_key(key, "key.pub");
    VEC_EXPECT_STATUS("re-armoured blob", verify_blob(blob, blob_len, msg, msg_len, key), BIB_OK);
    for (size_t cut = 0; cut < blob_len; cut++) {
        if (verify_blob(blob, cut, msg, msg_len, key) == BIB_OK)
            VEC_FAIL("blob cut to %zu of %zu bytes verified", cut, blob_len);
    }
    for (size_t i = 0; i < blob_len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            blob[i] ^= (uint8_t)(1U << bit);
            snprintf(what, sizeof what, "blob byte %zu bit %u flipped", i, bit);
            if (verify_blob(blob, blob_len, msg, msg_len, key) == BIB_OK)
                VEC_FAIL("%s: verified", what);
            blob[i] ^= (uint8_t)(1U << bit);
        }
    }
    free(blob);
    free(sig);
    free(msg);
}

/* ---- fresh signatures from ssh-keygen ------------------------------------ */

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

    if (fd < 0)
        VEC_FAIL("cannot create %s", path);
    if (fchmod(fd, mode) != 0 || write(fd, data, len) != (ssize_t)len) {
        close(fd);
        VEC_FAIL("cannot write %s", path);
    }
    close(fd);
}

/*
 * `ssh-keygen -Y sign` over dir/msg with the copied key, extra options
 * `opts`; returns the armoured signature.  ssh-keygen is a declared
 * dependency, so its absence fails the test.
 */
static char *ssh_keygen_sign(const char *dir, const char *opts, size_t *len)
{
    char cmd[512], path[128];
    int rc;

    snprintf(path, sizeof path, "%s/msg.sig", dir);
    unlink(path);
    snprintf(cmd, sizeof cmd,
             "ssh-keygen -q -Y sign -f '%s/key' -n " NAMESPACE " %s '%s/msg' </dev/null "
             ">'%s/out' 2>&1",
             dir, opts, dir, dir);
    rc = system(cmd);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        size_t out_len;
        snprintf(path, sizeof path, "%s/out", dir);
        char *out = read_whole_file(path, &out_len);
        print_error("ERROR: %s\n%s\n", cmd, out);
        free(out);
        VEC_FAIL("ssh-keygen -Y sign failed (status %d); ssh-keygen (openssh-client) is a "
                 "declared dependency of the tests",
                 rc);
    }
    return read_whole_file(path, len);
}

static void remove_files(const char *dir)
{
    static const char *const names[] = {"key", "msg", "msg.sig", "out"};
    char path[128];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_ssh_keygen_signatures(void **state)
{
    static const struct {
        const char *opts;
        const char *hash;
    } runs[] = {{"", "sha512"}, {"-O hashalg=sha256", "sha256"}};
    char dir[] = "/tmp/bib-sshsig-XXXXXX";
    char path[128], message[96], hex[33];
    uint8_t nonce[16], key[32];
    size_t key_len, message_len;
    char *private_key;

    (void)state;
    fixture_key(key, "key.pub");
    if (mkdtemp(dir) == NULL)
        VEC_FAIL("mkdtemp failed");
    /* ssh-keygen refuses a private key readable by others, and git does not keep 0600. */
    private_key = vec_read_file("sshsig/key", &key_len);
    snprintf(path, sizeof path, "%s/key", dir);
    write_file(path, private_key, key_len, 0600);
    free(private_key);
    /* A message never signed before, so the signature cannot be a committed one. */
    randombytes_buf(nonce, sizeof nonce);
    sodium_bin2hex(hex, sizeof hex, nonce, sizeof nonce);
    message_len = (size_t)snprintf(message, sizeof message, "bib fresh message %s\n", hex);
    snprintf(path, sizeof path, "%s/msg", dir);
    write_file(path, message, message_len, 0600);

    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        size_t sig_len, blob_len;
        char *sig = ssh_keygen_sign(dir, runs[i].opts, &sig_len);
        uint8_t *blob = dearmor(sig, &blob_len);

        if (memmem(blob, blob_len, runs[i].hash, strlen(runs[i].hash)) == NULL)
            VEC_FAIL("ssh-keygen %s: signature does not name %s", runs[i].opts, runs[i].hash);
        VEC_EXPECT_STATUS(
            runs[i].hash,
            verify_text(sig, sig_len, (uint8_t *)message, message_len, NAMESPACE, key), BIB_OK);
        VEC_EXPECT_STATUS(
            runs[i].hash,
            verify_text(sig, sig_len, (uint8_t *)message, message_len - 1, NAMESPACE, key),
            BIB_ERR_SSHSIG_BAD_SIGNATURE);
        free(blob);
        free(sig);
    }
    remove_files(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_fixture_keys),    cmocka_unit_test(test_parse_variants),
        cmocka_unit_test(test_parse_garbage),         cmocka_unit_test(test_fixture_matrix),
        cmocka_unit_test(test_malformed_armor),       cmocka_unit_test(test_blob_damage),
        cmocka_unit_test(test_ssh_keygen_signatures),
    };

    return cmocka_run_group_tests_name("ssh", tests, vec_group_setup, NULL);
}
