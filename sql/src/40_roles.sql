-- Roles and credentials (DESIGN §7 begin_operation, §8): six NOLOGIN roles,
-- a declarative grant policy with drift detection, per-transaction role
-- switching, and credential rotation with two logins per role.  The C side
-- is pg_ext/pg_roles.c and pg_ext/pg_credentials.c; docs/roles.md explains
-- the model.

-- The six roles, bibd_admin first: the one list, kept in C (pg_roles.c).
CREATE FUNCTION @extschema@.role_names() RETURNS text[]
AS 'MODULE_PATHNAME', 'bib_role_names' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- ---- the grant policy ------------------------------------------------------

-- One row grants privileges to a role on every object of schema whose name
-- matches table_pattern: a LIKE pattern in which only % is a wildcard (_ and
-- \ match themselves, as table names are full of underscores).  A partition
-- also takes the rows that match its partition root.  A row whose privileges
-- are {EXECUTE} is about functions and procedures, any other about tables,
-- views and foreign tables.  Within the schemas the policy names, a bib role
-- holds exactly what the rows give it: anything else is drift, and
-- apply_role_policy() revokes it.
CREATE TABLE @extschema@.role_policy (
    role text NOT NULL CHECK (role = ANY (@extschema@.role_names())),
    schema text NOT NULL,
    table_pattern text NOT NULL CHECK (table_pattern <> ''),
    privileges text[] NOT NULL CHECK (
        cardinality(privileges) > 0 AND array_position(privileges, NULL) IS NULL AND (
            privileges = '{EXECUTE}' OR privileges <@ '{SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER}')),
    builtin boolean NOT NULL DEFAULT false,
    PRIMARY KEY (role, schema, table_pattern)
);
REVOKE ALL ON @extschema@.role_policy FROM PUBLIC;

