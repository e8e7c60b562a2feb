/*
 * vectors.h — what every unit test binary shares: a strict JSON reader for
 * the published vectors under $BIB_VECTORS, hex decoding, a replayed random
 * source, and failure helpers that say which vector broke.
 *
 * The vectors are data, not code: tests load them at run time so that
 * nobody retypes a byte.  Anything missing or malformed fails the test
 * loudly; a vector file that cannot be read is a failure, never a skip.
 *
 * Every helper that can go wrong fails the current cmocka test itself, so
 * test code reads as a straight line of lookups.
 */
#ifndef BIB_TEST_VECTORS_H
#define BIB_TEST_VECTORS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bib_core.h"

/* ---- failing ------------------------------------------------------------ */

/* Fail the running test with a printf-style message (cmocka's fail_msg needs a GNU extension). */
#define VEC_FAIL(...) vec_fail(__FILE__, __LINE__, __VA_ARGS__)
__attribute__((noreturn, format(printf, 3, 4))) void vec_fail(const char *file, int line,
                                                              const char *fmt, ...);

/* Fail unless got == want, naming both statuses and the vector. */
#define VEC_EXPECT_STATUS(what, got, want)                                                         \
    vec_expect_status(__FILE__, __LINE__, (what), (got), (want))
void vec_expect_status(const char *file, int line, const char *what, bib_status got,
                       bib_status want);

/* Fail unless the two byte strings are equal, printing both in hex. */
#define VEC_EXPECT_BYTES(what, got, got_len, want, want_len)                                       \
    vec_expect_bytes(__FILE__, __LINE__, (what), (got), (got_len), (want), (want_len))
void vec_expect_bytes(const char *file, int line, const char *what, const uint8_t *got,
                      size_t got_len, const uint8_t *want, size_t want_len);

/* ---- JSON ----------------------------------------------------------------- */

typedef enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value json_value;

struct json_value {
    json_type type;
    union {
        int boolean;
        struct {
            double value;
            int is_integer; /* written without fraction or exponent, fits a long long */
            long long integer;
        } number;
        struct {
            char *bytes; /* UTF-8, NUL-terminated; may hold NUL from \u0000 */
            size_t len;
        } string;
        struct {
            json_value **items;
            size_t len;
        } array;
        struct {
            char **keys; /* unique within the object */
            json_value **values;
            size_t len;
        } object;
    } u;
};

/*
 * Parse RFC 8259 JSON, strictly: no trailing commas, comments, leading
 * zeros, raw control characters, unpaired surrogates, duplicate keys or
 * trailing text.  NULL on error, with a message naming the byte offset in
 * err (which may be NULL).
 */
json_value *json_parse(const char *text, size_t len, char *err, size_t err_len);
void json_free(json_value *v);

/* Lookups: each fails the test when the value has another type or the key is missing. */
const json_value *json_get(const json_value *obj, const char *key);
/* The member, or NULL when the object has no such key. */
const json_value *json_find(const json_value *obj, const char *key);
size_t json_len(const json_value *array);
const json_value *json_at(const json_value *array, size_t i);
const char *json_str(const json_value *v);
long long json_int(const json_value *v);
int json_bool(const json_value *v);
int json_is_null(const json_value *v);

/* obj[key] as a string / integer, in one step. */
const char *json_get_str(const json_value *obj, const char *key);
long long json_get_int(const json_value *obj, const char *key);

/* ---- hex ------------------------------------------------------------------ */

/*
 * Decode lowercase or uppercase hex into a malloc'ed buffer (never NULL,
 * even for "", so it can be handed to functions that reject NULL); fails
 * the test on an odd length or a non-hex character.
 */
uint8_t *hex_decode(const char *hex, size_t *len);

/*
 * The decoded byte strings of one vector case, freed together, so that a
 * case with many fields needs one free and not one per field.
 */
typedef struct hex_bag {
    uint8_t **items;
    size_t count;
    size_t cap;
} hex_bag;

#define HEX_BAG_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

const uint8_t *bag_hex(hex_bag *bag, const char *hex, size_t *len);
/* obj[key] decoded into the bag; NULL with *len = 0 when the member is absent or null. */
const uint8_t *bag_field(hex_bag *bag, const json_value *obj, const char *key, size_t *len);
void bag_free(hex_bag *bag);

/* ---- files under $BIB_VECTORS -------------------------------------------- */

/* Read a whole file, NUL-terminated (the NUL not counted); fails the test if it cannot. */
char *read_whole_file(const char *path, size_t *len);

/* read_whole_file below $BIB_VECTORS. */
char *vec_read_file(const char *relpath, size_t *len);

/* Read and parse a JSON file below $BIB_VECTORS; fails the test if it cannot. */
json_value *vec_load_json(const char *relpath);

/* cmocka group setup for every binary: libsodium up, BIB_VECTORS present. */
int vec_group_setup(void **state);

/* ---- Wycheproof ----------------------------------------------------------- */

typedef enum wycheproof_result {
    WYCHEPROOF_VALID,
    WYCHEPROOF_INVALID,
    WYCHEPROOF_ACCEPTABLE
} wycheproof_result;

/* The test's "result" field; fails the test on any other spelling. */
wycheproof_result wycheproof_result_of(const json_value *test);

/*
 * Call fn(group, test, ctx) for every test of every group of a loaded
 * Wycheproof file, after checking that the count equals numberOfTests (so a
 * truncated file cannot pass quietly).
 */
typedef void (*wycheproof_fn)(const json_value *group, const json_value *test, void *ctx);
void wycheproof_for_each(const json_value *doc, wycheproof_fn fn, void *ctx);

/* ---- replayed randomness ------------------------------------------------- */

/*
 * A bib_rng that hands out recorded bytes in order, so an envelope or a
 * split can be reproduced byte for byte.  Asking for more than was recorded
 * fails the test: the implementation drew more randomness than the
 * reference.
 */
typedef struct replay_rng {
    bib_rng rng; /* pass &r.rng to the core */
    const uint8_t *bytes;
    size_t len;
    size_t used;
} replay_rng;

void replay_rng_init(replay_rng *r, const uint8_t *bytes, size_t len);

/* Fail unless every recorded byte was drawn: the implementation drew less. */
void replay_rng_expect_consumed(const replay_rng *r);

#endif
