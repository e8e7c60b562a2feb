/*
 * sqlite_audit.c — the audit trail of SQLite: row-change triggers, an
 * append-only log with an inline hash chain, application entries,
 * verification and digests.  docs/audit-sqlite.md explains the model and
 * fixes the bytes; DESIGN §5 and §7.
 *
 * The log.  bib_audit_log (created by the first bib_audit_enable or
 * bib_audit_append) has one row per audited row change or application
 * event:
 *     id INTEGER PRIMARY KEY, logged_at TEXT, action TEXT, table_name TEXT,
 *     row_key TEXT, old_data TEXT, new_data TEXT, operation_id TEXT,
 *     job_id TEXT, source TEXT, actor TEXT, metadata TEXT,
 *     row_hash BLOB, prev_hash BLOB, entry_hash BLOB
 * row_hash covers every other column but prev_hash and entry_hash; SQLite
 * has one writer, so every entry is its own seal: prev_hash is the
 * entry_hash of the entry before it (32 zero bytes for the first) and
 * entry_hash = SHA-256("bib-chain-v1" || prev_hash || row_hash).  Both
 * hashes are STORED generated columns, so SQLite computes them and nobody
 * can write them.  Triggers refuse UPDATE and DELETE of the log with
 * "bib: the audit log is append-only".  SQLite cannot tell bib's INSERT
 * from anyone else's, and INSERT OR REPLACE deletes without firing a
 * DELETE trigger; a guard for either would cost a trigger per entry, so
 * both are left to bib_audit_verify, which finds the broken chain.
 * bib_audited_tables lists the audited tables (table_name, redact,
 * enabled_at).
 *
 * Writers must load bib.  The triggers compute the hashes with bib's
 * functions, which are SQLITE_INNOCUOUS and read no key, so they run with
 * PRAGMA trusted_schema=OFF; a connection that has not loaded bib cannot
 * write to an audited table at all — SQLite refuses the statement with
 * "no such function: bib_audit_time" and nothing is written.  Readers
 * need nothing: the log is a plain table.
 *
 * Flags: all five functions are SQLITE_DIRECTONLY — they write the
 * database or read all of the log, which no schema object should do.
 *
 * bib_audit_enable(table TEXT [, redact TEXT]) -> TEXT
 *     Audits a table of the main database: AFTER INSERT, UPDATE and DELETE
 *     triggers named bib_audit_insert_<table>, bib_audit_update_<table>,
 *     bib_audit_delete_<table> write one entry per row: action INSERT,
 *     UPDATE or DELETE; row_key the primary key columns as a JSON object
 *     (all columns when the table has no declared primary key); old_data /
 *     new_data the row before / after as JSON objects — for UPDATE only the
 *     columns whose value changed.  `table` is the name unquoted, in any
 *     case ('Order Items', not '"Order Items"').  `redact`, a JSON array
 *     of column names (default '[]'), lists columns stored as "[redacted]"
 *     in row_key, old_data and new_data.  Returns the table's name as its
 *     CREATE TABLE spells it.  Errors: NULL table "bib: table name must not
 *     be NULL"; no such table "bib: no such table to audit"; a view, a
 *     virtual table or one of bib's tables "bib: only ordinary tables can
 *     be audited"; audited already "bib: table is already audited"; redact
 *     not a JSON array of strings (NULL included) "bib: redact list must be
 *     a JSON array of column names"; a name the table does not have
 *     "bib: redact list names a column the table does not have".  Columns
 *     added later by ALTER TABLE are not audited until audit is disabled
 *     and enabled again.  INSERT OR REPLACE records the rows it deletes
 *     only with PRAGMA recursive_triggers=ON (SQLite fires no DELETE
 *     trigger for them otherwise).
 *       SELECT bib_audit_enable('users', '["password"]');     -- users
 *
 * bib_audit_disable(table TEXT) -> TEXT
 *     Drops the table's audit triggers; the log keeps its entries.  Returns
 *     the name as bib_audit_enable did.  Errors: NULL "bib: table name must
 *     not be NULL"; not audited "bib: table is not audited".
 *       SELECT bib_audit_disable('users');                    -- users
 *
 * bib_audit_append(action TEXT [, metadata TEXT]) -> INTEGER
 *     Writes an application entry and returns its id: the given action,
 *     metadata (a JSON object, default '{}'; NULL stores NULL), the
 *     connection's context, table_name, row_key and data NULL.  Errors:
 *     NULL or empty action "bib: action must be non-empty text"; an action
 *     bib writes itself (INSERT, UPDATE, DELETE, TRUNCATE, DDL, STATEMENT,
 *     BREAK_GLASS, CREDENTIAL, in any case) "bib: action is reserved for
 *     bib's own entries"; metadata that is not a JSON object "bib: metadata
 *     must be a JSON object".
 *       SELECT bib_audit_append('APP', '{"event": "export", "rows": 120}');   -- 1
 *
 * bib_audit_verify([expected TEXT]) -> TEXT
 *     Recomputes every row_hash and the whole chain, in id order, and
 *     returns {"ok":true|false, "entries":n, "first_bad_id":id|null,
 *     "problem":text|null}; entries counts the entries read, up to and
 *     including the first bad one.  It finds any change to an entry, and
 *     entries removed, inserted or reordered anywhere but at the end.
 *     Someone who rewrites the whole log and recomputes every hash, or cuts
 *     its end off, is found only against a digest kept outside the
 *     database: with `expected`, a value bib_audit_digest() returned
 *     earlier, the chain must also pass through it.  NULL means no digest.
 *     Malformed `expected` fails with "bib: malformed audit digest".  No
 *     log yet: ok, 0 entries.
 *       SELECT bib_audit_verify();
 *           -- {"ok":true,"entries":3,"first_bad_id":null,"problem":null}
 *       SELECT bib_audit_verify('{"id":2,"entry_hash":"8f1e..."}');
 *
 * bib_audit_digest() -> TEXT
 *     {"id":n, "entry_hash":"<64 hex>"} of the newest entry — the value to
 *     keep outside the database and give to bib_audit_verify later; NULL
 *     while the log is empty.
 *       SELECT bib_audit_digest();    -- {"id":3,"entry_hash":"5b0c..."}
 */
