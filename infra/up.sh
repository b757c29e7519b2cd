#!/usr/bin/env bash
# Starts the distributed mode's infrastructure without Docker: a Kafka broker (jars fetched by Maven) on
# 127.0.0.1:${KAFKA_PORT:-9092}, and a database `${GANTRY_DB:-gantry}` on the local PostgreSQL with Gantry's two roles
# (infra/postgres/roles.sql): gantry_owner runs the migrations, the services connect as gantry_runtime.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export KAFKA_PORT="${KAFKA_PORT:-9092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-$HERE/../.infra/dev}" KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$HERE/../.infra/dev/kafka-data}"
bash "$HERE/kafka/start.sh"
PGURL="${GANTRY_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB="${GANTRY_DB:-gantry}"
OWNER_PASSWORD="${GANTRY_DB_OWNER_PASSWORD:-gantry_owner}" RUNTIME_PASSWORD="${GANTRY_DB_RUNTIME_PASSWORD:-gantry_runtime}"
if ! psql "$PGURL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  psql "$PGURL" -qc "CREATE DATABASE \"$DB\""
fi
psql "${PGURL%/*}/$DB" -q -v database="$DB" -v owner=gantry_owner -v owner_password="$OWNER_PASSWORD" \
  -v runtime=gantry_runtime -v runtime_password="$RUNTIME_PASSWORD" -f "$HERE/postgres/roles.sql"
SERVER="${PGURL#*://}"; SERVER="${SERVER#*@}"; SERVER="${SERVER%%/*}"
echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
echo "DATABASE_URL=postgres://gantry_runtime:$RUNTIME_PASSWORD@$SERVER/$DB"
echo "GANTRY_MIGRATION_DATABASE_URL=postgres://gantry_owner:$OWNER_PASSWORD@$SERVER/$DB"
