/*
 * sqlite_audit_entry.c — the functions that bib's audit triggers call to
 * write an entry: row images as JSON, the row hash and the chain step.
 *
 * They are what the triggers that bib_audit_enable creates (and the
 * statement of bib_audit_append) are made of; applications have no need to
 * call them, but may, e.g. to recompute a hash.  All four are
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
 */
#include "bib_sqlite.h"

#include <math.h>
#include <string.h>

#include "bib_audit.h"

/* SQLite's default limit on a function's arguments (SQLITE_MAX_FUNCTION_ARG). */
#define MAX_COLUMNS 127
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

/* s as a JSON string. */
static void put_json_string(sqlite3_str *out, const char *s, size_t n)
{
    size_t run = 0;

    sqlite3_str_appendchar(out, 1, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        int esc_len = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sqlite3_str_append(out, s + run, (int)(i - run));
        run = i + 1;
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex_digits[c >> 4];
            esc[5] = hex_digits[c & 15];
            esc_len = 6;
        }
        sqlite3_str_append(out, esc, esc_len);
    }
    sqlite3_str_append(out, s + run, (int)(n - run));
    sqlite3_str_appendchar(out, 1, '"');
}

static void put_json_value(sqlite3_str *out, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        sqlite3_str_appendf(out, "%lld", sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT: {
        double d = sqlite3_value_double(v);

        if (isinf(d))
            sqlite3_str_appendall(out, d > 0 ? "9.0e+999" : "-9.0e+999");
        else
            sqlite3_str_appendf(out, "%!.15g", d);
        break;
    }
    case SQLITE_TEXT:
        put_json_string(out, (const char *)sqlite3_value_text(v),
                        (size_t)sqlite3_value_bytes(v));
        break;
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_value_blob(v);
        int n = sqlite3_value_bytes(v);

        sqlite3_str_appendall(out, "\"\\\\x");
        for (int i = 0; i < n; i++) {
            char pair[2] = {hex_digits[b[i] >> 4], hex_digits[b[i] & 15]};

            sqlite3_str_append(out, pair, 2);
        }
        sqlite3_str_appendchar(out, 1, '"');
        break;
    }
    default:
        sqlite3_str_appendall(out, "null");
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
 * A new object text holding so_far's members (NULL: none), ready for more;
 * NULL when so_far is not an object.
 */
static sqlite3_str *object_begin(sqlite3_context *ctx, sqlite3_value *so_far, int *members)
{
    const char *prev = NULL;
    int n = 0;
    sqlite3_str *out;

    if (sqlite3_value_type(so_far) != SQLITE_NULL) {
        prev = (const char *)sqlite3_value_text(so_far);
        n = sqlite3_value_bytes(so_far);
        if (prev == NULL || n < 2 || prev[0] != '{' || prev[n - 1] != '}')
            return NULL;
    }
    out = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    *members = n > 2;
    if (prev != NULL)
        sqlite3_str_append(out, prev, n - 1);
    else
        sqlite3_str_appendchar(out, 1, '{');
    return out;
}

static void put_member(sqlite3_str *out, int *members, const column *col, sqlite3_value *v)
{
    if ((*members)++ > 0)
        sqlite3_str_appendchar(out, 1, ',');
    sqlite3_str_append(out, col->key, (int)col->key_len);
    sqlite3_str_appendchar(out, 1, ':');
    if (col->redacted)
        sqlite3_str_appendall(out, "\"[redacted]\"");
    else
        put_json_value(out, v);
}

static void object_end(sqlite3_context *ctx, sqlite3_str *out)
{
    int rc;

    sqlite3_str_appendchar(out, 1, '}');
    rc = sqlite3_str_errcode(out);
    if (rc != SQLITE_OK) {
        sqlite3_free(sqlite3_str_finish(out));
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_text(ctx, sqlite3_str_finish(out), -1, sqlite3_free);
}

void bib_sql_audit_row_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    column cols[MAX_COLUMNS];
    sqlite3_str *out;
    int members;

    if (argc < 2 || parse_columns(argv[0], cols, MAX_COLUMNS) != argc - 2 ||
        (out = object_begin(ctx, argv[1], &members)) == NULL) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_COLUMN_LIST);
        return;
    }
    for (int i = 0; i < argc - 2; i++)
        put_member(out, &members, &cols[i], argv[2 + i]);
    object_end(ctx, out);
}

void bib_sql_audit_diff_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    column cols[MAX_COLUMNS];
    int n = (argc - 3) / 2;
    sqlite3_value **old_values = argv + 3, **new_values = argv + 3 + n;
    sqlite3_value **side;
    sqlite3_str *out;
    int members;

    if (argc < 3 || (argc - 3) % 2 != 0 || parse_columns(argv[0], cols, n) != n ||
        sqlite3_value_type(argv[1]) != SQLITE_INTEGER ||
        (sqlite3_value_int64(argv[1]) != 0 && sqlite3_value_int64(argv[1]) != 1) ||
        (out = object_begin(ctx, argv[2], &members)) == NULL) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_COLUMN_LIST);
        return;
    }
    side = sqlite3_value_int64(argv[1]) == 0 ? old_values : new_values;
    for (int i = 0; i < n; i++)
        if (!same_value(old_values[i], new_values[i]))
            put_member(out, &members, &cols[i], side[i]);
    object_end(ctx, out);
}

void bib_sql_audit_row_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_audit_row row;
    uint8_t *hash;

    bib_audit_row_begin(&row);
    for (int i = 0; i < argc; i++) {
        int type = sqlite3_value_type(argv[i]);
        const void *p;
        bib_status st;

        if (type == SQLITE_NULL) {
            bib_audit_row_null(&row);
            continue;
        }
        p = type == SQLITE_INTEGER || type == SQLITE_FLOAT ? sqlite3_value_text(argv[i])
                                                          : sqlite3_value_blob(argv[i]);
        if (p == NULL && (type == SQLITE_INTEGER || type == SQLITE_FLOAT)) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        st = bib_audit_row_field(&row, p != NULL ? p : bib_sqlite_no_bytes,
                                 (size_t)sqlite3_value_bytes(argv[i]));
        if (st != BIB_OK) {
            bib_sqlite_error(ctx, st);
            return;
        }
    }
    hash = bib_sqlite_alloc(ctx, BIB_AUDIT_HASHBYTES);
    if (hash == NULL)
        return;
    bib_audit_row_end(&row, hash);
    bib_sqlite_result_blob(ctx, hash, BIB_AUDIT_HASHBYTES);
}

void bib_sql_audit_chain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_bytes arg[2];
    uint8_t *chain;

    if (bib_sqlite_read_bytes(ctx, argc, argv, 2, arg) != 0)
        return;
    if (arg[0].n != BIB_AUDIT_HASHBYTES || arg[1].n != BIB_AUDIT_HASHBYTES) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_HASH_LENGTH);
        return;
    }
    chain = bib_sqlite_alloc(ctx, BIB_AUDIT_HASHBYTES);
    if (chain == NULL)
        return;
    memcpy(chain, arg[0].p, BIB_AUDIT_HASHBYTES);
    bib_audit_chain_step(chain, arg[1].p);
    bib_sqlite_result_blob(ctx, chain, BIB_AUDIT_HASHBYTES);
}