#include "bib_sqlite.h"

#include <sodium.h>
#include <string.h>

#include "bib_audit.h"
#include "bib_json.h"

/* Columns per call of bib_audit_row_json / bib_audit_diff_json (127 arguments at most). */
#define ROW_CHUNK 120
#define DIFF_CHUNK 60

/* The log's columns, in the order of the table and of the row hash (docs/audit-sqlite.md). */
#define ENTRY_FIELDS                                                                               \
    "id, logged_at, action, table_name, row_key, old_data, new_data, operation_id, job_id, "       \
    "source, actor, metadata"

/* Actions that only bib writes: bib_audit_append refuses them. */
static const char *const reserved_actions[] = {"INSERT", "UPDATE",    "DELETE",      "TRUNCATE",
                                               "DDL",    "STATEMENT", "BREAK_GLASS", "CREDENTIAL"};

static const char *const trigger_ops[3] = {"insert", "update", "delete"};

/* One audited column: its name and whether it is redacted, and its place in the key. */
typedef struct audit_column {
    char *name;
    int pk;
    int redacted;
} audit_column;

typedef struct audit_table {
    char *name; /* as sqlite_schema spells it */
    audit_column *cols;
    int ncols;
} audit_table;

/* ---- helpers ------------------------------------------------------------ */

/* SQLite's own failure (I/O, memory, a broken schema) as the function's error. */
static void sqlite_failure(sqlite3_context *ctx, sqlite3 *db, int rc)
{
    if (rc == SQLITE_NOMEM) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
    sqlite3_result_error_code(ctx, rc);
}

/* Run statements; on failure set the function's error and return the code. */
static int run(sqlite3_context *ctx, sqlite3 *db, const char *sql)
{
    int rc;

    if (sql == NULL) {
        sqlite3_result_error_nomem(ctx);
        return SQLITE_NOMEM;
    }
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        sqlite_failure(ctx, db, rc);
    return rc;
}

/* Prepare one statement, binding text arguments (NULL pointers bind NULL). */
static int prepare(sqlite3_context *ctx, sqlite3 *db, const char *sql, sqlite3_stmt **stmt,
                   int nargs, const char *const *args)
{
    int rc;

    if (sql == NULL) {
        sqlite3_result_error_nomem(ctx);
        return SQLITE_NOMEM;
    }
    rc = sqlite3_prepare_v2(db, sql, -1, stmt, NULL);
    for (int i = 0; rc == SQLITE_OK && i < nargs; i++)
        rc = sqlite3_bind_text(*stmt, i + 1, args[i], -1, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        sqlite_failure(ctx, db, rc);
        sqlite3_finalize(*stmt);
        *stmt = NULL;
    }
    return rc;
}

/*
 * The text of a one-row, one-column query, sqlite3_malloc'd, NULL when the
 * query gives no row or NULL.  rc reports failure (the error is set).
 */
static char *query_text(sqlite3_context *ctx, sqlite3 *db, const char *sql, int nargs,
                        const char *const *args, int *rc)
{
    sqlite3_stmt *stmt;
    char *text = NULL;

    *rc = prepare(ctx, db, sql, &stmt, nargs, args);
    if (*rc != SQLITE_OK)
        return NULL;
    *rc = sqlite3_step(stmt);
    if (*rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(stmt, 0);

        if (t != NULL && (text = sqlite3_mprintf("%s", t)) == NULL) {
            sqlite3_finalize(stmt);
            sqlite3_result_error_nomem(ctx);
            *rc = SQLITE_NOMEM;
            return NULL;
        }
        *rc = SQLITE_DONE;
    }
    if (*rc == SQLITE_DONE)
        *rc = SQLITE_OK;
    else
        sqlite_failure(ctx, db, *rc);
    sqlite3_finalize(stmt);
    return text;
}

