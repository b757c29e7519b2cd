import type { Identity } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, type RequestContext } from '@gantry/platform';
import type { SupplierDefinition, SupplierScope } from '@gantry/contracts';
import { supplierDecider, type Supplier } from './supplier.decider';
import type { ActingForSupplier } from './supplier-scope';

export const supplierStream = (name: string) => ({ streamId: `Supplier-${name}`, streamType: 'Supplier' });

export interface SupplierView {
  name: string;
  version: number;
  definition: SupplierDefinition;
}

/** Registering and changing supplier organisations, and reading them (their scope is what execution enforces). */
export class Suppliers {
  constructor(private readonly store: EventStore) {}

  async register(definition: SupplierDefinition, context: RequestContext): Promise<SupplierView> {
    const result = await executeCommand(this.store, supplierDecider, supplierStream(definition.name), { type: 'RegisterSupplier', definition, now: context.now.toISOString() }, context);
    return toView(result.state, result.version);
  }

  async update(definition: SupplierDefinition, expectedVersion: number, context: RequestContext): Promise<SupplierView> {
    await this.get(definition.name);
    const result = await executeCommand(this.store, supplierDecider, supplierStream(definition.name), { type: 'UpdateSupplier', definition, now: context.now.toISOString() }, { ...context, expectedVersion });
    return toView(result.state, result.version);
  }

  async get(name: string): Promise<SupplierView> {
    const { state, version } = await loadAggregate(this.store, supplierDecider, supplierStream(name).streamId);
    if (state.status === 'none') throw new NotFound(`no supplier ${name} is registered`);
    return toView(state, version);
  }

  /** The scope of a registered organisation; none for a name that is not registered. */
  async scopeOf(name: string): Promise<SupplierScope | undefined> {
    const { state } = await loadAggregate(this.store, supplierDecider, supplierStream(name).streamId);
    return state.status === 'registered' ? state.definition.scope : undefined;
  }

  /** The organisation a supplier's engineer acts for (their token's `org`) with its scope; none for the organisation's own staff. */
  async actingFor(identity: Identity): Promise<ActingForSupplier | undefined> {
    const { organisation } = identity;
    if (organisation === undefined && !identity.roles.includes('supplier-engineer')) return undefined;
    return { organisation, scope: organisation === undefined ? undefined : await this.scopeOf(organisation) };
  }

  async list(): Promise<SupplierView[]> {
    const streams = await this.store.db.query<{ stream_id: string }>(`SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'Supplier' ORDER BY stream_id LIMIT 1000`);
    return Promise.all(streams.rows.map((r) => this.get(r.stream_id.slice('Supplier-'.length))));
  }
}

const toView = (state: Supplier, version: number): SupplierView => {
  if (state.status === 'none') throw new Error('a supplier that is not registered has no view');
  return { name: state.definition.name, version, definition: state.definition };
};
