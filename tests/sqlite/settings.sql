-- settings.sql — bib_aead(), the per-connection counterpart of PostgreSQL's
-- bib.aead: default, setting, refusals, and that it belongs to one
-- connection and one load of the extension.
.load @SO@
.bail off
.headers on
.mode list

.print == the default is aes256gcm, and new envelopes use it
SELECT bib_aead() AS aead, bib_envelope_info(bib_encrypt_raw(x'00', zeroblob(32))) ->> '$.aead' AS envelope_aead;

.print == bib_aead(name) sets it for this connection and returns it
SELECT bib_aead('xchacha20poly1305') AS set_to;
SELECT bib_aead() AS aead,
       bib_envelope_info(bib_encrypt_raw(x'00', zeroblob(32))) ->> '$.aead' AS key_mode,
       bib_envelope_info(bib_seal(x'00', bib_x25519_public(zeroblob(32)))) ->> '$.aead' AS seal_mode,
       bib_envelope_info(bib_encrypt_hybrid_raw(x'00', zeroblob(32), bib_x25519_public(zeroblob(32)))) ->> '$.aead'
           AS hybrid_mode;
.print -- decryption follows the envelope, not the setting
CREATE TEMP TABLE made AS SELECT bib_encrypt_raw(x'2a', zeroblob(32)) AS env;
SELECT bib_aead('aes256gcm') AS set_to;
SELECT bib_envelope_info(env) ->> '$.aead' AS envelope_aead, hex(bib_decrypt_raw(env, zeroblob(32))) AS plaintext
FROM made;

.print == unknown names are refused and leave the setting as it was; NULL too (it is no name)
SELECT bib_aead('xchacha20poly1305') AS set_to;
SELECT bib_aead(NULL);
SELECT bib_aead('');
SELECT bib_aead('AES256GCM');
SELECT bib_aead('chacha20poly1305');
SELECT bib_aead(' aes256gcm');
SELECT bib_aead('aes256gcm' || char(0));
SELECT bib_aead(1);
SELECT bib_aead() AS still;

.print == another connection has its own setting
.connection 1
.load @SO@
SELECT bib_aead() AS connection_1;
SELECT bib_aead('xchacha20poly1305') AS connection_1_set_to;
SELECT bib_aead('aes256gcm') AS connection_1_set_to;
.connection 0
SELECT bib_aead() AS connection_0;
.connection close 1

.print == loading the extension again starts afresh (the old functions and their state are dropped)
.load @SO@
SELECT bib_aead() AS after_reload, hex(bib_decrypt_raw(env, zeroblob(32))) AS old_envelope_opens FROM made;

.print == on a CPU without AES-NI (played by a preloaded crypto_aead_aes256gcm_is_available that says 0)
.print -- AES-256-GCM envelopes can be neither made nor opened; bib_aead('xchacha20poly1305') is the way out
.shell sh @WORK@/lib/no_aesni.sh
.headers off
SELECT rtrim(CAST(readfile('@WORK@/no_aesni.out') AS TEXT), char(10));