static int table_exists(sqlite3 *db, const char *name)
{
    return sqlite3_table_column_metadata(db, "main", name, NULL, NULL, NULL, NULL, NULL, NULL) ==
           SQLITE_OK;
}

/* The log, its append-only triggers and the table list, if missing. */
static int ensure_log(sqlite3_context *ctx, sqlite3 *db)
{
    char *sql;
    int rc;

    if (table_exists(db, "bib_audit_log") && table_exists(db, "bib_audited_tables"))
        return SQLITE_OK;
    sql = sqlite3_mprintf(
        "CREATE TABLE IF NOT EXISTS main.bib_audit_log("
        "id INTEGER PRIMARY KEY, logged_at TEXT NOT NULL, action TEXT NOT NULL, "
        "table_name TEXT, row_key TEXT, old_data TEXT, new_data TEXT, operation_id TEXT, "
        "job_id TEXT, source TEXT, actor TEXT, metadata TEXT, "
        "row_hash BLOB GENERATED ALWAYS AS (bib_audit_row_hash(" ENTRY_FIELDS ")) STORED, "
        "prev_hash BLOB NOT NULL, "
        "entry_hash BLOB GENERATED ALWAYS AS (bib_audit_chain(prev_hash, row_hash)) STORED);"
        "CREATE TRIGGER IF NOT EXISTS main.bib_audit_log_no_update BEFORE UPDATE ON bib_audit_log "
        "BEGIN SELECT RAISE(ABORT, %Q); END;"
        "CREATE TRIGGER IF NOT EXISTS main.bib_audit_log_no_delete BEFORE DELETE ON bib_audit_log "
        "BEGIN SELECT RAISE(ABORT, %Q); END;"
        "CREATE TABLE IF NOT EXISTS main.bib_audited_tables("
        "table_name TEXT PRIMARY KEY, redact TEXT NOT NULL, enabled_at TEXT NOT NULL);",
        bib_status_message(BIB_ERR_AUDIT_APPEND_ONLY),
        bib_status_message(BIB_ERR_AUDIT_APPEND_ONLY));
    rc = run(ctx, db, sql);
    sqlite3_free(sql);
    return rc;
}

/*
 * The statement that writes one entry, given the SQL expressions of its
 * action, table_name, row_key, old_data, new_data and metadata: the audit
 * triggers and bib_audit_append use it alike.  SQLite numbers the entry
 * (the highest id + 1) and computes row_hash and entry_hash, which are
 * generated columns; prev_hash is read inside the writing statement, so
 * under SQLite's write lock: connections that write in turn extend one
 * chain.  One flat statement is much faster in a trigger than subqueries
 * that would compute the hashes first.  logged_at is strftime's text of
 * the statement time, written by bib_audit_time because strftime's format
 * interpreter cost a tenth of an audited insert.
 */
static char *entry_insert_sql(const char *action, const char *table, const char *row_key,
                              const char *old_data, const char *new_data, const char *metadata)
{
    return sqlite3_mprintf(
        "INSERT INTO bib_audit_log(logged_at, action, table_name, row_key, old_data, new_data, "
        "operation_id, job_id, source, actor, metadata, prev_hash) "
        "VALUES (bib_audit_time(julianday('now')), %s, %s, %s, %s, %s, "
        "bib_context('operation_id'), bib_context('job_id'), bib_context('source'), "
        "bib_context('actor'), %s, coalesce((SELECT entry_hash FROM bib_audit_log "
        "ORDER BY id DESC LIMIT 1), zeroblob(32)))",
        action, table, row_key, old_data, new_data, metadata);
}

static void append_to_str(void *out, const char *bytes, size_t len)
{
    sqlite3_str_append(out, bytes, (int)len);
}

/* s as a JSON string into out, escaped as the row images escape text. */
static void put_json_name(sqlite3_str *out, const char *s)
{
    bib_json_write_string(s, strlen(s), append_to_str, out);
}

/*
 * The SQL expression of a row image: bib_audit_row_json over the values of
 * `row` ("new" or "old"), or, when side is 0 or 1, bib_audit_diff_json of
 * that side.  key_only selects the primary key columns in key order (all
 * columns when there are none).  Wide tables take nested calls, each within
 * SQLite's argument limit.  NULL when out of memory.
 */
