-- The key store: named keys in versions under the master key, rotation,
-- revocation, re-encryption, export and import, privileges, and every
-- refusal with its error.  The cluster's bib.master_key_file is a valid key
-- (tests/pg/run.sh); BIB_TEST_KEYS holds broken ones.
\getenv keys BIB_TEST_KEYS
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Create one key of each kind.
SELECT bib.create_key('cards') IS NOT NULL AS aead,
       bib.create_key('node', 'x25519') IS NOT NULL AS x25519,
       bib.create_key('signer', 'ed25519') IS NOT NULL AS ed25519;
SELECT name, version, kind, status, public_key IS NOT NULL AS has_public,
       length(public_key) AS public_len, created_at <= now() AS created
FROM bib.keys ORDER BY name, version;
-- The secrets are stored only wrapped: a KEY envelope under the master key.
SELECT name, length(wrapped_secret) AS wrapped_len,
       (bib.envelope_info(wrapped_secret)).key_id = bib.master_key_fingerprint() AS under_master
FROM bib.key_store ORDER BY name;

-- Encrypt by name: KEY mode, key_id = the key's UUID.
CREATE TEMP TABLE v1 AS
  SELECT bib.encrypt('card 4111', 'cards', 'row 1') AS e, bib.encrypt_text('naïve café', 'cards') AS t;
SELECT (bib.envelope_info(e)).mode, encode((bib.envelope_info(e)).key_id, 'hex') = replace(k.id::text, '-', '') AS key_id_is_uuid
FROM v1, bib.keys k WHERE k.name = 'cards';
SELECT convert_from(bib.decrypt(e, 'row 1'), 'UTF8') AS plain, bib.decrypt_text(t) AS text FROM v1;
-- SEAL to a stored x25519 key opens through the store; sign with a stored ed25519 key.
SELECT convert_from(bib.decrypt(bib.seal('to the node', bib.public_key('node'))), 'UTF8') AS sealed,
       bib.verify('m', bib.sign('m'::bytea, 'signer'), bib.public_key('signer')) AS signature_ok;

-- Rotation: a new active version; old envelopes still open; new ones use the new version.
SELECT bib.rotate_key('cards') IS NOT NULL AS rotated;
SELECT name, version, status FROM bib.keys WHERE name = 'cards' ORDER BY version;
SELECT convert_from(bib.decrypt(e, 'row 1'), 'UTF8') AS old_still_opens FROM v1;
SELECT (bib.envelope_info(bib.encrypt('x', 'cards'))).key_id
       = decode(replace((SELECT id::text FROM bib.keys WHERE name = 'cards' AND status = 'active'), '-', ''), 'hex')
       AS encrypts_under_active;
-- Re-encryption moves data to the active version.
CREATE TEMP TABLE v2 AS SELECT bib.reencrypt(e, 'row 1') AS e FROM v1;
SELECT (SELECT version FROM bib.keys WHERE replace(id::text, '-', '') = encode((bib.envelope_info(e)).key_id, 'hex')) AS version,
       convert_from(bib.decrypt(e, 'row 1'), 'UTF8') AS plain FROM v2;

-- Revocation: decryption under version 1 fails from now on; version 2 still works.
SELECT bib.revoke_key(id) FROM bib.keys WHERE name = 'cards' AND version = 1;
SELECT status FROM bib.keys WHERE name = 'cards' ORDER BY version;
SELECT pg_temp.err('SELECT bib.decrypt(e, ''row 1'') FROM v1') AS revoked;
SELECT convert_from(bib.decrypt(e, 'row 1'), 'UTF8') AS reencrypted_survives FROM v2;

-- Bad inputs.
SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('unknown name',          $$SELECT bib.encrypt('x', 'nope')$$),
  ('duplicate name',        $$SELECT bib.create_key('cards')$$),
  ('unknown kind',          $$SELECT bib.create_key('k2', 'rsa')$$),
  ('empty name',            $$SELECT bib.create_key('')$$),
  ('64-char name',          $$SELECT bib.create_key(repeat('n', 64))$$),
  ('rotate unknown',        $$SELECT bib.rotate_key('nope')$$),
  ('revoke unknown',        $$SELECT bib.revoke_key('00000000-0000-4000-8000-000000000000')$$),
  ('encrypt with x25519',   $$SELECT bib.encrypt('x', 'node')$$),
  ('sign with aead',        $$SELECT bib.sign('m'::bytea, 'cards')$$),
  ('public key of aead',    $$SELECT bib.public_key('cards')$$),
  ('raw envelope',          $$SELECT bib.decrypt(bib.encrypt_raw('x', bib.random(32)))$$),
  ('foreign seal',          $$SELECT bib.decrypt(bib.seal('x', bib.x25519_public(bib.random(32))))$$),
  ('wrong AD',              $$SELECT bib.decrypt(bib.encrypt('x', 'cards', 'a'), 'b')$$),
  ('not an envelope',       $$SELECT bib.decrypt('\x0102')$$),
  ('binary as text',        $$SELECT bib.decrypt_text(bib.encrypt('\xff00'::bytea, 'cards'))$$)
) AS t(label, stmt);
SELECT bib.encrypt(NULL, 'cards') IS NULL AS a, bib.encrypt('x', NULL) IS NULL AS b,
       bib.decrypt(NULL) IS NULL AS c, bib.create_key(NULL) IS NULL AS d;

