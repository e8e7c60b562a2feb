/*
 * bib_core.c — process-wide initialisation of the core.
 */
#include "bib_core.h"

#include <sodium.h>

bib_status bib_core_init(void)
{
    /* sodium_init returns 1 when already initialised, which is fine. */
    return sodium_init() < 0 ? BIB_ERR_CRYPTO_INIT : BIB_OK;
}
