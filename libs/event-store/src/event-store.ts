import { canonicalJson, GENESIS_HASH, hashEvent } from './canonical-json';
import { CanonicalText } from './canonical-text';
import type { Database, SqlClient } from './database';
import { eventStoreStatements, toRecordedEvent, type EventRow, type EventStoreStatements } from './event-store-statements';
import { verifyChains } from './hash-chain';
import { StreamHeads } from './stream-heads';
import { assertSchemaName, eventStoreMigrations, migrate } from './migrations';
import {
  EventIdConflict,
  START,
  StreamVersionConflict,
  type AppendResult,
  type Checkpoint,
  type IntegrityReport,
  type NewEvent,
  type RecordedEvent,
} from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface HeadRow {
  version: number | null;
  stream_type: string | null;
  last_hash: string | null;
  known_ids: string[] | null;
  known_in_stream: number;
}

/**
 * The event store of one service: its events, streams and checkpoints live in the service's own schema.
 * Every statement runs on the client it is given (a transaction's) or on the pool, never holding a transaction
 * while waiting on another connection.
 */
export class EventStore {
  private readonly sql: EventStoreStatements;
  private readonly heads = new StreamHeads();

  constructor(
    readonly db: Database,
    readonly schema: string,
  ) {
    this.sql = eventStoreStatements(assertSchemaName(schema), db.namedStatements);
  }

  /** @param owner the connection of the role that owns the schema, when the store's own is a runtime role's */
  migrate(owner: Database = this.db): Promise<void> {
    return migrate(owner, this.schema, eventStoreMigrations);
  }

  /**
   * Appends a command's events to one stream inside the caller's transaction, guarded by the expected version
   * (0 = the stream must not exist yet). A retry carrying event ids that are all already in the stream appends
   * nothing and reports `appended: false`.
   * @throws StreamVersionConflict when the stream is not at `expectedVersion` (or another writer got there first)
   * @throws EventIdConflict when only some of the ids are recorded, or an id belongs to another stream
   */
  append(tx: SqlClient, streamId: string, streamType: string, expectedVersion: number, events: readonly NewEvent[]): Promise<AppendResult> {
    return this.appendOn(tx, streamId, streamType, expectedVersion, events);
  }

  /**
   * `append` for callers with nothing else to write. Runs without BEGIN/COMMIT: the append is a single statement,
   * atomic on its own, so a warm append costs one round trip.
   */
  async appendStream(streamId: string, streamType: string, expectedVersion: number, events: readonly NewEvent[]): Promise<AppendResult> {
    const result = await this.appendOn(this.db, streamId, streamType, expectedVersion, events);
    if (result.appended) this.db.notifyCommitted();
    return result;
  }

  /**
   * Hashes need the stream's last hash: a new stream starts from genesis, an existing one from the head this
   * process last saw at the expected version, or else from the head read now. The statement re-checks that head,
   * so a wrong hint only costs the read it would have needed anyway.
   */
  private async appendOn(
    client: SqlClient,
    streamId: string,
    streamType: string,
    expectedVersion: number,
    events: readonly NewEvent[],
  ): Promise<AppendResult> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new RangeError(`expected version must be an integer ≥ 0, got ${expectedVersion}`);
    if (events.length === 0) return { appended: false, nextVersion: await this.streamVersion(streamId, client) };
    const ids = events.map((event) => canonicalUuid(event.id));
    if (new Set(ids).size !== ids.length) throw new EventIdConflict(streamId, ids.filter((id, i) => ids.indexOf(id) !== i));

