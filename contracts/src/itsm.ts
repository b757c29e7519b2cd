import { identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { CHANGE_TYPES, requestDeploymentProperties, requestDeploymentRequired, type RequestDeployment } from './request-deployment';
import { createAjv } from './validation';

/**
 * Inbound from change enablement on `itsm.changes.v1` (CloudEvents, structured mode). Change enablement owns these
 * events; Gantry only reads them. A `ChangeAuthorized` asks for a deployment like `RequestDeployment` does (the
 * change's state is `authorised` by the event's nature); a `ChangeCancelled` cancels the change's deployments that
 * have not started.
 */
export type ChangeAuthorized = Omit<RequestDeployment, 'changeState' | 'freezeOverride'> & {
  changeType: NonNullable<RequestDeployment['changeType']>;
  /** who authorised the change in change enablement */
  authorisedBy?: string;
};

export interface ChangeCancelled {
  changeId: string;
  reason: string;
  cancelledBy?: string;
  cancelledAt?: string;
}

/** CloudEvents `type` of the inbound change events. */
export const ITSM_CHANGE_EVENT_TYPES = {
  ChangeAuthorized: 'itsm.changes.ChangeAuthorized.v1',
  ChangeCancelled: 'itsm.changes.ChangeCancelled.v1',
} as const;
export type ItsmChangeEventName = keyof typeof ITSM_CHANGE_EVENT_TYPES;

const { changeState: _state, freezeOverride: _override, ...authorisedProperties } = requestDeploymentProperties;

export const itsmChangeEventSchemas: Record<ItsmChangeEventName, JsonSchema> = {
  ChangeAuthorized: objectOf(
    { ...authorisedProperties, changeType: { type: 'string', enum: [...CHANGE_TYPES] }, authorisedBy: label(256) },
    [...requestDeploymentRequired, 'changeType'],
  ),
  ChangeCancelled: objectOf({ changeId: identifier, reason: text(), cancelledBy: label(256), cancelledAt: timestamp }, ['changeId', 'reason']),
};

const ajv = createAjv();
const validators = Object.fromEntries(Object.entries(itsmChangeEventSchemas).map(([name, schema]) => [name, ajv.compile(schema)]));

/** The inbound change event's name behind a CloudEvents `type`, or undefined. */
export const itsmChangeEventNameOf = (type: string): ItsmChangeEventName | undefined =>
  (Object.keys(ITSM_CHANGE_EVENT_TYPES) as ItsmChangeEventName[]).find((name) => ITSM_CHANGE_EVENT_TYPES[name] === type);

/** null when the payload is valid, else the first problem (field path and message). */
export const validateItsmChangeEvent = (name: ItsmChangeEventName, data: unknown): string | null => {
  const validate = validators[name];
  if (validate(data)) return null;
  const error = (validate.errors ?? []).find((e) => e.keyword !== 'if');
  if (!error) return 'payload is invalid';
  const at = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') return `${at ? `${at}.` : ''}${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties') return `${at ? `${at}.` : ''}${String(error.params.additionalProperty)} is not allowed`;
  return `${at || 'payload'} ${error.message ?? 'is invalid'}`;
};
