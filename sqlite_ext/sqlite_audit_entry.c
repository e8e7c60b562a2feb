/*
 * sqlite_audit_entry.c — the functions that bib's audit triggers call to
 * write an entry: row images as JSON, the entry's time, the row hash and
 * the chain step.
 *
 * They are what the triggers that bib_audit_enable creates (and the
 * statement of bib_audit_append) are made of; applications have no need to
 * call them, but may, e.g. to recompute a hash.  All five are
 * SQLITE_INNOCUOUS and SQLITE_DETERMINISTIC: their result depends on their
 * arguments alone, they read no key and no connection state, so the
 * triggers keep working with PRAGMA trusted_schema=OFF.  The byte-exact
 * rules (field order, JSON rendering) are in docs/audit-sqlite.md.
 *
 * Column lists.  The first argument of the two JSON functions names the
 * columns, in table order, as a compact JSON object whose values say
 * whether the column is redacted: '{"id":0,"name":0,"password":1}'.  The
 * keys are copied into the result as written, so they must be JSON
 * strings without spaces around them; anything else, NULL included, or a
 * value count that does not match fails with
 * "bib: malformed audit column list".
 *
 * Values.  INTEGER and REAL as JSON numbers (REAL with 15 significant
 * digits, as SQLite's json_object writes them; infinities as 9.0e+999 and
 * -9.0e+999), TEXT as a JSON string, BLOB as the string "\\x" followed by
 * lowercase hex (PostgreSQL's rendering of bytea in JSON), NULL as null.
 * A redacted column is the string "[redacted]", whatever its value, NULL
 * included.
 *
 * Wide tables.  SQLite limits a function to 127 arguments, so a table's
 * columns may be passed in several calls, each adding its members to the
 * object the previous call returned (argument so_far; NULL for the first).
 *
 * bib_audit_row_json(columns TEXT, so_far TEXT, value, ...) -> TEXT
 *     The JSON object of the row: so_far's members, then one member per
 *     column.
 *       SELECT bib_audit_row_json('{"id":0,"pw":1}', NULL, 7, 'secret');
 *                                               -- {"id":7,"pw":"[redacted]"}
 *
 * bib_audit_diff_json(columns TEXT, side INTEGER, so_far TEXT, old, ..., new, ...) -> TEXT
 *     For UPDATE: the object of the columns whose value changed — the old
 *     values when side is 0, the new ones when side is 1.  A value changed
 *     when its type or its bytes differ (1 and 1.0 and '1' all differ).
 *     Any other side fails with "bib: malformed audit column list".
 *       SELECT bib_audit_diff_json('{"a":0,"b":0}', 1, NULL, 1, 'x', 2, 'x');   -- {"a":2}
 *
 * bib_audit_row_hash(id, logged_at, action, table_name, row_key, old_data,
 *                    new_data, operation_id, job_id, source, actor, metadata) -> BLOB
 *     row_hash = SHA-256("bib-audit-v1" || field ...), each field written
 *     as u32 length || bytes (NULL: length 0xFFFFFFFF, no bytes); TEXT and
 *     BLOB as their bytes, numbers as SQLite's text for them (id 42 is the
 *     two bytes "42").  Never NULL.
 *       SELECT hex(bib_audit_row_hash(1, '2024-01-01T00:00:00.000Z', 'APP', NULL, NULL,
 *                                     NULL, NULL, NULL, NULL, NULL, NULL, '{}'));
 *
 * bib_audit_chain(prev BLOB, row_hash BLOB) -> BLOB
 *     One chain step, SHA-256("bib-chain-v1" || prev || row_hash): an
 *     entry's entry_hash from the entry_hash before it (32 zero bytes for
 *     the first entry) and its row_hash.  NULL in gives NULL; a value that
 *     is not 32 bytes fails with "bib: audit hash must be 32 bytes".
 *       SELECT hex(bib_audit_chain(zeroblob(32), row_hash)) = hex(entry_hash)
 *       FROM bib_audit_log WHERE id = 1;                       -- 1
 *
 * bib_audit_time(julian_day REAL) -> TEXT
 *     An entry's logged_at: the UTC time of a Julian day number as
 *     YYYY-MM-DDTHH:MM:SS.SSSZ, the text strftime('%Y-%m-%dT%H:%M:%fZ',
 *     julian_day) gives.  The triggers pass julianday('now'), SQLite's time
 *     of the statement; julianday and this function cost a sixth of what
 *     strftime's format interpreter does, once per audited row.  NULL when
 *     julian_day is not a number, or not a time of the years 0000 to 9999.
 *       SELECT bib_audit_time(julianday('2024-05-01 12:00:00.25'));
 *                                               -- 2024-05-01T12:00:00.250Z
 */
