#!/usr/bin/env bash
# The postgres container's first start (docker-compose.yml mounts it in /docker-entrypoint-initdb.d): Gantry's owner
# and runtime roles in POSTGRES_DB, by roles.sql.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -q \
  -v database="$POSTGRES_DB" -v owner="${GANTRY_DB_OWNER:-gantry_owner}" -v owner_password="$GANTRY_DB_OWNER_PASSWORD" \
  -v runtime="${GANTRY_DB_RUNTIME:-gantry_runtime}" -v runtime_password="$GANTRY_DB_RUNTIME_PASSWORD" \
  -f "${GANTRY_ROLES_SQL:-/gantry/roles.sql}"
