-- Gantry's two database roles (README, "Database roles"), run by a superuser with psql in the database itself:
--   psql "$ADMIN_URL_TO_THE_DATABASE" -v database=gantry -v owner=gantry_owner -v owner_password=… \
--        -v runtime=gantry_runtime -v runtime_password=… -f infra/postgres/roles.sql
-- The owner runs the migrations (GANTRY_MIGRATION_DATABASE_URL) and owns every schema and table; the services connect
-- as the runtime role (DATABASE_URL), which owns nothing and gets its privileges from the owner at each start. Safe to
-- run again: existing roles keep their passwords, and Gantry's schemas made before the roles existed pass to the owner.
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'owner', :'owner_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'runtime', :'runtime_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'runtime') \gexec
-- the owner creates the services' schemas; the runtime role only connects (and may not create in public)
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"database" TO :"owner";
GRANT CONNECT ON DATABASE :"database" TO :"runtime";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- schemas a single role made before (that role, or a superuser, owned them): the owner takes them over, with their
-- tables (and the sequences of their serial and identity columns) and functions
SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, :'owner')
  FROM pg_namespace n
 WHERE n.nspname IN ('planning', 'verification', 'execution', 'records', 'model_review') AND n.nspowner <> (SELECT oid FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, :'owner')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('planning', 'verification', 'execution', 'records', 'model_review') AND c.relkind IN ('r', 'p', 'v')
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('planning', 'verification', 'execution', 'records', 'model_review')
   AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = :'owner') \gexec
