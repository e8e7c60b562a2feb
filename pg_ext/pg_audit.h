/*
 * pg_audit.h — what the audit files of the PostgreSQL adapter share.
 *
 *   pg_audit.c          settings and callbacks of the audit (bib_pg_audit_init)
 *   pg_audit_context.c  bib.set_context: the transaction's operation context
 *   pg_audit_canon.c    the canonical bytes of an entry and its row_hash
 *   pg_audit_log.c      the only way into bib.audit_log and bib.audit_seals
 *   pg_audit_image.c    row images: a row as jsonb and as the text the hash covers
 *   pg_audit_trigger.c  the row-change triggers: which rows, keys, redaction
 *   pg_audit_enable.c   bib.audit_enable / bib.audit_disable
 *   pg_audit_seal.c     bib.audit_seal and the seal signature
 *   pg_audit_verify.c   bib.audit_verify
 *
 * Every hash is computed by the core (shared/bib_audit.h); these files only
 * decide which bytes go in, and docs/audit-format.md documents that choice.
 */
#ifndef PG_AUDIT_H
#define PG_AUDIT_H

#include "bib_pg.h"

#include "access/tupdesc.h"
#include "bib_audit.h"
#include "catalog/pg_attribute.h"
#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/relcache.h"
#include "utils/uuid.h"

/* Columns of bib.audit_log, in table order; the row hash covers all but the last. */
typedef enum BibAuditColumn {
    AL_ID,
    AL_LOGGED_AT,
    AL_TXID,
    AL_SESSION_USER,
    AL_ROLE_USED,
    AL_ACTION,
    AL_SCHEMA_NAME,
    AL_TABLE_NAME,
    AL_ROW_KEY,
    AL_OLD_DATA,
    AL_NEW_DATA,
    AL_OPERATION_ID,
    AL_JOB_ID,
    AL_SOURCE,
    AL_ACTOR,
    AL_NODE_ID,
    AL_QUERY_ID,
    AL_QUERY_TEXT,
    AL_ROWS_AFFECTED,
    AL_DURATION_MS,
    AL_FLAG_BREAK_GLASS,
    AL_METADATA,
    AL_ROW_HASH,
    AL_NCOLUMNS
} BibAuditColumn;

/* Columns of bib.audit_seals, in table order. */
typedef enum BibSealColumn {
    AS_SEAL_ID,
    AS_FIRST_ID,
    AS_LAST_ID,
    AS_ENTRIES,
    AS_CHAIN_HASH,
    AS_PREV_HASH,
    AS_SEAL_HASH,
    AS_SIGNATURE,
    AS_SEALED_AT,
    AS_NCOLUMNS
} BibSealColumn;

/* bib.audit_signing_key: name of the ed25519 key that signs seals ('' = unsigned). */
extern char *bib_audit_signing_key;

/*
 * A jsonb column of an entry together with its canonical text — what
 * JsonbToCString prints for it, the bytes the row hash covers — when its
 * producer wrote both at once (pg_audit_image.c).  jsonb NULL is SQL NULL;
 * text NULL means the writer prints the jsonb itself.
 */
typedef struct BibAuditImage {
    Jsonb *jsonb;
    char *text;
    int text_len;
} BibAuditImage;

/*
 * One audit entry as its producer knows it.  The writer adds what every
 * entry carries — id, clock time, txid, session user, current user, the
 * transaction's context — and the row hash.  NULL pointers and false has_*
 * flags are SQL NULLs.  This is the seam for every kind of entry: row
 * triggers, bib.audit_append, audit configuration, and later statement, DDL,
 * credential and break-glass audit.
 */
typedef struct BibAuditEntry {
    const char *action; /* INSERT, UPDATE, DELETE, TRUNCATE, DDL, STATEMENT, ... APP */
    const char *schema_name;
    const char *table_name;
    BibAuditImage row_key;
    BibAuditImage old_data;
    BibAuditImage new_data;
    const char *node_id;
    bool has_query_id;
    int64 query_id;
    const char *query_text;
    bool has_rows_affected;
    int64 rows_affected;
    bool has_duration_ms;
    double duration_ms;
    bool flag_break_glass;
    Jsonb *metadata;
} BibAuditEntry;

