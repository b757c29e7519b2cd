/**
 * A JSON Schema (draft 2020-12) as a plain object. The schemas in this package use only keywords that
 * draft-07 shares, so the AsyncAPI document can carry them unchanged.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Ids chosen by machines or ITSM suites: deployment ids (uuids), change ids (`CHG0012345`), release ids. */
export const identifier = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$',
} as const satisfies JsonSchema;

/** Names people type: services, environments, components, models, targets, subjects. No line breaks, no padding. */
export const label = (maxLength = 200) =>
  ({ type: 'string', minLength: 1, maxLength, pattern: '^\\S(?:.*\\S)?$' }) as const satisfies JsonSchema;

export const text = (maxLength = 2000) => ({ type: 'string', minLength: 1, maxLength }) as const satisfies JsonSchema;

export const timestamp = { type: 'string', format: 'date-time', maxLength: 64 } as const satisfies JsonSchema;

export const objectOf = (properties: Record<string, JsonSchema>, required: readonly string[]): JsonSchema => ({
  type: 'object',
  required: [...required],
  properties,
  additionalProperties: false,
});

export const arrayOf = (items: JsonSchema, maxItems: number, minItems = 0): JsonSchema => ({
  type: 'array',
  minItems,
  maxItems,
  items,
});
