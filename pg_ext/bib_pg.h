/*
 * bib_pg.h — what the PostgreSQL adapter's files share: the status
 * translator, the backend's key cache and the bib.aead setting.
 *
 * The adapter only converts types and errors; every check and every byte of
 * crypto happens in the core (shared/).
 */
#ifndef BIB_PG_H
#define BIB_PG_H

#include "postgres.h"

#include "bib_core.h"

/* bib.aead, as a bib_aead value. */
extern int bib_pg_aead;

/* Define the audit settings and callbacks (pg_audit.c); called by _PG_init. */
void bib_pg_audit_init(void);

/* Raise the error of a non-OK status: SQLSTATE, "bib: " message and hint.  Never returns. */
pg_attribute_noreturn() void bib_pg_raise(bib_status status);

/* Raise unless st is BIB_OK. */
static inline void bib_pg_check(bib_status st)
{
    if (st != BIB_OK)
        bib_pg_raise(st);
}

/* The backend's raw-key schedule cache, created on first use. */
bib_key_cache *bib_pg_key_cache(void);

/* Define the master-key settings; read the key now when preloaded into the postmaster. */
void bib_pg_master_key_init(void);

/* The master key's schedule; raises the configuration or read error when there is none. */
const bib_key_schedule *bib_pg_master_key(void);

/* Drop this backend's cached key-store secrets (the master key changed). */
void bib_keystore_forget(void);

/* A palloc'ed bytea of len bytes, data left uninitialised. */
bytea *bib_pg_bytea_alloc(size_t len);

/* An SQL integer argument as a size the core will judge: negative values become 0. */
static inline size_t bib_pg_size_arg(int32 v)
{
    return v < 0 ? 0 : (size_t)v;
}

#endif
