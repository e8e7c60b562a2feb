/*
 * pg_credentials.c — zero-downtime credential rotation (DESIGN §8).
 *
 *   bib.rotate_credentials(role text, grace interval DEFAULT '1 hour',
 *                          recipient bytea DEFAULT NULL)
 *       → TABLE(login text, password text, sealed_password bytea, valid_until timestamptz)
 *       Every bib role has two logins, <role>_a and <role>_b, members of the
 *       role, created NOLOGIN at its first rotation.  The standby login gets
 *       a fresh 256-bit password and becomes active (valid until infinity);
 *       the previously active one keeps working until now() + grace (its
 *       VALID UNTIL), then bib.expire_credentials() retires it.  grace is
 *       0 to 30 days.  With recipient (a 32-byte X25519 public key) the
 *       password is returned only sealed to it (SEAL mode, bib.aead) and
 *       password is NULL.  A rotation while the standby is still in its
 *       grace period ends that grace at once.
 *       Example: SELECT * FROM bib.rotate_credentials('bibd_query', '5 minutes');
 *   bib.expire_credentials() → int
 *       Logins whose grace has ended lose LOGIN and their sessions are
 *       terminated (waiting up to 5 s for each); returns how many logins.
 *
 * Callers must be superusers or members of bibd_admin; the work is then done
 * as the owner of bib's tables (the extension owner), who needs CREATEROLE
 * and pg_signal_backend (a superuser has both).  Every rotation and expiry
 * writes a CREDENTIAL audit entry — role, login, generation, valid_until,
 * never a secret — with the caller as role_used.
 *
 * The password exists in plaintext only in sodium_malloc'ed memory, in the
 * copy PostgreSQL's SCRAM builder makes of it (wiped below) and, without a
 * recipient, in the returned value.  The server keeps only the
 * SCRAM-SHA-256 verifier that pg_be_scram_build_secret computes; the
 * ALTER ROLE that sets it runs through SPI, which log_statement never logs,
 * and carries the verifier, not the password.
 */
#include "pg_keystore.h"
#include "pg_audit.h"
#include "pg_roles.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

/*
 * From libpq/scram.h, which cannot be included here: it pulls in
 * libpq/libpq-be.h and with it the GSSAPI headers, which the server's
 * development package does not require.
 */
extern char *pg_be_scram_build_secret(const char *password);

PG_FUNCTION_INFO_V1(bib_rotate_credentials);
PG_FUNCTION_INFO_V1(bib_expire_credentials);

/* Longest grace period: long enough for any deployment, short enough to notice a typo. */
#define MAX_GRACE_USECS ((int64)30 * USECS_PER_DAY)
#define PASSWORD_BITS 256
/* How long expire_credentials waits for each terminated session to exit. */
#define TERMINATE_WAIT_MS 5000

/* Superusers and members of bibd_admin manage credentials; everyone else gets a bib: error. */
static void require_credential_manager(void)
{
    Oid admin = get_role_oid(BIB_ADMIN_ROLE, true);

    if (!superuser() && !(OidIsValid(admin) && is_member_of_role(GetUserId(), admin)))
        bib_pg_raise(BIB_ERR_CREDENTIALS_DENIED);
}

/*
 * The SCRAM-SHA-256 verifier of password, in the caller's memory context.
 * pg_be_scram_build_secret runs pg_saslprep, which palloc-copies an ASCII
 * password and pfrees the copy last, unwiped.  In a private AllocSet the
 * next allocation of that size class takes the freed chunk back, so it can
 * be wiped before the context goes.
 */
static char *scram_verifier(const char *password)
{
    size_t len = strlen(password) + 1;
    MemoryContext private = AllocSetContextCreate(CurrentMemoryContext, "bib scram",
                                                  ALLOCSET_SMALL_SIZES);
    MemoryContext old = MemoryContextSwitchTo(private);
    char *built = pg_be_scram_build_secret(password);
    char *reused = palloc(len);

    explicit_bzero(reused, len);
    MemoryContextSwitchTo(old);
    built = pstrdup(built);
    MemoryContextDelete(private);
    return built;
}

