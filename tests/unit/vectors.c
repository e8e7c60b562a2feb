/*
 * vectors.c — support code linked into every unit test binary: the JSON
 * reader, hex, vector files, Wycheproof iteration and the replayed random
 * source declared in vectors.h.
 *
 * The JSON reader is strict on purpose.  The vector files are produced by
 * other programs; a lenient parser could read a damaged file as something
 * plausible and let a test pass on the wrong data, so anything outside RFC
 * 8259 is an error that names its byte offset.
 */
#include "vectors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

/* Deeper nesting than any vector file needs; bounds the recursion. */
#define JSON_MAX_DEPTH 64

#define NO_VECTORS                                                                                 \
    "BIB_VECTORS is not set: run the tests with `make test-unit VECTORS=...` or set it to "        \
    "the shared/vectors directory"

/* ---- failing ------------------------------------------------------------ */

/*
 * cmocka prints progress on stdout and failures on stderr; run.sh sends both
 * to one file, where a block-buffered stdout would put every failure
 * message far from the test that printed it.
 */
__attribute__((constructor)) static void line_buffer_stdout(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

void vec_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("ERROR: %s\n", msg);
    _fail(file, line);
    /* _fail longjmps out of the test; outside one there is nothing sane left to do. */
    abort();
}

void vec_expect_status(const char *file, int line, const char *what, bib_status got,
                       bib_status want)
{
    if (got != want)
        vec_fail(file, line, "%s: got %s (%s), want %s", what, bib_status_name(got),
                 bib_status_message(got), bib_status_name(want));
}

/* Up to 64 bytes of hex from offset `from`: enough to see a difference, short enough to read. */
static void print_hex_window(const char *label, const uint8_t *b, size_t len, size_t from)
{
    char hex[2 * 64 + 1];
    size_t shown = from < len ? len - from : 0;

    if (shown > 64)
        shown = 64;
    sodium_bin2hex(hex, sizeof hex, b + (shown > 0 ? from : 0), shown);
    print_error("  %s (%zu bytes) from byte %zu: %s%s\n", label, len, from, hex,
                from + shown < len ? "..." : "");
}

void vec_expect_bytes(const char *file, int line, const char *what, const uint8_t *got,
                      size_t got_len, const uint8_t *want, size_t want_len)
{
    size_t first = 0, from;

    while (first < got_len && first < want_len && got[first] == want[first])
        first++;
    if (first == got_len && first == want_len)
        return;
    from = first > 16 ? first - 16 : 0;
    print_hex_window("got ", got, got_len, from);
    print_hex_window("want", want, want_len, from);
    vec_fail(file, line, "%s: bytes differ from byte %zu on", what, first);
}

/* ---- JSON parser ---------------------------------------------------------- */

typedef struct json_parser {
    const char *start;
    const char *p;
    const char *end;
    int depth;
    char *err;
    size_t err_len;
} json_parser;

static json_value *parse_value(json_parser *ps);

static void parse_error(json_parser *ps, const char *what)
{
    if (ps->err != NULL && ps->err_len > 0 && ps->err[0] == '\0')
        snprintf(ps->err, ps->err_len, "JSON error at byte %zu: %s", (size_t)(ps->p - ps->start),
                 what);
}

static void skip_space(json_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static json_value *new_value(json_parser *ps, json_type type)
{
    json_value *v = calloc(1, sizeof *v);

    if (v == NULL)
        parse_error(ps, "out of memory");
    else
        v->type = type;
    return v;
}

/* Match a literal word such as "true"; the caller has seen its first letter. */
static int parse_word(json_parser *ps, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
        parse_error(ps, "invalid literal");
        return 0;
    }
    ps->p += n;
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Skip one or more digits; 0 when there is none. */
static int skip_digits(json_parser *ps)
{
    const char *from = ps->p;

    while (ps->p < ps->end && is_digit(*ps->p))
        ps->p++;
    return ps->p > from;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static json_value *parse_number(json_parser *ps)
{
    const char *from = ps->p;
    int integral = 1;
    char text[64];
    size_t len;
    json_value *v;

    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0') {
        ps->p++;
        if (ps->p < ps->end && is_digit(*ps->p)) {
            parse_error(ps, "leading zero in number");
            return NULL;
        }
    } else if (!skip_digits(ps)) {
        parse_error(ps, "invalid number");
        return NULL;
    }
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        integral = 0;
        if (!skip_digits(ps)) {
            parse_error(ps, "digit expected after decimal point");
            return NULL;
        }
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        integral = 0;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!skip_digits(ps)) {
            parse_error(ps, "digit expected in exponent");
            return NULL;
        }
    }
    len = (size_t)(ps->p - from);
    if (len >= sizeof text) {
        parse_error(ps, "number too long");
        return NULL;
    }
    memcpy(text, from, len);
    text[len] = '\0';
    v = new_value(ps, JSON_NUMBER);
    if (v == NULL)
        return NULL;
    v->u.number.value = strtod(text, NULL);
    if (integral) {
        errno = 0;
        v->u.number.integer = strtoll(text, NULL, 10);
        v->u.number.is_integer = errno == 0;
    }
    return v;
}

