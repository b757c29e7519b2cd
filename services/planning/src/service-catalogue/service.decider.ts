import { firstViolation, refuse, sameFacts, type Decider, type Policy, type Refused, type Rule } from '@gantry/decider';
import type { ServiceDefinition, ServiceRegistered, ServiceUpdated } from '@gantry/contracts';

/**
 * The Service aggregate: an entry of the service catalogue, whose id is the service's name. Deployments name their
 * service; the catalogue says who owns it, who must hear of its deployments, what it depends on and where its notices go.
 */
export type ServiceEvent = { type: 'ServiceRegistered'; data: ServiceRegistered } | { type: 'ServiceUpdated'; data: ServiceUpdated };

export type CatalogueEntry = { status: 'none' } | { status: 'registered'; definition: ServiceDefinition };

export const initialState: CatalogueEntry = { status: 'none' };

const definitionOf = ({ registeredAt: _r, updatedAt: _u, ...definition }: Partial<ServiceRegistered & ServiceUpdated>) => definition as ServiceDefinition;

export function evolve(_state: CatalogueEntry, event: ServiceEvent): CatalogueEntry {
  switch (event.type) {
    case 'ServiceRegistered':
    case 'ServiceUpdated':
      return { status: 'registered', definition: definitionOf(event.data) };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export type ServiceCommand = { type: 'RegisterService'; definition: ServiceDefinition; now: string } | { type: 'UpdateService'; definition: ServiceDefinition; now: string };

export type ServiceRefusal =
  | { code: 'ServiceAlreadyRegistered'; name: string }
  | { code: 'ServiceNotRegistered'; name: string }
  | { code: 'ServiceDependsOnItself'; name: string }
  | { code: 'DuplicateChannel'; channel: string };

type DefinitionRule = Rule<ServiceDefinition, ServiceRefusal>;

export const serviceMayNotDependOnItself: DefinitionRule = (d) => (d.dependencies.includes(d.name) ? { code: 'ServiceDependsOnItself', name: d.name } : undefined);

export const channelsMustBeDistinct: DefinitionRule = (d) => {
  const duplicate = d.channels.find((c, i) => d.channels.findIndex((o) => o.name === c.name) !== i);
  return duplicate ? { code: 'DuplicateChannel', channel: duplicate.name } : undefined;
};

const definitionPolicy: Policy<ServiceDefinition, ServiceRefusal> = [serviceMayNotDependOnItself, channelsMustBeDistinct];

export function decide(command: ServiceCommand, state: CatalogueEntry): readonly ServiceEvent[] | Refused<ServiceRefusal> {
  const { definition, now } = command;
  switch (command.type) {
    case 'RegisterService': {
      if (state.status !== 'none') return sameFacts(state.definition, definition) ? [] : refuse({ code: 'ServiceAlreadyRegistered', name: definition.name });
      const broken = firstViolation(definitionPolicy, definition);
      if (broken) return refuse(broken);
      return [{ type: 'ServiceRegistered', data: { ...definition, registeredAt: now } }];
    }
    case 'UpdateService': {
      if (state.status === 'none') return refuse({ code: 'ServiceNotRegistered', name: definition.name });
      if (sameFacts(state.definition, definition)) return [];
      const broken = firstViolation(definitionPolicy, definition);
      if (broken) return refuse(broken);
      return [{ type: 'ServiceUpdated', data: { ...definition, updatedAt: now } }];
    }
  }
}

export const serviceDecider: Decider<ServiceCommand, ServiceEvent, CatalogueEntry, ServiceRefusal> = { decide, evolve, initialState };