/* Run utility SQL through SPI; such statements are never logged by log_statement. */
static void spi_utility(const char *sql)
{
    if (SPI_execute(sql, false, 0) < 0)
        elog(ERROR, "bib: \"%.20s...\" failed", sql);
}

static bool role_exists(const char *name)
{
    return OidIsValid(get_role_oid(name, true));
}

/*
 * The audit entry of a rotation or an expiry; no secret goes in.  until NULL
 * is infinity (the active login); previous, when not NULL, is the login that
 * a rotation put into its grace period until previous_until.
 */
static void audit_credential(const char *event, const char *role, const char *login,
                             int64 generation, const TimestampTz *until, const char *previous,
                             TimestampTz previous_until)
{
    BibAuditEntry e = {0};
    StringInfoData json;

    initStringInfo(&json);
    appendStringInfoString(&json, "{\"event\": ");
    escape_json(&json, event);
    appendStringInfoString(&json, ", \"role\": ");
    escape_json(&json, role);
    appendStringInfoString(&json, ", \"login\": ");
    escape_json(&json, login);
    appendStringInfo(&json, ", \"generation\": " INT64_FORMAT ", \"valid_until\": ", generation);
    escape_json(&json, until != NULL ? timestamptz_to_str(*until) : "infinity");
    if (previous != NULL) {
        appendStringInfoString(&json, ", \"previous_login\": ");
        escape_json(&json, previous);
        appendStringInfoString(&json, ", \"previous_valid_until\": ");
        escape_json(&json, timestamptz_to_str(previous_until));
    }
    appendStringInfoChar(&json, '}');
    e.action = "CREDENTIAL";
    e.metadata = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data)));
    (void)bib_audit_write(&e);
}

/* What a rotation did, for the audit entry and the result row. */
typedef struct rotation {
    const char *role;
    char login[NAMEDATALEN];    /* the new active login */
    char previous[NAMEDATALEN]; /* the login now in grace; "" at the first rotation */
    int64 generation;
    TimestampTz previous_until;
} rotation;

/* An SPI text column as a bounded C string. */
static void spi_name(char *out, HeapTuple row, int col)
{
    bool isnull;
    Datum d = SPI_getbinval(row, SPI_tuptable->tupdesc, col, &isnull);

    out[0] = '\0';
    if (!isnull)
        strlcpy(out, TextDatumGetCString(d), NAMEDATALEN);
}