static int hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The four hex digits of a \u escape (ps->p is just past the 'u'); -1 if malformed. */
static long parse_u_escape(json_parser *ps)
{
    long cp = 0;

    if (ps->end - ps->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit_value(ps->p[i]);
        if (d < 0)
            return -1;
        cp = cp * 16 + d;
    }
    ps->p += 4;
    return cp;
}

static size_t put_utf8(char *out, long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \u escape, with its low surrogate when it is a high one, as UTF-8; 0 on error. */
static size_t parse_unicode_escape(json_parser *ps, char *out)
{
    long cp = parse_u_escape(ps);

    if (cp < 0) {
        parse_error(ps, "invalid \\u escape");
        return 0;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        parse_error(ps, "unpaired low surrogate");
        return 0;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long low;
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
            parse_error(ps, "unpaired high surrogate");
            return 0;
        }
        ps->p += 2;
        low = parse_u_escape(ps);
        if (low < 0xDC00 || low > 0xDFFF) {
            parse_error(ps, "high surrogate not followed by a low one");
            return 0;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return put_utf8(out, cp);
}

/* Length of the well-formed UTF-8 sequence at p (no overlongs, surrogates, > U+10FFFF), or 0. */
static size_t utf8_sequence_length(const unsigned char *p, size_t left)
{
    unsigned char b = p[0];
    size_t n;
    unsigned long cp;

    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        cp = b & 0x07;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/*
 * A string token (ps->p on the opening quote) into a malloc'ed buffer.  The
 * decoded form is never longer than the source, so the buffer is sized from
 * the source span found first.
 */
static char *parse_string_bytes(json_parser *ps, size_t *out_len)
{
    const char *scan = ps->p + 1;
    char *out;
    size_t len = 0;

    while (scan < ps->end && *scan != '"')
        scan += *scan == '\\' && scan + 1 < ps->end ? 2 : 1;
    if (scan >= ps->end) {
        parse_error(ps, "unterminated string");
        return NULL;
    }
    out = malloc((size_t)(scan - ps->p));
    if (out == NULL) {
        parse_error(ps, "out of memory");
        return NULL;
    }
    ps->p++;
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            parse_error(ps, "control character in string");
            goto fail;
        }
        if (c == '\\') {
            static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
            const char *e;
            char kind = ps->p[1];

            ps->p += 2;
            if (kind == 'u') {
                size_t n = parse_unicode_escape(ps, out + len);
                if (n == 0)
                    goto fail;
                len += n;
                continue;
            }
            for (e = escapes; *e != '\0' && *e != kind; e += 2)
                ;
            if (*e == '\0') {
                ps->p -= 1;
                parse_error(ps, "invalid escape");
                goto fail;
            }
            out[len++] = e[1];
            continue;
        }
        size_t n = utf8_sequence_length((const unsigned char *)ps->p, (size_t)(scan - ps->p));
        if (n == 0) {
            parse_error(ps, "invalid UTF-8 in string");
            goto fail;
        }
        memcpy(out + len, ps->p, n);
        len += n;
        ps->p += n;
    }
    ps->p++;
    out[len] = '\0';
    *out_len = len;
    return out;
fail:
    free(out);
    return NULL;
}

static json_value *parse_string(json_parser *ps)
{
    json_value *v = new_value(ps, JSON_STRING);

    if (v == NULL)
        return NULL;
    v->u.string.bytes = parse_string_bytes(ps, &v->u.string.len);
    if (v->u.string.bytes == NULL) {
        free(v);
        return NULL;
    }
    return v;
}

/* Make room for one more element in a growing array (or two parallel ones). */
static int grow(json_parser *ps, void **items, size_t *cap, size_t len, size_t item_size)
{
    void *bigger;
    size_t new_cap;

    if (len < *cap)
        return 1;
    new_cap = *cap == 0 ? 8 : *cap * 2;
    bigger = realloc(*items, new_cap * item_size);
    if (bigger == NULL) {
        parse_error(ps, "out of memory");
        return 0;
    }
    *items = bigger;
    *cap = new_cap;
    return 1;
}

/*
 * The elements of an array or the members of an object up to the closing
 * bracket; ps->p is just past the opening one.  Shared so that both
 * containers refuse empty elements and trailing commas the same way.
 */
static int parse_elements(json_parser *ps, json_value *v, char close)
{
    size_t cap = 0, key_cap = 0;

    skip_space(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 1;
    }
    for (;;) {
        json_value *item;

        skip_space(ps);
        if (close == '}') {
            char *key;
            size_t key_len;

            if (ps->p >= ps->end || *ps->p != '"') {
                parse_error(ps, "object key expected");
                return 0;
            }
            key = parse_string_bytes(ps, &key_len);
            if (key == NULL)
                return 0;
            if (strlen(key) != key_len || json_find(v, key) != NULL) {
                parse_error(ps, "duplicate key or NUL in key");
                free(key);
                return 0;
            }
            if (!grow(ps, (void **)&v->u.object.keys, &key_cap, v->u.object.len, sizeof(char *))) {
                free(key);
                return 0;
            }
            v->u.object.keys[v->u.object.len] = key;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                parse_error(ps, "':' expected");
                free(key);
                return 0;
            }
            ps->p++;
            item = parse_value(ps);
            if (item == NULL ||
                !grow(ps, (void **)&v->u.object.values, &cap, v->u.object.len, sizeof item)) {
                free(key);
                json_free(item);
                return 0;
            }
            v->u.object.values[v->u.object.len++] = item;
        } else {
            item = parse_value(ps);
            if (item == NULL ||
                !grow(ps, (void **)&v->u.array.items, &cap, v->u.array.len, sizeof item)) {
                json_free(item);
                return 0;
            }
            v->u.array.items[v->u.array.len++] = item;
        }
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 1;
        }
        parse_error(ps, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
        return 0;
    }
}

