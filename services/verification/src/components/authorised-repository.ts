import type { ComponentVersionDefinition } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, type CommandOrigin } from '@gantry/platform';
import { componentVersionDecider, componentVersionStream, type ComponentVersion } from './component-version.decider';

export type ComponentVersionView = ComponentVersionDefinition & {
  status: 'registered' | 'withdrawn';
  registeredAt: string;
  withdrawal?: { reason: string; withdrawnAt: string };
};

const toView = (state: Exclude<ComponentVersion, { status: 'none' }>): ComponentVersionView => ({
  ...state.definition,
  status: state.status,
  registeredAt: state.registeredAt,
  ...(state.status === 'withdrawn' ? { withdrawal: { reason: state.reason, withdrawnAt: state.withdrawnAt } } : {}),
});

/** Revokes, in the withdrawal's transaction, the deployments verified with the version that have not started. */
export interface WithdrawalRevocations {
  versionWithdrawn(tx: SqlClient, name: string, version: string, origin: CommandOrigin): Promise<void>;
}

/** The authorised repository: registering and withdrawing component versions, and reading them. */
export class AuthorisedRepository {
  constructor(
    private readonly store: EventStore,
    private readonly revocations: WithdrawalRevocations,
  ) {}

  async register(definition: ComponentVersionDefinition, origin: CommandOrigin, tx?: SqlClient): Promise<ComponentVersionView> {
    const run = async (t: SqlClient) => {
      const result = await executeCommand(this.store, componentVersionDecider, componentVersionStream(definition.name, definition.version), { type: 'RegisterComponentVersion', definition, now: origin.now.toISOString() }, origin, t);
      return result.state;
    };
    const state = tx ? await run(tx) : await this.store.db.transaction(run);
    return toView(state as Exclude<ComponentVersion, { status: 'none' }>);
  }

  /** Withdraws the version and, in the same transaction, revokes the deployments verified with it that have not started. */
  async withdraw(name: string, version: string, reason: string, origin: CommandOrigin, tx?: SqlClient): Promise<ComponentVersionView> {
    const run = async (t: SqlClient) => {
      const result = await executeCommand(this.store, componentVersionDecider, componentVersionStream(name, version), { type: 'WithdrawComponentVersion', name, version, reason, now: origin.now.toISOString() }, origin, t);
      if (result.events.length > 0) await this.revocations.versionWithdrawn(t, name, version, origin);
      return result.state;
    };
    const state = tx ? await run(tx) : await this.store.db.transaction(run);
    return toView(state as Exclude<ComponentVersion, { status: 'none' }>);
  }

  async find(name: string, version: string, client?: SqlClient): Promise<{ view?: ComponentVersionView; state: ComponentVersion }> {
    const { state } = await loadAggregate(this.store, componentVersionDecider, componentVersionStream(name, version).streamId, client);
    return { state, ...(state.status === 'none' ? {} : { view: toView(state) }) };
  }

  async get(name: string, version: string): Promise<ComponentVersionView> {
    const { view } = await this.find(name, version);
    if (!view) throw new NotFound(`${name} ${version} is not in the authorised repository`);
    return view;
  }

  /** The registered names with their versions (at most 1000 versions). */
  async list(name?: string): Promise<{ name: string; versions: { version: string; status: string; kind: string }[] }[]> {
    const prefix = `ComponentVersion-${name === undefined ? '' : `${encodeURIComponent(name)}@`}`;
    const { rows } = await this.store.db.query<{ stream_id: string }>(
      `SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'ComponentVersion' AND starts_with(stream_id, $1) ORDER BY stream_id LIMIT 1000`,
      [prefix],
    );
    const views = await Promise.all(rows.map(async (r) => (await loadAggregate(this.store, componentVersionDecider, r.stream_id)).state));
    const byName = new Map<string, { version: string; status: string; kind: string }[]>();
    for (const state of views) {
      if (state.status === 'none') continue;
      byName.set(state.definition.name, [...(byName.get(state.definition.name) ?? []), { version: state.definition.version, status: state.status, kind: state.definition.kind }]);
    }
    return [...byName].map(([n, versions]) => ({ name: n, versions }));
  }
}