/* The catalog and bookkeeping part of a rotation; runs as the owner, inside SPI. */
static void rotate_logins(rotation *r, const char *verifier)
{
    Oid types[4] = {TEXTOID, TEXTOID, INT8OID, TIMESTAMPTZOID};
    Datum values[4];
    char login_a[NAMEDATALEN], login_b[NAMEDATALEN];
    const char *logins[2] = {login_a, login_b};
    bool isnull;

    snprintf(login_a, sizeof login_a, "%s_a", r->role);
    snprintf(login_b, sizeof login_b, "%s_b", r->role);
    /* One rotation at a time: two at once would both pick the same standby. */
    spi_utility("LOCK TABLE bib.credential_logins IN SHARE ROW EXCLUSIVE MODE");
    values[0] = CStringGetTextDatum(r->role);
    if (SPI_execute_with_args("SELECT (SELECT login FROM bib.credential_logins "
                              "         WHERE role = $1 AND status = 'active'), "
                              "       (SELECT COALESCE(max(generation), 0) "
                              "          FROM bib.credential_logins WHERE role = $1)",
                              1, types, values, NULL, false, 1) != SPI_OK_SELECT)
        elog(ERROR, "bib: reading bib.credential_logins failed");
    spi_name(r->previous, SPI_tuptable->vals[0], 1);
    r->generation =
        DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)) + 1;
    strlcpy(r->login, strcmp(r->previous, login_a) == 0 ? login_b : login_a, sizeof r->login);

    for (int i = 0; i < 2; i++)
        if (!role_exists(logins[i]))
            spi_utility(psprintf("CREATE ROLE %s NOLOGIN IN ROLE %s", quote_identifier(logins[i]),
                                 quote_identifier(r->role)));
    spi_utility(psprintf("ALTER ROLE %s WITH LOGIN PASSWORD %s VALID UNTIL 'infinity'",
                         quote_identifier(r->login), quote_literal_cstr(verifier)));

    values[2] = Int64GetDatum(r->generation);
    /* The previous login leaves 'active' first: one active login per role (unique index). */
    if (r->previous[0] != '\0') {
        spi_utility(psprintf("ALTER ROLE %s VALID UNTIL %s", quote_identifier(r->previous),
                             quote_literal_cstr(timestamptz_to_str(r->previous_until))));
        values[1] = CStringGetTextDatum(r->previous);
        values[3] = TimestampTzGetDatum(r->previous_until);
        if (SPI_execute_with_args("UPDATE bib.credential_logins SET status = 'grace', "
                                  "valid_until = $4 WHERE role = $1 AND login = $2",
                                  4, types, values, NULL, false, 0) != SPI_OK_UPDATE)
            elog(ERROR, "bib: writing bib.credential_logins failed");
    }
    values[1] = CStringGetTextDatum(r->login);
    values[3] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
    if (SPI_execute_with_args(
            "INSERT INTO bib.credential_logins AS c "
            "       (role, login, generation, status, rotated_at, valid_until) "
            "VALUES ($1, $2, $3, 'active', $4, 'infinity') "
            "ON CONFLICT (login) DO UPDATE SET generation = $3, status = 'active', "
            "       rotated_at = $4, valid_until = 'infinity'",
            4, types, values, NULL, false, 0) != SPI_OK_INSERT)
        elog(ERROR, "bib: writing bib.credential_logins failed");
}

static int64 grace_arg(FunctionCallInfo fcinfo, int n)
{
    Interval *grace;
    int64 usecs;

    if (PG_ARGISNULL(n))
        bib_pg_raise(BIB_ERR_CREDENTIALS_GRACE);
    grace = PG_GETARG_INTERVAL_P(n);
    /* Months count as 30 days, as interval comparison does. */
    if (grace->month > 1 || grace->day > 30 || grace->month < 0 || grace->day < 0)
        bib_pg_raise(BIB_ERR_CREDENTIALS_GRACE);
    usecs = grace->time + ((int64)grace->month * DAYS_PER_MONTH + grace->day) * USECS_PER_DAY;
    if (usecs < 0 || usecs > MAX_GRACE_USECS)
        bib_pg_raise(BIB_ERR_CREDENTIALS_GRACE);
    return usecs;
}

Datum bib_rotate_credentials(PG_FUNCTION_ARGS)
{
    const char *role = NULL;
    rotation r = {0};
    int64 grace;
    bytea *recipient = PG_ARGISNULL(2) ? NULL : PG_GETARG_BYTEA_PP(2);
    char *password;
    char *verifier = NULL;
    Datum result[4];
    bool nulls[4] = {false, false, false, false};
    ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
    TimestampTz forever;
    bib_keystore_owner_state owner;

    (void)bib_pg_role_arg(fcinfo, 0, &role);
    grace = grace_arg(fcinfo, 1);
    require_credential_manager();
    InitMaterializedSRF(fcinfo, 0);

    password = sodium_malloc(bib_password_length(PASSWORD_BITS) + 1);
    if (password == NULL)
        bib_pg_raise(BIB_ERR_NO_MEMORY);
    PG_TRY();
    {
        bib_pg_check(bib_password_generate(password, PASSWORD_BITS, NULL));
        if (recipient != NULL) {
            size_t len = strlen(password);
            bytea *sealed = bib_pg_bytea_alloc(bib_envelope_sealed_size(BIB_MODE_SEAL, len));

            bib_pg_check(bib_envelope_seal((uint8_t *)VARDATA(sealed), (const uint8_t *)password,
                                           len, NULL, 0, (bib_aead)bib_pg_aead,
                                           (const uint8_t *)VARDATA_ANY(recipient),
                                           VARSIZE_ANY_EXHDR(recipient), NULL));
            result[1] = (Datum)0;
            nulls[1] = true;
            result[2] = PointerGetDatum(sealed);
        } else {
            result[1] = CStringGetTextDatum(password);
            result[2] = (Datum)0;
            nulls[2] = true;
        }
        verifier = scram_verifier(password);
    }
    PG_FINALLY();
    {
        sodium_free(password);
    }
    PG_END_TRY();

    r.role = role;
    r.previous_until = GetCurrentTransactionStartTimestamp() + grace;
    bib_keystore_as_owner_begin(&owner);
    rotate_logins(&r, verifier);
    bib_keystore_as_owner_end(&owner);
    audit_credential("rotate", r.role, r.login, r.generation, NULL,
                     r.previous[0] != '\0' ? r.previous : NULL, r.previous_until);

    result[0] = CStringGetTextDatum(r.login);
    TIMESTAMP_NOEND(forever);
    result[3] = TimestampTzGetDatum(forever);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, result, nulls);
    return (Datum)0;
}

