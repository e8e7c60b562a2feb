-- bib 0.1.0 install script, built by `make` from sql/src/*.sql in name order.
-- Edit the parts in sql/src, not sql/bib--0.1.0.sql.

\echo Use "CREATE EXTENSION bib" to load this file. \quit

-- Nothing in bib is for PUBLIC unless a part grants it.
REVOKE ALL ON SCHEMA @extschema@ FROM PUBLIC;
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
