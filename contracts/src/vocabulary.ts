import { arrayOf, enumOf, identifier, label, objectOf, orNull, stringOf, taggedUnion, text, timestamp, Type, type Static } from './json-schema';

/** Retirement is a kind of deployment (`removal`), not a delete. */
export const DEPLOYMENT_KINDS = ['install', 'upgrade', 'removal'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

/** How a deployment ended, as its record closes (records, model review). */
export const DEPLOYMENT_OUTCOMES = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected'] as const;
export type DeploymentOutcome = (typeof DEPLOYMENT_OUTCOMES)[number];

/**
 * Service component: what is deployed. A `workstation-image` is a system image that workstations are provisioned from;
 * a `driver-package` is the drivers a model of hardware or an image needs. Both have bytes, verified like software.
 */
export const COMPONENT_KINDS = ['software', 'hardware', 'documentation', 'licence', 'data', 'configuration', 'workstation-image', 'driver-package'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** The purposes an environment can have (domain.md vocabulary); `production` is live, whatever the environment's name (`prod-eu`, `prod-us`). */
export const ENVIRONMENT_KINDS = ['development', 'integration', 'test', 'staging', 'production'] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

export const ACCEPTANCE_CRITERION_TYPES = ['http-health', 'metric-threshold', 'smoke-tests', 'manual-evidence'] as const;
export type AcceptanceCriterionType = (typeof ACCEPTANCE_CRITERION_TYPES)[number];
export const METRIC_COMPARATORS = ['<', '<=', '>', '>='] as const;

export const LIMITS = {
  components: 200,
  acceptanceCriteria: 50,
  waves: 100,
  targetsPerWave: 1000,
} as const;

/** An environment's name, its id: the one limit wherever a request, an event or a path names an environment. */
export const environmentNameSchema = label(100);

/** A host, site, cluster, tenant or location inside the environment that a wave deploys to. */
export const targetSchema = label(256);

export const targetsSchema = arrayOf(targetSchema, LIMITS.targetsPerWave, 1, { uniqueItems: true });

export const deploymentKindSchema = enumOf(DEPLOYMENT_KINDS);

/**
 * Where an approval gate stands in a run: `start`, passed once before the run starts; `between-waves`, passed again
 * before every wave after the first (a person looks at the waves done before the rest go out). Absent means `start`.
 */
export const GATE_POSITIONS = ['start', 'between-waves'] as const;
export type GatePosition = (typeof GATE_POSITIONS)[number];
export const gatePositionSchema = enumOf(GATE_POSITIONS);

const componentName = label();
const componentVersion = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._+:-]*$' });

/** One component version to move into (or out of) the environment. `digest` is `sha256:<64 hex>`. */
export const componentSchema = objectOf({
  name: componentName,
  version: componentVersion,
  kind: enumOf(COMPONENT_KINDS),
  digest: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
});
export type Component = Static<typeof componentSchema>;

export const componentsSchema = arrayOf(componentSchema, LIMITS.components, 1);

/** A component version without its kind: what was verified or deployed. */
export const componentVersionProperties = { name: componentName, version: componentVersion };
export const componentVersionSchema = objectOf(componentVersionProperties);

/** The desired schedule window, ISO 8601 timestamps. */
export const windowSchema = objectOf({ start: timestamp, end: timestamp });
export type Window = Static<typeof windowSchema>;

/**
 * Measurable condition that decides whether a deployment succeeded; the parameters depend on the type, and each type
 * admits exactly its own parameters.
 */
export const acceptanceCriterionSchema = taggedUnion(
  ACCEPTANCE_CRITERION_TYPES,
  { description: text() },
  {
    'http-health': {
      url: Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' }),
      expectedStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
      /** one probe's timeout */
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600000 })),
      /** probes in a row that must answer `expectedStatus` (default: the service's configuration) */
      consecutiveSuccesses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      /** from the start of verification, how long the probes may take to reach them (default: configuration) */
      deadlineSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    },
    'metric-threshold': {
      metric: label(),
      comparator: enumOf(METRIC_COMPARATORS),
      threshold: Type.Number(),
      windowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 604800 })),
    },
    'smoke-tests': { suite: Type.Optional(label()) },
    'manual-evidence': { evidenceRole: Type.Optional(label(64)) },
  },
);
export type AcceptanceCriterion = Static<typeof acceptanceCriterionSchema>;

export const acceptanceCriteriaSchema = arrayOf(acceptanceCriterionSchema, LIMITS.acceptanceCriteria);

/** A deployment model's name: an identifier, the same on every door and in every event (URLs, requests, every `ModelRef`). */
export const modelNameSchema = stringOf({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });

