/*
 * bib_core.h — the whole public interface of bib's core, for adapters and
 * tests.  The core depends on libsodium and libc only.
 */
#ifndef BIB_CORE_H
#define BIB_CORE_H

#include "bib_audit.h"
#include "bib_envelope.h"
#include "bib_hkdf.h"
#include "bib_json.h"
#include "bib_key_cache.h"
#include "bib_keys.h"
#include "bib_keystore.h"
#include "bib_master_key.h"
#include "bib_password.h"
#include "bib_random.h"
#include "bib_shamir.h"
#include "bib_ssh.h"
#include "bib_status.h"

/* Initialise libsodium; call once per process before anything else. */
BIB_MUST_CHECK bib_status bib_core_init(void);

#endif
