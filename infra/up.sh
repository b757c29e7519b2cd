#!/usr/bin/env bash
# Starts the distributed mode's infrastructure without Docker: a Kafka broker (jars fetched by Maven) on
# 127.0.0.1:${KAFKA_PORT:-9092}, and a database `${GANTRY_DB:-gantry}` on the local PostgreSQL.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export KAFKA_PORT="${KAFKA_PORT:-9092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-$HERE/../.infra/dev}" KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$HERE/../.infra/dev/kafka-data}"
bash "$HERE/kafka/start.sh"
PGURL="${GANTRY_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB="${GANTRY_DB:-gantry}"
if ! psql "$PGURL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  psql "$PGURL" -qc "CREATE DATABASE \"$DB\""
fi
echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
echo "DATABASE_URL=${PGURL%/*}/$DB"
