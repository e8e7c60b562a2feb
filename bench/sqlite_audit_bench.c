/*
 * sqlite_audit_bench.c — time N inserts into a 6-column SQLite table in one
 * transaction, with or without bib's audit triggers.  Driven by
 * bench/sqlite_audit_bench.sh, which builds it and prints the table.
 *
 *   sqlite_audit_bench <db-file> <plain|audit> <rows|bulk|verify> <n> <bib.so>
 *
 * rows:   one prepared single-row INSERT, stepped n times (what an
 *         application does);
 * bulk:   one INSERT ... SELECT of n rows;
 * verify: fill the table audited, then time bib_audit_verify() alone.
 * Prints the seconds the timed part took.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(sqlite3 *db, const char *sql)
{
    check(db, sqlite3_exec(db, sql, NULL, NULL, NULL), sql);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void insert_rows(sqlite3 *db, int n)
{
    sqlite3_stmt *stmt;

    check(db,
          sqlite3_prepare_v2(db,
                             "INSERT INTO items(name, qty, price, tags, created_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)",
                             -1, &stmt, NULL),
          "prepare");
    for (int i = 0; i < n; i++) {
        char name[32];

        snprintf(name, sizeof name, "item %d", i);
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(stmt, 2, i % 1000);
        sqlite3_bind_double(stmt, 3, i * 0.25);
        sqlite3_bind_text(stmt, 4, "[\"red\",\"large\"]", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, "2024-05-01T12:00:00Z", -1, SQLITE_STATIC);
        check(db, sqlite3_step(stmt), "insert");
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
}

int main(int argc, char **argv)
{
    sqlite3 *db;
    int audit, n;
    double start, elapsed;
    char sql[512];

    if (argc != 6) {
        fprintf(stderr, "usage: %s <db> <plain|audit> <rows|bulk|verify> <n> <bib.so>\n", argv[0]);
        return 2;
    }
    audit = strcmp(argv[2], "audit") == 0;
    n = atoi(argv[4]);
    remove(argv[1]);
    check(NULL, sqlite3_open(argv[1], &db), "open");
    exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA trusted_schema = OFF");
    exec(db, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, "
             "price REAL, tags TEXT, created_at TEXT)");
    sqlite3_enable_load_extension(db, 1);
    check(db, sqlite3_load_extension(db, argv[5], NULL, NULL), "load bib");
    if (audit)
        exec(db, "SELECT bib_audit_enable('items')");
    exec(db, "SELECT bib_set_context('actor', 'bench')");
    if (strcmp(argv[3], "verify") == 0) {
        exec(db, "BEGIN");
        insert_rows(db, n);
        exec(db, "COMMIT");
        start = now();
        exec(db, "SELECT bib_audit_verify()");
        elapsed = now() - start;
    } else {
        start = now();
        exec(db, "BEGIN");
        if (strcmp(argv[3], "bulk") == 0) {
            snprintf(sql, sizeof sql,
                     "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
                     "INSERT INTO items(name, qty, price, tags, created_at) "
                     "SELECT 'item ' || i, i %% 1000, i * 0.25, '[\"red\",\"large\"]', "
                     "'2024-05-01T12:00:00Z' FROM s",
                     n);
            exec(db, sql);
        } else {
            insert_rows(db, n);
        }
        exec(db, "COMMIT");
        elapsed = now() - start;
    }
    printf("%.4f\n", elapsed);
    sqlite3_close(db);
    remove(argv[1]);
    return 0;
}
