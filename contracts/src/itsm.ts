import type { ValidateFunction } from 'ajv/dist/2020';
import type { BodyRule } from './json-schema';
import { enumOf, identifier, label, objectOf, text, timestamp, Type, type Static } from './json-schema';
import { requestDeploymentRules } from './planning-requests';
import { CHANGE_TYPES, requestDeploymentProperties } from './request-deployment';
import { windowSchema } from './vocabulary';
import { createAjv } from './validation';

/**
 * Inbound from change enablement on `itsm.changes.v1` (CloudEvents, structured mode). Change enablement owns these
 * events; Gantry only reads them. A `ChangeAuthorized` asks for a deployment like `RequestDeployment` does (the
 * change's state is `authorised` by the event's nature); a `ChangeCancelled` cancels the change's deployments that
 * have not started.
 */
const { changeState: _state, authorisation: _signed, freezeOverride: _override, promotionOverride: _skip, ...authorisedProperties } = requestDeploymentProperties;

export const ChangeAuthorized = objectOf({
  ...authorisedProperties,
  changeType: enumOf(CHANGE_TYPES),
  /** the desired window; or `nextAvailable`, as on the REST and gRPC doors */
  window: Type.Optional(windowSchema),
  /** who authorised the change in change enablement: recorded as the plan's authoriser */
  authorisedBy: Type.Optional(label(256)),
});
export type ChangeAuthorized = Static<typeof ChangeAuthorized>;

export const ChangeCancelled = objectOf({
  changeId: identifier,
  reason: text(),
  cancelledBy: Type.Optional(label(256)),
  cancelledAt: Type.Optional(timestamp),
});
export type ChangeCancelled = Static<typeof ChangeCancelled>;

/** CloudEvents `type` of the inbound change events. */
export const ITSM_CHANGE_EVENT_TYPES = {
  ChangeAuthorized: 'itsm.changes.ChangeAuthorized.v1',
  ChangeCancelled: 'itsm.changes.ChangeCancelled.v1',
} as const;
export type ItsmChangeEventName = keyof typeof ITSM_CHANGE_EVENT_TYPES;

export const itsmChangeEventSchemas = { ChangeAuthorized, ChangeCancelled };

/**
 * Inbound from the service desk on `itsm.incidents.v1`. An incident is linked to a deployment, or to a change (then it
 * counts against every deployment of the change); linking the same incident again changes nothing.
 */
export const INCIDENT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const IncidentLinked = objectOf(
  {
    incidentId: identifier,
    /** at least one of deploymentId and changeId */
    deploymentId: Type.Optional(identifier),
    changeId: Type.Optional(identifier),
    severity: enumOf(INCIDENT_SEVERITIES),
    openedAt: timestamp,
    title: Type.Optional(text(500)),
    /** the incident in the service desk */
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://' })),
  },
  {
    anyOf: [
      { properties: { deploymentId: identifier }, required: ['deploymentId'] },
      { properties: { changeId: identifier }, required: ['changeId'] },
    ],
  },
);
export type IncidentLinked = Static<typeof IncidentLinked>;

export const IncidentResolved = objectOf({ incidentId: identifier, resolvedAt: timestamp });
export type IncidentResolved = Static<typeof IncidentResolved>;

export const ITSM_INCIDENT_EVENT_TYPES = {
  IncidentLinked: 'itsm.incidents.IncidentLinked.v1',
  IncidentResolved: 'itsm.incidents.IncidentResolved.v1',
} as const;
export type ItsmIncidentEventName = keyof typeof ITSM_INCIDENT_EVENT_TYPES;

export const itsmIncidentEventSchemas = { IncidentLinked, IncidentResolved };

const ajv = createAjv();
const validators: Record<string, ValidateFunction> = Object.fromEntries(
  [...Object.entries(itsmChangeEventSchemas), ...Object.entries(itsmIncidentEventSchemas)].map(([name, schema]) => [name, ajv.compile(schema)]),
);

/** The inbound change event's name behind a CloudEvents `type`, or undefined. */
export const itsmChangeEventNameOf = (type: string): ItsmChangeEventName | undefined =>
  (Object.keys(ITSM_CHANGE_EVENT_TYPES) as ItsmChangeEventName[]).find((name) => ITSM_CHANGE_EVENT_TYPES[name] === type);

/** The inbound incident event's name behind a CloudEvents `type`, or undefined. */
export const itsmIncidentEventNameOf = (type: string): ItsmIncidentEventName | undefined =>
  (Object.keys(ITSM_INCIDENT_EVENT_TYPES) as ItsmIncidentEventName[]).find((name) => ITSM_INCIDENT_EVENT_TYPES[name] === type);

/** The rules across fields a request obeys on every door: a window or `nextAvailable`, never both, and so on. */
const changeAuthorizedRules = requestDeploymentRules as readonly BodyRule<unknown>[];

/** null when the payload is valid, else the first problem (field path and message). */
export const validateItsmEvent = (name: ItsmChangeEventName | ItsmIncidentEventName, data: unknown): string | null => {
  const validate = validators[name];
  if (validate(data)) return name === 'ChangeAuthorized' ? changeAuthorizedRules.reduce<string | null>((problem, rule) => problem ?? rule(data), null) : null;
  const error = (validate.errors ?? []).find((e) => e.keyword !== 'if');
  if (!error) return 'payload is invalid';
  // the only anyOf: an incident is linked to a deployment or to a change
  if (error.schemaPath.startsWith('#/anyOf')) return 'deploymentId or changeId is required';
  const at = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') return `${at ? `${at}.` : ''}${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties') return `${at ? `${at}.` : ''}${String(error.params.additionalProperty)} is not allowed`;
  return `${at || 'payload'} ${error.message ?? 'is invalid'}`;
};

