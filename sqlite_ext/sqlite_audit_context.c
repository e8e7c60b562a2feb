/*
 * sqlite_audit_context.c — the operation context that audit entries carry.
 *
 * The SQLite counterpart of PostgreSQL's bib.set_context(operation_id,
 * job_id, source, actor).  SQLite has no SET LOCAL, so the context belongs
 * to the connection, not to the transaction: it lasts until it is changed,
 * cleared (value NULL) or the connection closes.  Clear it when the
 * operation ends, or the next writes are attributed to it too.  Every audit
 * entry written through this connection — by the audit triggers or by
 * bib_audit_append — stores the four values in its operation_id, job_id,
 * source and actor columns.
 *
 * bib_set_context(key TEXT, value TEXT) -> TEXT
 *     Sets one key for this connection and returns the value stored.  Keys:
 *     'operation_id', 'job_id' (UUIDs: 8-4-4-4-12 hexadecimal digits, any
 *     case, stored in lowercase as PostgreSQL prints a uuid), 'source',
 *     'actor' (any text).  A NULL value clears the key and returns NULL.
 *     Errors: any other key, NULL included, "bib: unknown context key";
 *     a value of operation_id or job_id that is not a UUID
 *     "bib: operation_id and job_id must be UUIDs".  SQLITE_DIRECTONLY: a
 *     schema cannot change who is acting.
 *       SELECT bib_set_context('actor', 'alice');                 -- alice
 *       SELECT bib_set_context('operation_id', '0F8FAD5B-D9CB-469F-A165-70867728950E');
 *                                               -- 0f8fad5b-d9cb-469f-a165-70867728950e
 *       SELECT bib_set_context('actor', NULL);                    -- NULL: cleared
 *
 * bib_context(key TEXT) -> TEXT
 *     The value of one key in this connection, NULL when unset.  An unknown
 *     key, NULL included, fails with "bib: unknown context key".  The audit
 *     triggers call it, so it is SQLITE_INNOCUOUS (it reveals nothing
 *     secret and changes nothing) and works with PRAGMA trusted_schema=OFF;
 *     it is not deterministic.
 *       SELECT bib_context('actor');                              -- alice
 */
#include "bib_sqlite.h"

#include <string.h>

static const char *const context_keys[BIB_SQLITE_CONTEXT_KEYS] = {"operation_id", "job_id",
                                                                  "source", "actor"};

/* Index of a key argument, or -1.  The audit triggers ask four times a row. */
static int context_index(sqlite3_value *key)
{
    const char *name = (const char *)sqlite3_value_text(key);
    size_t len = (size_t)sqlite3_value_bytes(key);

    for (int i = 0; name != NULL && i < BIB_SQLITE_CONTEXT_KEYS; i++)
        if (len == strlen(context_keys[i]) && memcmp(name, context_keys[i], len) == 0)
            return i;
    return -1;
}

/* 8-4-4-4-12 hexadecimal digits; written into out (37 bytes) in lowercase. */
static int parse_uuid(const char *text, size_t len, char out[37])
{
    if (len != 36)
        return -1;
    for (size_t i = 0; i < 36; i++) {
        char c = text[i];

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return -1;
        } else if (c >= 'A' && c <= 'F') {
            c = (char)(c - 'A' + 'a');
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return -1;
        }
        out[i] = c;
    }
    out[36] = '\0';
    return 0;
}

void bib_sqlite_context_clear(bib_conn *conn)
{
    for (int i = 0; i < BIB_SQLITE_CONTEXT_KEYS; i++) {
        sqlite3_free(conn->context[i]);
        conn->context[i] = NULL;
    }
}

void bib_sql_set_context(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    int i = context_index(argv[0]);
    const char *value;
    size_t len;
    char uuid[37];
    char *copy;

    (void)argc;
    if (i < 0) {
        bib_sqlite_error(ctx, BIB_ERR_CONTEXT_KEY);
        return;
    }
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_free(conn->context[i]);
        conn->context[i] = NULL;
        sqlite3_result_null(ctx);
        return;
    }
    value = (const char *)sqlite3_value_text(argv[1]);
    if (value == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    len = (size_t)sqlite3_value_bytes(argv[1]);
    if (i <= 1) {
        if (parse_uuid(value, len, uuid) != 0) {
            bib_sqlite_error(ctx, BIB_ERR_CONTEXT_UUID);
            return;
        }
        value = uuid;
    }
    copy = sqlite3_malloc64(len + 1);
    if (copy == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    memcpy(copy, value, len + 1);
    sqlite3_free(conn->context[i]);
    conn->context[i] = copy;
    /* What bib_context() will return: text up to a NUL, if the value has one. */
    sqlite3_result_text(ctx, copy, -1, SQLITE_TRANSIENT);
}

void bib_sql_context(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bib_conn *conn = sqlite3_user_data(ctx);
    int i = context_index(argv[0]);

    (void)argc;
    if (i < 0) {
        bib_sqlite_error(ctx, BIB_ERR_CONTEXT_KEY);
        return;
    }
    if (conn->context[i] != NULL)
        sqlite3_result_text(ctx, conn->context[i], -1, SQLITE_TRANSIENT);
}
