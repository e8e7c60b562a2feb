/*
 * pg_errors.c — the one translator from a core status to a PostgreSQL error.
 *
 * The message and hint texts come from the core's table (shared/bib_status.c)
 * so that SQLite prints the same words; only the SQLSTATE is chosen here.
 * docs/errors.md documents this mapping.
 */
#include "bib_pg.h"

/* bib's own subclass of data_exception: the data did not verify (AEAD tag, share check, signature).
 */
#define ERRCODE_BIB_VERIFICATION_FAILED MAKE_SQLSTATE('2', '2', 'Z', '0', '1')

static int status_sqlstate(bib_status st)
{
    switch (st) {
    case BIB_ERR_TOO_LARGE:
        return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
    case BIB_ERR_AEAD_UNAVAILABLE:
        return ERRCODE_FEATURE_NOT_SUPPORTED;
    case BIB_ERR_NO_MEMORY:
        return ERRCODE_OUT_OF_MEMORY;
    case BIB_ERR_CRYPTO_INIT:
        return ERRCODE_SYSTEM_ERROR;
    case BIB_ERR_ENV_SHORT:
    case BIB_ERR_ENV_BAD_MAGIC:
    case BIB_ERR_ENV_BAD_VERSION:
    case BIB_ERR_ENV_BAD_MODE:
    case BIB_ERR_ENV_BAD_AEAD:
    case BIB_ERR_ENV_BAD_FLAGS:
    case BIB_ERR_ENV_WRONG_MODE:
    case BIB_ERR_SHARE_SHORT:
    case BIB_ERR_SHARE_TOO_LONG:
    case BIB_ERR_SHARE_BAD_MAGIC:
    case BIB_ERR_SHARE_BAD_VERSION:
    case BIB_ERR_SHARE_BAD_THRESHOLD:
    case BIB_ERR_SHARE_BAD_INDEX:
    case BIB_ERR_SSH_KEY_FORMAT:
    case BIB_ERR_SHARE_LIST_FORMAT:
    case BIB_ERR_SSHSIG_ARMOR:
    case BIB_ERR_SSHSIG_FORMAT:
    case BIB_ERR_SSHSIG_VERSION:
        return ERRCODE_INVALID_BINARY_REPRESENTATION;
    case BIB_ERR_ENV_AUTH:
    case BIB_ERR_SHARE_BAD_CHECK:
    case BIB_ERR_SSHSIG_NAMESPACE:
    case BIB_ERR_SSHSIG_KEY_MISMATCH:
    case BIB_ERR_SSHSIG_BAD_SIGNATURE:
        return ERRCODE_BIB_VERIFICATION_FAILED;
    case BIB_ERR_SHARE_NULL:
        return ERRCODE_NULL_VALUE_NOT_ALLOWED;
    case BIB_ERR_MASTER_KEY_NOT_CONFIGURED:
    case BIB_ERR_MASTER_KEY_MISMATCH:
    case BIB_ERR_KEY_REVOKED:
        return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
    case BIB_ERR_MASTER_KEY_MISSING:
    case BIB_ERR_MASTER_KEY_UNREADABLE:
    case BIB_ERR_MASTER_KEY_PERMISSIONS:
    case BIB_ERR_MASTER_KEY_FORMAT:
    case BIB_ERR_MASTER_KEY_COMMAND:
        return ERRCODE_CONFIG_FILE_ERROR;
    case BIB_ERR_KEY_NAME_EXISTS:
    case BIB_ERR_KEY_ID_EXISTS:
        return ERRCODE_DUPLICATE_OBJECT;
    case BIB_ERR_KEY_NOT_FOUND:
    case BIB_ERR_KEY_NOT_IN_STORE:
        return ERRCODE_UNDEFINED_OBJECT;
    case BIB_ERR_KEY_WRONG_KIND:
        return ERRCODE_WRONG_OBJECT_TYPE;
    case BIB_ERR_TEXT_NOT_UTF8:
        return ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
    case BIB_ERR_KEYBLOB_FORMAT:
        return ERRCODE_INVALID_BINARY_REPRESENTATION;
    case BIB_ERR_ROLE_NULL:
        return ERRCODE_NULL_VALUE_NOT_ALLOWED;
    case BIB_ERR_ROLE_UNKNOWN:
        return ERRCODE_UNDEFINED_OBJECT;
    case BIB_ERR_ROLE_NOT_MEMBER:
    case BIB_ERR_CREDENTIALS_DENIED:
        return ERRCODE_INSUFFICIENT_PRIVILEGE;
    case BIB_ERR_OPERATION_NO_TRANSACTION:
        return ERRCODE_NO_ACTIVE_SQL_TRANSACTION;
    default:
        return ERRCODE_INVALID_PARAMETER_VALUE;
    }
}

void bib_pg_raise(bib_status st)
{
    const char *hint = bib_status_hint(st);

    ereport(ERROR, (errcode(status_sqlstate(st)), errmsg_internal("%s", bib_status_message(st)),
                    hint != NULL ? errhint("%s", hint) : 0));
    pg_unreachable();
}