/** A version of a deployment model; `null` where a deployment is planned ad hoc (no model). */
export const modelRefSchema = orNull(objectOf({ name: modelNameSchema, version: Type.Integer({ minimum: 1 }) }));
export type ModelRef = NonNullable<Static<typeof modelRefSchema>>;

export const deploymentIdSchema = identifier;

/** Blue-green: the two identical sides of an environment; one is live, the other idle. */
export const blueGreenSideSchema = enumOf(['blue', 'green']);
export type BlueGreenSide = Static<typeof blueGreenSideSchema>;

/** A wave's index in the plan (`Wave.index`: the first wave is 1; for a canary, wave 1 is the canary step). */
export const waveIndexSchema = Type.Integer({ minimum: 0, maximum: LIMITS.waves });

/** A compact JWS (`header.payload.signature`, base64url): a signed authorisation of a change by change enablement. */
export const signedAuthorisationSchema = Type.String({ minLength: 5, maxLength: 8192, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' });

/** Changes after planning that the plan did not allow for, by the code of the refusal planning would give now. */
export const LATE_CHANGES = ['FreezePeriod', 'EnvironmentDecommissioned', 'ComponentVerificationRevoked', 'AuthorisationRevoked'] as const;
export type LateChange = (typeof LATE_CHANGES)[number];

// ---- the monitoring period (early life support) ----

export const MONITORING_SIGNAL_TYPES = ['metric', 'http-health', 'incidents'] as const;

/**
 * What is watched during a deployment's monitoring period. `metric`: a PromQL query against the environment's
 * monitoring system (one series; its samples judged against the baseline: before the deployment, or `baselineQuery`
 * over the same time, e.g. a canary's baseline group); `harm` says which way is worse, `tolerance` how much worse (a
 * share of the baseline) still counts as fine. `http-health`: a probe each look; `failures` failed looks in a row is
 * a regression. `incidents`: more than `maximum` incidents linked to the deployment during the period.
 */
export const monitoringSignalSchema = taggedUnion(MONITORING_SIGNAL_TYPES, { name: label(100) }, {
  metric: {
    query: text(2000),
    baselineQuery: Type.Optional(text(2000)),
    harm: enumOf(['increase', 'decrease']),
    tolerance: Type.Number({ minimum: 0, maximum: 10 }),
    minimumSamples: Type.Optional(Type.Integer({ minimum: 3, maximum: 10000 })),
  },
  'http-health': {
    url: Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' }),
    expectedStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    failures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  incidents: { maximum: Type.Integer({ minimum: 0, maximum: 1000 }) },
});
export type MonitoringSignal = Static<typeof monitoringSignalSchema>;

/** Four weeks, the longest monitoring period. */
export const MONITORING_MAX_SECONDS = 28 * 24 * 3600;
/** The judge of the monitoring period plans its false-alarm rate over at most this many looks. */
export const MONITORING_MAX_LOOKS = 1000;

/**
 * A monitoring period after the deployment is verified: `durationSeconds` long (hours to weeks; seconds so that a test
 * can compress it), judged every `lookEverySeconds` against a baseline of `baselineSeconds` before the deployment
 * started, samples `stepSeconds` apart; `alpha` is the false-alarm rate over the whole period, all looks together. On a
 * regression a deployment manager decides (`decide`), or the deployment is rolled back at once (`rollback`: only a
 * model may say so).
 */
export const monitoringPeriodSchema = objectOf({
  durationSeconds: Type.Integer({ minimum: 10, maximum: MONITORING_MAX_SECONDS }),
  lookEverySeconds: Type.Integer({ minimum: 5, maximum: 86400 }),
  baselineSeconds: Type.Integer({ minimum: 5, maximum: MONITORING_MAX_SECONDS }),
  stepSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  alpha: Type.Number({ exclusiveMinimum: 0, maximum: 0.2 }),
  signals: arrayOf(monitoringSignalSchema, 20, 1),
  onRegression: enumOf(['decide', 'rollback']),
});
export type MonitoringPeriod = Static<typeof monitoringPeriodSchema>;

/** Where a person is reached: an e-mail address and a chat handle or channel; at least one. */
export const contactSchema = objectOf(
  {
    email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'an e-mail address' })),
    chat: Type.Optional(label(200)),
  },
  { minProperties: 1 },
);
export type Contact = Static<typeof contactSchema>;

// ---- physical deployments ----

/** The checklist every site of a physical deployment answers before the run starts (the practice guide's site readiness); a model may add items. */
export const SITE_CHECKLIST = ['power', 'backup-power', 'cooling', 'fire-protection', 'space', 'network', 'access'] as const;
export const checklistItemSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9-]*$' });