static json_value *parse_container(json_parser *ps, json_type type, char close)
{
    json_value *v;

    if (++ps->depth > JSON_MAX_DEPTH) {
        parse_error(ps, "nesting too deep");
        return NULL;
    }
    ps->p++;
    v = new_value(ps, type);
    if (v != NULL && !parse_elements(ps, v, close)) {
        json_free(v);
        v = NULL;
    }
    ps->depth--;
    return v;
}

static json_value *parse_value(json_parser *ps)
{
    json_value *v;

    skip_space(ps);
    if (ps->p >= ps->end) {
        parse_error(ps, "value expected");
        return NULL;
    }
    switch (*ps->p) {
    case '{':
        return parse_container(ps, JSON_OBJECT, '}');
    case '[':
        return parse_container(ps, JSON_ARRAY, ']');
    case '"':
        return parse_string(ps);
    case 't':
    case 'f': {
        int truth = *ps->p == 't';
        if (!parse_word(ps, truth ? "true" : "false"))
            return NULL;
        v = new_value(ps, JSON_BOOL);
        if (v != NULL)
            v->u.boolean = truth;
        return v;
    }
    case 'n':
        return parse_word(ps, "null") ? new_value(ps, JSON_NULL) : NULL;
    default:
        if (*ps->p == '-' || is_digit(*ps->p))
            return parse_number(ps);
        parse_error(ps, "unexpected character");
        return NULL;
    }
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_len)
{
    json_parser ps = {text, text, text + len, 0, err, err_len};
    json_value *v;

    if (err != NULL && err_len > 0)
        err[0] = '\0';
    v = parse_value(&ps);
    if (v == NULL)
        return NULL;
    skip_space(&ps);
    if (ps.p != ps.end) {
        parse_error(&ps, "trailing text after the value");
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(json_value *v)
{
    if (v == NULL)
        return;
    switch (v->type) {
    case JSON_STRING:
        free(v->u.string.bytes);
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < v->u.array.len; i++)
            json_free(v->u.array.items[i]);
        free(v->u.array.items);
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < v->u.object.len; i++) {
            free(v->u.object.keys[i]);
            json_free(v->u.object.values[i]);
        }
        free(v->u.object.keys);
        free(v->u.object.values);
        break;
    default:
        break;
    }
    free(v);
}