-- A revoked active version leaves the name without one until it is rotated.
SELECT bib.create_key('short_lived') IS NOT NULL;
SELECT bib.revoke_key(id) FROM bib.keys WHERE name = 'short_lived';
SELECT pg_temp.err($$SELECT bib.encrypt('x', 'short_lived')$$) AS no_active_version;
SELECT bib.rotate_key('short_lived') IS NOT NULL AS rotated;
SELECT length(bib.encrypt('x', 'short_lived')) AS env_len;

-- A damaged wrapped secret is a clean error, not a crash.
CREATE TEMP TABLE dmg AS SELECT bib.create_key('damaged') AS id;
UPDATE bib.key_store SET wrapped_secret = set_byte(wrapped_secret, 80, get_byte(wrapped_secret, 80) # 1)
  WHERE name = 'damaged';
SELECT pg_temp.err($$SELECT bib.encrypt('x', 'damaged')$$) AS damaged;

-- Export every version sealed to a recipient, delete, import: old envelopes open again.
CREATE TEMP TABLE rcpt AS SELECT bib.random(32) AS sk;
CREATE TEMP TABLE exported AS SELECT bib.export_key('cards', bib.x25519_public(sk)) AS blob FROM rcpt;
SELECT (bib.envelope_info(blob)).mode FROM exported;
SELECT pg_temp.err('SELECT bib.import_key(blob, sk) FROM exported, rcpt') AS import_existing;
DELETE FROM bib.key_store WHERE name = 'cards';
SELECT pg_temp.err('SELECT bib.decrypt(e, ''row 1'') FROM v2') AS after_delete;
SELECT bib.import_key(blob, sk) AS imported FROM exported, rcpt;
SELECT name, version, status FROM bib.keys WHERE name = 'cards' ORDER BY version;
SELECT convert_from(bib.decrypt(e, 'row 1'), 'UTF8') AS opens_after_import FROM v2;
SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('wrong secret key',  $$SELECT bib.import_key(blob, bib.random(32)) FROM exported$$),
  ('truncated blob',    $$SELECT bib.import_key(substr(blob, 1, length(blob) - 1), sk) FROM exported, rcpt$$),
  ('not a key blob',    $$SELECT bib.import_key(bib.seal('junk', bib.x25519_public(sk), 'bib-v1 key-export'), sk) FROM rcpt$$),
  ('export unknown',    $$SELECT bib.export_key('nope', bib.random(32))$$),
  ('export bad recipient', $$SELECT bib.export_key('cards', bib.random(31))$$)
) AS t(label, stmt);

-- Master key: fingerprint, and shares that recombine to a key with that fingerprint.
SELECT length(bib.master_key_fingerprint()) AS fingerprint_len;
CREATE TEMP TABLE mshares AS SELECT bib.master_key_shares(5, 3) AS s;
SELECT (bib.envelope_info(bib.encrypt_raw('x', bib.shamir_combine(ARRAY[s[1], s[3], s[5]])))).key_id
       = bib.master_key_fingerprint() AS shares_rebuild_master
FROM mshares;

-- Broken master key settings, each with its error; the valid key works again after.
SELECT label, pg_temp.err(format('SET bib.master_key_file = %L', :'keys' || '/' || f)
                          || '; SELECT bib.decrypt(e) FROM v2') AS error
FROM (VALUES ('missing', 'missing.key'), ('wrong length', 'short.key'), ('not hex', 'nonhex.key'),
             ('mode 0644', 'open.key'), ('other owner', 'foreign.key'),
             ('unreadable', 'secret.key'), ('a directory', 'directory.key'),
             ('another master key', 'other.key')) AS t(label, f);
SET bib.master_key_command = 'false';
SELECT pg_temp.err($$SET bib.master_key_file = ''; SELECT bib.decrypt(e) FROM v2$$) AS failing_command;
RESET bib.master_key_command;
SELECT pg_temp.err($$SET bib.master_key_file = ''; SELECT bib.decrypt(e) FROM v2$$) AS none_configured;
RESET bib.master_key_file;
SELECT convert_from(bib.decrypt(e, 'row 1'), 'UTF8') AS works_again FROM v2;

-- Privileges: PUBLIC may not read the store nor use stored keys until granted;
-- export stays superuser-only even with EXECUTE.
CREATE ROLE regress_keys_user;
GRANT SELECT ON v2 TO regress_keys_user;
SET ROLE regress_keys_user;
SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('read key_store',   $$SELECT * FROM bib.key_store$$),
  ('read keys view',   $$SELECT * FROM bib.keys$$),
  ('encrypt',          $$SELECT bib.encrypt('x', 'cards')$$),
  ('create_key',       $$SELECT bib.create_key('mine')$$),
  ('master fingerprint', $$SELECT bib.master_key_fingerprint()$$),
  ('master setting',   $$SHOW bib.master_key_file$$)
) AS t(label, stmt);
RESET ROLE;
GRANT EXECUTE ON FUNCTION bib.encrypt(bytea, text, bytea), bib.decrypt(bytea, bytea),
      bib.export_key(text, bytea), bib.master_key_shares(int, int) TO regress_keys_user;
SET ROLE regress_keys_user;
SELECT convert_from(bib.decrypt(bib.encrypt('granted', 'cards')), 'UTF8') AS with_grant;
SELECT pg_temp.err($$SELECT bib.export_key('cards', bib.random(32))$$) AS export;
SELECT pg_temp.err($$SELECT bib.master_key_shares(3, 2)$$) AS shares;
RESET ROLE;
DROP OWNED BY regress_keys_user;
DROP ROLE regress_keys_user;
