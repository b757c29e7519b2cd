import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type { SupplierDefinition, SupplierRegistered, SupplierUpdated } from '@gantry/contracts';

/**
 * The Supplier aggregate: a supplier or partner organisation whose engineers perform manual steps (the practice
 * guide's suppliers and partners), whose id is the name its staff's tokens carry in their `org` claim.
 */
export type SupplierEvent = { type: 'SupplierRegistered'; data: SupplierRegistered } | { type: 'SupplierUpdated'; data: SupplierUpdated };

export type Supplier = { status: 'none' } | { status: 'registered'; definition: SupplierDefinition };

export const initialState: Supplier = { status: 'none' };

const definitionOf = ({ registeredAt: _r, updatedAt: _u, ...definition }: Partial<SupplierRegistered & SupplierUpdated>) => definition as SupplierDefinition;

export function evolve(_state: Supplier, event: SupplierEvent): Supplier {
  switch (event.type) {
    case 'SupplierRegistered':
    case 'SupplierUpdated':
      return { status: 'registered', definition: definitionOf(event.data) };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export type SupplierCommand = { type: 'RegisterSupplier'; definition: SupplierDefinition; now: string } | { type: 'UpdateSupplier'; definition: SupplierDefinition; now: string };

export type SupplierRefusal = { code: 'SupplierAlreadyRegistered'; name: string } | { code: 'SupplierNotRegistered'; name: string };

export function decide(command: SupplierCommand, state: Supplier): readonly SupplierEvent[] | Refused<SupplierRefusal> {
  const { definition, now } = command;
  switch (command.type) {
    case 'RegisterSupplier':
      if (state.status !== 'none') return sameFacts(state.definition, definition) ? [] : refuse({ code: 'SupplierAlreadyRegistered', name: definition.name });
      return [{ type: 'SupplierRegistered', data: { ...definition, registeredAt: now } }];
    case 'UpdateSupplier':
      if (state.status === 'none') return refuse({ code: 'SupplierNotRegistered', name: definition.name });
      if (sameFacts(state.definition, definition)) return [];
      return [{ type: 'SupplierUpdated', data: { ...definition, updatedAt: now } }];
  }
}

export const supplierDecider: Decider<SupplierCommand, SupplierEvent, Supplier, SupplierRefusal> = { decide, evolve, initialState };