/* The operation context set by bib.set_context (pg_audit_context.c). */
typedef struct BibAuditContext {
    bool has_operation_id;
    pg_uuid_t operation_id;
    bool has_job_id;
    pg_uuid_t job_id;
    const char *source;
    const char *actor;
} BibAuditContext;

/* The context of the current (sub)transaction; every field NULL when none was set. */
const BibAuditContext *bib_audit_context(void);

/* Forget the context at the end of a transaction, restore it at a subtransaction abort. */
void bib_audit_context_init(void);

/* Relation OIDs of the audit tables, looked up once per backend (and again after DDL). */
Oid bib_audit_log_relid(void);
Oid bib_audit_seals_relid(void);
Oid bib_audit_log_seqid(void);
void bib_audit_relids_init(void);

/*
 * row_hash of an audit_log row given as its column values (pg_audit_canon.c).
 * texts, if not NULL, holds per column the canonical text a producer already
 * has (BibAuditImage.text; NULL data: print the value).
 */
typedef struct BibCanonText {
    const char *data;
    int len;
} BibCanonText;
void bib_audit_canon_row_hash(const Datum *values, const bool *nulls, const BibCanonText *texts,
                              uint8_t row_hash[BIB_AUDIT_HASHBYTES]);

/* How a column's value becomes a JSON value in a row image. */
typedef enum BibImageKind {
    IK_BOOL,
    IK_INT, /* int2, int4, int8 */
    IK_FLOAT4,
    IK_FLOAT8,
    IK_NUMERIC,
    IK_TEXT,     /* text, varchar: the bytes as they are */
    IK_STRING,   /* the type's output function */
    IK_DATETIME, /* date, timestamp, timestamptz (in UTC) */
    IK_JSONB,
    IK_ARRAY, /* an array of any kind but IK_OTHER, element by element */
    IK_OTHER  /* composites, json, ranges, ...: to_jsonb() */
} BibImageKind;

/* What converting a value of one type needs, built once per table. */
typedef struct BibImageValue {
    BibImageKind kind;
    Oid base_type;
    int16 typlen;
    bool typbyval;
    char typalign;
    FmgrInfo fn; /* output function (IK_STRING) or to_jsonb (IK_ARRAY, IK_OTHER) */
    struct BibImageValue *element; /* IK_ARRAY */
} BibImageValue;

/* A column of an audited table as its row images show it. */
typedef struct BibImageColumn {
    char *name;
    int name_len;
    char *quoted_name; /* the name as a JSON string */
    int quoted_len;
    bool redacted;
    BibImageValue value;
} BibImageColumn;

/* Fill col for the attribute att (not dropped), allocating in cxt; redacted stays false. */
void bib_image_column_init(BibImageColumn *col, Form_pg_attribute att, MemoryContext cxt);
/* The indexes i < ncols with present[i], in jsonb's key order, into order; returns how many. */
int bib_image_key_order(const BibImageColumn *cols, const bool *present, int ncols, int *order);
/* The image of a row (values/nulls by column index) over the n columns of order that include
 * selects, in the current memory context. */
void bib_image_build(BibAuditImage *img, BibImageColumn *cols, const int *order, int n,
                     const bool *include, const Datum *values, const bool *nulls);

/* An entries writer: buffers rows and inserts them in batches, bypassing the guard. */
typedef struct BibAuditWriter BibAuditWriter;

BibAuditWriter *bib_audit_writer_open(void);
/* Where a producer builds what it queues: freed by the writer once the rows are inserted. */
MemoryContext bib_audit_writer_memory(BibAuditWriter *w);
/* Queue one entry; returns its id. */
int64 bib_audit_writer_add(BibAuditWriter *w, const BibAuditEntry *e);
/* Insert what is queued and close. */
void bib_audit_writer_close(BibAuditWriter *w);

/* Write one entry now and return its id: the seam every later kind of audit calls. */
int64 bib_audit_write(const BibAuditEntry *e);

/* Insert one row into an audit table and its indexes, bypassing the guard trigger. */
void bib_audit_insert_row(Relation rel, Datum *values, bool *nulls);

/* Refuse to write audit rows in a read-only transaction (what the executor would say). */
void bib_audit_check_writable(const char *function);

#endif