static char *row_image_sql(const audit_table *t, int key_only, int side, const char *row)
{
    int chunk = side < 0 ? ROW_CHUNK : DIFF_CHUNK;
    int *idx = sqlite3_malloc64(sizeof(int) * (size_t)(t->ncols > 0 ? t->ncols : 1));
    int n = 0;
    char *expr = idx != NULL ? sqlite3_mprintf("NULL") : NULL;

    for (int i = 0; i < t->ncols; i++)
        if (!key_only || t->cols[i].pk > 0)
            idx[n++] = i;
    if (n == 0)
        for (; n < t->ncols; n++)
            idx[n] = n;
    else if (key_only)
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && t->cols[idx[j]].pk < t->cols[idx[j - 1]].pk; j--) {
                int tmp = idx[j];

                idx[j] = idx[j - 1];
                idx[j - 1] = tmp;
            }
    for (int first = 0; first < n && expr != NULL; first += chunk) {
        int last = first + chunk < n ? first + chunk : n;
        sqlite3_str *spec = sqlite3_str_new(NULL), *values = sqlite3_str_new(NULL);
        char *spec_text, *values_text, *next = NULL;

        sqlite3_str_appendchar(spec, 1, '{');
        for (int i = first; i < last; i++) {
            if (i > first)
                sqlite3_str_appendchar(spec, 1, ',');
            put_json_name(spec, t->cols[idx[i]].name);
            sqlite3_str_appendf(spec, ":%d", t->cols[idx[i]].redacted);
        }
        sqlite3_str_appendchar(spec, 1, '}');
        for (int pass = side < 0 ? 1 : 0; pass < 2; pass++)
            for (int i = first; i < last; i++)
                sqlite3_str_appendf(values, ", %s.\"%w\"",
                                    side < 0 ? row : (pass == 0 ? "old" : "new"),
                                    t->cols[idx[i]].name);
        spec_text = sqlite3_str_finish(spec);
        values_text = sqlite3_str_finish(values);
        if (spec_text != NULL && values_text != NULL) {
            if (side < 0)
                next =
                    sqlite3_mprintf("bib_audit_row_json('%q', %s%s)", spec_text, expr, values_text);
            else
                next = sqlite3_mprintf("bib_audit_diff_json('%q', %d, %s%s)", spec_text, side, expr,
                                       values_text);
        }
        sqlite3_free(spec_text);
        sqlite3_free(values_text);
        sqlite3_free(expr);
        expr = next;
    }
    sqlite3_free(idx);
    return expr;
}

static void table_free(audit_table *t)
{
    for (int i = 0; i < t->ncols; i++)
        sqlite3_free(t->cols[i].name);
    sqlite3_free(t->cols);
    sqlite3_free(t->name);
    memset(t, 0, sizeof *t);
}

/*
 * Find the table `name` (any case) of the main database and its columns
 * (generated ones included, as triggers see them).  0 on success, else
 * the error is set.
 */
static int table_load(sqlite3_context *ctx, sqlite3 *db, sqlite3_value *name, audit_table *t)
{
    const char *arg = (const char *)sqlite3_value_text(name);
    const char *args[1];
    sqlite3_stmt *stmt;
    int rc;

    memset(t, 0, sizeof *t);
    if (sqlite3_value_type(name) == SQLITE_NULL) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_TABLE_NULL);
        return -1;
    }
    if (arg == NULL) {
        sqlite3_result_error_nomem(ctx);
        return -1;
    }
    args[0] = arg;
    rc = prepare(ctx, db,
                 "SELECT name, type = 'table' AND name NOT IN ('bib_audit_log', "
                 "'bib_audited_tables') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                 "FROM pragma_table_list WHERE schema = 'main' AND name = ?1 COLLATE NOCASE",
                 &stmt, 1, args);
    if (rc != SQLITE_OK)
        return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        int ordinary = sqlite3_column_int(stmt, 1);

        t->name = sqlite3_mprintf("%s", sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
        if (t->name == NULL) {
            sqlite3_result_error_nomem(ctx);
            return -1;
        }
        if (!ordinary) {
            bib_sqlite_error(ctx, BIB_ERR_AUDIT_NOT_A_TABLE);
            return -1;
        }
    } else {
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE)
            sqlite_failure(ctx, db, rc);
        else
            bib_sqlite_error(ctx, BIB_ERR_AUDIT_NO_TABLE);
        return -1;
    }
    args[0] = t->name;
    rc = prepare(ctx, db,
                 "SELECT name, pk FROM pragma_table_xinfo(?1, 'main') WHERE hidden IN (0, 2, 3) "
                 "ORDER BY cid",
                 &stmt, 1, args);
    if (rc != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        audit_column *cols = sqlite3_realloc64(t->cols, (t->ncols + 1) * sizeof *cols);

        if (cols == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        t->cols = cols;
        cols[t->ncols].name = sqlite3_mprintf("%s", sqlite3_column_text(stmt, 0));
        cols[t->ncols].pk = sqlite3_column_int(stmt, 1);
        cols[t->ncols].redacted = 0;
        if (cols[t->ncols++].name == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        sqlite_failure(ctx, db, rc);
        return -1;
    }
    return 0;
}

/*
 * Mark the columns named in the JSON array `redact`.  0 on success, else
 * the error is set.  Names match columns as SQLite does, in any case.
 */
static int redact_parse(sqlite3_context *ctx, sqlite3 *db, sqlite3_value *redact, audit_table *t)
{
    const char *json = (const char *)sqlite3_value_text(redact);
    const char *args[1] = {json};
    sqlite3_stmt *stmt;
    char *type;
    int rc;

    if (redact == NULL)
        return 0;
    if (json == NULL) {
        if (sqlite3_value_type(redact) != SQLITE_NULL) {
            sqlite3_result_error_nomem(ctx);
            return -1;
        }
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_REDACT_FORMAT);
        return -1;
    }
    type = query_text(ctx, db,
                      "SELECT CASE WHEN json_valid(?1) AND json_type(?1) = 'array' "
                      "AND NOT EXISTS (SELECT 1 FROM json_each(?1) WHERE type <> 'text') "
                      "THEN 'ok' END",
                      1, args, &rc);
    if (rc != SQLITE_OK)
        return -1;
    if (type == NULL) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_REDACT_FORMAT);
        return -1;
    }
    sqlite3_free(type);
    if (prepare(ctx, db, "SELECT value FROM json_each(?1)", &stmt, 1, args) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        int found = 0;

        for (int i = 0; i < t->ncols && name != NULL; i++)
            if (sqlite3_stricmp(name, t->cols[i].name) == 0 &&
                strlen(name) == (size_t)sqlite3_column_bytes(stmt, 0)) {
                t->cols[i].redacted = found = 1;
            }
        if (!found) {
            sqlite3_finalize(stmt);
            bib_sqlite_error(ctx, BIB_ERR_AUDIT_REDACT_COLUMN);
            return -1;
        }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        sqlite_failure(ctx, db, rc);
        return -1;
    }
    return 0;
}

