import { isRefused, type Decider, type Refused } from './decider';

/**
 * given(events).when(command).then(events) for a decider, as plain data so the test reads like the rule.
 * Works with any test runner: failures throw with both sides printed.
 */
export const specification = <C, E, S, R>(decider: Decider<C, E, S, R>) => ({
  given: (history: readonly E[]) => ({
    when: (command: C) => {
      const state = history.reduce(decider.evolve, decider.initialState);
      const outcome = decider.decide(command, state);
      return {
        then: (expected: readonly E[]) => assertEqual(outcome, expected, 'events'),
        thenRefused: (expected: R) => {
          if (!isRefused(outcome)) fail(`expected refusal ${show(expected)}, got events ${show(outcome)}`);
          assertEqual((outcome as Refused<R>).refused, expected, 'refusal');
        },
        thenNothing: () => assertEqual(outcome, [], 'events (expected none)'),
        outcome,
      };
    },
  }),
});

/**
 * given(events).then(state) for a fold that takes no commands (a record rebuilt from other services' events): the
 * state the events leave, compared whole, in the same terms as `specification`.
 */
export const foldSpecification = <E, S>(evolve: (state: S, event: E) => S, initialState: S) => ({
  given: (history: readonly E[]) => ({
    then: (expected: S) => assertEqual(history.reduce(evolve, initialState), expected, 'state'),
  }),
});

const show = (value: unknown) => JSON.stringify(value, null, 2);
const fail = (message: string): never => {
  throw new Error(message);
};
const assertEqual = (actual: unknown, expected: unknown, what: string) => {
  if (show(normalise(actual)) !== show(normalise(expected))) fail(`${what} differ\nexpected: ${show(expected)}\nactual:   ${show(actual)}`);
};
const normalise = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(normalise)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, normalise(v)]))
      : value;
