/*
 * pg_audit.c — the audit's settings and backend callbacks, set up once by
 * _PG_init through bib_pg_audit_init().
 *
 * Settings
 *   bib.audit_signing_key  (superuser; default '' = seals are not signed)
 *       Name of the ed25519 key in bib's key store that signs every seal
 *       (DESIGN §7).  Checked here for the key store's name rules; whether
 *       the key exists is known only when a seal is made.
 */
#include "pg_audit.h"

#include "bib_keystore.h"
#include "utils/guc.h"

/* bib.audit_signing_key: see the header comment. */
char *bib_audit_signing_key = NULL;

/* An empty name turns signing off; any other must be a valid key name. */
static bool check_signing_key(char **newval, void **extra, GucSource source)
{
    (void)extra;
    (void)source;
    if (*newval == NULL || (*newval)[0] == '\0')
        return true;
    if (bib_key_name_check(*newval, strlen(*newval)) != BIB_OK) {
        GUC_check_errmsg("bib: \"%s\" is not a valid key name", *newval);
        GUC_check_errhint("Key names are 1 to 63 bytes long.");
        return false;
    }
    return true;
}

void bib_pg_audit_init(void)
{
    DefineCustomStringVariable("bib.audit_signing_key",
                               "Name of the ed25519 key that signs audit seals.",
                               "Empty: seals are not signed.", &bib_audit_signing_key, "",
                               PGC_SUSET, 0, check_signing_key, NULL, NULL);
    bib_audit_context_init();
    bib_audit_relids_init();
}