/* Is the table audited (its insert trigger exists)?  -1 on failure (error set). */
static int audited(sqlite3_context *ctx, sqlite3 *db, const char *table)
{
    char *trigger = sqlite3_mprintf("bib_audit_insert_%s", table);
    const char *args[1] = {trigger};
    char *found;
    int rc;

    found = query_text(ctx, db,
                       "SELECT 'yes' FROM main.sqlite_schema WHERE type = 'trigger' AND name = ?1",
                       1, args, &rc);
    sqlite3_free(trigger);
    sqlite3_free(found);
    return rc != SQLITE_OK ? -1 : found != NULL;
}

/* CREATE TRIGGER statements for the three operations. */
static char *triggers_sql(const audit_table *t)
{
    char *table = sqlite3_mprintf("%Q", t->name);
    char *key_new = row_image_sql(t, 1, -1, "new"), *key_old = row_image_sql(t, 1, -1, "old");
    char *row_new = row_image_sql(t, 0, -1, "new"), *row_old = row_image_sql(t, 0, -1, "old");
    char *diff_old = row_image_sql(t, 0, 0, NULL), *diff_new = row_image_sql(t, 0, 1, NULL);
    char *body[3] = {NULL, NULL, NULL};
    char *sql = NULL;

    if (table && key_new && key_old && row_new && row_old && diff_old && diff_new) {
        body[0] = entry_insert_sql("'INSERT'", table, key_new, "NULL", row_new, "NULL");
        body[1] = entry_insert_sql("'UPDATE'", table, key_old, diff_old, diff_new, "NULL");
        body[2] = entry_insert_sql("'DELETE'", table, key_old, row_old, "NULL", "NULL");
    }
    if (body[0] && body[1] && body[2]) {
        sqlite3_str *out = sqlite3_str_new(NULL);

        for (int i = 0; i < 3; i++)
            sqlite3_str_appendf(out,
                                "CREATE TRIGGER main.\"bib_audit_%s_%w\" AFTER %s ON \"%w\" "
                                "FOR EACH ROW BEGIN %s; END;",
                                trigger_ops[i], t->name,
                                i == 0   ? "INSERT"
                                : i == 1 ? "UPDATE"
                                         : "DELETE",
                                t->name, body[i]);
        sql = sqlite3_str_finish(out);
    }
    for (int i = 0; i < 3; i++)
        sqlite3_free(body[i]);
    sqlite3_free(table);
    sqlite3_free(key_new);
    sqlite3_free(key_old);
    sqlite3_free(row_new);
    sqlite3_free(row_old);
    sqlite3_free(diff_old);
    sqlite3_free(diff_new);
    return sql;
}

/*
 * Run sql as one unit: a savepoint that is rolled back when a statement
 * fails, so that enabling or disabling happens whole or not at all.
 */
