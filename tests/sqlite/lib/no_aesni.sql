-- no_aesni.sql — bib without AES-NI (run by no_aesni.sh for settings.sql).
.load @SO@
.headers off
.mode list
ATTACH '@WORK@/vectors.db' AS v;
SELECT 'default: ' || bib_aead();
SELECT bib_encrypt_raw(x'00', zeroblob(32));
SELECT bib_seal(x'00', bib_x25519_public(zeroblob(32)));
SELECT bib_encrypt_hybrid_raw(x'00', zeroblob(32), bib_x25519_public(zeroblob(32)));
SELECT bib_decrypt_raw(envelope, key, ad) FROM v.env_valid WHERE aead = 'aes256gcm' AND mode = 'KEY' LIMIT 1;
SELECT bib_unseal_raw(envelope, secret_key, ad) FROM v.env_valid WHERE aead = 'aes256gcm' AND mode = 'SEAL' LIMIT 1;
SELECT 'info still reads: ' || (bib_envelope_info(envelope) ->> '$.aead') FROM v.env_valid WHERE aead = 'aes256gcm' LIMIT 1;
SELECT 'switched to: ' || bib_aead('xchacha20poly1305');
SELECT 'round trip: ' || hex(bib_decrypt_raw(bib_encrypt_raw(x'2a', zeroblob(32)), zeroblob(32)));
SELECT 'xchacha20poly1305 vectors open: ' || count(*) FROM v.env_valid
WHERE aead = 'xchacha20poly1305' AND plaintext IS CASE mode
    WHEN 'KEY' THEN bib_decrypt_raw(envelope, key, ad)
    WHEN 'SEAL' THEN bib_unseal_raw(envelope, secret_key, ad)
    ELSE bib_decrypt_hybrid_raw(envelope, key, secret_key, ad) END;
