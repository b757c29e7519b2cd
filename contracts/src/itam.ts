import { arrayOf, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { createAjv, firstProblem } from './ajv';
import { COMPONENT_KINDS, componentVersionProperties, type ComponentKind } from './vocabulary';

/**
 * Inbound from IT asset management on `itam.components.v1` (CloudEvents, structured mode). IT asset management keeps
 * the authorised repository (the definitive media library and hardware store); these events tell verification which
 * component versions it holds. Gantry only reads them; the same definitions are accepted on `POST /components`.
 */

/** Quality evidence of a version: its test results and the vulnerabilities known in it. */
export interface QualityEvidence {
  testsPassed: number;
  testsTotal: number;
  criticalVulnerabilities: number;
  highVulnerabilities: number;
}

/**
 * What a component version needs of the environment it goes into. `runtimes` maps a runtime to a version range:
 * comparators separated by spaces, each `>=`, `>`, `<=`, `<` or `=` and a dotted version (`">=24.0.0 <25"`).
 */
export interface EnvironmentRequirements {
  runtimes?: Record<string, string>;
  operatingSystem?: string;
  capacityUnits?: number;
  /** network ports the component opens; each must be allowed by the environment */
  ports?: number[];
}

/**
 * One entry of the authorised repository. `digest` is `sha256:<64 hex>`; for software, `signature` (base64) is the
 * signature of the canonical statement of name, version and digest by the signing key `keyId` (see
 * services/verification/README.md for its exact bytes).
 */
export interface ComponentVersionDefinition {
  name: string;
  version: string;
  kind: ComponentKind;
  digest: string;
  /** bytes */
  size: number;
  /** where the version comes from: a vendor, a build pipeline, a store */
  source: string;
  signature?: string;
  keyId?: string;
  quality?: QualityEvidence;
  /** references to the version's documentation (URLs, document ids) */
  documentation?: string[];
  requirements?: EnvironmentRequirements;
}

/** A version taken out of the authorised repository (a vulnerability found, a recall). */
export interface ComponentVersionWithdrawal {
  name: string;
  version: string;
  reason: string;
}

/** CloudEvents `type` of the inbound component events. */
export const ITAM_COMPONENT_EVENT_TYPES = {
  ComponentVersionRegistered: 'itam.components.ComponentVersionRegistered.v1',
  ComponentVersionWithdrawn: 'itam.components.ComponentVersionWithdrawn.v1',
} as const;
export type ItamComponentEventName = keyof typeof ITAM_COMPONENT_EVENT_TYPES;

const count = { type: 'integer', minimum: 0, maximum: 1_000_000_000 } as const satisfies JsonSchema;
export const signingKeyIdSchema = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+-]*$' } as const satisfies JsonSchema;
export const digestSchema = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const satisfies JsonSchema;
const port = { type: 'integer', minimum: 1, maximum: 65535 } as const satisfies JsonSchema;

export const qualityEvidenceSchema = objectOf(
  { testsPassed: count, testsTotal: count, criticalVulnerabilities: count, highVulnerabilities: count },
  ['testsPassed', 'testsTotal', 'criticalVulnerabilities', 'highVulnerabilities'],
);

export const environmentRequirementsSchema = objectOf(
  {
    runtimes: { type: 'object', maxProperties: 20, propertyNames: { maxLength: 100 }, additionalProperties: { type: 'string', minLength: 1, maxLength: 100, pattern: '^\\s*(?:(?:>=|<=|>|<|=)?\\s*\\d+(?:\\.\\d+)*\\s*)+$' } },
    operatingSystem: label(),
    capacityUnits: count,
    ports: { ...arrayOf(port, 100), uniqueItems: true },
  },
  [],
);

export const componentVersionDefinitionProperties: Record<keyof ComponentVersionDefinition, JsonSchema> = {
  ...componentVersionProperties,
  kind: { type: 'string', enum: [...COMPONENT_KINDS] },
  digest: digestSchema,
  size: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  source: label(500),
  signature: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9+/_=-]+$' },
  keyId: signingKeyIdSchema,
  quality: qualityEvidenceSchema,
  documentation: arrayOf(label(2048), 50, 1),
  requirements: environmentRequirementsSchema,
};
export const componentVersionDefinitionRequired = ['name', 'version', 'kind', 'digest', 'size', 'source'] as const;

export const itamComponentEventSchemas: Record<ItamComponentEventName, JsonSchema> = {
  ComponentVersionRegistered: {
    ...objectOf(componentVersionDefinitionProperties, componentVersionDefinitionRequired),
    // a signature names the key that made it, and a key is only given with a signature
    dependentRequired: { signature: ['keyId'], keyId: ['signature'] },
  },
  ComponentVersionWithdrawn: objectOf({ ...componentVersionProperties, reason: text() }, ['name', 'version', 'reason']),
};

/** Verification's own record of an entry (`gantry.verification.ComponentVersionRegistered.v1`). */
export const componentVersionRegisteredSchema: JsonSchema = {
  ...objectOf({ ...componentVersionDefinitionProperties, registeredAt: timestamp }, [...componentVersionDefinitionRequired, 'registeredAt']),
  dependentRequired: { signature: ['keyId'], keyId: ['signature'] },
};

const ajv = createAjv();
const validators = Object.fromEntries(Object.entries(itamComponentEventSchemas).map(([name, schema]) => [name, ajv.compile(schema)]));

/** The inbound component event's name behind a CloudEvents `type`, or undefined. */
export const itamComponentEventNameOf = (type: string): ItamComponentEventName | undefined =>
  (Object.keys(ITAM_COMPONENT_EVENT_TYPES) as ItamComponentEventName[]).find((name) => ITAM_COMPONENT_EVENT_TYPES[name] === type);

/** null when the payload is valid, else the first problem (field path and message). */
export const validateItamComponentEvent = (name: ItamComponentEventName, data: unknown): string | null => firstProblem(validators[name], data);
