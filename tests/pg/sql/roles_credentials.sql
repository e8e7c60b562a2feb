-- Credentials (DESIGN §8): rotation with two logins per role, grace and
-- expiry, SCRAM verifiers only, SEAL mode, CREDENTIAL audit entries, and
-- every bad input with its documented error (message, hint, SQLSTATE).
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT count(*) >= 0 AS bootstrapped FROM bib.bootstrap_roles();

-- First rotation: <role>_a becomes active with a 43-character password.
SELECT login, length(password) AS password_length, sealed_password IS NULL AS not_sealed, valid_until
  FROM bib.rotate_credentials('bibd_transform', '1 minute');
SELECT role, login, generation, status, valid_until FROM bib.credentials ORDER BY login;
-- Both logins exist and are members of the role; only the active one may log in.
SELECT rolname, rolcanlogin, rolvaliduntil, rolpassword ~ '^SCRAM-SHA-256\$4096:[^:]+\$[^:]+:[^:]+$' AS scram,
       pg_has_role(oid, 'bibd_transform', 'MEMBER') AS member
  FROM pg_authid WHERE rolname LIKE 'bibd_transform_%' ORDER BY 1;

-- Second rotation: _b takes over, _a keeps working for the grace period.
SELECT login, password AS pw FROM bib.rotate_credentials('bibd_transform', '1 minute') \gset
SELECT :'login' AS login, length(:'pw') AS password_length, :'pw' ~ '^[A-Za-z0-9_-]{43}$' AS url_safe;
SELECT login, generation, status, valid_until = 'infinity' AS forever,
       valid_until > now() AND valid_until <= now() + '1 minute' AS within_a_minute
  FROM bib.credentials ORDER BY login;
SELECT rolname, rolcanlogin, rolvaliduntil = 'infinity' AS forever,
       rolvaliduntil > now() AND rolvaliduntil <= now() + '1 minute' AS within_a_minute
  FROM pg_authid WHERE rolname LIKE 'bibd_transform_%' ORDER BY 1;
-- The plaintext is nowhere: not in the catalog, not in bib's tables, not in the audit log.
SELECT count(*) AS password_in_catalog FROM pg_authid WHERE strpos(rolpassword, :'pw') > 0;
SELECT count(*) AS password_in_audit FROM bib.audit_log WHERE strpos(metadata::text, :'pw') > 0;
SELECT count(*) AS password_in_bib FROM bib.credential_logins c WHERE strpos(c::text, :'pw') > 0;

-- Nothing is due yet; a rotation with grace 0 ends the previous login's grace at once.
SELECT bib.expire_credentials();
SELECT login FROM bib.rotate_credentials('bibd_transform', '0');
SELECT login, generation, status FROM bib.credentials ORDER BY login;
SELECT bib.expire_credentials();
SELECT rolname, rolcanlogin FROM pg_authid WHERE rolname LIKE 'bibd_transform_%' ORDER BY 1;
SELECT login, generation, status FROM bib.credentials ORDER BY login;

-- Every rotation and expiry is a CREDENTIAL entry without any secret.
SELECT CASE WHEN role_used = session_user THEN 'session user' ELSE role_used END AS role_used,
       metadata - 'valid_until' - 'previous_valid_until' AS metadata,
       metadata ? 'valid_until' AS has_valid_until
  FROM bib.audit_log WHERE action = 'CREDENTIAL' ORDER BY id;

-- SEAL mode: only the sealed password is returned; it opens with bib.unseal_raw.
SELECT bib.random(32) AS sk \gset
SELECT login, password IS NULL AS no_password, (bib.envelope_info(sealed_password)).mode,
       length(convert_from(bib.unseal_raw(sealed_password, :'sk'), 'UTF8')) AS password_length,
       convert_from(bib.unseal_raw(sealed_password, :'sk'), 'UTF8') ~ '^[A-Za-z0-9_-]{43}$' AS url_safe
  FROM bib.rotate_credentials('bibd_query', '1 hour', bib.x25519_public(:'sk'));

-- A member of bibd_admin may rotate; anyone else may not.
CREATE ROLE regress_operator IN ROLE bibd_admin;
CREATE ROLE regress_outsider;
SET SESSION AUTHORIZATION regress_operator;
SELECT login FROM bib.rotate_credentials('bibd_query', '1 hour');
SELECT bib.expire_credentials();
SELECT role, login, status FROM bib.credentials WHERE role = 'bibd_query' ORDER BY login;
SET SESSION AUTHORIZATION regress_outsider;
SELECT login FROM bib.rotate_credentials('bibd_query');
\echo :LAST_ERROR_SQLSTATE
SELECT bib.expire_credentials();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bib.credentials;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- Bad inputs, each with its error; none changes anything.
SELECT login FROM bib.rotate_credentials('no_such_role');
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('pg_monitor');
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', '-1 second');
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', '30 days 1 second');
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', '1 year');
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', '1 hour', '\x0102');
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', '1 hour', decode(repeat('00', 32), 'hex'));
\echo :LAST_ERROR_SQLSTATE
SELECT login FROM bib.rotate_credentials('bibd_query', '30 days');
SELECT role, max(generation) FROM bib.credentials GROUP BY role ORDER BY role;
DROP ROLE regress_operator, regress_outsider;