#include "bib_sqlite.h"

#include <math.h>
#include <string.h>

#include "bib_audit.h"
#include "bib_json.h"

/* SQLite's default limit on a function's arguments (SQLITE_MAX_FUNCTION_ARG). */
#define MAX_COLUMNS 127
/* Room for the JSON of a typical row before the heap is needed. */
#define JSON_STACK_BYTES 1024
/* The decimal text of any int64, sign included. */
#define INT_TEXT_BYTES 20
/* "%!.15g" of any finite double: sign, 15 digits, point, exponent. */
#define REAL_TEXT_BYTES 32
/* Milliseconds per day; Julian day numbers begin at noon. */
#define DAY_MS 86400000
#define HALF_DAY_MS 43200000
/* Julian milliseconds of 0000-01-01 00:00:00.000 and 9999-12-31 23:59:59.999. */
#define MIN_JULIAN_MS 148699540800000LL
#define MAX_JULIAN_MS 464269060799999LL
static const char hex_digits[] = "0123456789abcdef";

/* One member of a column list: its key as written, quotes included. */
typedef struct column {
    const char *key;
    size_t key_len;
    int redacted;
} column;

/* The end of the JSON string starting at p (just past its closing quote), or NULL. */
static const char *string_end(const char *p, const char *end)
{
    if (p == end || *p != '"')
        return NULL;
    for (p++; p < end; p++) {
        if (*p == '\\') {
            if (++p == end)
                return NULL;
        } else if (*p == '"') {
            return p + 1;
        } else if ((unsigned char)*p < 0x20) {
            return NULL;
        }
    }
    return NULL;
}

/*
 * Parse '{"key":0,"key":1,...}' into cols (room for max entries).  Returns
 * the number of columns, or -1 when the text is malformed or has more.
 */
static int parse_columns(sqlite3_value *spec, column *cols, int max)
{
    const char *p = (const char *)sqlite3_value_text(spec);
    const char *end;
    int n = 0;

    if (p == NULL)
        return -1;
    end = p + sqlite3_value_bytes(spec);
    if (p == end || *p++ != '{')
        return -1;
    if (p < end && *p == '}')
        return p + 1 == end ? 0 : -1;
    for (;;) {
        const char *key_end = string_end(p, end);

        if (key_end == NULL || n == max || end - key_end < 3 || key_end[0] != ':' ||
            (key_end[1] != '0' && key_end[1] != '1'))
            return -1;
        cols[n].key = p;
        cols[n].key_len = (size_t)(key_end - p);
        cols[n].redacted = key_end[1] == '1';
        n++;
        p = key_end + 2;
        if (*p == '}')
            return p + 1 == end ? n : -1;
        if (*p++ != ',')
            return -1;
    }
}

/*
 * The text of an object being written.  Audit triggers call the JSON
 * functions once per row, so the text is built on the stack and handed to
 * SQLite to copy (into a register it reuses from row to row); only an
 * image larger than the stack buffer goes to the heap.
 */
typedef struct json_out {
    char *p; /* stack, or the heap once it outgrew it */
    size_t len;
    size_t cap;
    int nomem;
    char stack[JSON_STACK_BYTES];
} json_out;

static void out_init(json_out *out)
{
    out->p = out->stack;
    out->len = 0;
    out->cap = sizeof out->stack;
    out->nomem = 0;
}

