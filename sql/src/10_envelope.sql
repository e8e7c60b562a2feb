-- Envelope encryption with caller-supplied keys, key helpers, HKDF, random
-- values and Shamir secret sharing (DESIGN §3, §4, §6).  These functions
-- hold no state and read no table: PUBLIC may execute them.

-- Envelopes (KEY, SEAL, HYBRID); the AEAD of new envelopes is the setting bib.aead.
CREATE FUNCTION @extschema@.encrypt_raw(data bytea, key bytea, ad bytea DEFAULT '')
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_encrypt_raw'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.decrypt_raw(envelope bytea, key bytea, ad bytea DEFAULT '')
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_decrypt_raw'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.seal(data bytea, public_key bytea, ad bytea DEFAULT '')
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_seal'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.unseal_raw(envelope bytea, secret_key bytea, ad bytea DEFAULT '')
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_unseal_raw'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.encrypt_hybrid_raw(data bytea, key bytea, public_key bytea,
                                               ad bytea DEFAULT '')
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_encrypt_hybrid_raw'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.decrypt_hybrid_raw(envelope bytea, key bytea, secret_key bytea,
                                               ad bytea DEFAULT '')
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_decrypt_hybrid_raw'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.envelope_info(envelope bytea,
    OUT version int, OUT mode text, OUT aead text,
    OUT key_id bytea, OUT recipient_id bytea, OUT overhead int)
RETURNS record AS 'MODULE_PATHNAME', 'bib_envelope_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Key helpers.
CREATE FUNCTION @extschema@.hkdf(ikm bytea, salt bytea, info bytea, length int)
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_hkdf_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.x25519_public(secret_key bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_x25519_public_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.ed25519_public(seed bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_ed25519_public_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.sign(message bytea, seed bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_sign_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.verify(message bytea, signature bytea, public_key bytea)
RETURNS boolean AS 'MODULE_PATHNAME', 'bib_verify_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Random values.
CREATE FUNCTION @extschema@.random(n int)
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_random_sql'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.gen_password(bits int DEFAULT 256)
RETURNS text AS 'MODULE_PATHNAME', 'bib_gen_password_sql'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

-- Shamir secret sharing.
CREATE FUNCTION @extschema@.shamir_split(secret bytea, shares int, threshold int)
RETURNS bytea[] AS 'MODULE_PATHNAME', 'bib_shamir_split_sql'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.shamir_combine(shares bytea[])
RETURNS bytea AS 'MODULE_PATHNAME', 'bib_shamir_combine_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
