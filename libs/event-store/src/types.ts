/** Who did it, through which door. Recorded with every event. */
export interface Actor {
  subject: string;
  roles: readonly string[];
  /** rest | grpc | kafka | system */
  channel: string;
}

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  /** the id of the event or request that caused this one */
  causationId?: string;
  /** W3C trace context of the operation that recorded the event */
  traceparent?: string;
  [key: string]: unknown;
}

/** An event about to be appended. `id` is chosen by the caller (a uuid) so a retried append is idempotent. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  schemaVersion?: number;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  /** global position in this store, as a decimal string (bigint) */
  position: string;
  /** xid8 of the appending transaction, as a decimal string */
  transactionId: string;
  streamId: string;
  streamType: string;
  /** 1-based */
  streamVersion: number;
  id: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
  previousHash: string;
  hash: string;
}

/** Where a reader of all events stands: the last (transaction id, position) it has processed. */
export interface Checkpoint {
  transactionId: string;
  position: string;
}

export const START: Checkpoint = { transactionId: '0', position: '0' };

export interface AppendResult {
  /** the stream's version after the append */
  nextVersion: number;
  /** false when every event id was already in the stream (an idempotent retry) */
  appended: boolean;
}

/** Expected version 0 means: the stream must not exist yet. */
export class StreamVersionConflict extends Error {
  readonly code = 'StreamVersionConflict';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | undefined,
  ) {
    super(`stream ${streamId}: expected version ${expectedVersion}, found ${actualVersion ?? 'unknown'}`);
  }
}

export type IntegrityReport =
  | { intact: true; checked: number }
  | { intact: false; checked: number; firstBroken: { position: string; eventId: string; streamId: string; streamVersion: number; reason: string } };

/**
 * Some of the event ids are already recorded, but not as this exact append: part of the batch is in this stream,
 * or an id belongs to another stream. A retried request carries all of its ids, so this is a caller bug.
 */
export class EventIdConflict extends Error {
  readonly code = 'EventIdConflict';
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`stream ${streamId}: event ids already recorded elsewhere or only in part: ${eventIds.join(', ')}`);
  }
}
