import { firstViolation, refuse, sameFacts, type Decider, type Policy, type Refused, type Rule } from '@gantry/decider';
import { isTimeZone } from '@gantry/contracts';
import type { EnvironmentDecommissioned, EnvironmentDefinition, EnvironmentRegistered, EnvironmentUpdated } from '@gantry/contracts';

/**
 * The Environment aggregate: a controlled subset of infrastructure with a purpose, its deployment windows, freeze
 * periods, targets and approval policy. Its id is its name.
 */
export type EnvironmentEvent =
  | { type: 'EnvironmentRegistered'; data: EnvironmentRegistered }
  | { type: 'EnvironmentUpdated'; data: EnvironmentUpdated }
  | { type: 'EnvironmentDecommissioned'; data: EnvironmentDecommissioned };

export type Environment =
  | { status: 'none' }
  | { status: 'active'; definition: EnvironmentDefinition }
  | { status: 'decommissioned'; definition: EnvironmentDefinition; reason: string };

export const initialState: Environment = { status: 'none' };

const definitionOf = ({ registeredAt: _r, updatedAt: _u, ...definition }: Partial<EnvironmentRegistered & EnvironmentUpdated>) =>
  definition as EnvironmentDefinition;

export function evolve(state: Environment, event: EnvironmentEvent): Environment {
  switch (event.type) {
    case 'EnvironmentRegistered':
    case 'EnvironmentUpdated':
      return { status: 'active', definition: definitionOf(event.data) };
    case 'EnvironmentDecommissioned':
      return state.status === 'none' ? state : { status: 'decommissioned', definition: state.definition, reason: event.data.reason };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export type EnvironmentCommand =
  | { type: 'RegisterEnvironment'; definition: EnvironmentDefinition; now: string }
  | { type: 'UpdateEnvironment'; definition: EnvironmentDefinition; now: string }
  | { type: 'DecommissionEnvironment'; name: string; reason: string; now: string };

export type EnvironmentRefusal =
  | { code: 'EnvironmentAlreadyRegistered'; name: string }
  | { code: 'EnvironmentNotRegistered'; name: string }
  | { code: 'EnvironmentDecommissioned'; name: string }
  | { code: 'UnknownTimeZone'; timeZone: string }
  | { code: 'DuplicateTarget'; target: string }
  | { code: 'DuplicateFreeze'; freezeId: string }
  | { code: 'FreezeWithoutPeriod'; freezeId: string }
  | { code: 'FreezeEndsBeforeItStarts'; freezeId: string };

type DefinitionRule = Rule<EnvironmentDefinition, EnvironmentRefusal>;

export const timeZoneMustBeKnown: DefinitionRule = (d) => (isTimeZone(d.timeZone) ? undefined : { code: 'UnknownTimeZone', timeZone: d.timeZone });

export const targetsMustBeDistinct: DefinitionRule = (d) => {
  const duplicate = d.targets.find((t, i) => d.targets.findIndex((u) => u.name === t.name) !== i);
  return duplicate ? { code: 'DuplicateTarget', target: duplicate.name } : undefined;
};

export const freezesMustBeDistinct: DefinitionRule = (d) => {
  const duplicate = d.freezes.find((f, i) => d.freezes.findIndex((g) => g.id === f.id) !== i);
  return duplicate ? { code: 'DuplicateFreeze', freezeId: duplicate.id } : undefined;
};

/** A freeze is one-off (start and end) or weekly, never both, never neither. */
export const freezeMustHaveOnePeriod: DefinitionRule = (d) => {
  const invalid = d.freezes.find((f) => (f.weekly ? f.start !== undefined || f.end !== undefined : f.start === undefined || f.end === undefined));
  return invalid ? { code: 'FreezeWithoutPeriod', freezeId: invalid.id } : undefined;
};

export const freezeMustEndAfterItStarts: DefinitionRule = (d) => {
  const invalid = d.freezes.find((f) => f.start !== undefined && f.end !== undefined && Date.parse(f.end) <= Date.parse(f.start));
  return invalid ? { code: 'FreezeEndsBeforeItStarts', freezeId: invalid.id } : undefined;
};

/** Rules every definition must satisfy, registered or updated; the first broken one is the refusal. */
const definitionPolicy: Policy<EnvironmentDefinition, EnvironmentRefusal> = [
  timeZoneMustBeKnown,
  targetsMustBeDistinct,
  freezesMustBeDistinct,
  freezeMustHaveOnePeriod,
  freezeMustEndAfterItStarts,
];

export function decide(command: EnvironmentCommand, state: Environment): readonly EnvironmentEvent[] | Refused<EnvironmentRefusal> {
  switch (command.type) {
    case 'RegisterEnvironment': {
      if (state.status !== 'none') {
        return sameFacts(state.definition, command.definition) ? [] : refuse({ code: 'EnvironmentAlreadyRegistered', name: command.definition.name });
      }
      const broken = firstViolation(definitionPolicy, command.definition);
      if (broken) return refuse(broken);
      return [{ type: 'EnvironmentRegistered', data: { ...command.definition, registeredAt: command.now } }];
    }
    case 'UpdateEnvironment': {
      if (state.status === 'none') return refuse({ code: 'EnvironmentNotRegistered', name: command.definition.name });
      if (state.status === 'decommissioned') return refuse({ code: 'EnvironmentDecommissioned', name: command.definition.name });
      if (sameFacts(state.definition, command.definition)) return [];
      const broken = firstViolation(definitionPolicy, command.definition);
      if (broken) return refuse(broken);
      return [{ type: 'EnvironmentUpdated', data: { ...command.definition, updatedAt: command.now } }];
    }
    case 'DecommissionEnvironment': {
      if (state.status === 'none') return refuse({ code: 'EnvironmentNotRegistered', name: command.name });
      if (state.status === 'decommissioned') return [];
      return [{ type: 'EnvironmentDecommissioned', data: { name: command.name, reason: command.reason, decommissionedAt: command.now } }];
    }
  }
}

export const environmentDecider: Decider<EnvironmentCommand, EnvironmentEvent, Environment, EnvironmentRefusal> = { decide, evolve, initialState };
