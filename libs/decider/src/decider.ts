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
