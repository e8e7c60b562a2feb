-- The key store (DESIGN §6): named keys in versions, secrets wrapped under
-- the master key, found by key_id / recipient_id when decrypting.
-- PUBLIC has no privilege on the table or on any function that uses a
-- stored key: the owner grants EXECUTE to the roles that need it.

CREATE TABLE @extschema@.key_store (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 63),
    version int NOT NULL CHECK (version >= 1),
    kind text NOT NULL CHECK (kind IN ('aead', 'x25519', 'ed25519')),
    status text NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
    created_at timestamptz NOT NULL DEFAULT now(),
    public_key bytea CHECK (public_key IS NULL OR length(public_key) = 32),
    wrapped_secret bytea NOT NULL,
    UNIQUE (name, version)
);
CREATE UNIQUE INDEX key_store_one_active ON @extschema@.key_store (name) WHERE status = 'active';
REVOKE ALL ON @extschema@.key_store FROM PUBLIC;
-- pg_dump keeps the rows: a restore on the same master key opens old envelopes.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.key_store', '');

CREATE FUNCTION @extschema@.key_store_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'bib_key_store_changed' LANGUAGE C;
REVOKE ALL ON FUNCTION @extschema@.key_store_changed() FROM PUBLIC;
-- Every change makes every backend reload its cached view at its next statement.
CREATE TRIGGER key_store_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.key_store
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.key_store_changed();

CREATE VIEW @extschema@.keys AS
    SELECT id, name, version, kind, status, created_at, public_key
    FROM @extschema@.key_store;
REVOKE ALL ON @extschema@.keys FROM PUBLIC;

CREATE FUNCTION @extschema@.master_key_fingerprint() RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_master_key_fingerprint_sql' LANGUAGE C VOLATILE;

CREATE FUNCTION @extschema@.master_key_shares(shares int, threshold int) RETURNS bytea[]
AS 'MODULE_PATHNAME', 'bib_master_key_shares_sql' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.create_key(name text, kind text DEFAULT 'aead') RETURNS uuid
AS 'MODULE_PATHNAME', 'bib_create_key' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.rotate_key(name text) RETURNS uuid
AS 'MODULE_PATHNAME', 'bib_rotate_key' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.revoke_key(id uuid) RETURNS void
AS 'MODULE_PATHNAME', 'bib_revoke_key' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.encrypt(data bytea, key_name text, ad bytea DEFAULT '') RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_encrypt' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.encrypt_text(data text, key_name text, ad bytea DEFAULT '') RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_encrypt_text' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.decrypt(envelope bytea, ad bytea DEFAULT '') RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_decrypt' LANGUAGE C STABLE STRICT;

CREATE FUNCTION @extschema@.decrypt_text(envelope bytea, ad bytea DEFAULT '') RETURNS text
AS 'MODULE_PATHNAME', 'bib_decrypt_text' LANGUAGE C STABLE STRICT;

CREATE FUNCTION @extschema@.reencrypt(envelope bytea, ad bytea DEFAULT '') RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_reencrypt' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.public_key(key_name text) RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_public_key' LANGUAGE C STABLE STRICT;

CREATE FUNCTION @extschema@.sign(message bytea, key_name text) RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_sign_stored' LANGUAGE C STABLE STRICT;

CREATE FUNCTION @extschema@.export_key(name text, recipient bytea) RETURNS bytea
AS 'MODULE_PATHNAME', 'bib_export_key' LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@.import_key(blob bytea, secret_key bytea) RETURNS int
AS 'MODULE_PATHNAME', 'bib_import_key' LANGUAGE C VOLATILE STRICT;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
      'master_key_fingerprint()', 'master_key_shares(int, int)',
      'create_key(text, text)', 'rotate_key(text)', 'revoke_key(uuid)',
      'encrypt(bytea, text, bytea)', 'encrypt_text(text, text, bytea)',
      'decrypt(bytea, bytea)', 'decrypt_text(bytea, bytea)', 'reencrypt(bytea, bytea)',
      'public_key(text)', 'sign(bytea, text)', 'export_key(text, bytea)', 'import_key(bytea, bytea)']
  LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION @extschema@.%s FROM PUBLIC', f);
  END LOOP;
END $$;
