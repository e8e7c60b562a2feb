/*
 * test_keystore.c — the key store's core: reading the master key (text,
 * file, command), key kinds, statuses and names, key generation, wrapping
 * under the master key, and the export format v1 (bib_keystore.h).
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define HEX64 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const uint8_t key_0_31[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                     11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                     22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

/* ---- bib_master_key_parse ----------------------------------------------------- */

static void expect_parse(const char *text, size_t len, bib_status want)
{
    uint8_t key[BIB_MASTER_KEYBYTES];

    memset(key, 0xAA, sizeof key);
    VEC_EXPECT_STATUS(text, bib_master_key_parse(key, text, len), want);
    if (want == BIB_OK)
        VEC_EXPECT_BYTES(text, key, sizeof key, key_0_31, sizeof key_0_31);
}

static void test_master_key_parse(void **state)
{
    static const char nul_inside[] =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\0";
    char upper[] = HEX64;

    (void)state;
    expect_parse(HEX64, 64, BIB_OK);
    expect_parse(HEX64 "\n", 65, BIB_OK);
    expect_parse(HEX64 "\r\n", 66, BIB_OK);
    expect_parse(HEX64 " \t\n\n", 68, BIB_OK);
    for (char *c = upper; *c != '\0'; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    expect_parse(upper, 64, BIB_OK);
    /* 63 and 65 digits, a non-hex digit, nothing, junk after the key, a NUL, leading space */
    expect_parse(HEX64, 63, BIB_ERR_MASTER_KEY_FORMAT);
    expect_parse(HEX64 "0", 65, BIB_ERR_MASTER_KEY_FORMAT);
    expect_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g", 64,
                 BIB_ERR_MASTER_KEY_FORMAT);
    expect_parse("", 0, BIB_ERR_MASTER_KEY_FORMAT);
    expect_parse(HEX64 "\nx", 66, BIB_ERR_MASTER_KEY_FORMAT);
    expect_parse(nul_inside, 64, BIB_ERR_MASTER_KEY_FORMAT);
    expect_parse(" " HEX64, 65, BIB_ERR_MASTER_KEY_FORMAT);
}

/* ---- bib_master_key_read_file ----------------------------------------------- */

static char scratch[64];

static void write_file(const char *name, const char *text, mode_t mode)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", scratch, name);
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        VEC_FAIL("cannot write %s", path);
    if (chmod(path, mode) != 0)
        VEC_FAIL("cannot chmod %s", path);
}

static void expect_file(const char *name, uid_t owner, bib_status want)
{
    char path[128];
    uint8_t key[BIB_MASTER_KEYBYTES] = {0};

    snprintf(path, sizeof path, "%s/%s", scratch, name);
    VEC_EXPECT_STATUS(path, bib_master_key_read_file(key, path, owner), want);
    if (want == BIB_OK)
        VEC_EXPECT_BYTES(path, key, sizeof key, key_0_31, sizeof key_0_31);
}

