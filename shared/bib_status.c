/*
 * bib_status.c — message, hint and name of every bib_status.
 *
 * One table, so that PostgreSQL and SQLite print the same words and the
 * documentation (docs/errors.md) can be checked against a single source.
 */
#include "bib_status.h"

#include <stddef.h>

typedef struct status_text {
    const char *name;
    const char *message;
    const char *hint;
} status_text;

/* clang-format off */
static const status_text status_texts[BIB_STATUS_COUNT] = {
    [BIB_OK] = {"OK", "bib: success", NULL},
    [BIB_ERR_KEY_LENGTH] = {"ARG_KEY_LENGTH", "bib: key must be 32 bytes",
                            "Use a 32-byte key, for example bib.random(32)."},
    [BIB_ERR_PUBLIC_KEY_LENGTH] = {"ARG_PUBLIC_KEY_LENGTH", "bib: public key must be 32 bytes",
                                   "Use a raw X25519 or Ed25519 public key, 32 bytes."},
    [BIB_ERR_SECRET_KEY_LENGTH] = {"ARG_SECRET_KEY_LENGTH", "bib: secret key must be 32 bytes",
                                   "Use a raw X25519 secret key, 32 bytes."},
    [BIB_ERR_SEED_LENGTH] = {"ARG_SEED_LENGTH", "bib: Ed25519 seed must be 32 bytes",
                             "An Ed25519 secret key is handled as its 32-byte seed."},
    [BIB_ERR_SIGNATURE_LENGTH] = {"ARG_SIGNATURE_LENGTH",
                                  "bib: Ed25519 signature must be 64 bytes", NULL},
    [BIB_ERR_TOO_LARGE] = {"ARG_TOO_LARGE", "bib: input is too large",
                           "Plaintexts, associated data and messages are limited to 1 GiB."},
    [BIB_ERR_HKDF_LENGTH] = {"ARG_HKDF_LENGTH", "bib: HKDF output length must be 1 to 8160 bytes",
                             NULL},
    [BIB_ERR_RANDOM_LENGTH] = {"ARG_RANDOM_LENGTH",
                               "bib: random byte count must be 1 to 1048576", NULL},
    [BIB_ERR_PASSWORD_BITS] = {"ARG_PASSWORD_BITS",
                               "bib: password bits must be a multiple of 8 from 128 to 4096",
                               "The default, 256 bits, gives 43 characters."},
    [BIB_ERR_AEAD_NAME] = {"ARG_AEAD_NAME", "bib: unknown AEAD",
                           "Valid values are aes256gcm and xchacha20poly1305."},
    [BIB_ERR_AEAD_UNAVAILABLE] = {"AEAD_UNAVAILABLE",
                                  "bib: AES-256-GCM is not available on this CPU (no AES-NI); "
                                  "set bib.aead to xchacha20poly1305",
                                  "AES-256-GCM envelopes can be opened only on a CPU with AES-NI. "
                                  "In SQLite call bib_aead('xchacha20poly1305')."},
    [BIB_ERR_NO_MEMORY] = {"NO_MEMORY", "bib: out of secure memory",
                           "Raise the locked-memory limit (ulimit -l) of the server."},
    [BIB_ERR_CRYPTO_INIT] = {"CRYPTO_INIT", "bib: libsodium could not be initialised", NULL},

    [BIB_ERR_ENV_SHORT] = {"ENV_SHORT", "bib: envelope is too short", NULL},
    [BIB_ERR_ENV_BAD_MAGIC] = {"ENV_BAD_MAGIC", "bib: not a bib envelope (bad magic)", NULL},
    [BIB_ERR_ENV_BAD_VERSION] = {"ENV_BAD_VERSION", "bib: unsupported envelope version",
                                 "This version of bib reads envelope version 1."},
    [BIB_ERR_ENV_BAD_MODE] = {"ENV_BAD_MODE", "bib: unknown envelope mode", NULL},
    [BIB_ERR_ENV_BAD_AEAD] = {"ENV_BAD_AEAD", "bib: unknown envelope AEAD", NULL},
    [BIB_ERR_ENV_BAD_FLAGS] = {"ENV_BAD_FLAGS", "bib: envelope flags must be zero", NULL},
    [BIB_ERR_ENV_WRONG_MODE] = {"ENV_WRONG_MODE",
                                "bib: envelope mode does not match this function",
                                "bib.envelope_info() tells the mode; KEY envelopes open with "
                                "decrypt_raw, SEAL with unseal_raw, HYBRID with "
                                "decrypt_hybrid_raw."},
    [BIB_ERR_ENV_SMALL_ORDER] = {"ENV_ZERO_SHARED",
                                 "bib: X25519 key has small order (all-zero shared secret)",
                                 NULL},
    [BIB_ERR_ENV_AUTH] = {"ENV_AUTH",
                          "bib: envelope authentication failed",
                          "The key or associated data is wrong, or the envelope was altered."},

    [BIB_ERR_SHAMIR_SHARE_COUNT] = {"SHAMIR_SHARE_COUNT",
                                    "bib: number of shares must be 1 to 255", NULL},
    [BIB_ERR_SHAMIR_THRESHOLD] = {"SHAMIR_THRESHOLD",
                                  "bib: threshold must be between 1 and the number of shares",
                                  NULL},
    [BIB_ERR_SHAMIR_SECRET_LENGTH] = {"SHAMIR_SECRET_LENGTH",
                                      "bib: secret to split must be 1 to 1024 bytes", NULL},
    [BIB_ERR_SHARE_NONE] = {"SHARE_TOO_FEW", "bib: no shares given", NULL},
    [BIB_ERR_SHARE_NULL] = {"SHARE_NULL", "bib: share must not be NULL", NULL},
    [BIB_ERR_SHARE_LIST_FORMAT] = {"SHARE_LIST_FORMAT",
                                   "bib: shares must be a JSON array of hex strings",
                                   "Pass the JSON array that bib_shamir_split returned, or one share per argument."},
    [BIB_ERR_SHARE_SHORT] = {"SHARE_SHORT", "bib: share is too short", NULL},
    [BIB_ERR_SHARE_TOO_LONG] = {"SHARE_TOO_LONG", "bib: share is too long", NULL},
    [BIB_ERR_SHARE_BAD_MAGIC] = {"SHARE_BAD_MAGIC", "bib: not a bib share (bad magic)", NULL},
    [BIB_ERR_SHARE_BAD_VERSION] = {"SHARE_BAD_VERSION", "bib: unsupported share version", NULL},
    [BIB_ERR_SHARE_BAD_THRESHOLD] = {"SHARE_BAD_THRESHOLD", "bib: share threshold is zero", NULL},
    [BIB_ERR_SHARE_BAD_INDEX] = {"SHARE_BAD_INDEX", "bib: share index is zero", NULL},
    [BIB_ERR_SHARE_BAD_CHECK] = {"SHARE_BAD_CHECK", "bib: share check value does not match",
                                 "The share was altered or mistyped."},
    [BIB_ERR_SHARE_MIXED_SPLIT] = {"SHARE_MIXED_SPLIT_ID", "bib: shares come from different splits",
                                   NULL},
    [BIB_ERR_SHARE_MIXED_THRESHOLD] = {"SHARE_MIXED_THRESHOLD",
                                       "bib: shares have different thresholds", NULL},
    [BIB_ERR_SHARE_MIXED_LENGTH] = {"SHARE_MIXED_LENGTH", "bib: shares have different lengths",
                                    NULL},
    [BIB_ERR_SHARE_DUPLICATE_INDEX] = {"SHARE_DUPLICATE_INDEX",
                                       "bib: the same share index appears twice", NULL},
    [BIB_ERR_SHARE_TOO_FEW] = {"SHARE_TOO_FEW", "bib: fewer shares than the threshold",
                               "Supply at least as many distinct shares as the threshold."},

    [BIB_ERR_MASTER_KEY_NOT_CONFIGURED] = {"MASTER_KEY_NOT_CONFIGURED", "bib: no master key is configured",
                                           "Set bib.master_key_file (a file of 64 hex characters, mode 0600) or bib.master_key_command in postgresql.conf; in SQLite call bib_master_key_load(path) or set BIB_MASTER_KEY_FILE."},
    [BIB_ERR_MASTER_KEY_MISSING] = {"MASTER_KEY_MISSING", "bib: master key file does not exist",
                                    "Check the path in bib.master_key_file (SQLite: the path given)."},
    [BIB_ERR_MASTER_KEY_UNREADABLE] = {"MASTER_KEY_UNREADABLE", "bib: master key file cannot be read",
                                       "The file must be readable by the server's user."},
    [BIB_ERR_MASTER_KEY_PERMISSIONS] = {"MASTER_KEY_PERMISSIONS",
                                        "bib: master key file must be owned by the server user and not accessible to others",
                                        "chown it to the server user and chmod 0600 (or 0400)."},
    [BIB_ERR_MASTER_KEY_FORMAT] = {"MASTER_KEY_FORMAT", "bib: master key must be 64 hexadecimal characters",
                                   "Create one with: openssl rand -hex 32 > master.key"},
    [BIB_ERR_MASTER_KEY_COMMAND] = {"MASTER_KEY_COMMAND", "bib: master key command failed",
                                    "bib.master_key_command must exit 0 and print 64 hex characters."},
    [BIB_ERR_MASTER_KEY_MISMATCH] = {"MASTER_KEY_MISMATCH",
                                     "bib: key was wrapped under a different master key",
                                     "The configured master key's fingerprint differs from the one the key store was written with; configure the original master key (see docs/keys.md for recovery from shares)."},
    [BIB_ERR_KEY_NAME_INVALID] = {"KEY_NAME_INVALID", "bib: key name must be 1 to 63 characters", NULL},
    [BIB_ERR_KEY_KIND_UNKNOWN] = {"KEY_KIND_UNKNOWN", "bib: unknown key kind",
                                  "Valid kinds are aead, x25519 and ed25519."},
    [BIB_ERR_KEY_NAME_EXISTS] = {"KEY_NAME_EXISTS", "bib: a key with this name already exists",
                                 "Use rotate_key to make a new version of an existing key."},
    [BIB_ERR_KEY_NOT_FOUND] = {"KEY_NOT_FOUND", "bib: no such key", "The keys view lists the stored keys."},
    [BIB_ERR_KEY_NOT_IN_STORE] = {"KEY_NOT_IN_STORE", "bib: no stored key matches this envelope",
                                  "The envelope was made with a raw key or another key store; open it with decrypt_raw, unseal_raw or decrypt_hybrid_raw."},
    [BIB_ERR_KEY_REVOKED] = {"KEY_REVOKED", "bib: key is revoked", NULL},
    [BIB_ERR_KEY_WRONG_KIND] = {"KEY_WRONG_KIND", "bib: key kind does not fit this operation",
                                "encrypt needs an aead key, seal and decryption of SEAL envelopes an x25519 key, sign an ed25519 key."},
    [BIB_ERR_KEY_ID_EXISTS] = {"KEY_ID_EXISTS", "bib: a key with this id is already stored", NULL},
    [BIB_ERR_KEYBLOB_FORMAT] = {"KEYBLOB_FORMAT", "bib: not a valid exported key", NULL},
    [BIB_ERR_TEXT_NOT_UTF8] = {"TEXT_NOT_UTF8", "bib: decrypted data is not valid UTF-8",
                               "Use decrypt, which returns bytea, for binary data."},

    [BIB_ERR_SSH_KEY_FORMAT] = {"SSH_KEY_FORMAT", "bib: not an OpenSSH public key line",
                                "Give the line of a .pub file: ssh-ed25519 AAAA... comment"},
    [BIB_ERR_SSH_KEY_TYPE] = {"SSH_KEY_TYPE", "bib: only ssh-ed25519 keys are accepted",
                              "Create one with ssh-keygen -t ed25519."},
    [BIB_ERR_SSHSIG_ARMOR] = {"SSHSIG_ARMOR", "bib: not an armored SSH signature",
                              "Give the whole output of ssh-keygen -Y sign, BEGIN and END lines "
                              "included."},
    [BIB_ERR_SSHSIG_FORMAT] = {"SSHSIG_FORMAT", "bib: malformed SSH signature", NULL},
    [BIB_ERR_SSHSIG_VERSION] = {"SSHSIG_VERSION", "bib: unsupported SSH signature version", NULL},
    [BIB_ERR_SSHSIG_NAMESPACE] = {"SSHSIG_NAMESPACE", "bib: SSH signature namespace does not match",
                                  "Sign with ssh-keygen -Y sign -n and the namespace bib expects."},
    [BIB_ERR_SSHSIG_HASH] = {"SSHSIG_HASH", "bib: unsupported SSH signature hash algorithm",
                             "ssh-keygen signs with sha512 by default; sha256 is accepted too."},
    [BIB_ERR_SSHSIG_KEY_TYPE] = {"SSHSIG_KEY_TYPE", "bib: SSH signature is not an Ed25519 signature",
                                 NULL},
    [BIB_ERR_SSHSIG_KEY_MISMATCH] = {"SSHSIG_KEY_MISMATCH",
                                     "bib: SSH signature was made by another key", NULL},
    [BIB_ERR_SSHSIG_BAD_SIGNATURE] = {"SSHSIG_BAD_SIGNATURE", "bib: SSH signature is not valid",
                                      "The message differs from what was signed, or the "
                                      "signature was altered."},

    [BIB_ERR_AUDIT_TABLE_NULL] = {"AUDIT_TABLE_NULL", "bib: table name must not be NULL", NULL},
    [BIB_ERR_AUDIT_NO_TABLE] = {"AUDIT_NO_TABLE", "bib: no such table to audit",
                                "In SQLite give the table's name unquoted, as CREATE TABLE spelled "
                                "it; only tables of the main database can be audited."},
    [BIB_ERR_AUDIT_NOT_A_TABLE] = {"AUDIT_NOT_A_TABLE",
                                   "bib: only ordinary tables can be audited",
                                   "Views, virtual tables and bib's own tables cannot be audited."},
    [BIB_ERR_AUDIT_ALREADY] = {"AUDIT_ALREADY", "bib: table is already audited",
                               "To change the redacted columns, disable audit and enable it again."},
    [BIB_ERR_AUDIT_NOT_AUDITED] = {"AUDIT_NOT_AUDITED", "bib: table is not audited", NULL},
    [BIB_ERR_AUDIT_REDACT_FORMAT] = {"AUDIT_REDACT_FORMAT",
                                     "bib: redact list must be a JSON array of column names",
                                     "For example '[\"password\", \"ssn\"]'."},
    [BIB_ERR_AUDIT_REDACT_COLUMN] = {"AUDIT_REDACT_COLUMN",
                                     "bib: redact list names a column the table does not have",
                                     NULL},
    [BIB_ERR_AUDIT_APPEND_ONLY] = {"AUDIT_APPEND_ONLY", "bib: the audit log is append-only",
                                   "Audit entries can be neither changed nor deleted."},
    [BIB_ERR_AUDIT_HASH_LENGTH] = {"AUDIT_HASH_LENGTH", "bib: audit hash must be 32 bytes", NULL},
    [BIB_ERR_AUDIT_COLUMN_LIST] = {"AUDIT_COLUMN_LIST", "bib: malformed audit column list", NULL},
    [BIB_ERR_AUDIT_ACTION] = {"AUDIT_ACTION", "bib: action must be non-empty text", NULL},
    [BIB_ERR_AUDIT_ACTION_RESERVED] = {"AUDIT_ACTION_RESERVED",
                                       "bib: action is reserved for bib's own entries",
                                       "INSERT, UPDATE, DELETE, TRUNCATE, DDL, STATEMENT, "
                                       "BREAK_GLASS and CREDENTIAL are written by bib; "
                                       "applications use APP or their own words."},
    [BIB_ERR_AUDIT_METADATA] = {"AUDIT_METADATA", "bib: metadata must be a JSON object", NULL},
    [BIB_ERR_AUDIT_DIGEST_FORMAT] = {"AUDIT_DIGEST_FORMAT", "bib: malformed audit digest",
                                     "Pass the value that audit_digest() returned."},
    [BIB_ERR_CONTEXT_KEY] = {"CONTEXT_KEY", "bib: unknown context key",
                             "The keys are operation_id, job_id, source and actor."},
    [BIB_ERR_CONTEXT_UUID] = {"CONTEXT_UUID", "bib: operation_id and job_id must be UUIDs",
                              "Write them as 8-4-4-4-12 hexadecimal digits."},

    [BIB_ERR_ROLE_NULL] = {"ROLE_NULL", "bib: role must not be NULL",
                           "Name one of the six bib roles, for example 'bibd_query'."},
    [BIB_ERR_ROLE_UNKNOWN] = {"ROLE_UNKNOWN", "bib: role does not exist",
                              "bib.bootstrap_roles() creates the six bib roles."},
    [BIB_ERR_ROLE_NOT_BIB] = {"ROLE_NOT_BIB", "bib: not a bib role",
                              "The bib roles are bibd_admin, bibd_scrape, bibd_query, "
                              "bibd_transform, bibd_audit and bibd_readonly."},
    [BIB_ERR_ROLE_NOT_MEMBER] = {"ROLE_NOT_MEMBER", "bib: permission denied to use this role",
                                 "The session user must be a member of the role: GRANT it to "
                                 "the login."},
    [BIB_ERR_OPERATION_NO_TRANSACTION] = {"OPERATION_NO_TRANSACTION",
                                          "bib: begin_operation needs a transaction block",
                                          "Call it right after BEGIN; the role and the context "
                                          "end with the transaction."},
    [BIB_ERR_CREDENTIALS_DENIED] = {"CREDENTIALS_DENIED",
                                    "bib: permission denied to manage credentials",
                                    "Only superusers and members of bibd_admin may rotate or "
                                    "expire credentials."},
    [BIB_ERR_CREDENTIALS_GRACE] = {"CREDENTIALS_GRACE",
                                   "bib: grace must be an interval from 0 to 30 days",
                                   "The previous login keeps working for the grace period; "
                                   "'0' ends it at once."},
};
/* clang-format on */

static const status_text *status_lookup(bib_status status)
{
    if ((unsigned)status >= (unsigned)BIB_STATUS_COUNT || status_texts[status].name == NULL) {
        static const status_text unknown = {"UNKNOWN", "bib: internal error", NULL};
        return &unknown;
    }
    return &status_texts[status];
}

const char *bib_status_message(bib_status status)
{
    return status_lookup(status)->message;
}

const char *bib_status_hint(bib_status status)
{
    return status_lookup(status)->hint;
}

const char *bib_status_name(bib_status status)
{
    return status_lookup(status)->name;
}