static int run_atomic(sqlite3_context *ctx, sqlite3 *db, const char *sql)
{
    int rc = run(ctx, db, "SAVEPOINT bib_audit");

    if (rc != SQLITE_OK)
        return rc;
    rc = sql == NULL ? SQLITE_NOMEM : sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        sqlite_failure(ctx, db, rc);
        sqlite3_exec(db, "ROLLBACK TO bib_audit; RELEASE bib_audit", NULL, NULL, NULL);
        return rc;
    }
    return run(ctx, db, "RELEASE bib_audit");
}

/* ---- SQL functions ------------------------------------------------------ */

void bib_sql_audit_enable(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    audit_table t;
    char *sql = NULL, *triggers, *redact_list;
    int is_audited;

    if (table_load(ctx, db, argv[0], &t) != 0 ||
        redact_parse(ctx, db, argc > 1 ? argv[1] : NULL, &t) != 0 ||
        (is_audited = audited(ctx, db, t.name)) < 0) {
        table_free(&t);
        return;
    }
    if (is_audited) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_ALREADY);
        table_free(&t);
        return;
    }
    if (ensure_log(ctx, db) != SQLITE_OK) {
        table_free(&t);
        return;
    }
    {
        sqlite3_str *list = sqlite3_str_new(NULL);
        int n = 0;

        sqlite3_str_appendchar(list, 1, '[');
        for (int i = 0; i < t.ncols; i++)
            if (t.cols[i].redacted) {
                if (n++ > 0)
                    sqlite3_str_appendchar(list, 1, ',');
                put_json_name(list, t.cols[i].name);
            }
        sqlite3_str_appendchar(list, 1, ']');
        redact_list = sqlite3_str_finish(list);
    }
    triggers = triggers_sql(&t);
    if (triggers != NULL && redact_list != NULL)
        sql = sqlite3_mprintf("%s INSERT OR REPLACE INTO main.bib_audited_tables(table_name, "
                              "redact, enabled_at) VALUES (%Q, %Q, "
                              "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now'));",
                              triggers, t.name, redact_list);
    if (run_atomic(ctx, db, sql) == SQLITE_OK)
        sqlite3_result_text(ctx, t.name, -1, SQLITE_TRANSIENT);
    sqlite3_free(sql);
    sqlite3_free(triggers);
    sqlite3_free(redact_list);
    table_free(&t);
}

void bib_sql_audit_disable(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    const char *args[1] = {(const char *)sqlite3_value_text(argv[0])};
    char *name, *sql;
    int rc, is_audited;

    (void)argc;
    if (args[0] == NULL) {
        if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
            bib_sqlite_error(ctx, BIB_ERR_AUDIT_TABLE_NULL);
        else
            sqlite3_result_error_nomem(ctx);
        return;
    }
    /* The table as its schema spells it, or as the list has it if it was dropped since. */
    name = query_text(ctx, db,
                      table_exists(db, "bib_audited_tables")
                          ? "SELECT coalesce((SELECT name FROM pragma_table_list WHERE schema = "
                            "'main' AND name = ?1 COLLATE NOCASE), (SELECT table_name FROM "
                            "main.bib_audited_tables WHERE table_name = ?1 COLLATE NOCASE), ?1)"
                          : "SELECT coalesce((SELECT name FROM pragma_table_list WHERE schema = "
                            "'main' AND name = ?1 COLLATE NOCASE), ?1)",
                      1, args, &rc);
    if (rc != SQLITE_OK)
        return;
    is_audited = audited(ctx, db, name);
    if (is_audited < 0) {
        sqlite3_free(name);
        return;
    }
    if (!is_audited && table_exists(db, "bib_audited_tables")) {
        const char *listed_args[1] = {name};
        char *listed = query_text(ctx, db,
                                  "SELECT 'yes' FROM main.bib_audited_tables "
                                  "WHERE table_name = ?1 COLLATE NOCASE",
                                  1, listed_args, &rc);

        if (rc != SQLITE_OK) {
            sqlite3_free(name);
            return;
        }
        is_audited = listed != NULL;
        sqlite3_free(listed);
    }
    if (!is_audited) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_NOT_AUDITED);
        sqlite3_free(name);
        return;
    }
    sql =
        sqlite3_mprintf("DROP TRIGGER IF EXISTS main.\"bib_audit_insert_%w\";"
                        "DROP TRIGGER IF EXISTS main.\"bib_audit_update_%w\";"
                        "DROP TRIGGER IF EXISTS main.\"bib_audit_delete_%w\";"
                        "DELETE FROM main.bib_audited_tables WHERE table_name = %Q COLLATE NOCASE;",
                        name, name, name, name);
    if (run_atomic(ctx, db, sql) == SQLITE_OK)
        sqlite3_result_text(ctx, name, -1, SQLITE_TRANSIENT);
    sqlite3_free(sql);
    sqlite3_free(name);
}

