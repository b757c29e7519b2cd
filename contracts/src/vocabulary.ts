import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';

/** Retirement is a kind of deployment (`removal`), not a delete. */
export const DEPLOYMENT_KINDS = ['install', 'upgrade', 'removal'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

/** Service component: what is deployed. */
export const COMPONENT_KINDS = ['software', 'hardware', 'documentation', 'licence', 'data', 'configuration'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** One component version to move into (or out of) the environment. `digest` is `sha256:<64 hex>`. */
export interface Component {
  name: string;
  version: string;
  kind: ComponentKind;
  digest?: string;
}

/** The desired schedule window, ISO 8601 timestamps. */
export interface Window {
  start: string;
  end: string;
}

export const ACCEPTANCE_CRITERION_TYPES = ['http-health', 'metric-threshold', 'smoke-tests', 'manual-evidence'] as const;
export type AcceptanceCriterionType = (typeof ACCEPTANCE_CRITERION_TYPES)[number];
export const METRIC_COMPARATORS = ['<', '<=', '>', '>='] as const;

/** Measurable condition that decides whether a deployment succeeded; the parameters depend on the type. */
export type AcceptanceCriterion =
  | {
      type: 'http-health';
      description: string;
      url: string;
      expectedStatus?: number;
      /** one probe's timeout */
      timeoutMs?: number;
      /** probes in a row that must answer `expectedStatus` (default: the service's configuration) */
      consecutiveSuccesses?: number;
      /** from the start of verification, how long the probes may take to reach them (default: configuration) */
      deadlineSeconds?: number;
    }
  | {
      type: 'metric-threshold';
      description: string;
      metric: string;
      comparator: (typeof METRIC_COMPARATORS)[number];
      threshold: number;
      windowSeconds?: number;
    }
  | { type: 'smoke-tests'; description: string; suite?: string }
  | { type: 'manual-evidence'; description: string; evidenceRole?: string };

/** A version of a deployment model; `null` where a deployment is planned ad hoc (no model). */
export interface ModelRef {
  name: string;
  version: number;
}

export const LIMITS = {
  components: 200,
  acceptanceCriteria: 50,
  waves: 100,
  targetsPerWave: 1000,
} as const;

/** A host, site, cluster, tenant or location inside the environment that a wave deploys to. */
export const targetSchema = label(256);

export const targetsSchema: JsonSchema = { ...arrayOf(targetSchema, LIMITS.targetsPerWave, 1), uniqueItems: true };

export const deploymentKindSchema = { type: 'string', enum: [...DEPLOYMENT_KINDS] } as const satisfies JsonSchema;

const componentName = label();
const componentVersion = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._+:-]*$',
} as const satisfies JsonSchema;

export const componentSchema = objectOf(
  {
    name: componentName,
    version: componentVersion,
    kind: { type: 'string', enum: [...COMPONENT_KINDS] },
    digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
  },
  ['name', 'version', 'kind'],
);

export const componentsSchema = arrayOf(componentSchema, LIMITS.components, 1);

/** A component version without its kind: what was verified or deployed. */
export const componentVersionProperties = { name: componentName, version: componentVersion } as const;
export const componentVersionSchema = objectOf(componentVersionProperties, ['name', 'version']);

export const windowSchema = objectOf({ start: timestamp, end: timestamp }, ['start', 'end']);

const criterionParameters: Record<AcceptanceCriterionType, { properties: Record<string, JsonSchema>; required: string[] }> = {
  'http-health': {
    properties: {
      url: { type: 'string', format: 'uri', maxLength: 2048, pattern: '^https?://' },
      expectedStatus: { type: 'integer', minimum: 100, maximum: 599 },
      timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
      consecutiveSuccesses: { type: 'integer', minimum: 1, maximum: 100 },
      deadlineSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
    },
    required: ['url'],
  },
  'metric-threshold': {
    properties: {
      metric: label(),
      comparator: { type: 'string', enum: [...METRIC_COMPARATORS] },
      threshold: { type: 'number' },
      windowSeconds: { type: 'integer', minimum: 1, maximum: 604800 },
    },
    required: ['metric', 'comparator', 'threshold'],
  },
  'smoke-tests': { properties: { suite: label() }, required: [] },
  'manual-evidence': { properties: { evidenceRole: label(64) }, required: [] },
};

/** Each criterion type admits exactly its own parameters (the `then` branch closes the object). */
export const acceptanceCriterionSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'description'],
  properties: { type: { type: 'string', enum: [...ACCEPTANCE_CRITERION_TYPES] }, description: text() },
  allOf: ACCEPTANCE_CRITERION_TYPES.map((type) => ({
    if: { type: 'object', required: ['type'], properties: { type: { const: type } } },
    then: {
      type: 'object',
      required: criterionParameters[type].required,
      properties: { type: true, description: true, ...criterionParameters[type].properties },
      additionalProperties: false,
    },
  })),
};

export const acceptanceCriteriaSchema = arrayOf(acceptanceCriterionSchema, LIMITS.acceptanceCriteria);

export const modelRefSchema: JsonSchema = {
  type: ['object', 'null'],
  required: ['name', 'version'],
  properties: { name: label(), version: { type: 'integer', minimum: 1 } },
  additionalProperties: false,
};

export const deploymentIdSchema = identifier;

/** Blue-green: the two identical sides of an environment; one is live, the other idle. */
export type BlueGreenSide = 'blue' | 'green';
export const blueGreenSideSchema = { type: 'string', enum: ['blue', 'green'] } as const satisfies JsonSchema;

/** A wave's index in the plan (`Wave.index`: the first wave is 1; for a canary, wave 1 is the canary step). */
export const waveIndexSchema = { type: 'integer', minimum: 0, maximum: LIMITS.waves } as const satisfies JsonSchema;
