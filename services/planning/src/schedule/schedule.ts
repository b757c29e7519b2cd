import { Injectable } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { loadAggregate, NotFound } from '@gantry/platform';
import { environmentDecider, environmentStream } from '../environments';
import { freeWindows } from './free-windows';
import { reservationsBetween } from './reservations';

const iso = (ms: number) => new Date(ms).toISOString();

/** The forward schedule of an environment: planned deployments and free windows in a period. */
@Injectable()
export class Schedule {
  constructor(private readonly store: EventStore) {}

  async of(environment: string, from: Date, to: Date) {
    const env = await loadAggregate(this.store, environmentDecider, environmentStream(environment).streamId);
    if (env.state.status === 'none') throw new NotFound(`environment ${environment} is not registered`);
    const planned = await reservationsBetween(this.store.db, this.store.schema, environment, from, to);
    const [start, end] = [from.getTime(), to.getTime()];
    return {
      environment,
      status: env.state.status,
      timeZone: env.state.definition.timeZone,
      from: iso(start),
      to: iso(end),
      planned: planned.map(({ deploymentId, service, targets, window }) => ({ deploymentId, service, targets, window })),
      freeWindows:
        env.state.status === 'active' ? freeWindows(env.state.definition, planned, start, end).map((i) => ({ start: iso(i.start), end: iso(i.end) })) : [],
    };
  }
}
