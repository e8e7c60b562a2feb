/*
 * bib_password.h — generated passwords: CSPRNG bytes written as URL-safe
 * base64 without padding, so they survive connection strings, shells and
 * YAML unquoted.  256 bits give 43 characters.
 */
#ifndef BIB_PASSWORD_H
#define BIB_PASSWORD_H

#include <stddef.h>

#include "bib_random.h"
#include "bib_status.h"

#define BIB_PASSWORD_MINBITS 128U
#define BIB_PASSWORD_MAXBITS 4096U

/* Characters (without terminator) of a password of `bits` bits. */
size_t bib_password_length(unsigned bits);

/*
 * Write a password of `bits` bits (a multiple of 8 within MINBITS..MAXBITS)
 * to out, which must hold bib_password_length(bits) + 1 bytes; NUL-terminated.
 */
BIB_MUST_CHECK bib_status bib_password_generate(char *out, unsigned bits, const bib_rng *rng);

#endif
