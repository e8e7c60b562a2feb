/*
 * pg_keystore.h — the PostgreSQL key store's backend cache, shared by the
 * SQL functions of pg_keystore.c.
 */
#ifndef PG_KEYSTORE_H
#define PG_KEYSTORE_H

#include "bib_pg.h"

#include "nodes/pg_list.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* One row of bib.key_store as this backend knows it; the secret is unwrapped on demand. */
typedef struct bib_stored_key {
    pg_uuid_t id; /* hash key: the 16 bytes written into envelopes */
    char name[BIB_KEY_MAXNAMEBYTES + 1];
    int32 version;
    TimestampTz created_at;
    bib_key_kind kind;
    bib_key_status status;
    bool has_public;
    uint8_t public_key[32];
    uint8_t *wrapped;
    size_t wrapped_len;
    int slot; /* index of the unwrapped secret in the secure arena, or -1 */
} bib_stored_key;

/* Bumped whenever the cache is dropped: pointers from an older generation are stale. */
extern uint32 bib_keystore_generation;

/* Lookups; NULL when absent. */
bib_stored_key *bib_keystore_by_id(const uint8_t id[BIB_KEY_IDBYTES]);
bib_stored_key *bib_keystore_by_recipient(const uint8_t rid[BIB_ENVELOPE_RECIPIENTIDBYTES]);
bool bib_keystore_name_exists(const char *name);
/* The active version of name; raises "no such key" / "key is revoked" unless missing_ok. */
bib_stored_key *bib_keystore_active(const char *name, bool missing_ok);
/* Append every version of name to *keys. */
void bib_keystore_versions(const char *name, List **keys);

/* The unwrapped secret and (aead keys) KEY-mode schedule; valid until the cache is dropped. */
const uint8_t *bib_keystore_secret(bib_stored_key *key);
const bib_key_schedule *bib_keystore_schedule(bib_stored_key *key);

/*
 * True when signature is a valid Ed25519 signature of message by any stored
 * ed25519 key version, retired and revoked ones included (a seal signed
 * before a rotation must still verify).  Needs no master key.
 */
bool bib_keystore_ed25519_verifies(const uint8_t *message, size_t message_len,
                                   const uint8_t *signature, size_t signature_len);

Oid bib_keystore_relid(void);

/*
 * Run SPI as the owner of bib.key_store with search_path pinned to
 * pg_catalog, pg_temp: callers need EXECUTE on the SQL function only, never
 * a privilege on the table.
 */
typedef struct bib_keystore_owner_state {
    Oid saved_user;
    int saved_context;
    int guc_level;
} bib_keystore_owner_state;

void bib_keystore_as_owner_begin(bib_keystore_owner_state *s);
void bib_keystore_as_owner_end(bib_keystore_owner_state *s);

#endif
