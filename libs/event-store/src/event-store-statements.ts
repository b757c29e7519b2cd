import { sha256Hex } from './canonical-json';
import type { SqlStatement } from './database';
import type { EventMetadata, RecordedEvent } from './types';

export type NamedStatement = Required<Pick<SqlStatement, 'name' | 'text'>>;

/** Named after its own text, so one text is prepared once per connection and two texts never share a name. */
const named = (text: string): NamedStatement => ({ name: `es_${sha256Hex(text).slice(0, 24)}`, text });

const EVENT_COLUMNS = `e.position::text AS position, e.transaction_id::text AS transaction_id, e.stream_id, e.stream_type,
  e.stream_version, e.event_id::text AS event_id, e.event_type, e.schema_version, e.data, e.metadata, e.recorded_at,
  e.previous_hash, e.hash`;

/** The events of one append, as parallel arrays (one element per event) for unnest(). */
const APPENDED_EVENTS = (schema: string) => `
  INSERT INTO "${schema}".events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data,
    metadata, recorded_at, previous_hash, hash)
  SELECT $1::text, $2::text, e.stream_version, e.event_id, e.event_type, e.schema_version, e.data, e.metadata, $5::timestamptz,
    e.previous_hash, e.hash
  FROM head, unnest($6::int[], $7::uuid[], $8::text[], $9::int[], $10::jsonb[], $11::jsonb[], $12::text[], $13::text[])
    WITH ORDINALITY AS e(stream_version, event_id, event_type, schema_version, data, metadata, previous_hash, hash, n)
  ORDER BY e.n`;

export const eventStoreStatements = (schema: string) => ({
  /** The stream's head and which of the given event ids are already recorded (for idempotent retries). */
  head: named(`
    SELECT s.version, s.stream_type, s.last_hash, known.ids AS known_ids, known.in_stream AS known_in_stream
    FROM (SELECT 1) AS one
    LEFT JOIN "${schema}".streams s ON s.stream_id = $1
    CROSS JOIN LATERAL (
      SELECT array_agg(e.event_id::text) AS ids, (count(*) FILTER (WHERE e.stream_id = $1))::int AS in_stream
      FROM "${schema}".events e WHERE e.event_id = ANY($2::uuid[])
    ) AS known`),
  /**
   * Expected version 0. A racer inserting the same stream waits for the first one's transaction and then does
   * nothing, so its events are not inserted either. Nothing is inserted when an event id is already recorded.
   */
  appendToNewStream: named(`
    WITH head AS (
      INSERT INTO "${schema}".streams (stream_id, stream_type, version, last_hash)
      SELECT $1::text, $2::text, $3::int, $4::text
      WHERE NOT EXISTS (SELECT 1 FROM "${schema}".events WHERE event_id = ANY($7::uuid[]))
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING version
    )${APPENDED_EVENTS(schema)}`),
  /**
   * Expected version $14 > 0 whose last hash is $15. A racer blocks on the row lock, then re-evaluates the WHERE
   * against the winner's committed row (READ COMMITTED), finds the version moved and updates nothing.
   */
  appendToExistingStream: named(`
    WITH head AS (
      UPDATE "${schema}".streams SET version = $3, last_hash = $4
      WHERE stream_id = $1 AND version = $14 AND last_hash = $15 AND stream_type = $2
        AND NOT EXISTS (SELECT 1 FROM "${schema}".events WHERE event_id = ANY($7::uuid[]))
      RETURNING version
    )${APPENDED_EVENTS(schema)}`),
  streamVersion: named(`SELECT version FROM "${schema}".streams WHERE stream_id = $1`),
  readStream: named(`SELECT ${EVENT_COLUMNS} FROM "${schema}".events e WHERE e.stream_id = $1 ORDER BY e.stream_version`),
  /**
   * Commit-safe order: a transaction below the snapshot's xmin has ended, so no event can still appear before
   * the rows returned; anything at or above it waits for a later call.
   */
  readAll: named(`
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
  verifyStreamPage: named(`
    SELECT ${EVENT_COLUMNS}, s.version AS head_version, s.last_hash AS head_hash
    FROM "${schema}".events e LEFT JOIN "${schema}".streams s ON s.stream_id = e.stream_id
    WHERE e.stream_id = $1 AND e.stream_version > $2
    ORDER BY e.stream_version
    LIMIT $3`),
  /** Pages of every stream, stream by stream, each row with its stream's head. */
  verifyAllPage: named(`
    SELECT ${EVENT_COLUMNS}, s.version AS head_version, s.last_hash AS head_hash
    FROM "${schema}".events e LEFT JOIN "${schema}".streams s ON s.stream_id = e.stream_id
    WHERE (e.stream_id, e.stream_version) > ($1, $2)
    ORDER BY e.stream_id, e.stream_version
    LIMIT $3`),
  /** The stream's head when none of its events are left (all deleted behind the store's back). */
  streamWithoutEvents: named(`
    SELECT s.stream_id, s.version FROM "${schema}".streams s
    WHERE s.stream_id = $1 AND NOT EXISTS (SELECT 1 FROM "${schema}".events e WHERE e.stream_id = s.stream_id)`),
  /** The first stream (by id) whose events are all gone. */
  firstStreamWithoutEvents: named(`
    SELECT s.stream_id, s.version FROM "${schema}".streams s
    WHERE NOT EXISTS (SELECT 1 FROM "${schema}".events e WHERE e.stream_id = s.stream_id)
    ORDER BY s.stream_id
    LIMIT 1`),
});

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
