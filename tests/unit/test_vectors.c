/*
 * test_vectors.c — the test support code itself: the JSON reader's
 * strictness and decoding, hex decoding, and the replayed random source.
 *
 * Every other test trusts this code to read the vector files faithfully; a
 * reader that accepted a damaged file, or decoded an escape wrongly, would
 * make those tests pass or fail for the wrong reason.
 */
#include "vectors.h"

#include <stdlib.h>
#include <string.h>

/* Parse text from a buffer of exactly its length, so AddressSanitizer sees any overread. */
static json_value *parse_exact(const char *text, size_t len)
{
    char *copy = malloc(len > 0 ? len : 1);
    char err[160];
    json_value *v;

    assert_non_null(copy);
    memcpy(copy, text, len);
    v = json_parse(copy, len, err, sizeof err);
    free(copy);
    return v;
}

static void test_json_rejects(void **state)
{
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "}",
        "[",
        "]",
        "[1,]",
        "[,1]",
        "[1,,2]",
        "[1 2]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":}",
        "{\"a\":1 \"b\":2}",
        "{\"a\":1,\"a\":2}",
        "{1:2}",
        "01",
        "-01",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "0x10",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "True",
        "[1]x",
        "1 2",
        "\"abc",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\uD800\"",
        "\"\\uDC00\"",
        "\"\\uD800\\u0041\"",
        "\"\\uD800x\"",
        "\"a\tb\"",
        "\"a\nb\"",
        "'a'",
        "/* c */ 1",
        "// c\n1",
        "\"\xC0\xAF\"",         /* overlong '/' */
        "\"\xED\xA0\x80\"",     /* a UTF-16 surrogate in UTF-8 */
        "\"\xF5\x80\x80\x80\"", /* past U+10FFFF */
        "\"\x80\"",             /* a lone continuation byte */
        "\"\xE2\x82\"",         /* a truncated sequence */
    };
    char deep[2 * 65 + 1];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_value *v = parse_exact(bad[i], strlen(bad[i]));
        if (v != NULL) {
            json_free(v);
            VEC_FAIL("JSON parser accepted bad input #%zu: %s", i, bad[i]);
        }
    }
    /* A NUL byte inside the text is not JSON either. */
    assert_null(parse_exact("[1]\0", 4));
    /* 65 levels of nesting are one too many. */
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    assert_null(parse_exact(deep, 130));
}

static const json_value *parse_ok(const char *text, size_t len, json_value **keep)
{
    *keep = parse_exact(text, len);
    if (*keep == NULL)
        VEC_FAIL("JSON parser refused good input: %s", text);
    return *keep;
}

/* A string literal decodes to exactly `want` (want_len bytes). */
static void expect_string_value(const char *text, const char *want, size_t want_len)
{
    json_value *v;
    const json_value *s = parse_ok(text, strlen(text), &v);

    assert_int_equal(s->type, JSON_STRING);
    VEC_EXPECT_BYTES(text, (const uint8_t *)json_str(s), s->u.string.len, (const uint8_t *)want,
                     want_len);
    json_free(v);
}

static void test_json_strings(void **state)
{
    (void)state;
    expect_string_value("\"\"", "", 0);
    expect_string_value("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    expect_string_value("\"\\u0041\\u00e9\\u20AC\"", "A\xC3\xA9\xE2\x82\xAC", 6);
    expect_string_value("\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80", 4);
    expect_string_value("\"a\\u0000b\"", "a\0b", 3);
    expect_string_value("\"\xC3\xA9\xF0\x9F\x98\x80\"", "\xC3\xA9\xF0\x9F\x98\x80", 6);
}

static void test_json_values(void **state)
{
    static const char text[] =
        " {\"n\": [0, -0, 42, -7, 1.5e-3, 9223372036854775807, 9223372036854775808, 2E2],"
        " \"t\": true, \"f\": false, \"z\": null, \"o\": {}, \"a\": [], \"s\": \"x\"} \n";
    char deep[2 * 64 + 1];
    json_value *doc, *v;
    const json_value *n;

    (void)state;
    parse_ok(text, strlen(text), &doc);
    n = json_get(doc, "n");
    assert_int_equal(json_len(n), 8);
    assert_int_equal(json_int(json_at(n, 0)), 0);
    assert_int_equal(json_int(json_at(n, 1)), 0);
    assert_int_equal(json_int(json_at(n, 2)), 42);
    assert_int_equal(json_int(json_at(n, 3)), -7);
    assert_false(json_at(n, 4)->u.number.is_integer);
    assert_true(json_at(n, 4)->u.number.value > 0.0014 && json_at(n, 4)->u.number.value < 0.0016);
    assert_true(json_int(json_at(n, 5)) == 9223372036854775807LL);
    assert_false(json_at(n, 6)->u.number.is_integer);
    assert_false(json_at(n, 7)->u.number.is_integer);
    assert_true(json_bool(json_get(doc, "t")));
    assert_false(json_bool(json_get(doc, "f")));
    assert_true(json_is_null(json_get(doc, "z")));
    assert_false(json_is_null(json_get(doc, "s")));
    assert_int_equal(json_get(doc, "o")->u.object.len, 0);
    assert_int_equal(json_len(json_get(doc, "a")), 0);
    assert_string_equal(json_get_str(doc, "s"), "x");
    assert_null(json_find(doc, "missing"));
    json_free(doc);

    /* 64 levels of nesting are allowed. */
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    parse_ok(deep, 128, &v);
    json_free(v);
}

static void test_hex(void **state)
{
    static const uint8_t want[] = {0x00, 0xff, 0x7f, 0xa0};
    size_t len = 99;
    uint8_t *b;

    (void)state;
    b = hex_decode("00ff7FA0", &len);
    VEC_EXPECT_BYTES("hex", b, len, want, sizeof want);
    free(b);
    b = hex_decode("", &len);
    assert_non_null(b);
    assert_int_equal(len, 0);
    free(b);
}

static void test_replay_rng(void **state)
{
    static const uint8_t recorded[6] = {1, 2, 3, 4, 5, 6};
    uint8_t out[6] = {0};
    replay_rng r;

    (void)state;
    replay_rng_init(&r, recorded, sizeof recorded);
    r.rng.fill(r.rng.ctx, out, 1);
    r.rng.fill(r.rng.ctx, out + 1, 0);
    r.rng.fill(r.rng.ctx, out + 1, 5);
    assert_memory_equal(out, recorded, sizeof out);
    assert_int_equal(r.used, sizeof recorded);
    replay_rng_expect_consumed(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_rejects), cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_json_values),  cmocka_unit_test(test_hex),
        cmocka_unit_test(test_replay_rng),
    };

    return cmocka_run_group_tests_name("vectors", tests, vec_group_setup, NULL);
}
