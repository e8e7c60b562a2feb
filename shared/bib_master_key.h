/*
 * bib_master_key.h — getting the 32-byte master key from where an operator
 * keeps it: a file of 64 hex characters, or the output of a command.
 *
 * Both engines read it through these functions, so the checks (owner, mode,
 * format) and their errors are the same everywhere.  The key is written
 * only into the caller's buffer (which should be sodium_malloc'ed); every
 * temporary copy is wiped.
 */
#ifndef BIB_MASTER_KEY_H
#define BIB_MASTER_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bib_status.h"

#define BIB_MASTER_KEYBYTES 32U

/* 64 hex digits, optionally followed by whitespace (a trailing newline). */
BIB_MUST_CHECK bib_status bib_master_key_parse(uint8_t key[BIB_MASTER_KEYBYTES], const char *text,
                                               size_t len);

/*
 * Read path: it must exist, be a regular file owned by `owner` with no
 * permission bits for group or others, and hold the key in hex.
 */
BIB_MUST_CHECK bib_status bib_master_key_read_file(uint8_t key[BIB_MASTER_KEYBYTES],
                                                   const char *path, uid_t owner);

/* Run command with /bin/sh; it must exit 0 and print the key in hex. */
BIB_MUST_CHECK bib_status bib_master_key_read_command(uint8_t key[BIB_MASTER_KEYBYTES],
                                                      const char *command);

#endif