    let previousHash = expectedVersion === 0 ? GENESIS_HASH : this.heads.lastHashAt(streamId, expectedVersion);
    for (let attempt = 1; ; attempt++) {
      if (previousHash === undefined) {
        const head = await this.readHead(client, streamId, streamType, expectedVersion, ids);
        if ('appended' in head) return head;
        previousHash = head.lastHash;
      }
      const nextVersion = expectedVersion + events.length;
      const lastHash = await this.insert(client, streamId, streamType, expectedVersion, previousHash, events);
      if (lastHash !== undefined) {
        this.heads.remember(streamId, nextVersion, lastHash);
        return { appended: true, nextVersion };
      }
      // The head is not what we assumed: read it to learn why. Past a few rounds, writers keep beating us.
      if (attempt === 3) throw new StreamVersionConflict(streamId, expectedVersion, await this.streamVersion(streamId, client));
      previousHash = undefined;
    }
  }

  /** The head at the expected version, or the outcome when the stream is elsewhere. */
  private async readHead(
    client: SqlClient,
    streamId: string,
    streamType: string,
    expectedVersion: number,
    ids: readonly string[],
  ): Promise<{ lastHash: string } | AppendResult> {
    const { rows } = await client.query<HeadRow>({ ...this.sql.head, values: [streamId, ids] });
    const head = rows[0]!;
    const version = head.version ?? 0;
    if (head.last_hash !== null) this.heads.remember(streamId, version, head.last_hash);
    if (head.known_in_stream === ids.length) return { appended: false, nextVersion: version };
    if (head.known_ids) throw new EventIdConflict(streamId, head.known_ids);
    if (version !== expectedVersion) throw new StreamVersionConflict(streamId, expectedVersion, version);
    if (head.stream_type !== null && head.stream_type !== streamType) {
      throw new TypeError(`stream ${streamId} is a ${head.stream_type}, not a ${streamType}`);
    }
    return { lastHash: head.last_hash ?? GENESIS_HASH };
  }

  /** One statement: moves the head if it is still where we think, and inserts the events. The new last hash, or undefined. */
  private async insert(
    client: SqlClient,
    streamId: string,
    streamType: string,
    expectedVersion: number,
    previousHash: string,
    events: readonly NewEvent[],
  ): Promise<string | undefined> {
    const recordedAt = new Date().toISOString();
    const count = events.length;
    let rows = '';
    let hash = previousHash;
    let lastMetadata: { source: unknown; text: CanonicalText } | undefined;
    const ids = events.map((event) => canonicalUuid(event.id));
    for (let n = 0; n < count; n++) {
      const event = events[n]!;
      const id = ids[n]!;
      const streamVersion = expectedVersion + n + 1;
      const schemaVersion = event.schemaVersion ?? 1;
      // The canonical texts are what is stored, so reading them back reproduces exactly what was hashed.
      const data = new CanonicalText(canonicalJson(event.data));
      // A command's events usually share one metadata object: serialize it once.
      if (lastMetadata?.source !== event.metadata) lastMetadata = { source: event.metadata, text: new CanonicalText(canonicalJson(event.metadata)) };
      const metadata = lastMetadata.text;
      const eventHash = hashEvent(hash, { id, streamId, streamType, streamVersion, type: event.type, schemaVersion, data, metadata, recordedAt });
      rows += `${n === 0 ? '[' : ','}{"stream_version":${streamVersion},"event_id":${JSON.stringify(id)},"event_type":${JSON.stringify(event.type)},"schema_version":${schemaVersion},"data":${data.text},"metadata":${metadata.text},"previous_hash":"${hash}","hash":"${eventHash}"}`;
      hash = eventHash;
    }
    const values: unknown[] = [streamId, streamType, expectedVersion + count, hash, recordedAt, `${rows}]`, ids[0]];
    const statement = expectedVersion === 0 ? this.sql.appendToNewStream : this.sql.appendToExistingStream;
    if (expectedVersion > 0) values.push(expectedVersion, previousHash);
    try {
      const { rowCount } = await client.query({ ...statement, values });
      return rowCount === count ? hash : undefined;
    } catch (error) {
      throw appendFailure(error, streamId, expectedVersion, ids);
    }
  }

  async readStream(streamId: string, client: SqlClient = this.db): Promise<RecordedEvent[]> {
    const { rows } = await client.query<EventRow>({ ...this.sql.readStream, values: [streamId] });
    const last = rows[rows.length - 1];
    if (last) this.heads.remember(streamId, last.stream_version, last.hash);
    return rows.map(toRecordedEvent);
  }

  /** 0 when the stream does not exist. */
  async streamVersion(streamId: string, client: SqlClient = this.db): Promise<number> {
    const { rows } = await client.query<{ version: number }>({ ...this.sql.streamVersion, values: [streamId] });
    return rows[0]?.version ?? 0;
  }

  /**
   * Up to `limit` events after the checkpoint in commit-safe order: (transaction id, position), only from
   * transactions older than every transaction still running. An event committed late is returned late, never skipped.
   */
  async readAll(after: Checkpoint, limit: number, client: SqlClient = this.db): Promise<RecordedEvent[]> {
    const { rows } = await client.query<EventRow>({ ...this.sql.readAll, values: [after.transactionId, after.position, limit] });
    return rows.map(toRecordedEvent);
  }

  async readCheckpoint(client: SqlClient, name: string): Promise<Checkpoint> {
    const { rows } = await client.query<{ transaction_id: string; position: string }>({ ...this.sql.readCheckpoint, values: [name] });
    const row = rows[0];
    return row ? { transactionId: row.transaction_id, position: row.position } : START;
  }

  async saveCheckpoint(client: SqlClient, name: string, checkpoint: Checkpoint): Promise<void> {
    await client.query({ ...this.sql.saveCheckpoint, values: [name, checkpoint.transactionId, checkpoint.position] });
  }

  /** Which of the given ids name events of this store (ids that are not uuids name none). */
  async recordedIds(ids: readonly string[], client: SqlClient = this.db): Promise<Set<string>> {
    const uuids = ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
    if (uuids.length === 0) return new Set();
    const { rows } = await client.query<{ event_id: string }>({ ...this.sql.recordedIds, values: [uuids] });
    return new Set(rows.map((row) => row.event_id));
  }

  /** Recomputes one stream's hash chain from GENESIS_HASH and names the first event that does not fit. */
  verifyStream(streamId: string): Promise<IntegrityReport> {
    return verifyChains(this.db, this.sql, streamId);
  }

  /** Recomputes every stream's hash chain, stream by stream, a page at a time. */
  verifyAll(): Promise<IntegrityReport> {
    return verifyChains(this.db, this.sql);
  }
}

function appendFailure(error: unknown, streamId: string, expectedVersion: number, ids: readonly string[]): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  // Another writer created or extended the stream between our read and our write.
  if (code === '23505' && (constraint === 'events_stream_version_key' || constraint === 'streams_pkey')) {
    return new StreamVersionConflict(streamId, expectedVersion, undefined);
  }
  if (code === '23505' && constraint === 'events_event_id_key') return new EventIdConflict(streamId, ids);
  // Under REPEATABLE READ or SERIALIZABLE a concurrent append surfaces as a serialization failure.
  if (code === '40001') return new StreamVersionConflict(streamId, expectedVersion, undefined);
  return error;
}

/**
 * An event id as PostgreSQL's uuid column gives it back (lower case, dashed): what is hashed must be what is read, or
 * an id written another way (32 hex digits, upper case) would make its own event fail verification.
 */
export function canonicalUuid(id: string): string {
  const hex = id.replace(/[{}-]/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : id;
}