void bib_sql_audit_append(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    /* Types first: reading a value as text changes the type SQLite reports. */
    int action_type = sqlite3_value_type(argv[0]);
    int metadata_type = argc > 1 ? sqlite3_value_type(argv[1]) : SQLITE_TEXT;
    const char *action = (const char *)sqlite3_value_text(argv[0]);
    const char *metadata = argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : "{}";
    sqlite3_stmt *stmt;
    char *sql;
    int rc = SQLITE_OK;

    if (action_type != SQLITE_TEXT || action == NULL || action[0] == '\0') {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_ACTION);
        return;
    }
    for (size_t i = 0; i < sizeof reserved_actions / sizeof reserved_actions[0]; i++)
        if (sqlite3_stricmp(action, reserved_actions[i]) == 0) {
            bib_sqlite_error(ctx, BIB_ERR_AUDIT_ACTION_RESERVED);
            return;
        }
    if (metadata_type != SQLITE_NULL) {
        const char *args[1] = {metadata};
        char *ok = NULL;

        if (metadata_type == SQLITE_TEXT && metadata != NULL) {
            ok = query_text(ctx, db,
                            "SELECT 'yes' WHERE CASE WHEN json_valid(?1) "
                            "THEN json_type(?1) = 'object' END",
                            1, args, &rc);
            if (rc != SQLITE_OK)
                return;
        }
        if (ok == NULL) {
            bib_sqlite_error(ctx, BIB_ERR_AUDIT_METADATA);
            return;
        }
        sqlite3_free(ok);
    }
    if (ensure_log(ctx, db) != SQLITE_OK)
        return;
    sql = entry_insert_sql("?1", "NULL", "NULL", "NULL", "NULL", "json(?2)");
    if (sql != NULL) {
        char *with_id = sqlite3_mprintf("%s RETURNING id", sql);

        sqlite3_free(sql);
        sql = with_id;
    }
    {
        const char *args[2] = {action, metadata};

        rc = prepare(ctx, db, sql, &stmt, 2, args);
    }
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(stmt, 0);

        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            sqlite3_result_int64(ctx, id);
    }
    if (rc != SQLITE_DONE)
        sqlite_failure(ctx, db, rc);
    sqlite3_finalize(stmt);
}

/* A digest to check: the entry id and the entry_hash it must have. */
typedef struct audit_digest {
    sqlite3_int64 id;
    uint8_t entry_hash[BIB_AUDIT_HASHBYTES];
} audit_digest;

/* Parse bib_audit_digest()'s JSON.  0 on success, else the error is set. */
static int digest_parse(sqlite3_context *ctx, sqlite3 *db, sqlite3_value *value, audit_digest *d)
{
    int type = sqlite3_value_type(value);
    const char *args[1] = {(const char *)sqlite3_value_text(value)};
    sqlite3_stmt *stmt;
    int ok = 0, rc;

    if (type != SQLITE_TEXT || args[0] == NULL) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_DIGEST_FORMAT);
        return -1;
    }
    rc = prepare(ctx, db,
                 "SELECT json_extract(?1, '$.id'), json_extract(?1, '$.entry_hash') "
                 "WHERE CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' END "
                 "AND json_type(?1, '$.id') = 'integer' AND json_type(?1, '$.entry_hash') = 'text'",
                 &stmt, 1, args);
    if (rc != SQLITE_OK)
        return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *hex = (const char *)sqlite3_column_text(stmt, 1);
        size_t bin_len = 0;
        const char *hex_end = NULL;

        d->id = sqlite3_column_int64(stmt, 0);
        ok = d->id > 0 && hex != NULL && sqlite3_column_bytes(stmt, 1) == 2 * BIB_AUDIT_HASHBYTES &&
             sodium_hex2bin(d->entry_hash, sizeof d->entry_hash, hex, 2 * BIB_AUDIT_HASHBYTES, NULL,
                            &bin_len, &hex_end) == 0 &&
             bin_len == BIB_AUDIT_HASHBYTES;
    }
    sqlite3_finalize(stmt);
    if (!ok) {
        bib_sqlite_error(ctx, BIB_ERR_AUDIT_DIGEST_FORMAT);
        return -1;
    }
    return 0;
}

/* Is column i of the row a BLOB of 32 bytes equal to hash? */
static int column_is_hash(sqlite3_stmt *stmt, int i, const uint8_t hash[BIB_AUDIT_HASHBYTES])
{
    return sqlite3_column_type(stmt, i) == SQLITE_BLOB &&
           sqlite3_column_bytes(stmt, i) == BIB_AUDIT_HASHBYTES &&
           memcmp(sqlite3_column_blob(stmt, i), hash, BIB_AUDIT_HASHBYTES) == 0;
}

