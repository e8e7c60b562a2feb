/*
 * pg_roles.h — the six bib roles (DESIGN §8), shared by per-transaction
 * role switching (pg_roles.c) and credential rotation (pg_credentials.c).
 */
#ifndef PG_ROLES_H
#define PG_ROLES_H

#include "bib_pg.h"

#include "fmgr.h"

/* The role that may SET ROLE to every other bib role and rotate credentials. */
#define BIB_ADMIN_ROLE "bibd_admin"

/*
 * The OID of the bib role named by argument n of the call: raises ROLE_NULL
 * for NULL, ROLE_UNKNOWN when no such role exists (bib.bootstrap_roles() not
 * run yet) and ROLE_NOT_BIB when it exists but is not one of the six.
 * *name receives the name.
 */
Oid bib_pg_role_arg(FunctionCallInfo fcinfo, int n, const char **name);

#endif