static int scratch_setup(void **state)
{
    (void)state;
    snprintf(scratch, sizeof scratch, "%s/bib-keystore.XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(scratch) == NULL ? -1 : 0;
}

static int scratch_teardown(void **state)
{
    char cmd[160];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_master_key_read_file(void **state)
{
    char path[128], target[128];
    char spaces[200];

    (void)state;
    write_file("ok.key", HEX64 "\n", 0600);
    write_file("readonly.key", HEX64, 0400);
    write_file("world.key", HEX64 "\n", 0644);
    write_file("group.key", HEX64 "\n", 0640);
    write_file("short.key", "0001\n", 0600);
    write_file("nonhex.key", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
               0600);
    /* Room for 64 digits and whitespace up to 128 bytes; more is refused unread. */
    memset(spaces, ' ', sizeof spaces);
    snprintf(spaces, sizeof spaces, "%s%64s", HEX64, "");
    write_file("full.key", spaces, 0600);
    snprintf(spaces, sizeof spaces, "%s%65s", HEX64, "");
    write_file("over.key", spaces, 0600);

    expect_file("ok.key", getuid(), BIB_OK);
    expect_file("readonly.key", getuid(), BIB_OK);
    expect_file("full.key", getuid(), BIB_OK);
    expect_file("missing.key", getuid(), BIB_ERR_MASTER_KEY_MISSING);
    expect_file("world.key", getuid(), BIB_ERR_MASTER_KEY_PERMISSIONS);
    expect_file("group.key", getuid(), BIB_ERR_MASTER_KEY_PERMISSIONS);
    /* Owned by someone else: the owner argument is the user the server runs as. */
    expect_file("ok.key", getuid() + 1, BIB_ERR_MASTER_KEY_PERMISSIONS);
    expect_file("short.key", getuid(), BIB_ERR_MASTER_KEY_FORMAT);
    expect_file("nonhex.key", getuid(), BIB_ERR_MASTER_KEY_FORMAT);
    expect_file("over.key", getuid(), BIB_ERR_MASTER_KEY_FORMAT);

    /* Not a regular file; a symbolic link is not followed. */
    snprintf(path, sizeof path, "%s/dir.key", scratch);
    assert_int_equal(mkdir(path, 0700), 0);
    expect_file("dir.key", getuid(), BIB_ERR_MASTER_KEY_UNREADABLE);
    snprintf(path, sizeof path, "%s/link.key", scratch);
    snprintf(target, sizeof target, "%s/ok.key", scratch);
    assert_int_equal(symlink(target, path), 0);
    expect_file("link.key", getuid(), BIB_ERR_MASTER_KEY_UNREADABLE);
    /* A missing directory on the way is "missing"; a file used as a directory is not. */
    expect_file("nodir/ok.key", getuid(), BIB_ERR_MASTER_KEY_MISSING);
    expect_file("ok.key/x", getuid(), BIB_ERR_MASTER_KEY_UNREADABLE);
}

/* ---- bib_master_key_read_command ------------------------------------------- */

static void expect_command(const char *command, bib_status want)
{
    uint8_t key[BIB_MASTER_KEYBYTES] = {0};

    VEC_EXPECT_STATUS(command, bib_master_key_read_command(key, command), want);
    if (want == BIB_OK)
        VEC_EXPECT_BYTES(command, key, sizeof key, key_0_31, sizeof key_0_31);
}

static void test_master_key_read_command(void **state)
{
    (void)state;
    expect_command("echo " HEX64, BIB_OK);
    expect_command("printf %s " HEX64, BIB_OK);
    expect_command("exit 1", BIB_ERR_MASTER_KEY_COMMAND);
    expect_command("echo " HEX64 "; exit 3", BIB_ERR_MASTER_KEY_COMMAND);
    expect_command("/nonexistent/bib-key-helper 2>/dev/null", BIB_ERR_MASTER_KEY_COMMAND);
    expect_command("kill -9 $$", BIB_ERR_MASTER_KEY_COMMAND);
    expect_command("echo garbage", BIB_ERR_MASTER_KEY_FORMAT);
    expect_command("true", BIB_ERR_MASTER_KEY_FORMAT);
    expect_command("echo " HEX64 "; echo " HEX64, BIB_ERR_MASTER_KEY_FORMAT);
    /* Far more output than a key: refused, and the command is still waited for. */
    expect_command("head -c 100000 /dev/zero", BIB_ERR_MASTER_KEY_FORMAT);
}

/* ---- kinds, statuses, names ------------------------------------------------- */

static void test_kind_status_names(void **state)
{
    static const char *const kinds[] = {"aead", "x25519", "ed25519"};
    static const char *const statuses[] = {"active", "retired", "revoked"};
    static const char *const bad[] = {"", "AEAD", "Active", "aead ", "rsa", "x25519\n", "none"};

    (void)state;
    for (int i = 0; i < 3; i++) {
        bib_key_kind kind = 0;
        bib_key_status status = 0;

        VEC_EXPECT_STATUS(kinds[i], bib_key_kind_from_name(&kind, kinds[i]), BIB_OK);
        assert_int_equal(kind, BIB_KEY_AEAD + i);
        assert_string_equal(bib_key_kind_name(kind), kinds[i]);
        VEC_EXPECT_STATUS(statuses[i], bib_key_status_from_name(&status, statuses[i]), BIB_OK);
        assert_int_equal(status, BIB_KEY_ACTIVE + i);
        assert_string_equal(bib_key_status_name(status), statuses[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bib_key_kind kind = BIB_KEY_X25519;
        bib_key_status status = BIB_KEY_RETIRED;

        VEC_EXPECT_STATUS(bad[i], bib_key_kind_from_name(&kind, bad[i]), BIB_ERR_KEY_KIND_UNKNOWN);
        VEC_EXPECT_STATUS(bad[i], bib_key_status_from_name(&status, bad[i]),
                          BIB_ERR_KEYBLOB_FORMAT);
        assert_int_equal(kind, BIB_KEY_X25519);
        assert_int_equal(status, BIB_KEY_RETIRED);
    }
    assert_string_equal(bib_key_kind_name((bib_key_kind)0), "unknown");
    assert_string_equal(bib_key_kind_name((bib_key_kind)4), "unknown");
    assert_string_equal(bib_key_status_name((bib_key_status)0), "unknown");
    assert_string_equal(bib_key_status_name((bib_key_status)4), "unknown");
}

static void test_key_name_check(void **state)
{
    char name[80];

    (void)state;
    memset(name, 'n', sizeof name);
    VEC_EXPECT_STATUS("empty", bib_key_name_check(name, 0), BIB_ERR_KEY_NAME_INVALID);
    VEC_EXPECT_STATUS("1 byte", bib_key_name_check(name, 1), BIB_OK);
    VEC_EXPECT_STATUS("63 bytes", bib_key_name_check(name, 63), BIB_OK);
    VEC_EXPECT_STATUS("64 bytes", bib_key_name_check(name, 64), BIB_ERR_KEY_NAME_INVALID);
    name[10] = '\0';
    VEC_EXPECT_STATUS("NUL inside", bib_key_name_check(name, 20), BIB_ERR_KEY_NAME_INVALID);
    VEC_EXPECT_STATUS("NUL after", bib_key_name_check(name, 10), BIB_OK);
}

/* ---- generation -------------------------------------------------------------------- */

static void test_key_generate(void **state)
{
    uint8_t secret[BIB_KEY_SECRETBYTES], pk[32], want[32];
    int has_public = -1;
    replay_rng rng;

    (void)state;
    /* The secret is exactly the drawn bytes. */
    replay_rng_init(&rng, key_0_31, sizeof key_0_31);
    bib_key_generate(secret, pk, &has_public, BIB_KEY_AEAD, &rng.rng);
    replay_rng_expect_consumed(&rng);
    VEC_EXPECT_BYTES("aead secret", secret, sizeof secret, key_0_31, sizeof key_0_31);
    assert_int_equal(has_public, 0);

    for (int round = 0; round < 8; round++) {
        bib_key_generate(secret, pk, &has_public, BIB_KEY_X25519, NULL);
        assert_int_equal(has_public, 1);
        VEC_EXPECT_STATUS("x25519", bib_x25519_public(want, secret, sizeof secret), BIB_OK);
        VEC_EXPECT_BYTES("x25519 public", pk, sizeof pk, want, sizeof want);

        bib_key_generate(secret, pk, &has_public, BIB_KEY_ED25519, NULL);
        assert_int_equal(has_public, 1);
        VEC_EXPECT_STATUS("ed25519", bib_ed25519_public(want, secret, sizeof secret), BIB_OK);
        VEC_EXPECT_BYTES("ed25519 public", pk, sizeof pk, want, sizeof want);
    }
    /* bib_key_public recomputes the same from a stored secret. */
    VEC_EXPECT_STATUS("public", bib_key_public(pk, &has_public, BIB_KEY_ED25519, secret), BIB_OK);
    VEC_EXPECT_BYTES("ed25519 public again", pk, sizeof pk, want, sizeof want);
    VEC_EXPECT_STATUS("bad kind", bib_key_public(pk, &has_public, (bib_key_kind)9, secret),
                      BIB_ERR_KEY_KIND_UNKNOWN);
}

/* ---- wrapping ------------------------------------------------------------------------ */

static void test_wrap_unwrap(void **state)
{
    static const uint8_t id[BIB_KEY_IDBYTES] = {0x6f, 0x1c, 0, 0, 0, 0, 0x40, 0, 0x80};
    uint8_t other_id[BIB_KEY_IDBYTES];
    uint8_t master_key[32], other_key[32], secret[32], got[32];
    uint8_t wrapped[BIB_KEY_WRAPPEDBYTES], sealed[BIB_KEY_WRAPPEDBYTES];
    bib_key_schedule *master = sodium_malloc(sizeof *master);
    bib_key_schedule *other = sodium_malloc(sizeof *other);
    bib_envelope_header h;

    (void)state;
    assert_non_null(master);
    assert_non_null(other);
    randombytes_buf(master_key, sizeof master_key);
    randombytes_buf(other_key, sizeof other_key);
    randombytes_buf(secret, sizeof secret);
    bib_key_schedule_init(master, master_key);
    bib_key_schedule_init(other, other_key);

    for (int a = BIB_AEAD_AES256GCM; a <= BIB_AEAD_XCHACHA20POLY1305; a++) {
        if (bib_aead_check_available((bib_aead)a) != BIB_OK)
            continue;
        VEC_EXPECT_STATUS("wrap", bib_key_wrap(wrapped, secret, id, master, (bib_aead)a, NULL),
                          BIB_OK);
        /* A KEY envelope under the master key's fingerprint. */
        VEC_EXPECT_STATUS("parse", bib_envelope_parse(&h, wrapped, sizeof wrapped), BIB_OK);
        assert_int_equal(h.mode, BIB_MODE_KEY);
        assert_int_equal(h.aead, a);
        VEC_EXPECT_BYTES("key_id", h.key_id, sizeof h.key_id, master->fingerprint,
                         sizeof master->fingerprint);

        memset(got, 0, sizeof got);
        VEC_EXPECT_STATUS("unwrap", bib_key_unwrap(got, wrapped, sizeof wrapped, id, master),
                          BIB_OK);
        VEC_EXPECT_BYTES("round trip", got, sizeof got, secret, sizeof secret);

        VEC_EXPECT_STATUS("other master", bib_key_unwrap(got, wrapped, sizeof wrapped, id, other),
                          BIB_ERR_MASTER_KEY_MISMATCH);
        memcpy(other_id, id, sizeof other_id);
        other_id[15] ^= 1;
        VEC_EXPECT_STATUS("other id",
                          bib_key_unwrap(got, wrapped, sizeof wrapped, other_id, master),
                          BIB_ERR_ENV_AUTH);
        VEC_EXPECT_STATUS("short", bib_key_unwrap(got, wrapped, sizeof wrapped - 1, id, master),
                          BIB_ERR_ENV_SHORT);
        for (size_t i = 8; i < sizeof wrapped; i += 7) {
            wrapped[i] ^= 0x20;
            bib_status st = bib_key_unwrap(got, wrapped, sizeof wrapped, id, master);
            if (st == BIB_OK)
                VEC_FAIL("a wrapped secret altered at byte %zu unwrapped", i);
            wrapped[i] ^= 0x20;
        }
    }
    /* A SEAL envelope of the right length is no wrapped secret. */
    {
        uint8_t sk[32] = {7}, pk[32];
        VEC_EXPECT_STATUS("pk", bib_x25519_public(pk, sk, sizeof sk), BIB_OK);
        VEC_EXPECT_STATUS("seal",
                          bib_envelope_seal(sealed, secret, sizeof secret, id, sizeof id,
                                            BIB_AEAD_XCHACHA20POLY1305, pk, sizeof pk, NULL),
                          BIB_OK);
        VEC_EXPECT_STATUS("sealed", bib_key_unwrap(got, sealed, sizeof sealed, id, master),
                          BIB_ERR_ENV_WRONG_MODE);
    }
    sodium_free(master);
    sodium_free(other);
}

/* ---- export format v1 ---------------------------------------------------------------- */

static void fill_entry(bib_keyblob_entry *e, size_t i)
{
    memset(e, 0, sizeof *e);
    for (size_t b = 0; b < BIB_KEY_IDBYTES; b++)
        e->id[b] = (uint8_t)(i * 16 + b);
    e->kind = (bib_key_kind)(1 + i % 3);
    e->status = (bib_key_status)(1 + (i / 3) % 3);
    e->version = (uint32_t)(i * 0x01010101U + 1);
    e->created_at = (int64_t)(0x0102030405060708LL * (int64_t)(i % 2 ? 1 : -1)) + (int64_t)i;
    /* Names of every length 1..63 */
    memset(e->name, 'a' + (int)(i % 26), 1 + i % BIB_KEY_MAXNAMEBYTES);
    for (size_t b = 0; b < BIB_KEY_SECRETBYTES; b++)
        e->secret[b] = (uint8_t)(255 - i - b);
}

static void expect_same_entries(const bib_keyblob_entry *a, const bib_keyblob_entry *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_memory_equal(a[i].id, b[i].id, BIB_KEY_IDBYTES);
        assert_int_equal(a[i].kind, b[i].kind);
        assert_int_equal(a[i].status, b[i].status);
        assert_int_equal(a[i].version, b[i].version);
        assert_true(a[i].created_at == b[i].created_at);
        assert_string_equal(a[i].name, b[i].name);
        assert_memory_equal(a[i].secret, b[i].secret, BIB_KEY_SECRETBYTES);
    }
}

/* Write n entries, read them back, and refuse every truncation and an extra byte. */
static void round_trip(size_t n, int every_truncation)
{
    bib_keyblob_entry *in = calloc(BIB_KEYBLOB_MAXENTRIES, sizeof *in);
    bib_keyblob_entry *out = calloc(BIB_KEYBLOB_MAXENTRIES, sizeof *out);
    size_t size, got = 0;
    uint8_t *blob;

    assert_non_null(in);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        fill_entry(&in[i], i);
    size = bib_keyblob_size(in, n);
    blob = malloc(size + 1);
    assert_non_null(blob);
    VEC_EXPECT_STATUS("write", bib_keyblob_write(blob, in, n), BIB_OK);
    VEC_EXPECT_STATUS("read", bib_keyblob_read(out, &got, blob, size), BIB_OK);
    assert_int_equal(got, n);
    expect_same_entries(in, out, n);
    for (size_t len = 0; len < size; len += every_truncation ? 1 : 97) {
        got = 12345;
        if (bib_keyblob_read(out, &got, blob, len) != BIB_ERR_KEYBLOB_FORMAT)
            VEC_FAIL("%zu entries: a blob cut to %zu of %zu bytes was read", n, len, size);
        assert_int_equal(got, 12345);
    }
    blob[size] = 0;
    VEC_EXPECT_STATUS("extra byte", bib_keyblob_read(out, &got, blob, size + 1),
                      BIB_ERR_KEYBLOB_FORMAT);
    free(blob);
    free(in);
    free(out);
}

static void test_keyblob_round_trip(void **state)
{
    (void)state;
    round_trip(1, 1);
    round_trip(2, 1);
    round_trip(3, 1);
    round_trip(BIB_KEYBLOB_MAXENTRIES, 1);
}

/* The exact bytes of one entry, as docs and the other engine read them. */
static void test_keyblob_layout(void **state)
{
    static const uint8_t want[] = {
        'b',  'k',  0x01, 0x01, /* header */
        0x6f, 0x1c, 0x3a, 0x4e, 0x91, 0x2b, 0x4d, 0x8e, 0xa1, 0x23, 0x45,
        0x67, 0x89, 0xab, 0xcd, 0xef,                   /* id */
        0x02, 0x03,                                     /* x25519, revoked */
        0x00, 0x00, 0x01, 0x02,                         /* version 258 */
        0x00, 0x05, 0xf8, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, /* created_at */
        0x03, 'k',  'e',  'y',                          /* name */
        0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,
        11,   12,   13,   14,   15,   16,   17,   18,   19,   20,   21,
        22,   23,   24,   25,   26,   27,   28,   29,   30,   31}; /* secret */
    bib_keyblob_entry e, back[BIB_KEYBLOB_MAXENTRIES];
    uint8_t blob[sizeof want];
    size_t n = 0;

    (void)state;
    memset(&e, 0, sizeof e);
    memcpy(e.id, want + 4, 16);
    e.kind = BIB_KEY_X25519;
    e.status = BIB_KEY_REVOKED;
    e.version = 258;
    e.created_at = 0x0005f81a2b3c4d5eLL;
    strcpy(e.name, "key");
    memcpy(e.secret, key_0_31, 32);
    assert_int_equal(bib_keyblob_size(&e, 1), sizeof want);
    VEC_EXPECT_STATUS("write", bib_keyblob_write(blob, &e, 1), BIB_OK);
    VEC_EXPECT_BYTES("layout", blob, sizeof blob, want, sizeof want);
    VEC_EXPECT_STATUS("read", bib_keyblob_read(back, &n, want, sizeof want), BIB_OK);
    expect_same_entries(&e, back, 1);
}

/* Each defect of a valid one-entry blob is refused. */
static void test_keyblob_defects(void **state)
{
    static const struct {
        size_t at;
        uint8_t value;
        const char *what;
    } defects[] = {
        {0, 'B', "magic"},
        {1, 'K', "magic"},
        {2, 0x02, "format version"},
        {2, 0x00, "format version"},
        {3, 0x00, "count 0"},
        {3, 0x02, "count 2 of 1"},
        {20, 0x00, "kind 0"},
        {20, 0x04, "kind 4"},
        {21, 0x00, "status 0"},
        {21, 0x04, "status 4"},
        {34, 0x00, "name length 0"},
        {34, 0x40, "name length 64"},
        {34, 0x04, "name length past the end"},
        {35, 0x00, "NUL in the name"},
    };
    bib_keyblob_entry e[2], *back = calloc(BIB_KEYBLOB_MAXENTRIES, sizeof *back);
    uint8_t blob[4 + 16 + 1 + 1 + 4 + 8 + 1 + 3 + 32];
    size_t n;

    (void)state;
    assert_non_null(back);
    fill_entry(&e[0], 0);
    strcpy(e[0].name, "abc");
    assert_int_equal(bib_keyblob_size(e, 1), sizeof blob);
    VEC_EXPECT_STATUS("write", bib_keyblob_write(blob, e, 1), BIB_OK);
    for (size_t i = 0; i < sizeof defects / sizeof *defects; i++) {
        uint8_t saved = blob[defects[i].at];
        blob[defects[i].at] = defects[i].value;
        VEC_EXPECT_STATUS(defects[i].what, bib_keyblob_read(back, &n, blob, sizeof blob),
                          BIB_ERR_KEYBLOB_FORMAT);
        blob[defects[i].at] = saved;
    }
    VEC_EXPECT_STATUS("intact", bib_keyblob_read(back, &n, blob, sizeof blob), BIB_OK);

    /* Writing: 0 or more than 255 entries, or a name that is no key name. */
    VEC_EXPECT_STATUS("write 0", bib_keyblob_write(blob, e, 0), BIB_ERR_KEYBLOB_FORMAT);
    VEC_EXPECT_STATUS("write 256", bib_keyblob_write(blob, back, BIB_KEYBLOB_MAXENTRIES + 1),
                      BIB_ERR_KEYBLOB_FORMAT);
    e[0].name[0] = '\0';
    VEC_EXPECT_STATUS("empty name", bib_keyblob_write(blob, e, 1), BIB_ERR_KEY_NAME_INVALID);
    free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_master_key_parse),
        cmocka_unit_test_setup_teardown(test_master_key_read_file, scratch_setup, scratch_teardown),
        cmocka_unit_test(test_master_key_read_command),
        cmocka_unit_test(test_kind_status_names),
        cmocka_unit_test(test_key_name_check),
        cmocka_unit_test(test_key_generate),
        cmocka_unit_test(test_wrap_unwrap),
        cmocka_unit_test(test_keyblob_round_trip),
        cmocka_unit_test(test_keyblob_layout),
        cmocka_unit_test(test_keyblob_defects),
    };

    return cmocka_run_group_tests_name("keystore", tests, vec_group_setup, NULL);
}
