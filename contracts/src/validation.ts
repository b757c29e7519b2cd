import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { createAjv } from './ajv';
import { EVENT_NAMES, EVENTS, type EventName, type EventType } from './events';
import type { JsonSchema } from './json-schema';
import { commandSchemas, type CommandName } from './request-deployment';

/** What a payload can be checked as: an event's CloudEvents type or name, or a command's name. */
export type PayloadType = EventType | EventName | CommandName;

/** Every schema of the contract, by payload type. */
export const PAYLOAD_SCHEMAS: Readonly<Record<PayloadType, JsonSchema>> = {
  ...(Object.fromEntries(EVENT_NAMES.map((name) => [EVENTS[name].type, EVENTS[name].schema])) as Record<EventType, JsonSchema>),
  ...(Object.fromEntries(EVENT_NAMES.map((name) => [name, EVENTS[name].schema])) as Record<EventName, JsonSchema>),
  ...commandSchemas,
};

export { createAjv };

const ajv = createAjv();
const validators = new Map<JsonSchema, ValidateFunction>();

/** Compiled once per schema: an event's name and CloudEvents type share one validator. */
const validatorFor = (type: string): ValidateFunction | undefined => {
  const schema = Object.hasOwn(PAYLOAD_SCHEMAS, type) ? (PAYLOAD_SCHEMAS as Record<string, JsonSchema>)[type] : undefined;
  if (!schema) return undefined;
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
};

/** `/components/0/digest` → `components[0].digest` */
const fieldPath = (instancePath: string): string =>
  instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');

const describe = (error: ErrorObject): string => {
  const at = fieldPath(error.instancePath);
  const field = (name: string) => (at ? `${at}.${name}` : name);
  switch (error.keyword) {
    case 'required':
      return `${field(String(error.params.missingProperty))} is required`;
    case 'additionalProperties':
      return `${field(String(error.params.additionalProperty))} is not allowed`;
    case 'enum':
      return `${at || 'payload'} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at || 'payload'} ${error.message ?? 'is invalid'}`;
  }
};

/**
 * Checks a payload against the contract. Returns null when it is valid, else one human-readable reason naming
 * the field (the first problem found), e.g. `components[0].digest must match pattern "^sha256:[0-9a-f]{64}$"`.
 */
export function validatePayload(type: string, data: unknown): string | null {
  const validate = validatorFor(type);
  if (!validate) return `unknown payload type ${JSON.stringify(type)}`;
  if (validate(data)) return null;
  // an `if`/`then` failure reports the inner error first and a summary ("must match then schema") after it
  const error = (validate.errors ?? []).find((e) => e.keyword !== 'if');
  return error ? describe(error) : 'payload is invalid';
}
