/*
 * test_misc.c — the small pieces: the status table users read errors from,
 * generated passwords, the process CSPRNG, including the property that
 * matters most for PostgreSQL: a forked backend never repeats its parent's
 * or a sibling's random stream, and the JSON escaping of row images.
 */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

/* ---- statuses ------------------------------------------------------------- */

/* Only BIB_ERR_SHARE_NONE shares a name, with SHARE_TOO_FEW: the reference names both so. */
static int may_share_name(bib_status a, bib_status b)
{
    return (a == BIB_ERR_SHARE_NONE && b == BIB_ERR_SHARE_TOO_FEW) ||
           (a == BIB_ERR_SHARE_TOO_FEW && b == BIB_ERR_SHARE_NONE);
}

static void test_status_table(void **state)
{
    (void)state;
    assert_string_equal(bib_status_name(BIB_OK), "OK");
    for (int s = BIB_OK + 1; s < BIB_STATUS_COUNT; s++) {
        const char *name = bib_status_name((bib_status)s);
        const char *message = bib_status_message((bib_status)s);
        const char *hint = bib_status_hint((bib_status)s);

        if (strncmp(message, "bib: ", 5) != 0 || strlen(message) <= 5)
            VEC_FAIL("status %d (%s): message \"%s\" does not begin \"bib: \"", s, name, message);
        if (strcmp(name, "UNKNOWN") == 0 || name[0] == '\0')
            VEC_FAIL("status %d has no name", s);
        if (hint != NULL && hint[0] == '\0')
            VEC_FAIL("status %s: empty hint (NULL means none)", name);
        for (int t = BIB_OK + 1; t < s; t++) {
            if (strcmp(name, bib_status_name((bib_status)t)) == 0 &&
                !may_share_name((bib_status)s, (bib_status)t))
                VEC_FAIL("statuses %d and %d are both named %s", t, s, name);
            if (strcmp(message, bib_status_message((bib_status)t)) == 0)
                VEC_FAIL("statuses %d and %d have the same message", t, s);
        }
    }
    /* Out of range: a fixed fallback, never a crash. */
    assert_string_equal(bib_status_name(BIB_STATUS_COUNT), "UNKNOWN");
    assert_string_equal(bib_status_name((bib_status)-1), "UNKNOWN");
    assert_int_equal(strncmp(bib_status_message(BIB_STATUS_COUNT), "bib: ", 5), 0);
}

/* ---- passwords ------------------------------------------------------------ */

static void expect_urlsafe(const char *pw, size_t want_len)
{
    if (strlen(pw) != want_len)
        VEC_FAIL("password \"%s\": length %zu, want %zu", pw, strlen(pw), want_len);
    if (strspn(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != want_len)
        VEC_FAIL("password \"%s\" has a character outside [A-Za-z0-9_-]", pw);
}

static void test_password_lengths(void **state)
{
    static const unsigned refused[] = {0, 8, 120, 127, 129, 255, 4097, 4104, 8192};
    char pw[BIB_PASSWORD_MAXBITS / 6 + 2];

    (void)state;
    assert_int_equal(bib_password_length(256), 43);
    assert_int_equal(bib_password_generate(pw, 256, NULL), BIB_OK);
    expect_urlsafe(pw, 43);
    /* ceil(bits / 6) characters for every accepted size. */
    for (unsigned bits = BIB_PASSWORD_MINBITS; bits <= BIB_PASSWORD_MAXBITS; bits += 8) {
        assert_int_equal(bib_password_length(bits), (bits + 5) / 6);
        VEC_EXPECT_STATUS("accepted bits", bib_password_generate(pw, bits, NULL), BIB_OK);
        expect_urlsafe(pw, (bits + 5) / 6);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        replay_rng rng;

        replay_rng_init(&rng, NULL, 0);
        VEC_EXPECT_STATUS("refused bits", bib_password_generate(pw, refused[i], &rng.rng),
                          BIB_ERR_PASSWORD_BITS);
    }
}

/*
 * Known bytes give known text.  The expected strings were computed with
 * Python's base64.urlsafe_b64encode (padding stripped), not with libsodium;
 * the second uses bytes whose encoding is all '-' and '_'.
 */
static void test_password_replay(void **state)
{
    static const struct {
        unsigned bits;
        uint8_t fill; /* 0: bytes 0, 1, 2, ...; else the pattern fb ff bf repeated */
        const char *want;
    } cases[] = {
        {256, 0, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"},
        {264, 1, "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_"},
    };
    static const uint8_t pattern[3] = {0xfb, 0xff, 0xbf};
    uint8_t bytes[64];
    char pw[128];
    replay_rng rng;

    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c].bits / 8;

        for (size_t i = 0; i < n; i++)
            bytes[i] = cases[c].fill ? pattern[i % 3] : (uint8_t)i;
        replay_rng_init(&rng, bytes, n);
        assert_int_equal(bib_password_generate(pw, cases[c].bits, &rng.rng), BIB_OK);
        replay_rng_expect_consumed(&rng);
        assert_string_equal(pw, cases[c].want);
    }
}

