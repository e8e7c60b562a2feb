/*
 * pg_roles.c — the six bib roles and per-transaction role switching (DESIGN §7, §8).
 *
 *   bib.role_names() → text[]
 *       The six roles, bibd_admin first.  The one list: the SQL side
 *       (40_roles.sql: bootstrap, policy checks) reads it from here.
 *   bib.begin_operation(role text, operation_id uuid DEFAULT NULL, job_id uuid DEFAULT NULL,
 *                       source text DEFAULT NULL, actor text DEFAULT NULL) → uuid
 *       Inside a transaction block only: SET LOCAL ROLE to a bib role the
 *       session user is a member of, then bib.set_context with the given
 *       context; a NULL operation_id gets a fresh random one, which is
 *       returned.  Both end at COMMIT or ROLLBACK, and a rolled-back savepoint
 *       restores what was in force before it, exactly like SET LOCAL.
 *       Example: BEGIN; SELECT bib.begin_operation('bibd_scrape', job_id => $1); ...
 *
 * Membership is judged for the session user, as SET ROLE judges it, so that a
 * second begin_operation in the same transaction may move to another role
 * the login holds.
 */
#include "pg_roles.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/uuid.h"

PG_FUNCTION_INFO_V1(bib_role_names);
PG_FUNCTION_INFO_V1(bib_begin_operation);

/* bib.set_context (pg_audit_context.c): begin_operation sets the context through the same code. */
extern PGDLLEXPORT Datum bib_set_context(PG_FUNCTION_ARGS);

static const char *const bib_roles[] = {
    BIB_ADMIN_ROLE, "bibd_scrape", "bibd_query", "bibd_transform", "bibd_audit", "bibd_readonly",
};

#define NROLES (sizeof bib_roles / sizeof bib_roles[0])

Oid bib_pg_role_arg(FunctionCallInfo fcinfo, int n, const char **name)
{
    char *s;
    Oid role;

    if (PG_ARGISNULL(n))
        bib_pg_raise(BIB_ERR_ROLE_NULL);
    s = text_to_cstring(PG_GETARG_TEXT_PP(n));
    role = get_role_oid(s, true);
    if (!OidIsValid(role))
        bib_pg_raise(BIB_ERR_ROLE_UNKNOWN);
    for (size_t i = 0; i < NROLES; i++) {
        if (strcmp(s, bib_roles[i]) == 0) {
            *name = s;
            return role;
        }
    }
    bib_pg_raise(BIB_ERR_ROLE_NOT_BIB);
}

Datum bib_role_names(PG_FUNCTION_ARGS)
{
    Datum names[NROLES];

    (void)fcinfo;
    for (size_t i = 0; i < NROLES; i++)
        names[i] = CStringGetTextDatum(bib_roles[i]);
    PG_RETURN_ARRAYTYPE_P(construct_array(names, NROLES, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum bib_begin_operation(PG_FUNCTION_ARGS)
{
    LOCAL_FCINFO(context_call, 4);
    const char *name = NULL;
    Oid role = bib_pg_role_arg(fcinfo, 0, &name);
    pg_uuid_t *operation_id;

    if (!IsTransactionBlock())
        bib_pg_raise(BIB_ERR_OPERATION_NO_TRANSACTION);
    if (!is_member_of_role(GetSessionUserId(), role))
        bib_pg_raise(BIB_ERR_ROLE_NOT_MEMBER);

    /* What SET LOCAL ROLE does: undone by the transaction's end or a savepoint's rollback. */
    (void)set_config_option("role", name, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0,
                            false);

    if (PG_ARGISNULL(1)) {
        /* A random RFC 4122 version-4 UUID. */
        operation_id = palloc(sizeof *operation_id);
        bib_random_bytes(operation_id->data, UUID_LEN);
        operation_id->data[6] = (uint8_t)((operation_id->data[6] & 0x0F) | 0x40);
        operation_id->data[8] = (uint8_t)((operation_id->data[8] & 0x3F) | 0x80);
    } else {
        operation_id = PG_GETARG_UUID_P(1);
    }
    InitFunctionCallInfoData(*context_call, NULL, 4, InvalidOid, NULL, NULL);
    context_call->args[0].value = UUIDPGetDatum(operation_id);
    context_call->args[0].isnull = false;
    for (int i = 1; i < 4; i++) {
        context_call->args[i].value = PG_GETARG_DATUM(i + 1);
        context_call->args[i].isnull = PG_ARGISNULL(i + 1);
    }
    (void)bib_set_context(context_call);
    PG_RETURN_UUID_P(operation_id);
}
