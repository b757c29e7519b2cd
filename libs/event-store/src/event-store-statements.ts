import { sha256Hex } from './canonical-json';
import type { SqlStatement } from './database';
import type { EventMetadata, RecordedEvent } from './types';

export type NamedStatement = Pick<SqlStatement, 'name' | 'text'>;

/**
 * A named statement is parsed and planned once per connection, then its generic plan is reused for as long as the
 * table statistics don't change; planning the append anew each time costs more server time than running it.
 * A plan made while a table was tiny may scan it sequentially forever when nothing analyzes it (autovacuum off,
 * PGlite), so only statements whose every lookup is an equality on a unique index are named; the rest are planned
 * on each run. Named after its own text: one text, one name.
 */
const nameStatement = (text: string): NamedStatement => ({ name: `es_${sha256Hex(text).slice(0, 24)}`, text });
const planned = (text: string): { text: string } => ({ text });

const EVENT_COLUMNS = `e.position::text AS position, e.transaction_id::text AS transaction_id, e.stream_id, e.stream_type,
  e.stream_version, e.event_id::text AS event_id, e.event_type, e.schema_version, e.data, e.metadata, e.recorded_at,
  e.previous_hash, e.hash`;

/**
 * The events of one append arrive as one JSON array ($6) of objects keyed like the columns below; data and metadata
 * are embedded as JSON, not as strings, so nothing is escaped twice. Cheaper on both ends than one array per column.
 */
const APPENDED_EVENTS = (schema: string) => `
  INSERT INTO "${schema}".events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data,
    metadata, recorded_at, previous_hash, hash)
  SELECT $1::text, $2::text, e.stream_version, e.event_id, e.event_type, e.schema_version, e.data, e.metadata, $5::timestamptz,
    e.previous_hash, e.hash
  FROM head, jsonb_to_recordset($6::jsonb)
    AS e(stream_version int, event_id uuid, event_type text, schema_version int, data jsonb, metadata jsonb, previous_hash text, hash text)
  ORDER BY e.stream_version`;

export const eventStoreStatements = (schema: string, namedStatements: boolean) => {
  const named = namedStatements ? nameStatement : planned;
  return {
    /** The stream's head and which of the given event ids are already recorded (for idempotent retries). */
    head: planned(`
      SELECT s.version, s.stream_type, s.last_hash, known.ids AS known_ids, known.in_stream AS known_in_stream
      FROM (SELECT 1) AS one
      LEFT JOIN "${schema}".streams s ON s.stream_id = $1
      CROSS JOIN LATERAL (
        SELECT array_agg(e.event_id::text) AS ids, (count(*) FILTER (WHERE e.stream_id = $1))::int AS in_stream
        FROM "${schema}".events e WHERE e.event_id = ANY($2::uuid[])
      ) AS known`),
    /**
     * Expected version 0. A racer inserting the same stream waits for the first one's transaction and then does
     * nothing, so its events are not inserted either. Nothing is inserted when the first event id ($7) is already
     * recorded (a retry); an id recorded further down the batch fails on the unique index instead.
     */
    appendToNewStream: named(`
      WITH head AS (
        INSERT INTO "${schema}".streams (stream_id, stream_type, version, last_hash)
        SELECT $1::text, $2::text, $3::int, $4::text
        WHERE NOT EXISTS (SELECT 1 FROM "${schema}".events WHERE event_id = $7::uuid)
        ON CONFLICT (stream_id) DO NOTHING
        RETURNING version
      )${APPENDED_EVENTS(schema)}`),
    /**
     * Expected version $8 > 0 whose last hash is $9; first event id $7 as above. A racer blocks on the row lock,
     * then re-evaluates the WHERE against the winner's committed row (READ COMMITTED), finds the version moved and
     * updates nothing.
     */
    appendToExistingStream: named(`
      WITH head AS (
        UPDATE "${schema}".streams SET version = $3, last_hash = $4
        WHERE stream_id = $1 AND version = $8 AND last_hash = $9 AND stream_type = $2
          AND NOT EXISTS (SELECT 1 FROM "${schema}".events WHERE event_id = $7::uuid)
        RETURNING version
      )${APPENDED_EVENTS(schema)}`),
    streamVersion: named(`SELECT version FROM "${schema}".streams WHERE stream_id = $1`),
    readStream: planned(`SELECT ${EVENT_COLUMNS} FROM "${schema}".events e WHERE e.stream_id = $1 ORDER BY e.stream_version`),
    /**
     * Commit-safe order: a transaction below the snapshot's xmin has ended, so no event can still appear before
     * the rows returned; anything at or above it waits for a later call.
     */
    readAll: planned(`
      SELECT ${EVENT_COLUMNS} FROM "${schema}".events e
      WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
        AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.transaction_id, e.position
      LIMIT $3`),
    readCheckpoint: named(`SELECT transaction_id::text AS transaction_id, position::text AS position FROM "${schema}".checkpoints WHERE name = $1`),
    saveCheckpoint: named(`
      INSERT INTO "${schema}".checkpoints (name, transaction_id, position, updated_at) VALUES ($1, $2::xid8, $3::bigint, now())
      ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`),
    /** Pages of one stream with its head, read in the same statement so both come from one snapshot. */
    verifyStreamPage: planned(`
      SELECT ${EVENT_COLUMNS}, s.version AS head_version, s.last_hash AS head_hash
      FROM "${schema}".events e LEFT JOIN "${schema}".streams s ON s.stream_id = e.stream_id
      WHERE e.stream_id = $1 AND e.stream_version > $2
      ORDER BY e.stream_version
      LIMIT $3`),
    /** Pages of every stream, stream by stream, each row with its stream's head. */
    verifyAllPage: planned(`
      SELECT ${EVENT_COLUMNS}, s.version AS head_version, s.last_hash AS head_hash
      FROM "${schema}".events e LEFT JOIN "${schema}".streams s ON s.stream_id = e.stream_id
      WHERE (e.stream_id, e.stream_version) > ($1, $2)
      ORDER BY e.stream_id, e.stream_version
      LIMIT $3`),
    /** The stream's head when none of its events are left (all deleted behind the store's back). */
    streamWithoutEvents: planned(`
      SELECT s.stream_id, s.version FROM "${schema}".streams s
      WHERE s.stream_id = $1 AND NOT EXISTS (SELECT 1 FROM "${schema}".events e WHERE e.stream_id = s.stream_id)`),
    /** Which of the given event ids the store holds. */
    recordedIds: planned(`SELECT event_id::text AS event_id FROM "${schema}".events WHERE event_id = ANY($1::uuid[])`),
    /** The first stream (by id) whose events are all gone. */
    firstStreamWithoutEvents: planned(`
      SELECT s.stream_id, s.version FROM "${schema}".streams s
      WHERE NOT EXISTS (SELECT 1 FROM "${schema}".events e WHERE e.stream_id = s.stream_id)
      ORDER BY s.stream_id
      LIMIT 1`),
  };
};

export type EventStoreStatements = ReturnType<typeof eventStoreStatements>;

export interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
}

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  position: row.position,
  transactionId: row.transaction_id,
  streamId: row.stream_id,
  streamType: row.stream_type,
  streamVersion: row.stream_version,
  id: row.event_id,
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
  previousHash: row.previous_hash,
  hash: row.hash,
});
