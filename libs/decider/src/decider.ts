/** A decider: the pure heart of an aggregate. No I/O, no clock, no random ids: time and ids arrive in commands. */
export interface Decider<Command, Event, State, Refusal = never> {
  decide(command: Command, state: State): readonly Event[] | Refused<Refusal>;
  evolve(state: State, event: Event): State;
  initialState: State;
}

/** An expected failure, returned as a value and mapped once at the edge (HTTP 409/422, gRPC FAILED_PRECONDITION). */
export interface Refused<Refusal> {
  readonly refused: Refusal;
}

export const refuse = <R>(refusal: R): Refused<R> => ({ refused: refusal });

export const isRefused = <R>(outcome: readonly unknown[] | Refused<R>): outcome is Refused<R> =>
  !Array.isArray(outcome) && typeof outcome === 'object' && outcome !== null && 'refused' in outcome;

export const fold = <State, Event>(evolve: (s: State, e: Event) => State, initial: State, events: readonly Event[]): State =>
  events.reduce(evolve, initial);

/** Deep equality of plain facts (JSON-like data), whatever the order of object keys: stored events come back from jsonb reordered. */
export const sameFacts = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => sameFacts((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
};