/* ---- JSON lookups --------------------------------------------------------- */

static const char *type_name(json_type t)
{
    static const char *const names[] = {"null", "boolean", "number", "string", "array", "object"};
    return names[t];
}

static void expect_type(const json_value *v, json_type t)
{
    if (v == NULL)
        VEC_FAIL("JSON: missing value where %s expected", type_name(t));
    if (v->type != t)
        VEC_FAIL("JSON: %s where %s expected", type_name(v->type), type_name(t));
}

const json_value *json_find(const json_value *obj, const char *key)
{
    expect_type(obj, JSON_OBJECT);
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

const json_value *json_get(const json_value *obj, const char *key)
{
    const json_value *v = json_find(obj, key);

    if (v == NULL)
        VEC_FAIL("JSON: no member \"%s\"", key);
    return v;
}

size_t json_len(const json_value *array)
{
    expect_type(array, JSON_ARRAY);
    return array->u.array.len;
}

const json_value *json_at(const json_value *array, size_t i)
{
    if (i >= json_len(array))
        VEC_FAIL("JSON: index %zu past the end of an array of %zu", i, array->u.array.len);
    return array->u.array.items[i];
}

const char *json_str(const json_value *v)
{
    expect_type(v, JSON_STRING);
    return v->u.string.bytes;
}

long long json_int(const json_value *v)
{
    expect_type(v, JSON_NUMBER);
    if (!v->u.number.is_integer)
        VEC_FAIL("JSON: %g is not an integer", v->u.number.value);
    return v->u.number.integer;
}

int json_bool(const json_value *v)
{
    expect_type(v, JSON_BOOL);
    return v->u.boolean;
}

int json_is_null(const json_value *v)
{
    if (v == NULL)
        VEC_FAIL("JSON: missing value");
    return v->type == JSON_NULL;
}

const char *json_get_str(const json_value *obj, const char *key)
{
    return json_str(json_get(obj, key));
}

long long json_get_int(const json_value *obj, const char *key)
{
    return json_int(json_get(obj, key));
}

/* ---- hex ------------------------------------------------------------------ */

uint8_t *hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out;

    if (n % 2 != 0)
        VEC_FAIL("hex: odd length %zu in \"%.40s\"", n, hex);
    /* Exactly n/2 bytes, so that AddressSanitizer sees a read one past the end. */
    out = malloc(n / 2 > 0 ? n / 2 : 1);
    if (out == NULL)
        VEC_FAIL("hex: out of memory");
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit_value(hex[2 * i]), lo = hex_digit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            VEC_FAIL("hex: bad digit at %zu in \"%.40s\"", 2 * i, hex);
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    *len = n / 2;
    return out;
}

const uint8_t *bag_hex(hex_bag *bag, const char *hex, size_t *len)
{
    if (bag->count == bag->cap) {
        size_t cap = bag->cap == 0 ? 16 : bag->cap * 2;
        uint8_t **bigger = realloc(bag->items, cap * sizeof *bigger);
        if (bigger == NULL)
            VEC_FAIL("hex: out of memory");
        bag->items = bigger;
        bag->cap = cap;
    }
    bag->items[bag->count] = hex_decode(hex, len);
    return bag->items[bag->count++];
}

const uint8_t *bag_field(hex_bag *bag, const json_value *obj, const char *key, size_t *len)
{
    const json_value *v = json_find(obj, key);

    if (v == NULL || json_is_null(v)) {
        *len = 0;
        return NULL;
    }
    return bag_hex(bag, json_str(v), len);
}

void bag_free(hex_bag *bag)
{
    for (size_t i = 0; i < bag->count; i++)
        free(bag->items[i]);
    free(bag->items);
    bag->items = NULL;
    bag->count = bag->cap = 0;
}

/* ---- files ---------------------------------------------------------------- */