/* One login whose grace has ended. */
typedef struct expiry {
    char role[NAMEDATALEN];
    char login[NAMEDATALEN];
    int64 generation;
    TimestampTz valid_until;
} expiry;

Datum bib_expire_credentials(PG_FUNCTION_ARGS)
{
    MemoryContext caller = CurrentMemoryContext;
    bib_keystore_owner_state owner;
    expiry *due = NULL;
    uint64 ndue;

    (void)fcinfo;
    require_credential_manager();
    bib_keystore_as_owner_begin(&owner);
    spi_utility("LOCK TABLE bib.credential_logins IN SHARE ROW EXCLUSIVE MODE");
    if (SPI_execute("UPDATE bib.credential_logins SET status = 'retired' "
                    "WHERE status = 'grace' AND valid_until <= pg_catalog.statement_timestamp() "
                    "RETURNING role, login, generation, valid_until",
                    false, 0) != SPI_OK_UPDATE_RETURNING)
        elog(ERROR, "bib: writing bib.credential_logins failed");
    ndue = SPI_processed;
    if (ndue > 0)
        due = MemoryContextAllocZero(caller, ndue * sizeof(expiry));
    for (uint64 i = 0; i < ndue; i++) {
        HeapTuple row = SPI_tuptable->vals[i];
        bool isnull;

        spi_name(due[i].role, row, 1);
        spi_name(due[i].login, row, 2);
        due[i].generation = DatumGetInt64(SPI_getbinval(row, SPI_tuptable->tupdesc, 3, &isnull));
        due[i].valid_until =
            DatumGetTimestampTz(SPI_getbinval(row, SPI_tuptable->tupdesc, 4, &isnull));
    }
    for (uint64 i = 0; i < ndue; i++) {
        Oid types[1] = {TEXTOID};
        Datum values[1] = {CStringGetTextDatum(due[i].login)};

        /* NOLOGIN first, so that no new session can start while the old ones end. */
        spi_utility(psprintf("ALTER ROLE %s NOLOGIN", quote_identifier(due[i].login)));
        if (SPI_execute_with_args("SELECT pg_catalog.pg_terminate_backend(pid, " CppAsString2(
                                      TERMINATE_WAIT_MS) ") FROM pg_catalog.pg_stat_activity "
                                                         "WHERE usename = $1 AND pid <> "
                                                         "pg_catalog.pg_backend_pid()",
                                  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
            elog(ERROR, "bib: terminating the sessions of a login failed");
    }
    bib_keystore_as_owner_end(&owner);
    for (uint64 i = 0; i < ndue; i++)
        audit_credential("expire", due[i].role, due[i].login, due[i].generation,
                         &due[i].valid_until, NULL, 0);
    PG_RETURN_INT32((int32)ndue);
}