/* Move the text to a heap buffer with room for n more bytes; sets nomem on failure. */
static void out_grow(json_out *out, size_t n)
{
    size_t cap = out->cap;
    char *p;

    while (cap - out->len < n)
        cap *= 2;
    p = sqlite3_realloc64(out->p == out->stack ? NULL : out->p, cap);
    if (p == NULL) {
        out->nomem = 1;
        return;
    }
    if (out->p == out->stack)
        memcpy(p, out->stack, out->len);
    out->p = p;
    out->cap = cap;
}

/* Where the next n bytes go, or NULL (nomem set) when memory ran out. */
static inline char *out_reserve(json_out *out, size_t n)
{
    if (out->cap - out->len < n && !out->nomem)
        out_grow(out, n);
    return out->nomem ? NULL : out->p + out->len;
}

static inline void out_append(json_out *out, const void *bytes, size_t n)
{
    char *at = n > 0 ? out_reserve(out, n) : NULL;

    if (at != NULL) {
        memcpy(at, bytes, n);
        out->len += n;
    }
}

static void out_char(json_out *out, char c)
{
    out_append(out, &c, 1);
}

/* The object as the function's result: SQLite copies a stack text and takes over a heap one. */
static void out_result(sqlite3_context *ctx, json_out *out)
{
    if (out->nomem)
        sqlite3_result_error_nomem(ctx);
    else if (out->p == out->stack)
        sqlite3_result_text64(ctx, out->p, out->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    else
        sqlite3_result_text64(ctx, out->p, out->len, sqlite3_free, SQLITE_UTF8);
    if (out->nomem && out->p != out->stack)
        sqlite3_free(out->p);
}

/* v in decimal, as SQLite writes an INTEGER, into text; returns the length. */
static size_t int_text(char text[INT_TEXT_BYTES], sqlite3_int64 v)
{
    char digits[INT_TEXT_BYTES];
    /* The magnitude in unsigned arithmetic, so that the smallest int64 has one too. */
    sqlite3_uint64 u = v < 0 ? 0 - (sqlite3_uint64)v : (sqlite3_uint64)v;
    size_t n = 0, len = 0;

    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        text[len++] = '-';
    while (n > 0)
        text[len++] = digits[--n];
    return len;
}

static void append_to_json_out(void *out, const char *bytes, size_t len)
{
    out_append(out, bytes, len);
}

static void put_json_string(json_out *out, const char *s, size_t n)
{
    bib_json_write_string(s, n, append_to_json_out, out);
}

static void put_json_value(json_out *out, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: {
        char text[INT_TEXT_BYTES];

        out_append(out, text, int_text(text, sqlite3_value_int64(v)));
        break;
    }
    case SQLITE_FLOAT: {
        double d = sqlite3_value_double(v);
        char text[REAL_TEXT_BYTES];

        if (isinf(d))
            out_append(out, d > 0 ? "9.0e+999" : "-9.0e+999", d > 0 ? 8 : 9);
        else
            out_append(out, text, strlen(sqlite3_snprintf(sizeof text, text, "%!.15g", d)));
        break;
    }
    case SQLITE_TEXT:
        put_json_string(out, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
        break;
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_value_blob(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        char *hex;

        out_append(out, "\"\\\\x", 4);
        hex = out_reserve(out, 2 * n);
        if (hex != NULL) {
            for (size_t i = 0; i < n; i++) {
                hex[2 * i] = hex_digits[b[i] >> 4];
                hex[2 * i + 1] = hex_digits[b[i] & 15];
            }
            out->len += 2 * n;
        }
        out_char(out, '"');
        break;
    }
    default:
        out_append(out, "null", 4);
    }
}

static int same_value(sqlite3_value *a, sqlite3_value *b)
{
    int type = sqlite3_value_type(a);
    int n;

    if (type != sqlite3_value_type(b))
        return 0;
    switch (type) {
    case SQLITE_NULL:
        return 1;
    case SQLITE_INTEGER:
        return sqlite3_value_int64(a) == sqlite3_value_int64(b);
    case SQLITE_FLOAT:
        return sqlite3_value_double(a) == sqlite3_value_double(b);
    default:
        n = sqlite3_value_bytes(a);
        return n == sqlite3_value_bytes(b) &&
               (n == 0 || memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b), (size_t)n) == 0);
    }
}

