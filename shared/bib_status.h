/*
 * bib_status.h — the one status type every core function returns.
 *
 * The core never reports errors any other way: no longjmp, no printing, no
 * errno.  Each adapter owns exactly one translator from a status to its
 * engine's error (ereport in PostgreSQL, sqlite3_result_error in SQLite), so
 * the message texts below are the texts users see in both engines.
 */
#ifndef BIB_STATUS_H
#define BIB_STATUS_H

typedef enum bib_status {
    BIB_OK = 0,

    /* argument errors, detected before any input is parsed */
    BIB_ERR_KEY_LENGTH,
    BIB_ERR_PUBLIC_KEY_LENGTH,
    BIB_ERR_SECRET_KEY_LENGTH,
    BIB_ERR_SEED_LENGTH,
    BIB_ERR_SIGNATURE_LENGTH,
    BIB_ERR_TOO_LARGE,
    BIB_ERR_HKDF_LENGTH,
    BIB_ERR_RANDOM_LENGTH,
    BIB_ERR_PASSWORD_BITS,
    BIB_ERR_AEAD_NAME,
    BIB_ERR_AEAD_UNAVAILABLE,
    BIB_ERR_NO_MEMORY,
    BIB_ERR_CRYPTO_INIT,

    /* envelope v1 (DESIGN §3), in the order the checks run */
    BIB_ERR_ENV_SHORT,
    BIB_ERR_ENV_BAD_MAGIC,
    BIB_ERR_ENV_BAD_VERSION,
    BIB_ERR_ENV_BAD_MODE,
    BIB_ERR_ENV_BAD_AEAD,
    BIB_ERR_ENV_BAD_FLAGS,
    BIB_ERR_ENV_WRONG_MODE,
    BIB_ERR_ENV_SMALL_ORDER,
    BIB_ERR_ENV_AUTH,

    /* Shamir split arguments and share v1 (DESIGN §4) */
    BIB_ERR_SHAMIR_SHARE_COUNT,
    BIB_ERR_SHAMIR_THRESHOLD,
    BIB_ERR_SHAMIR_SECRET_LENGTH,
    BIB_ERR_SHARE_NONE,
    BIB_ERR_SHARE_NULL,
    BIB_ERR_SHARE_LIST_FORMAT,
    BIB_ERR_SHARE_SHORT,
    BIB_ERR_SHARE_TOO_LONG,
    BIB_ERR_SHARE_BAD_MAGIC,
    BIB_ERR_SHARE_BAD_VERSION,
    BIB_ERR_SHARE_BAD_THRESHOLD,
    BIB_ERR_SHARE_BAD_INDEX,
    BIB_ERR_SHARE_BAD_CHECK,
    BIB_ERR_SHARE_MIXED_SPLIT,
    BIB_ERR_SHARE_MIXED_THRESHOLD,
    BIB_ERR_SHARE_MIXED_LENGTH,
    BIB_ERR_SHARE_DUPLICATE_INDEX,
    BIB_ERR_SHARE_TOO_FEW,

    /* master key and key store */
    BIB_ERR_MASTER_KEY_NOT_CONFIGURED,
    BIB_ERR_MASTER_KEY_MISSING,
    BIB_ERR_MASTER_KEY_UNREADABLE,
    BIB_ERR_MASTER_KEY_PERMISSIONS,
    BIB_ERR_MASTER_KEY_FORMAT,
    BIB_ERR_MASTER_KEY_COMMAND,
    BIB_ERR_MASTER_KEY_MISMATCH,
    BIB_ERR_KEY_NAME_INVALID,
    BIB_ERR_KEY_KIND_UNKNOWN,
    BIB_ERR_KEY_NAME_EXISTS,
    BIB_ERR_KEY_NOT_FOUND,
    BIB_ERR_KEY_NOT_IN_STORE,
    BIB_ERR_KEY_REVOKED,
    BIB_ERR_KEY_WRONG_KIND,
    BIB_ERR_KEY_ID_EXISTS,
    BIB_ERR_KEYBLOB_FORMAT,
    BIB_ERR_TEXT_NOT_UTF8,

    /* OpenSSH public keys and SSHSIG signatures */
    BIB_ERR_SSH_KEY_FORMAT,
    BIB_ERR_SSH_KEY_TYPE,
    BIB_ERR_SSHSIG_ARMOR,
    BIB_ERR_SSHSIG_FORMAT,
    BIB_ERR_SSHSIG_VERSION,
    BIB_ERR_SSHSIG_NAMESPACE,
    BIB_ERR_SSHSIG_HASH,
    BIB_ERR_SSHSIG_KEY_TYPE,
    BIB_ERR_SSHSIG_KEY_MISMATCH,
    BIB_ERR_SSHSIG_BAD_SIGNATURE,

    /* audit (DESIGN §5, §7) */
    BIB_ERR_AUDIT_TABLE_NULL,
    BIB_ERR_AUDIT_NO_TABLE,
    BIB_ERR_AUDIT_NOT_A_TABLE,
    BIB_ERR_AUDIT_ALREADY,
    BIB_ERR_AUDIT_NOT_AUDITED,
    BIB_ERR_AUDIT_REDACT_FORMAT,
    BIB_ERR_AUDIT_REDACT_COLUMN,
    BIB_ERR_AUDIT_APPEND_ONLY,
    BIB_ERR_AUDIT_HASH_LENGTH,
    BIB_ERR_AUDIT_COLUMN_LIST,
    BIB_ERR_AUDIT_ACTION,
    BIB_ERR_AUDIT_ACTION_RESERVED,
    BIB_ERR_AUDIT_METADATA,
    BIB_ERR_AUDIT_DIGEST_FORMAT,
    BIB_ERR_CONTEXT_KEY,
    BIB_ERR_CONTEXT_UUID,

    /* roles and credentials (DESIGN §8) */
    BIB_ERR_ROLE_NULL,
    BIB_ERR_ROLE_UNKNOWN,
    BIB_ERR_ROLE_NOT_BIB,
    BIB_ERR_ROLE_NOT_MEMBER,
    BIB_ERR_OPERATION_NO_TRANSACTION,
    BIB_ERR_CREDENTIALS_DENIED,
    BIB_ERR_CREDENTIALS_GRACE,

    BIB_STATUS_COUNT
} bib_status;

/* The user-facing message for a status, always beginning "bib: ". */
const char *bib_status_message(bib_status status);

/* What the user can do about it, or NULL when there is nothing to suggest. */
const char *bib_status_hint(bib_status status);

/* A stable short name ("ENV_AUTH", ...) used by tests and documentation. */
const char *bib_status_name(bib_status status);

#define BIB_MUST_CHECK __attribute__((warn_unused_result))

#endif
