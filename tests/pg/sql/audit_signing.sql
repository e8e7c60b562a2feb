-- Signed seals: with bib.audit_signing_key naming a stored ed25519 key, every
-- seal carries its Ed25519 signature over seal_hash, and audit_verify checks
-- it against the key store (retired versions included).
SELECT current_database() AS origdb \gset
CREATE DATABASE regress_audit_signing;
\c regress_audit_signing
SET client_min_messages = warning;
CREATE EXTENSION bib;
RESET client_min_messages;
CREATE TABLE ledger (id int PRIMARY KEY, amount numeric);
SELECT bib.audit_enable('ledger');

-- Unsigned while the setting is empty.
INSERT INTO ledger VALUES (1, 10);
SELECT bib.audit_seal() > 0 AS sealed;
SELECT seal_id, signature IS NULL AS unsigned FROM bib.audit_seals ORDER BY seal_id;

-- A name the key store does not have: the seal is made, unsigned, with a warning.
SET bib.audit_signing_key = 'auditor';
INSERT INTO ledger VALUES (2, 20);
SELECT bib.audit_seal() > 0 AS sealed;

-- With the key: signed, and the signature verifies with its public key.
SELECT bib.create_key('auditor', 'ed25519') IS NOT NULL AS created;
INSERT INTO ledger VALUES (3, 30);
SELECT bib.audit_seal() > 0 AS sealed;
SELECT seal_id, length(signature) AS sig_len,
       bib.verify(seal_hash, signature, bib.public_key('auditor')) AS verifies
FROM bib.audit_seals WHERE signature IS NOT NULL ORDER BY seal_id;

-- After a rotation new seals use the new version; old signatures still verify.
SELECT bib.rotate_key('auditor') IS NOT NULL AS rotated;
INSERT INTO ledger VALUES (4, 40);
SELECT bib.audit_seal() > 0 AS sealed;
SELECT seal_id, bib.verify(seal_hash, signature, bib.public_key('auditor')) AS by_active_version
FROM bib.audit_seals WHERE signature IS NOT NULL ORDER BY seal_id;
SELECT ok, seals_checked, problem FROM bib.audit_verify();

-- A forged or damaged signature is caught.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_seals SET signature = set_byte(signature, 10, get_byte(signature, 10) # 1)
  WHERE seal_id = 3;
SELECT ok, first_bad_id IS NOT NULL AS has_bad_id, problem FROM bib.audit_verify();
ROLLBACK;
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_seals SET signature = bib.sign(seal_hash, bib.random(32)) WHERE seal_id = 4;
SELECT ok, problem FROM bib.audit_verify();
ROLLBACK;

-- A signing key of another kind is an error; the seal is not made.
SELECT bib.create_key('not_a_signer') IS NOT NULL AS created;
SET bib.audit_signing_key = 'not_a_signer';
INSERT INTO ledger VALUES (5, 50);
\set VERBOSITY terse
SELECT bib.audit_seal();
\set VERBOSITY default
RESET bib.audit_signing_key;
SELECT bib.audit_seal() AS sealed_unsigned, ok FROM bib.audit_verify();

\c :origdb
DROP DATABASE regress_audit_signing;
