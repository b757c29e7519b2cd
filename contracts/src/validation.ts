import type { ValidateFunction } from 'ajv/dist/2020';
import { createAjv, firstProblem } from './ajv';
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

/**
 * Checks a payload against the contract. Returns null when it is valid, else one human-readable reason naming
 * the field (the first problem found), e.g. `components[0].digest must match pattern "^sha256:[0-9a-f]{64}$"`.
 */
export function validatePayload(type: string, data: unknown): string | null {
  const validate = validatorFor(type);
  if (!validate) return `unknown payload type ${JSON.stringify(type)}`;
  return firstProblem(validate, data);
}
