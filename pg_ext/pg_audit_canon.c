/*
 * pg_audit_canon.c — the canonical bytes of an audit entry and its row_hash.
 *
 * row_hash = SHA-256("bib-audit-v1" || field || ...) over every column of
 * bib.audit_log but row_hash, in table order (shared/bib_audit.h frames the
 * fields).  Each field's bytes are the text PostgreSQL prints for the value
 * with TimeZone = UTC, DateStyle = ISO and extra_float_digits = 1, which is
 * what COPY ... TO writes under those settings: an external verifier needs
 * nothing but SHA-256 and docs/audit-format.md.  The text is produced here
 * without reading the session's settings, so the hash does not depend on
 * who computes it.  The writer and the verifier both call this one function.
 */
#include "pg_audit.h"

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

/* How each hashed column is written as text. */
typedef enum CanonKind {
    CK_INT8,
    CK_TIMESTAMPTZ,
    CK_XID8,
    CK_TEXT,
    CK_JSONB,
    CK_UUID,
    CK_FLOAT8,
    CK_BOOL
} CanonKind;

static const CanonKind column_kind[AL_ROW_HASH] = {
    [AL_ID] = CK_INT8,
    [AL_LOGGED_AT] = CK_TIMESTAMPTZ,
    [AL_TXID] = CK_XID8,
    [AL_SESSION_USER] = CK_TEXT,
    [AL_ROLE_USED] = CK_TEXT,
    [AL_ACTION] = CK_TEXT,
    [AL_SCHEMA_NAME] = CK_TEXT,
    [AL_TABLE_NAME] = CK_TEXT,
    [AL_ROW_KEY] = CK_JSONB,
    [AL_OLD_DATA] = CK_JSONB,
    [AL_NEW_DATA] = CK_JSONB,
    [AL_OPERATION_ID] = CK_UUID,
    [AL_JOB_ID] = CK_UUID,
    [AL_SOURCE] = CK_TEXT,
    [AL_ACTOR] = CK_TEXT,
    [AL_NODE_ID] = CK_TEXT,
    [AL_QUERY_ID] = CK_INT8,
    [AL_QUERY_TEXT] = CK_TEXT,
    [AL_ROWS_AFFECTED] = CK_INT8,
    [AL_DURATION_MS] = CK_FLOAT8,
    [AL_FLAG_BREAK_GLASS] = CK_BOOL,
    [AL_METADATA] = CK_JSONB,
};

/* timestamptz_out with TimeZone = UTC and DateStyle = ISO: "2024-05-01 12:00:00.5+00". */
static int timestamptz_utc_text(TimestampTz ts, char *buf)
{
    struct pg_tm tm;
    fsec_t fsec;

    if (TIMESTAMP_NOT_FINITE(ts))
        EncodeSpecialTimestamp(ts, buf);
    else if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) == 0) {
        /* Without a zone timestamp2tm marks the DST flag unknown, which would drop the "+00". */
        tm.tm_isdst = 0;
        EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, buf);
    } else
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("bib: audit entry timestamp out of range")));
    return (int)strlen(buf);
}

/* uuid_out: 8-4-4-4-12 lower-case hex digits. */
static int uuid_text(const pg_uuid_t *u, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;

    for (int i = 0; i < UUID_LEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[u->data[i] >> 4];
        *p++ = hex[u->data[i] & 0xF];
    }
    *p = '\0';
    return (int)(p - buf);
}

static void add_field(bib_audit_row *row, const void *bytes, size_t len)
{
    bib_pg_check(bib_audit_row_field(row, bytes, len));
}

void bib_audit_canon_row_hash(const Datum *values, const bool *nulls, const BibCanonText *texts,
                              uint8_t row_hash[BIB_AUDIT_HASHBYTES])
{
    bib_audit_row row;
    char buf[MAXDATELEN + 1];
    StringInfoData json;
    bool have_json = false;

    bib_audit_row_begin(&row);
    for (int col = 0; col < AL_ROW_HASH; col++) {
        Datum v = values[col];

        if (nulls[col]) {
            bib_audit_row_null(&row);
            continue;
        }
        if (texts != NULL && texts[col].data != NULL) {
            add_field(&row, texts[col].data, (size_t)texts[col].len);
            continue;
        }
        switch (column_kind[col]) {
        case CK_INT8:
            add_field(&row, buf, (size_t)pg_lltoa(DatumGetInt64(v), buf));
            break;
        case CK_TIMESTAMPTZ:
            add_field(&row, buf, (size_t)timestamptz_utc_text(DatumGetTimestampTz(v), buf));
            break;
        case CK_XID8:
            add_field(
                &row, buf,
                (size_t)pg_ulltoa_n(U64FromFullTransactionId(DatumGetFullTransactionId(v)), buf));
            break;
        case CK_TEXT: {
            text *t = DatumGetTextPP(v);

            add_field(&row, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
            break;
        }
        case CK_JSONB: {
            Jsonb *jb = DatumGetJsonbP(v);

            if (have_json)
                resetStringInfo(&json);
            else
                initStringInfo(&json);
            have_json = true;
            JsonbToCString(&json, &jb->root, VARSIZE(jb));
            add_field(&row, json.data, (size_t)json.len);
            break;
        }
        case CK_UUID:
            add_field(&row, buf, (size_t)uuid_text(DatumGetUUIDP(v), buf));
            break;
        case CK_FLOAT8:
            /* float8out with extra_float_digits > 0: the shortest exact decimal. */
            add_field(&row, buf, (size_t)double_to_shortest_decimal_buf(DatumGetFloat8(v), buf));
            break;
        case CK_BOOL:
            add_field(&row, DatumGetBool(v) ? "t" : "f", 1);
            break;
        }
    }
    if (have_json)
        pfree(json.data);
    bib_audit_row_end(&row, row_hash);
}