/*
 * Start an object holding so_far's members (NULL: none), ready for more;
 * -1 when so_far is not an object.
 */
static int object_begin(json_out *out, sqlite3_value *so_far, int *members)
{
    const char *prev = NULL;
    size_t n = 0;

    if (sqlite3_value_type(so_far) != SQLITE_NULL) {
        prev = (const char *)sqlite3_value_text(so_far);
        n = (size_t)sqlite3_value_bytes(so_far);
        if (prev == NULL || n < 2 || prev[0] != '{' || prev[n - 1] != '}')
            return -1;
    }
    out_init(out);
    *members = n > 2;
    if (prev != NULL)
        out_append(out, prev, n - 1);
    else
        out_char(out, '{');
    return 0;
}

static void put_member(json_out *out, int *members, const column *col, sqlite3_value *v)
{
    if ((*members)++ > 0)
        out_char(out, ',');
    out_append(out, col->key, col->key_len);
    out_char(out, ':');
    if (col->redacted)
        out_append(out, "\"[redacted]\"", 12);
    else
        put_json_value(out, v);
}

static void object_end(sqlite3_context *ctx, json_out *out)
{
    out_char(out, '}');
    out_result(ctx, out);
}

void bib_sql_audit_row_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    column cols[MAX_COLUMNS];
    json_out out;
    int members;

    if (argc < 2 || parse_columns(argv[0], cols, MAX_COLUMNS) != argc - 2 ||
        object_begin(&out, argv[1], &members) != 0) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_COLUMN_LIST);
        return;
    }
    for (int i = 0; i < argc - 2; i++)
        put_member(&out, &members, &cols[i], argv[2 + i]);
    object_end(ctx, &out);
}

void bib_sql_audit_diff_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    column cols[MAX_COLUMNS];
    int n = (argc - 3) / 2;
    sqlite3_value **old_values = argv + 3, **new_values = argv + 3 + n;
    sqlite3_value **side;
    json_out out;
    int members;

    if (argc < 3 || (argc - 3) % 2 != 0 || parse_columns(argv[0], cols, n) != n ||
        sqlite3_value_type(argv[1]) != SQLITE_INTEGER ||
        (sqlite3_value_int64(argv[1]) != 0 && sqlite3_value_int64(argv[1]) != 1) ||
        object_begin(&out, argv[2], &members) != 0) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_COLUMN_LIST);
        return;
    }
    side = sqlite3_value_int64(argv[1]) == 0 ? old_values : new_values;
    for (int i = 0; i < n; i++)
        if (!same_value(old_values[i], new_values[i]))
            put_member(&out, &members, &cols[i], side[i]);
    object_end(ctx, &out);
}

/*
 * The hashes are returned for SQLite to copy, like the JSON: from the
 * generated columns they go into registers that are reused row after row.
 */
void bib_sql_audit_row_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_audit_row row;
    uint8_t hash[BIB_AUDIT_HASHBYTES];

    bib_audit_row_begin(&row);
    for (int i = 0; i < argc; i++) {
        int type = sqlite3_value_type(argv[i]);
        char int_bytes[INT_TEXT_BYTES];
        const void *p;
        size_t len;
        bib_status st;

        switch (type) {
        case SQLITE_NULL:
            bib_audit_row_null(&row);
            continue;
        case SQLITE_INTEGER:
            /* The text SQLite would give, written here rather than converted in place. */
            p = int_bytes;
            len = int_text(int_bytes, sqlite3_value_int64(argv[i]));
            break;
        case SQLITE_FLOAT:
            p = sqlite3_value_text(argv[i]);
            if (p == NULL) {
                sqlite3_result_error_nomem(ctx);
                return;
            }
            len = (size_t)sqlite3_value_bytes(argv[i]);
            break;
        default:
            p = sqlite3_value_blob(argv[i]);
            len = (size_t)sqlite3_value_bytes(argv[i]);
        }
        st = bib_audit_row_field(&row, p != NULL ? p : bib_sqlite_no_bytes, len);
        if (st != BIB_OK) {
            bib_sqlite_error(ctx, st);
            return;
        }
    }
    bib_audit_row_end(&row, hash);
    sqlite3_result_blob(ctx, hash, BIB_AUDIT_HASHBYTES, SQLITE_TRANSIENT);
}

