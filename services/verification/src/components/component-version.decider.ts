import { refuse, sameFacts, type Decider, type Refused, type Rule } from '@gantry/decider';
import type { ComponentVersionDefinition, EventPayloads } from '@gantry/contracts';

/**
 * ComponentVersion: one entry of the authorised repository (the definitive media library and hardware store, as far
 * as deployment needs it). An entry never changes once registered; it can only be withdrawn.
 */
export type ComponentVersionEvent =
  | { type: 'ComponentVersionRegistered'; data: EventPayloads['ComponentVersionRegistered'] }
  | { type: 'ComponentVersionWithdrawn'; data: EventPayloads['ComponentVersionWithdrawn'] };

export type ComponentVersion =
  | { status: 'none' }
  | { status: 'registered'; definition: ComponentVersionDefinition; registeredAt: string }
  | { status: 'withdrawn'; definition: ComponentVersionDefinition; registeredAt: string; reason: string; withdrawnAt: string };

export const initialState: ComponentVersion = { status: 'none' };

export type ComponentVersionCommand =
  | { type: 'RegisterComponentVersion'; definition: ComponentVersionDefinition; now: string }
  | { type: 'WithdrawComponentVersion'; name: string; version: string; reason: string; now: string };

export type ComponentVersionRefusal =
  | { code: 'VersionAlreadyRegistered'; name: string; version: string }
  | { code: 'VersionWithdrawn'; name: string; version: string }
  | { code: 'VersionNotRegistered'; name: string; version: string };

export function evolve(state: ComponentVersion, event: ComponentVersionEvent): ComponentVersion {
  switch (event.type) {
    case 'ComponentVersionRegistered': {
      const { registeredAt, ...definition } = event.data;
      return { status: 'registered', definition, registeredAt };
    }
    case 'ComponentVersionWithdrawn':
      return state.status === 'none' ? state : { ...state, status: 'withdrawn', reason: event.data.reason, withdrawnAt: event.data.withdrawnAt };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** An entry is immutable: the same name and version with other content is another build, and must be another version. */
const registeredEntriesNeverChange: Rule<{ registered: ComponentVersionDefinition; asked: ComponentVersionDefinition }, ComponentVersionRefusal> = ({ registered, asked }) =>
  sameFacts(registered, asked) ? undefined : { code: 'VersionAlreadyRegistered', name: asked.name, version: asked.version };

export function decide(command: ComponentVersionCommand, state: ComponentVersion): readonly ComponentVersionEvent[] | Refused<ComponentVersionRefusal> {
  switch (command.type) {
    case 'RegisterComponentVersion': {
      const { definition } = command;
      if (state.status === 'withdrawn') return refuse({ code: 'VersionWithdrawn', name: definition.name, version: definition.version });
      if (state.status === 'registered') {
        const changed = registeredEntriesNeverChange({ registered: state.definition, asked: definition });
        return changed ? refuse(changed) : [];
      }
      return [{ type: 'ComponentVersionRegistered', data: { ...definition, registeredAt: command.now } }];
    }
    case 'WithdrawComponentVersion': {
      if (state.status === 'none') return refuse({ code: 'VersionNotRegistered', name: command.name, version: command.version });
      if (state.status === 'withdrawn') return [];
      return [{ type: 'ComponentVersionWithdrawn', data: { name: command.name, version: command.version, reason: command.reason, withdrawnAt: command.now } }];
    }
  }
}

export const componentVersionDecider: Decider<ComponentVersionCommand, ComponentVersionEvent, ComponentVersion, ComponentVersionRefusal> = {
  decide,
  evolve,
  initialState,
};

/** One stream per name and version; the name is encoded, so that `@` can separate it from the version. */
export const componentVersionStream = (name: string, version: string) => ({
  streamId: `ComponentVersion-${encodeURIComponent(name)}@${version}`,
  streamType: 'ComponentVersion',
});