/* Recompute the row hash of the current row of the verification query. */
static bib_status recompute_row_hash(sqlite3_stmt *stmt, uint8_t hash[BIB_AUDIT_HASHBYTES])
{
    bib_audit_row row;

    bib_audit_row_begin(&row);
    for (int i = 0; i < 12; i++) {
        const void *p = sqlite3_column_blob(stmt, i);
        bib_status st;

        if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
            bib_audit_row_null(&row);
            continue;
        }
        /* Numbers as their text, the bytes bib_audit_row_hash hashed. */
        if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER ||
            sqlite3_column_type(stmt, i) == SQLITE_FLOAT)
            p = sqlite3_column_text(stmt, i);
        if (p == NULL && sqlite3_errcode(sqlite3_db_handle(stmt)) == SQLITE_NOMEM)
            return BIB_ERR_NO_MEMORY;
        st = bib_audit_row_field(&row, p != NULL ? p : bib_sqlite_no_bytes,
                                 (size_t)sqlite3_column_bytes(stmt, i));
        if (st != BIB_OK)
            return st;
    }
    bib_audit_row_end(&row, hash);
    return BIB_OK;
}

void bib_sql_audit_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    audit_digest digest;
    int have_digest = argc > 0 && sqlite3_value_type(argv[0]) != SQLITE_NULL;
    int digest_seen = 0;
    uint8_t chain[BIB_AUDIT_HASHBYTES] = {0}, row_hash[BIB_AUDIT_HASHBYTES];
    sqlite3_int64 entries = 0, expected_id = 1, bad_id = 0;
    const char *problem = NULL;
    sqlite3_stmt *stmt = NULL;
    char *json;
    int rc = SQLITE_DONE;

    if (have_digest && digest_parse(ctx, db, argv[0], &digest) != 0)
        return;
    if (table_exists(db, "bib_audit_log")) {
        if (prepare(ctx, db,
                    "SELECT " ENTRY_FIELDS ", row_hash, prev_hash, entry_hash "
                    "FROM main.bib_audit_log ORDER BY id",
                    &stmt, 0, NULL) != SQLITE_OK)
            return;
        while (problem == NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
            bib_status st;

            entries++;
            bad_id = id;
            if (id != expected_id) {
                bad_id = expected_id;
                problem = "this entry is missing: entries were removed";
                break;
            }
            /*
             * The hashes of an entry are generated columns, so an edited
             * entry still matches itself; what gives it away is the
             * prev_hash that the next entry recorded.  The first entry not
             * vouched for by its successor is the bad one.
             */
            if (!column_is_hash(stmt, 13, chain)) {
                if (id > 1) {
                    bad_id = id - 1;
                    problem = "the chain breaks after this entry (the next entry's prev_hash "
                              "differs): this entry was altered, or the next one was forged or "
                              "moved";
                } else {
                    problem = "the first entry's prev_hash is not 32 zero bytes: entries "
                              "before it were removed";
                }
                break;
            }
            st = recompute_row_hash(stmt, row_hash);
            if (st != BIB_OK) {
                sqlite3_finalize(stmt);
                bib_sqlite_error(ctx, st);
                return;
            }
            if (!column_is_hash(stmt, 12, row_hash)) {
                problem = "row_hash does not match the entry: the entry was altered";
                break;
            }
            bib_audit_chain_step(chain, row_hash);
            if (!column_is_hash(stmt, 14, chain)) {
                problem = "entry_hash does not match the chain: the entry was altered";
                break;
            }
            if (have_digest && id == digest.id) {
                digest_seen = 1;
                if (sodium_memcmp(chain, digest.entry_hash, BIB_AUDIT_HASHBYTES) != 0) {
                    problem = "the chain does not match the expected digest at this entry: "
                              "the log was rewritten up to here";
                    break;
                }
            }
            expected_id++;
        }
        if (problem == NULL && rc != SQLITE_DONE) {
            sqlite_failure(ctx, db, rc);
            sqlite3_finalize(stmt);
            return;
        }
        sqlite3_finalize(stmt);
    }
    if (problem == NULL && have_digest && !digest_seen) {
        bad_id = digest.id;
        problem = "the entry of the expected digest is missing: the log was cut short";
    }
    if (problem == NULL)
        json = sqlite3_mprintf("{\"ok\":true,\"entries\":%lld,\"first_bad_id\":null,"
                               "\"problem\":null}",
                               entries);
    else
        json = sqlite3_mprintf("{\"ok\":false,\"entries\":%lld,\"first_bad_id\":%lld,"
                               "\"problem\":\"%s\"}",
                               entries, bad_id, problem);
    if (json == NULL)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, json, -1, sqlite3_free);
}

void bib_sql_audit_digest(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    char *json;
    int rc;

    (void)argc;
    (void)argv;
    if (!table_exists(db, "bib_audit_log"))
        return;
    json = query_text(ctx, db,
                      "SELECT json_object('id', id, 'entry_hash', lower(hex(entry_hash))) "
                      "FROM main.bib_audit_log ORDER BY id DESC LIMIT 1",
                      0, NULL, &rc);
    if (rc == SQLITE_OK && json != NULL)
        sqlite3_result_text(ctx, json, -1, sqlite3_free);
}
