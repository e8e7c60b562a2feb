/*
 * bib_ssh.h — the two OpenSSH formats break glass needs: an `ssh-ed25519`
 * public key line (authorized_keys / .pub style) and an armored SSHSIG
 * signature as written by `ssh-keygen -Y sign` (OpenSSH PROTOCOL.sshsig).
 *
 * Only Ed25519 is accepted.  Parsing is bounds-checked at every field: the
 * input is attacker-controlled text.
 */
#ifndef BIB_SSH_H
#define BIB_SSH_H

#include <stddef.h>
#include <stdint.h>

#include "bib_status.h"

#define BIB_SSH_ED25519_PUBLICKEYBYTES 32U
/* Longest armored signature accepted; an Ed25519 one is about 300 bytes. */
#define BIB_SSHSIG_MAXARMORBYTES 16384U

/* Parse "ssh-ed25519 AAAA... [comment]" into the raw 32-byte public key. */
BIB_MUST_CHECK bib_status bib_ssh_ed25519_parse(uint8_t public_key[BIB_SSH_ED25519_PUBLICKEYBYTES],
                                                const char *line, size_t line_len);

/*
 * Verify an armored SSHSIG over message: the namespace must equal
 * namespace_, the hash be sha256 or sha512, the signing key be Ed25519 and
 * equal public_key, and the signature valid.  BIB_OK only then.
 */
BIB_MUST_CHECK bib_status bib_sshsig_verify(
    const char *armored, size_t armored_len, const uint8_t *message, size_t message_len,
    const char *namespace_, const uint8_t public_key[BIB_SSH_ED25519_PUBLICKEYBYTES]);

#endif