void bib_sql_audit_chain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes arg[2];
    uint8_t chain[BIB_AUDIT_HASHBYTES];

    if (bib_sqlite_read_bytes(ctx, argc, argv, 2, arg) != 0)
        return;
    if (arg[0].n != BIB_AUDIT_HASHBYTES || arg[1].n != BIB_AUDIT_HASHBYTES) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_HASH_LENGTH);
        return;
    }
    memcpy(chain, arg[0].p, BIB_AUDIT_HASHBYTES);
    bib_audit_chain_step(chain, arg[1].p);
    sqlite3_result_blob(ctx, chain, BIB_AUDIT_HASHBYTES, SQLITE_TRANSIENT);
}

/* Two decimal digits of v (0..99) at text. */
static void put_2_digits(char *text, int v)
{
    text[0] = (char)('0' + v / 10);
    text[1] = (char)('0' + v % 10);
}

void bib_sql_audit_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int type = sqlite3_value_type(argv[0]);
    double julian_day = sqlite3_value_double(argv[0]);
    sqlite3_int64 ms;
    int day_number, ms_of_day, alpha, a, b, c, d, e, year, month, day;
    char text[24];

    (void)argc;
    /* SQLite's own conversion (date.c, setRawDateNumber), so the milliseconds match strftime's. */
    if ((type != SQLITE_FLOAT && type != SQLITE_INTEGER) ||
        !(julian_day >= 0.0 && julian_day < 5373484.5))
        return;
    ms = (sqlite3_int64)(julian_day * DAY_MS + 0.5);
    if (ms < MIN_JULIAN_MS || ms > MAX_JULIAN_MS)
        return;
    day_number = (int)((ms + HALF_DAY_MS) / DAY_MS);
    ms_of_day = (int)((ms + HALF_DAY_MS) % DAY_MS);
    /*
     * The date exactly as SQLite's computeYMD (date.c) finds it, Meeus's
     * algorithm with its rounding: it differs from the proleptic Gregorian
     * calendar on a few days before 1582 (0300-02-29 exists), and
     * logged_at must be strftime's text on every day.
     */
    alpha = (int)((day_number - 1867216.25) / 36524.25);
    a = day_number + 1 + alpha - alpha / 4;
    b = a + 1524;
    c = (int)((b - 122.1) / 365.25);
    d = (36525 * (c & 32767)) / 100;
    e = (int)((b - d) / 30.6001);
    day = b - d - (int)(30.6001 * e);
    month = e < 14 ? e - 1 : e - 13;
    year = month > 2 ? c - 4716 : c - 4715;
    put_2_digits(text, year / 100);
    put_2_digits(text + 2, year % 100);
    text[4] = '-';
    put_2_digits(text + 5, month);
    text[7] = '-';
    put_2_digits(text + 8, day);
    text[10] = 'T';
    put_2_digits(text + 11, ms_of_day / 3600000);
    text[13] = ':';
    put_2_digits(text + 14, ms_of_day / 60000 % 60);
    text[16] = ':';
    put_2_digits(text + 17, ms_of_day / 1000 % 60);
    text[19] = '.';
    text[20] = (char)('0' + ms_of_day / 100 % 10);
    put_2_digits(text + 21, ms_of_day % 100);
    text[23] = 'Z';
    sqlite3_result_text(ctx, text, sizeof text, SQLITE_TRANSIENT);
}
