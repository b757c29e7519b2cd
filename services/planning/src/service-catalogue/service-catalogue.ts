import { Injectable } from '@nestjs/common';
import { EventStore, type SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, type RequestContext } from '@gantry/platform';
import type { ServiceDefinition } from '@gantry/contracts';
import { serviceDecider, type CatalogueEntry } from './service.decider';

export const serviceStream = (name: string) => ({ streamId: `Service-${name}`, streamType: 'Service' });

/** A service's dependencies, as the catalogue last recorded them. */
export type ServiceDependencies = { name: string; dependencies: string[] };

/**
 * The services `service` depends on and those that depend on it, from each entry's last event: what planning weighs
 * when it warns of related services deploying in the same window.
 */
export async function readRelatedServices(tx: SqlClient, schema: string, service: string): Promise<ServiceDependencies[]> {
  const rows = await tx.query<ServiceDependencies>(
    `SELECT e.data->>'name' AS name, ARRAY(SELECT jsonb_array_elements_text(e.data->'dependencies')) AS dependencies
       FROM "${schema}".streams s JOIN "${schema}".events e ON e.stream_id = s.stream_id AND e.stream_version = s.version
      WHERE s.stream_type = 'Service' AND (e.data->>'name' = $1 OR e.data->'dependencies' ? $1)`,
    [service],
  );
  return rows.rows;
}

export interface ServiceView {
  name: string;
  version: number;
  definition: ServiceDefinition;
}

/** Registering and changing the catalogue's entries, and reading them. */
@Injectable()
export class ServiceCatalogue {
  constructor(private readonly store: EventStore) {}

  async register(definition: ServiceDefinition, context: RequestContext): Promise<ServiceView> {
    const result = await executeCommand(this.store, serviceDecider, serviceStream(definition.name), { type: 'RegisterService', definition, now: context.now.toISOString() }, context);
    return toView(result.state, result.version);
  }

  async update(definition: ServiceDefinition, expectedVersion: number, context: RequestContext): Promise<ServiceView> {
    await this.get(definition.name);
    const result = await executeCommand(this.store, serviceDecider, serviceStream(definition.name), { type: 'UpdateService', definition, now: context.now.toISOString() }, { ...context, expectedVersion });
    return toView(result.state, result.version);
  }

  async get(name: string): Promise<ServiceView> {
    const { state, version } = await loadAggregate(this.store, serviceDecider, serviceStream(name).streamId);
    if (state.status === 'none') throw new NotFound(`service ${name} is not in the catalogue`);
    return toView(state, version);
  }

  async list(): Promise<ServiceView[]> {
    const streams = await this.store.db.query<{ stream_id: string }>(`SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'Service' ORDER BY stream_id LIMIT 1000`);
    return Promise.all(streams.rows.map((r) => this.get(r.stream_id.slice('Service-'.length))));
  }
}

const toView = (state: CatalogueEntry, version: number): ServiceView => {
  if (state.status === 'none') throw new Error('a service that is not registered has no view');
  return { name: state.definition.name, version, definition: state.definition };
};
