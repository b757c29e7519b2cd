import { isRefused, type Decider } from '@gantry/decider';
import { EventStore, type EventMetadata, type NewEvent, type SqlClient } from '@gantry/event-store';
import { lostARace, RuleRefused, StaleVersion } from './errors';

/** What the deciders emit: a name and its payload. The command path names them (the context's id source) and the store adds versions, metadata and hashes. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface CommandResult<State, Event> {
  state: State;
  events: readonly Event[];
  /** the stream's version after the command */
  version: number;
}

export interface StreamTarget {
  streamId: string;
  streamType: string;
}

export interface CommandOptions<E = DomainEvent, S = unknown> {
  metadata: EventMetadata;
  /** names each new event: the id source of the command's context (a request's, a message's, a timer's) */
  newId(): string;
  /** from If-Match: the version the client last saw; a mismatch is 412 and nothing is retried */
  expectedVersion?: number;
  maxAttempts?: number;
  /** the HTTP status of a refusal, by its code: 403 when it is about who asks, 422 when the request can never pass; default 409 */
  refusalStatus?: (code: string) => 403 | 409 | 422;
  /** for a command on something that must already exist (cancel a deployment): the error when its stream has no events, raised before If-Match is compared */
  whenMissing?: () => Error;
  /**
   * What must commit with the new events because the next command's facts read it (planning's schedule of
   * reservations, execution's active runs): run in the command's transaction, after the append, with the events just
   * appended, the state they led to and the state before them.
   */
  afterAppend?: (events: readonly E[], tx: SqlClient, state: S, before: S) => Promise<void>;
}

/**
 * A command whose decision needs facts from outside its stream (another stream, a read model): prepared in the
 * command's transaction from the stream's current state, after the stream is read and before the decision, and again
 * on every retry, so the facts and the decision belong to the same attempt.
 */
export type Preparation<C, S> = (state: S, tx: SqlClient) => Promise<C>;

/**
 * Read → (prepare) → decide → append → (afterAppend), in one transaction, the one way every command runs. Without
 * If-Match a version conflict (another writer got there first) is retried by re-reading and re-deciding, a bounded
 * number of times. A refusal becomes RuleRefused for the edge to map. A decision with no events appends nothing.
 */
export async function executeCommand<C, E extends DomainEvent, S, R extends { code: string }>(
  store: EventStore,
  decider: Decider<C, E, S, R>,
  target: StreamTarget,
  command: C | Preparation<C, S>,
  options: CommandOptions<E, S>,
  tx?: SqlClient,
): Promise<CommandResult<S, E>> {
  if (tx) return decideAndAppend(store, decider, target, command, options, tx);
  const attempts = options.expectedVersion === undefined ? (options.maxAttempts ?? CONFLICT_ATTEMPTS) : 1;
  return retryOnStreamConflict(attempts, () => store.db.transaction((t) => decideAndAppend(store, decider, target, command, options, t)));
}

const CONFLICT_ATTEMPTS = 10;

/**
 * Runs `work` (a transaction that reads, decides and appends) again when another writer got there first
 * (`lostARace`): the next attempt reads the new state and decides anew. Waits a little, at random, between attempts, so that writers racing for a busy stream
 * spread out instead of colliding again at once.
 */
export async function retryOnStreamConflict<T>(attempts: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!lostARace(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

async function decideAndAppend<C, E extends DomainEvent, S, R extends { code: string }>(
  store: EventStore,
  decider: Decider<C, E, S, R>,
  target: StreamTarget,
  command: C | Preparation<C, S>,
  options: CommandOptions<E, S>,
  tx: SqlClient,
): Promise<CommandResult<S, E>> {
  const history = await store.readStream(target.streamId, tx);
  const version = history.length;
  if (version === 0 && options.whenMissing) throw options.whenMissing();
  if (options.expectedVersion !== undefined && options.expectedVersion !== version) throw new StaleVersion(options.expectedVersion, version);
  const state = history.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), decider.initialState);
  const outcome = decider.decide(typeof command === 'function' ? await (command as Preparation<C, S>)(state, tx) : command, state);
  if (isRefused(outcome)) {
    const { code, ...details } = outcome.refused;
    throw new RuleRefused(code, details, options.refusalStatus?.(code) ?? 409);
  }
  const events = outcome as readonly E[];
  if (events.length === 0) return { state, events, version };
  const toAppend: NewEvent[] = events.map((event) => ({ id: options.newId(), type: event.type, data: event.data, metadata: options.metadata }));
  const result = await store.append(tx, target.streamId, target.streamType, version, toAppend);
  const next = events.reduce(decider.evolve, state);
  await options.afterAppend?.(events, tx, next, state);
  return { state: next, events, version: result.nextVersion };
}

/** Rebuilds a stream's current state; `version` 0 means the stream does not exist. */
export async function loadAggregate<C, E extends DomainEvent, S, R>(
  store: EventStore,
  decider: Decider<C, E, S, R>,
  streamId: string,
  client?: SqlClient,
): Promise<{ state: S; version: number }> {
  const history = await store.readStream(streamId, client);
  return {
    state: history.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), decider.initialState),
    version: history.length,
  };
}
