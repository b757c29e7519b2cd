import { ITAM_COMPONENT_EVENT_TYPES, itamComponentEventSchemas } from './itam';
import { ITSM_CHANGE_EVENT_TYPES, ITSM_INCIDENT_EVENT_TYPES, itsmChangeEventSchemas, itsmIncidentEventSchemas } from './itsm';
import type { JsonSchema } from './json-schema';
import { INBOUND_TOPICS, type InboundTopic, type Service } from './topics';

/** The practices around deployment that write Gantry's inbound topics (Gantry only reads them). */
export const INBOUND_PARTIES = ['change-enablement', 'service-desk', 'it-asset-management'] as const;
export type InboundParty = (typeof INBOUND_PARTIES)[number];

export interface InboundEventDescription<N extends string = string> {
  name: N;
  /** who sends it */
  party: InboundParty;
  topic: InboundTopic;
  /** CloudEvents `type`, e.g. `itsm.changes.ChangeAuthorized.v1` */
  type: string;
  schema: JsonSchema;
  /** the services whose consumers act on it (records ledgers every inbound event besides) */
  readBy: readonly Service[];
}

const inbound = <N extends string>(party: InboundParty, topic: InboundTopic, types: Record<N, string>, schemas: Record<N, JsonSchema>, readBy: readonly Service[]) =>
  Object.fromEntries((Object.keys(types) as N[]).map((name) => [name, { name, party, topic, type: types[name], schema: schemas[name], readBy }])) as {
    [K in N]: InboundEventDescription<K>;
  };

/**
 * Every event Gantry accepts from outside, by name: its sender, topic, CloudEvents type and payload schema, taken from
 * the declarations in itsm.ts and itam.ts. Names are unique here, but not across EVENTS: verification records its own
 * `ComponentVersionRegistered` once IT asset management's is accepted.
 */
export const INBOUND_EVENTS = {
  ...inbound('change-enablement', INBOUND_TOPICS.itsmChanges, ITSM_CHANGE_EVENT_TYPES, itsmChangeEventSchemas, ['planning']),
  ...inbound('service-desk', INBOUND_TOPICS.itsmIncidents, ITSM_INCIDENT_EVENT_TYPES, itsmIncidentEventSchemas, ['records', 'verification']),
  ...inbound('it-asset-management', INBOUND_TOPICS.itamComponents, ITAM_COMPONENT_EVENT_TYPES, itamComponentEventSchemas, ['verification']),
};
export type InboundEventName = keyof typeof INBOUND_EVENTS;
export const INBOUND_EVENT_NAMES = Object.keys(INBOUND_EVENTS) as InboundEventName[];
