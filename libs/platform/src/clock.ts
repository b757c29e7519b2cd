import { randomUUID } from 'node:crypto';

/**
 * Where a process's time and new ids come from: the system's in production, a test's own in tests (`testClock`).
 * Only the doors read it (a request, a consumed message, a due timer, a poller), once per command, and hand the
 * reading down in the command's context; handlers and deciders never read the time or make ids themselves. (A class
 * only to be the Nest token the runtime provides it under, for the gRPC doors.)
 */
export abstract class Clock {
  abstract now(): Date;
  abstract newId(): string;
}

export const systemClock: Clock = { now: () => new Date(), newId: () => randomUUID() };

/** A command's moment: the time it happens at (read once, at its door) and where the ids of what it creates come from. */
export interface Moment {
  now: Date;
  newId(): string;
}

export const momentOf = (clock: Clock): Moment => ({ now: clock.now(), newId: () => clock.newId() });

/** A clock a test moves by hand. Ids stay random unless the test gives its own: other suites share the broker's topics. */
export interface TestClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(at: Date | string = new Date(), ids: () => string = randomUUID): TestClock {
  let current = new Date(at).getTime();
  return {
    now: () => new Date(current),
    newId: ids,
    set: (to) => void (current = new Date(to).getTime()),
    advance: (ms) => void (current += ms),
  };
}
