-- The bib.aead setting chooses the AEAD of new envelopes.  Set before the
-- library is loaded, it is a placeholder that bib adopts when it loads.
SET bib.aead = 'xchacha20poly1305';
SELECT (bib.envelope_info(bib.encrypt_raw('x', bib.random(32)))).aead;
RESET bib.aead;
SHOW bib.aead;
SELECT (bib.envelope_info(bib.encrypt_raw('x', bib.random(32)))).aead;
SET bib.aead = 'xchacha20poly1305';
SELECT (bib.envelope_info(bib.encrypt_raw('x', bib.random(32)))).aead,
       (bib.envelope_info(bib.seal('x', bib.x25519_public(bib.random(32))))).aead;
BEGIN;
SET LOCAL bib.aead = 'aes256gcm';
SELECT (bib.envelope_info(bib.encrypt_hybrid_raw('x', bib.random(32), bib.x25519_public(bib.random(32))))).aead;
COMMIT;
SHOW bib.aead;
RESET bib.aead;
SHOW bib.aead;
SET bib.aead = 'aes128gcm';
SET bib.no_such_setting = 'x';
SELECT name, enumvals, context FROM pg_settings
WHERE name IN ('bib.aead', 'bib.master_key_file', 'bib.master_key_command') ORDER BY name;
