import { Injectable } from '@nestjs/common';
import { EventStore, type SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, type RequestContext } from '@gantry/platform';
import type { EnvironmentDefinition } from '@gantry/contracts';
import { environmentDecider, type Environment } from './environment.decider';

export const environmentStream = (name: string) => ({ streamId: `Environment-${name}`, streamType: 'Environment' });

/** Where an active environment stands in the flow of environments: its kind and position. */
export type EnvironmentInFlow = { name: string; kind: string; position: number };

/** The active environments' kinds and positions, from each one's last event (a decommissioned environment is out of the flow). */
export async function readEnvironmentFlow(tx: SqlClient, schema: string): Promise<EnvironmentInFlow[]> {
  const rows = await tx.query<EnvironmentInFlow>(
    `SELECT e.data->>'name' AS name, e.data->>'kind' AS kind, (e.data->>'position')::int AS position
       FROM "${schema}".streams s JOIN "${schema}".events e ON e.stream_id = s.stream_id AND e.stream_version = s.version
      WHERE s.stream_type = 'Environment' AND e.event_type <> 'EnvironmentDecommissioned'
      ORDER BY position, name`,
  );
  return rows.rows;
}

export interface EnvironmentView {
  name: string;
  status: Exclude<Environment['status'], 'none'>;
  version: number;
  definition: EnvironmentDefinition;
  decommissionReason?: string;
}

/** Registering, changing and decommissioning environments, and reading them. */
@Injectable()
export class Environments {
  constructor(private readonly store: EventStore) {}

  async register(definition: EnvironmentDefinition, context: RequestContext): Promise<EnvironmentView> {
    const result = await executeCommand(this.store, environmentDecider, environmentStream(definition.name), { type: 'RegisterEnvironment', definition, now: context.now.toISOString() }, context);
    return toView(result.state, result.version);
  }

  async update(definition: EnvironmentDefinition, expectedVersion: number, context: RequestContext): Promise<EnvironmentView> {
    await this.existing(definition.name);
    const result = await executeCommand(this.store, environmentDecider, environmentStream(definition.name), { type: 'UpdateEnvironment', definition, now: context.now.toISOString() }, { ...context, expectedVersion });
    return toView(result.state, result.version);
  }

  async decommission(name: string, reason: string, expectedVersion: number, context: RequestContext): Promise<EnvironmentView> {
    await this.existing(name);
    const result = await executeCommand(this.store, environmentDecider, environmentStream(name), { type: 'DecommissionEnvironment', name, reason, now: context.now.toISOString() }, { ...context, expectedVersion });
    return toView(result.state, result.version);
  }

  async get(name: string): Promise<EnvironmentView> {
    return this.existing(name);
  }

  async list(): Promise<EnvironmentView[]> {
    const streams = await this.store.db.query<{ stream_id: string }>(`SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'Environment' ORDER BY stream_id LIMIT 1000`);
    return Promise.all(streams.rows.map((r) => this.existing(r.stream_id.slice('Environment-'.length))));
  }

  private async existing(name: string): Promise<EnvironmentView> {
    const { state, version } = await loadAggregate(this.store, environmentDecider, environmentStream(name).streamId);
    if (state.status === 'none') throw new NotFound(`environment ${name} is not registered`);
    return toView(state, version);
  }
}

const toView = (state: Environment, version: number): EnvironmentView => {
  if (state.status === 'none') throw new Error('an environment that is not registered has no view');
  return {
    name: state.definition.name,
    status: state.status,
    version,
    definition: state.definition,
    ...(state.status === 'decommissioned' ? { decommissionReason: state.reason } : {}),
  };
};