/* The vectors directory; fails the test when BIB_VECTORS is unset or empty. */
static const char *vec_dir(void)
{
    const char *dir = getenv("BIB_VECTORS");

    if (dir == NULL || dir[0] == '\0')
        VEC_FAIL("%s", NO_VECTORS);
    return dir;
}

/* Malloc'ed "$BIB_VECTORS/relpath". */
static char *vec_path(const char *relpath)
{
    const char *dir = vec_dir();
    size_t n = strlen(dir) + 1 + strlen(relpath) + 1;
    char *path = malloc(n);

    if (path == NULL)
        VEC_FAIL("out of memory");
    snprintf(path, n, "%s/%s", dir, relpath);
    return path;
}

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size = -1;
    int ok;

    if (f == NULL)
        VEC_FAIL("cannot open %s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    ok = size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) != NULL &&
         fread(buf, 1, (size_t)size, f) == (size_t)size;
    fclose(f);
    if (!ok) {
        free(buf);
        VEC_FAIL("cannot read %s", path);
    }
    buf[size] = '\0';
    *len = (size_t)size;
    return buf;
}

char *vec_read_file(const char *relpath, size_t *len)
{
    char *path = vec_path(relpath);
    char *text;

    if (access(path, R_OK) != 0) {
        print_error("ERROR: vector file %s: %s\n", path, strerror(errno));
        free(path);
        VEC_FAIL("vector file missing or unreadable: %s (is BIB_VECTORS right?)", relpath);
    }
    text = read_whole_file(path, len);
    free(path);
    return text;
}

json_value *vec_load_json(const char *relpath)
{
    char err[160];
    size_t len;
    char *text = vec_read_file(relpath, &len);
    json_value *doc = json_parse(text, len, err, sizeof err);

    free(text);
    if (doc == NULL)
        VEC_FAIL("%s: %s", relpath, err);
    return doc;
}

int vec_group_setup(void **state)
{
    const char *dir = getenv("BIB_VECTORS");

    (void)state;
    if (bib_core_init() != BIB_OK) {
        print_error("ERROR: bib_core_init failed: libsodium could not be initialised\n");
        return -1;
    }
    if (dir == NULL || dir[0] == '\0') {
        print_error("ERROR: %s\n", NO_VECTORS);
        return -1;
    }
    return 0;
}

/* ---- Wycheproof ----------------------------------------------------------- */

wycheproof_result wycheproof_result_of(const json_value *test)
{
    const char *r = json_get_str(test, "result");

    if (strcmp(r, "valid") == 0)
        return WYCHEPROOF_VALID;
    if (strcmp(r, "invalid") == 0)
        return WYCHEPROOF_INVALID;
    if (strcmp(r, "acceptable") == 0)
        return WYCHEPROOF_ACCEPTABLE;
    VEC_FAIL("Wycheproof tcId %lld: unknown result \"%s\"", json_get_int(test, "tcId"), r);
}

void wycheproof_for_each(const json_value *doc, wycheproof_fn fn, void *ctx)
{
    const json_value *groups = json_get(doc, "testGroups");
    long long declared = json_get_int(doc, "numberOfTests");
    long long seen = 0;

    for (size_t g = 0; g < json_len(groups); g++) {
        const json_value *group = json_at(groups, g);
        const json_value *tests = json_get(group, "tests");

        for (size_t t = 0; t < json_len(tests); t++) {
            fn(group, json_at(tests, t), ctx);
            seen++;
        }
    }
    if (seen != declared || seen == 0)
        VEC_FAIL("Wycheproof file holds %lld tests but declares %lld", seen, declared);
}

/* ---- replayed randomness ------------------------------------------------- */

static void replay_fill(void *ctx, uint8_t *buf, size_t len)
{
    replay_rng *r = ctx;

    if (len > r->len - r->used)
        VEC_FAIL("replay rng: %zu bytes asked at offset %zu, only %zu recorded", len, r->used,
                 r->len);
    memcpy(buf, r->bytes + r->used, len);
    r->used += len;
}

void replay_rng_init(replay_rng *r, const uint8_t *bytes, size_t len)
{
    r->rng.fill = replay_fill;
    r->rng.ctx = r;
    r->bytes = bytes;
    r->len = len;
    r->used = 0;
}

void replay_rng_expect_consumed(const replay_rng *r)
{
    if (r->used != r->len)
        VEC_FAIL("replay rng: %zu of %zu recorded bytes drawn", r->used, r->len);
}
