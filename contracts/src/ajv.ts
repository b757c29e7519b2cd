import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The one Ajv set-up of the contract (its own module, so schema files can compile validators without import cycles). */
export const createAjv = (options: { coerceTypes?: boolean } = {}): Ajv2020 => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false, verbose: true, ...options });
  addFormats(ajv);
  return ajv;
};

/** `/components/0/digest` → `components[0].digest` */
const fieldPath = (instancePath: string): string =>
  instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');

/**
 * One human-readable reason naming the field, e.g. `components[0].digest must match pattern …`. Where the schema that
 * refused the value has a `description`, the reason says what the value must be in those words instead
 * (`deploymentWindows[0].start must be a local time HH:MM`).
 */
export const describe = (error: ErrorObject): string => {
  const at = fieldPath(error.instancePath);
  const field = (name: string) => (at ? `${at}.${name}` : name);
  switch (error.keyword) {
    case 'required':
      return `${field(String(error.params.missingProperty))} is required`;
    case 'additionalProperties':
      return `${field(String(error.params.additionalProperty))} is not allowed`;
    case 'enum':
      return `${at || 'payload'} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default: {
      const described = (error.parentSchema as { description?: unknown } | undefined)?.description;
      if (typeof described === 'string' && ['pattern', 'format', 'type', 'minLength', 'maxLength'].includes(error.keyword)) return `${at || 'payload'} must be ${described}`;
      return `${at || 'payload'} ${error.message ?? 'is invalid'}`;
    }
  }
};

/** null when `data` passes the compiled schema, else the first problem (an `if`/`then` summary skipped for the inner error). */
export const firstProblem = (validate: ValidateFunction, data: unknown): string | null => {
  if (validate(data)) return null;
  const error = (validate.errors ?? []).find((e) => e.keyword !== 'if');
  return error ? describe(error) : 'payload is invalid';
};