-- DESIGN §8's defaults.  CREATE EXTENSION writes them, so pg_dump keeps only
-- the rows added later (a restored database re-creates the defaults as shipped).
INSERT INTO @extschema@.role_policy (role, schema, table_pattern, privileges, builtin) VALUES
    ('bibd_scrape',    'public', 'datasets', '{INSERT}', true),
    ('bibd_scrape',    'public', 'chunks',   '{INSERT}', true),
    ('bibd_scrape',    'public', 'topics',   '{SELECT}', true),
    ('bibd_query',     'public', 'datasets', '{SELECT}', true),
    ('bibd_query',     'public', 'chunks',   '{SELECT}', true),
    ('bibd_query',     'public', 'topics',   '{SELECT}', true),
    ('bibd_transform', 'public', 'datasets', '{SELECT, INSERT, UPDATE}', true),
    ('bibd_transform', 'public', 'chunks',   '{SELECT, INSERT, UPDATE}', true),
    ('bibd_readonly',  'public', 'datasets', '{SELECT}', true),
    ('bibd_readonly',  'public', 'chunks',   '{SELECT}', true),
    ('bibd_readonly',  'public', 'topics',   '{SELECT}', true),
    ('bibd_audit',     '@extschema@', 'audit_log',    '{SELECT}', true),
    ('bibd_audit',     '@extschema@', 'audit_seals',  '{SELECT}', true),
    ('bibd_audit',     '@extschema@', 'audit_append', '{EXECUTE}', true),
    ('bibd_admin',     '@extschema@', 'credentials',  '{SELECT}', true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.role_policy', 'WHERE NOT builtin');

-- Every (bib role, object) pair whose grants differ from the policy; only
-- the given objects when only_objects is not NULL.  Grants are read from the
-- ACLs (direct grants to the role; membership and PUBLIC do not count).
CREATE FUNCTION @extschema@.role_policy_drift(only_objects oid[])
RETURNS TABLE(role text, kind text, object text, expected text[], actual text[])
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
WITH roles AS (
    SELECT r.oid, r.rolname::text AS role
      FROM pg_catalog.pg_roles r
     WHERE r.rolname = ANY (@extschema@.role_names())
), policy AS (
    SELECT p.role, p.schema, p.privileges, p.privileges = '{EXECUTE}' AS for_routines,
           replace(replace(p.table_pattern, '\', '\\'), '_', '\_') AS pattern
      FROM @extschema@.role_policy p
), objects AS (
    SELECT 'TABLE' AS kind, n.nspname::text AS schema, c.relname::text AS name,
           COALESCE(root.relname, c.relname)::text AS root_name,
           format('%I.%I', n.nspname, c.relname) AS object,
           COALESCE(c.relacl, acldefault('r', c.relowner)) AS acl
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_class root ON root.oid = pg_catalog.pg_partition_root(c.oid)
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND n.nspname IN (SELECT schema FROM policy)
       AND (only_objects IS NULL OR c.oid = ANY (only_objects))
    UNION ALL
    SELECT 'ROUTINE', n.nspname::text, p.proname::text, p.proname::text,
           format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
           COALESCE(p.proacl, acldefault('f', p.proowner))
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE p.prokind IN ('f', 'p')
       AND n.nspname IN (SELECT schema FROM policy)
       AND (only_objects IS NULL OR p.oid = ANY (only_objects))
), compared AS (
    SELECT r.role, o.kind, o.object,
           ARRAY(SELECT DISTINCT g.privilege
                   FROM policy p, unnest(p.privileges) AS g(privilege)
                  WHERE p.role = r.role AND p.schema = o.schema
                    AND p.for_routines = (o.kind = 'ROUTINE')
                    AND (o.name LIKE p.pattern OR o.root_name LIKE p.pattern)
                  ORDER BY 1) AS expected,
           ARRAY(SELECT DISTINCT a.privilege_type
                   FROM aclexplode(o.acl) a
                  WHERE a.grantee = r.oid
                  ORDER BY 1) AS actual
      FROM roles r CROSS JOIN objects o
)
SELECT role, kind, object, expected, actual FROM compared WHERE expected <> actual
$$;

-- Grant what is missing and revoke what is extra; returns the number of
-- privileges granted plus revoked.  The caller must be allowed to grant on
-- each object (its owner, or a superuser).
CREATE FUNCTION @extschema@.role_policy_enforce(only_objects oid[]) RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d record;
    missing text[];
    extra text[];
    changes int := 0;
BEGIN
    FOR d IN SELECT * FROM @extschema@.role_policy_drift(only_objects) LOOP
        missing := ARRAY(SELECT unnest(d.expected) EXCEPT SELECT unnest(d.actual));
        extra := ARRAY(SELECT unnest(d.actual) EXCEPT SELECT unnest(d.expected));
        -- Privilege names come from the policy's CHECK or from aclexplode: keywords, not input.
        IF cardinality(missing) > 0 THEN
            EXECUTE format('GRANT %s ON %s %s TO %I', array_to_string(missing, ', '), d.kind, d.object, d.role);
        END IF;
        IF cardinality(extra) > 0 THEN
            EXECUTE format('REVOKE %s ON %s %s FROM %I', array_to_string(extra, ', '), d.kind, d.object, d.role);
        END IF;
        changes := changes + cardinality(missing) + cardinality(extra);
    END LOOP;
    RETURN changes;
END
$$;

CREATE FUNCTION @extschema@.apply_role_policy() RETURNS int
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$ SELECT @extschema@.role_policy_enforce(NULL) $$;

CREATE FUNCTION @extschema@.check_role_policy()
RETURNS TABLE(role text, object text, expected text[], actual text[])
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.role, d.object, d.expected, d.actual
      FROM @extschema@.role_policy_drift(NULL) d
     ORDER BY d.role, d.object
$$;

-- Creates the roles that are missing, makes bibd_admin a member of the other
-- five, applies the policy; one line per change.  Needs a superuser, or
-- CREATEROLE plus ownership of every object the policy covers.
CREATE FUNCTION @extschema@.bootstrap_roles() RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    names text[] := @extschema@.role_names();
    r text;
    changes int;
BEGIN
    -- Two migrations running it at once would both try to create the roles.
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('bib.bootstrap_roles'));
    FOREACH r IN ARRAY names LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            RETURN NEXT format('created role %s', r);
        END IF;
    END LOOP;
    FOREACH r IN ARRAY names[2:] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                        WHERE m.roleid = r::regrole AND m.member = names[1]::regrole) THEN
            EXECUTE format('GRANT %I TO %I', r, names[1]);
            RETURN NEXT format('granted %s to %s', r, names[1]);
        END IF;
    END LOOP;
    changes := @extschema@.role_policy_enforce(NULL);
    IF changes > 0 THEN
        RETURN NEXT format('applied the role policy: %s privileges granted or revoked', changes);
    END IF;
END
$$;

REVOKE ALL ON FUNCTION @extschema@.role_policy_drift(oid[]), @extschema@.role_policy_enforce(oid[]),
                       @extschema@.apply_role_policy(), @extschema@.check_role_policy(),
                       @extschema@.bootstrap_roles() FROM PUBLIC;

-- ---- per-transaction role switching --------------------------------------

-- PUBLIC may call it: the function itself checks the role and the membership.
CREATE FUNCTION @extschema@.begin_operation(role text, operation_id uuid DEFAULT NULL,
                                            job_id uuid DEFAULT NULL, source text DEFAULT NULL,
                                            actor text DEFAULT NULL) RETURNS uuid
AS 'MODULE_PATHNAME', 'bib_begin_operation' LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- ---- credentials -----------------------------------------------------------

-- One row per login that rotate_credentials manages.  generation counts the
-- role's rotations: a login holds the password of the rotation that made it
-- active.  No secret is stored here or anywhere else in bib.
CREATE TABLE @extschema@.credential_logins (
    login text PRIMARY KEY,
    role text NOT NULL,
    generation bigint NOT NULL CHECK (generation >= 1),
    status text NOT NULL CHECK (status IN ('active', 'grace', 'retired')),
    rotated_at timestamptz NOT NULL,
    valid_until timestamptz NOT NULL
);
CREATE UNIQUE INDEX credential_logins_one_active
    ON @extschema@.credential_logins (role) WHERE status = 'active';
REVOKE ALL ON @extschema@.credential_logins FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credential_logins', '');

-- A login in grace whose end has passed shows as retired before
-- expire_credentials() has run: it can no longer log in (VALID UNTIL).
CREATE VIEW @extschema@.credentials AS
SELECT c.role, c.login, c.generation,
       CASE WHEN c.status = 'grace' AND c.valid_until <= pg_catalog.now() THEN 'retired'
            ELSE c.status END AS status,
       c.rotated_at, c.valid_until
  FROM @extschema@.credential_logins c;
REVOKE ALL ON @extschema@.credentials FROM PUBLIC;

-- PUBLIC may call both: they check for a superuser or a member of bibd_admin.
CREATE FUNCTION @extschema@.rotate_credentials(role text, grace interval DEFAULT '1 hour',
                                               recipient bytea DEFAULT NULL)
RETURNS TABLE(login text, password text, sealed_password bytea, valid_until timestamptz)
AS 'MODULE_PATHNAME', 'bib_rotate_credentials' LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 1;

CREATE FUNCTION @extschema@.expire_credentials() RETURNS int
AS 'MODULE_PATHNAME', 'bib_expire_credentials' LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- ---- the policy for tables created later ---------------------------------

-- Runs as bib's owner, so that a table's creator need not be allowed to read
-- the policy; it grants only on the objects the command created or altered
-- (with all their partitions: ATTACH PARTITION reports the parent).
CREATE FUNCTION @extschema@.role_policy_on_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    targets oid[];
BEGIN
    SELECT array_agg(DISTINCT t.relid) INTO targets
      FROM pg_catalog.pg_event_trigger_ddl_commands() c,
           LATERAL (SELECT c.objid
                    UNION ALL
                    SELECT p.relid::oid FROM pg_catalog.pg_partition_tree(c.objid) p) AS t(relid)
     WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass;
    IF targets IS NOT NULL THEN
        PERFORM @extschema@.role_policy_enforce(targets);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.role_policy_on_ddl() FROM PUBLIC;

CREATE EVENT TRIGGER bib_role_policy ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'CREATE VIEW',
                 'CREATE MATERIALIZED VIEW', 'CREATE FOREIGN TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION @extschema@.role_policy_on_ddl();