/* ---- the process CSPRNG --------------------------------------------------- */

static void test_random_check_length(void **state)
{
    (void)state;
    assert_int_equal(bib_random_check_length(0), BIB_ERR_RANDOM_LENGTH);
    assert_int_equal(bib_random_check_length(1), BIB_OK);
    assert_int_equal(bib_random_check_length(BIB_RANDOM_MAXBYTES), BIB_OK);
    assert_int_equal(bib_random_check_length(BIB_RANDOM_MAXBYTES + 1), BIB_ERR_RANDOM_LENGTH);
    assert_int_equal(BIB_RANDOM_MAXBYTES, (size_t)1 << 20);
}

static int compare_draws(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static void test_random_distinct(void **state)
{
    enum {
        DRAWS = 1000
    };
    uint8_t(*draws)[32] = malloc(DRAWS * sizeof *draws);

    (void)state;
    assert_non_null(draws);
    for (int i = 0; i < DRAWS; i++)
        bib_random_bytes(draws[i], 32);
    qsort(draws, DRAWS, sizeof *draws, compare_draws);
    for (int i = 1; i < DRAWS; i++)
        if (memcmp(draws[i - 1], draws[i], 32) == 0)
            VEC_FAIL("two of %d 32-byte draws are equal", DRAWS);
    free(draws);
}

/*
 * Every size from 1 to 300 (across the pool's direct-draw threshold and its
 * block refills) fills exactly the bytes asked for; guard bytes on both
 * sides stay as they were.  Larger draws are effectively never all zero.
 */
static void test_random_sizes(void **state)
{
    enum {
        GUARD = 16,
        MAX = 300
    };
    uint8_t buf[GUARD + MAX + GUARD];
    uint8_t *big = malloc(BIB_RANDOM_MAXBYTES);

    (void)state;
    assert_non_null(big);
    for (size_t len = 1; len <= MAX; len++) {
        uint8_t acc = 0;

        memset(buf, 0xA5, sizeof buf);
        memset(buf + GUARD, 0, len);
        bib_random_bytes(buf + GUARD, len);
        for (size_t i = 0; i < GUARD; i++)
            if (buf[i] != 0xA5 || buf[GUARD + len + i] != 0xA5)
                VEC_FAIL("draw of %zu bytes wrote outside its buffer", len);
        for (size_t i = 0; i < len; i++)
            acc |= buf[GUARD + i];
        if (len >= 16 && acc == 0)
            VEC_FAIL("draw of %zu bytes is all zero", len);
    }
    bib_random_bytes(big, BIB_RANDOM_MAXBYTES);
    free(big);
}

/* Draw 64 bytes in a forked child and hand them back through a pipe. */
static pid_t draw_in_child(int fd[2])
{
    pid_t pid;

    assert_int_equal(pipe(fd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint8_t b[64];

        close(fd[0]);
        bib_random_bytes(b, sizeof b);
        _exit(write(fd[1], b, sizeof b) == (ssize_t)sizeof b ? 0 : 1);
    }
    close(fd[1]);
    return pid;
}

static void collect_child(pid_t pid, int fd[2], uint8_t out[64])
{
    int status;
    size_t got = 0;

    while (got < 64) {
        ssize_t n = read(fd[0], out + got, 64 - got);
        if (n <= 0)
            VEC_FAIL("child %d sent %zu of 64 bytes", (int)pid, got);
        got += (size_t)n;
    }
    close(fd[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * The parent's pool is seeded and holds unread keystream when it forks.  A
 * child that kept it (no MADV_WIPEONFORK, no atfork reseed) would hand out
 * exactly what the parent hands out next, and so would its sibling.
 */
static void test_random_fork(void **state)
{
    uint8_t warm[16], parent[64], child[2][64];
    int fd[2][2];
    pid_t pid[2];

    (void)state;
    bib_random_bytes(warm, sizeof warm);
    pid[0] = draw_in_child(fd[0]);
    pid[1] = draw_in_child(fd[1]);
    bib_random_bytes(parent, sizeof parent);
    collect_child(pid[0], fd[0], child[0]);
    collect_child(pid[1], fd[1], child[1]);
    if (memcmp(parent, child[0], 64) == 0 || memcmp(parent, child[1], 64) == 0)
        VEC_FAIL("a forked child drew the same bytes as its parent");
    if (memcmp(child[0], child[1], 64) == 0)
        VEC_FAIL("two forked children drew the same bytes");
}

static void test_random_fill_dispatch(void **state)
{
    static const uint8_t recorded[5] = {1, 2, 3, 4, 5};
    uint8_t out[5] = {0};
    replay_rng rng;

    (void)state;
    replay_rng_init(&rng, recorded, sizeof recorded);
    bib_random_fill(&rng.rng, out, 2);
    bib_random_fill(&rng.rng, out + 2, 3);
    replay_rng_expect_consumed(&rng);
    assert_memory_equal(out, recorded, sizeof out);
    bib_random_fill(NULL, out, sizeof out);
}

/* ---- JSON ------------------------------------------------------------------ */

/* What bib_json_write_string writes, collected. */
typedef struct json_text {
    char buf[2048];
    size_t len;
    int calls;
} json_text;

static void collect(void *out, const char *bytes, size_t len)
{
    json_text *t = out;

    assert_true(len > 0);
    assert_true(t->len + len <= sizeof t->buf);
    memcpy(t->buf + t->len, bytes, len);
    t->len += len;
    t->calls++;
}

static void expect_json(const char *s, size_t n, const char *want)
{
    json_text t = {.len = 0};

    bib_json_write_string(s, n, collect, &t);
    assert_int_equal(t.len, strlen(want));
    assert_memory_equal(t.buf, want, t.len);
}

/* Every byte: the short escapes, \u00xx for other controls, the rest as it is. */
static void test_json_string(void **state)
{
    char all[256];
    json_text t = {.len = 0};

    (void)state;
    expect_json("", 0, "\"\"");
    expect_json("plain é", 8, "\"plain é\"");
    expect_json("q\"b\\s", 5, "\"q\\\"b\\\\s\"");
    expect_json("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    expect_json("\x00\x01\x1f\x7f", 4, "\"\\u0000\\u0001\\u001f\x7f\"");
    /* every other byte stands for itself, and a run is passed on whole */
    for (int c = 0; c < 256; c++)
        all[c] = (char)c;
    bib_json_write_string(all + 0x23, 0x5c - 0x23, collect, &t);
    assert_int_equal(t.calls, 3);
    assert_int_equal(t.len, 2 + 0x5c - 0x23);
    t.len = 0;
    t.calls = 0;
    bib_json_write_string(all + 0x5d, 256 - 0x5d, collect, &t);
    assert_int_equal(t.calls, 3);
    assert_memory_equal(t.buf + 1, all + 0x5d, 256 - 0x5d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table),    cmocka_unit_test(test_password_lengths),
        cmocka_unit_test(test_password_replay), cmocka_unit_test(test_random_check_length),
        cmocka_unit_test(test_random_distinct), cmocka_unit_test(test_random_sizes),
        cmocka_unit_test(test_random_fork),     cmocka_unit_test(test_random_fill_dispatch),
        cmocka_unit_test(test_json_string),
    };

    return cmocka_run_group_tests_name("misc", tests, vec_group_setup, NULL);
}
