#!/bin/sh
# Run once by the postgres image when its data volume is new (/docker-entrypoint-initdb.d), as the
# superuser: the owner of Fordra's tables, which the migrations run as, and the app's role, which
# gunicorn, the workers and beat connect as (`manage.py grant_app_role` gives it its privileges).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$FORDRA_DB_OWNER_PASSWORD" -v app_password="$FORDRA_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE fordra LOGIN PASSWORD :'owner_password';
CREATE ROLE fordra_app LOGIN PASSWORD :'app_password';
CREATE DATABASE fordra OWNER fordra;
REVOKE ALL ON DATABASE fordra FROM PUBLIC;
\connect fordra
-- The owner makes the tables; nobody else creates anything in the schema.
ALTER SCHEMA public OWNER TO fordra;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL
