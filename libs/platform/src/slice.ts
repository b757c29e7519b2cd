import type { Provider, Type } from '@nestjs/common';
import { eventNameOf } from '@gantry/contracts';
import type { Migration, ReadModels } from '@gantry/event-store';
import type { ServiceName } from './config';
import type { ConsumerSpec } from './consumer-spec';
import type { TimerHandler } from './due-timers';

/** What a slice does, in the consumer's transaction, when an event it reacts to arrives (its context: consumer-spec.ts). */
export type Reaction = ConsumerSpec['handle'];

/**
 * A slice's reactions to Gantry events, by event name, in one consumer group. Slices that name the same group share
 * it: each event then reaches them in the order of its partition, in the order the service lists its slices (a
 * deployment's manual steps are recorded before the evaluation that judges them starts).
 */
export interface Reactions {
  /** the consumer group and inbox name: stable across releases, since offsets and the inbox carry on under it */
  consumer: string;
  topics: readonly string[];
  on: Readonly<Record<string, Reaction>>;
}

/**
 * A feature of a service, declared: the tables of its read models (SQL migrations, or TypeORM entities and migrations), its reactions to other services' events, its
 * timers, its doors (HTTP controllers and gRPC handlers) and what it provides to them. The service is a list of slices;
 * the ServiceHost migrates, subscribes and starts what they declare.
 */
export interface Slice {
  /** the activity it serves, as its folder is named */
  name: string;
  migrations?: readonly Migration[];
  /** its read models as TypeORM entities, opened (their TypeORM migrations run) after every SQL migration */
  readModels?: ReadModels;
  reactions?: readonly Reactions[];
  /** consumers of topics whose events are not picked by Gantry event name (inbound practices, the ledger) */
  consumers?: readonly ConsumerSpec[];
  /** handlers of its due timers, by kind */
  timers?: Readonly<Record<string, TimerHandler>>;
  doors?: readonly Type[];
  provides?: readonly Provider[];
}

/** The consumers a service's slices declare: reactions that share a group merged into one consumer. */
export function consumersOf(service: ServiceName, slices: readonly Slice[]): ConsumerSpec[] {
  const groups = new Map<string, { topics: Set<string>; on: Map<string, Reaction[]> }>();
  for (const reactions of slices.flatMap((s) => s.reactions ?? [])) {
    const group = groups.get(reactions.consumer) ?? { topics: new Set<string>(), on: new Map<string, Reaction[]>() };
    groups.set(reactions.consumer, group);
    reactions.topics.forEach((t) => group.topics.add(t));
    for (const [name, react] of Object.entries(reactions.on)) group.on.set(name, [...(group.on.get(name) ?? []), react]);
  }
  const merged = [...groups].map(
    ([name, group]): ConsumerSpec => ({
      name,
      topics: [...group.topics],
      accepts: (type) => group.on.has(eventNameOf(type) ?? ''),
      handle: async (event, tx, context) => {
        for (const react of group.on.get(eventNameOf(event.type) ?? '') ?? []) await react(event, tx, context);
      },
    }),
  );
  const all = [...merged, ...slices.flatMap((s) => s.consumers ?? [])];
  const twice = all.map((c) => c.name).find((name, i, names) => names.indexOf(name) !== i);
  if (twice) throw new Error(`two consumers of ${service} are named ${twice}: reactions that share a group declare it as Reactions`);
  return all;
}

/** The handlers of a service's due timers; two slices may not claim one kind. */
export function timersOf(slices: readonly Slice[]): Record<string, TimerHandler> {
  const timers: Record<string, TimerHandler> = {};
  for (const [kind, handler] of slices.flatMap((s) => Object.entries(s.timers ?? {}))) {
    if (timers[kind]) throw new Error(`two slices handle the timer kind ${kind}`);
    timers[kind] = handler;
  }
  return timers;
}
