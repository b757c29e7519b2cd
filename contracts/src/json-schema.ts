import { Type, type Static, type TLiteral, type TObject, type TObjectOptions, type TProperties, type TSchema, type TString, type TStringOptions, type TUnsafe } from 'typebox';

/**
 * A JSON Schema (draft 2020-12) as a plain object. Every shape of the contract is declared once, with TypeBox: the
 * declaration is the schema, and its TypeScript type is derived from it (`type X = Static<typeof X>`). The schemas use
 * only keywords that draft-07 shares, so the AsyncAPI document carries them unchanged.
 */
export type JsonSchema = object;

export { Type, type Static };

/** The payload type of each schema of a record of schemas (event name → schema). */
export type PayloadsOf<Schemas extends Record<string, TSchema>> = { [Name in keyof Schemas]: Static<Schemas[Name]> };

/** A string schema whose type keeps its options, so code can read them (`modelNameSchema.pattern`). */
export const stringOf = <const O extends TStringOptions>(options: O): TString & O => Type.String(options) as TString & O;

/**
 * A rule across fields that JSON Schema cannot say (a window's end after its start), checked after the schema by the
 * same pipe: null when the body keeps it, else the refusal in words.
 */
export type BodyRule<T> = (body: T) => string | null;

/** Ids chosen by machines or ITSM suites: deployment ids (uuids), change ids (`CHG0012345`), release ids. */
export const identifier = stringOf({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$' });

/** Names people type: services, environments, components, models, targets, subjects. No line breaks, no padding. */
export const label = (maxLength = 200) => stringOf({ minLength: 1, maxLength, pattern: '^\\S(?:.*\\S)?$' });

export const text = (maxLength = 2000) => stringOf({ minLength: 1, maxLength });

export const timestamp = stringOf({ format: 'date-time', maxLength: 64 });

/** A closed object: exactly these properties, each required unless wrapped in `Type.Optional`. */
export const objectOf = <P extends TProperties>(properties: P, options: TObjectOptions = {}): TObject<P> =>
  Type.Object(properties, { additionalProperties: false, ...options });

export const arrayOf = <T extends TSchema>(items: T, maxItems: number, minItems = 0, options: { uniqueItems?: boolean } = {}) =>
  Type.Array(items, { minItems, maxItems, ...options });

/** One of the strings of an `as const` list, as `{ type: 'string', enum }`. */
export const enumOf = <const L extends readonly string[]>(values: L): TUnsafe<L[number]> => Type.Unsafe<L[number]>({ type: 'string', enum: [...values] });

/** The schema or `null`, as one `type` list (`['integer', 'null']`), so a refusal names the field's own problem. */
export const orNull = <T extends TSchema & { type: string }>(schema: T): TUnsafe<Static<T> | null> =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });

/** A string-keyed map (labels, runtime versions) whose values all match `values`. */
export const mapOf = <T extends TSchema>(values: T, maxProperties: number, maxKeyLength = 100): TUnsafe<Record<string, Static<T>>> =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', maxProperties, additionalProperties: values, propertyNames: { maxLength: maxKeyLength } });

type Variant<Tag extends string, P extends TProperties> = Static<TObject<{ type: TLiteral<Tag> } & P>>;

/**
 * A union tagged by `type`, each member with exactly its own properties. The schema says it as one object whose
 * `allOf` holds an `if type is …, then only these properties` per member (`common` are shared by all), so ajv names
 * the member's missing or foreign field instead of reporting that no branch of an `anyOf` matched.
 */
export const taggedUnion = <Tags extends readonly string[], C extends TProperties, V extends { [Tag in Tags[number]]: TProperties }>(
  tags: Tags,
  common: C,
  variants: V,
): TUnsafe<{ [Tag in Tags[number]]: Variant<Tag, C & V[Tag]> }[Tags[number]]> => {
  const shared = objectOf(common);
  return Type.Unsafe({
    type: 'object',
    required: ['type', ...(shared.required ?? [])],
    properties: { type: enumOf(tags), ...common },
    allOf: tags.map((tag: Tags[number]) => {
      const own = objectOf(variants[tag]);
      return {
        if: { type: 'object', required: ['type'], properties: { type: { const: tag } } },
        then: {
          type: 'object',
          required: own.required ?? [],
          properties: { type: true, ...Object.fromEntries(Object.keys(common).map((key) => [key, true])), ...own.properties },
          additionalProperties: false,
        },
      };
    }),
  });
};
