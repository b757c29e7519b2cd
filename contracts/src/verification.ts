import { arrayOf, enumOf, identifier, label, objectOf, text, timestamp, Type, type PayloadsOf, type Static } from './json-schema';
import { CanaryAnalysisRequested } from './execution';
import { componentVersionRegisteredSchema, SIGNING_ALGORITHMS, signingKeyIdSchema, verifiedComponentSchema } from './itam';
import { canaryAnalysisSchema } from './model-review';
import {
  ACCEPTANCE_CRITERION_TYPES,
  acceptanceCriteriaSchema,
  blueGreenSideSchema,
  componentsSchema,
  componentVersionProperties,
  LIMITS,
  monitoringPeriodSchema,
  targetsSchema,
  waveIndexSchema,
  windowSchema,
} from './vocabulary';

const deploymentId = identifier;
const reasonCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' });

/** Verification of a planned deployment begins: what it will check, taken from the plan. */
export const DeploymentVerificationOpened = objectOf({
  deploymentId,
  environment: label(),
  window: windowSchema,
  components: componentsSchema,
  acceptanceCriteria: acceptanceCriteriaSchema,
  /** how many of the plan's manual steps must be completed with evidence (for `manual-evidence` criteria) */
  manualStepsRequiringEvidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
});
export type DeploymentVerificationOpened = Static<typeof DeploymentVerificationOpened>;

// ---- the authorised repository ----

/** A component version entered the authorised repository (by REST, or from IT asset management's topic). */
export const ComponentVersionRegistered = componentVersionRegisteredSchema;
export type ComponentVersionRegistered = Static<typeof ComponentVersionRegistered>;

/** A component version left the authorised repository: every later verification of it fails (`Withdrawn`). */
export const ComponentVersionWithdrawn = objectOf({ ...componentVersionProperties, reason: text(), withdrawnAt: timestamp });
export type ComponentVersionWithdrawn = Static<typeof ComponentVersionWithdrawn>;

export { SIGNING_ALGORITHMS, type SigningAlgorithm } from './itam';

/** A public key trusted to sign component versions; `publicKey` is its SubjectPublicKeyInfo in PEM. */
export const SigningKeyRegistered = objectOf({
  keyId: signingKeyIdSchema,
  algorithm: enumOf(SIGNING_ALGORITHMS),
  publicKey: text(4000),
  /** who holds the private key: a vendor, a build pipeline */
  owner: label(256),
  registeredAt: timestamp,
});
export type SigningKeyRegistered = Static<typeof SigningKeyRegistered>;

/** A key no longer trusted from `effectiveAt` on (which may lie before `revokedAt`: a key compromised earlier). */
export const SigningKeyRevoked = objectOf({ keyId: signingKeyIdSchema, reason: text(), effectiveAt: timestamp, revokedAt: timestamp });
export type SigningKeyRevoked = Static<typeof SigningKeyRevoked>;

// ---- acceptance criteria and canary analysis ----

/** What an evaluation of acceptance criteria is about: the executed deployment, or one idle side of a blue-green. */
const scopeSchema = enumOf(['deployment', 'blue', 'green']);
export type EvaluationScope = Static<typeof scopeSchema>;

/** Result of one acceptance criterion: `not-evaluated` where nothing could be checked for it. */
const criterionResultSchema = enumOf(['met', 'failed', 'not-evaluated']);
export type CriterionResult = Static<typeof criterionResultSchema>;

/** One acceptance criterion as evaluated: the values measured, and why it failed. */
const criterionOutcomeSchema = objectOf({
  type: enumOf(ACCEPTANCE_CRITERION_TYPES),
  description: text(),
  result: criterionResultSchema,
  /** what was measured, e.g. `{ "consecutiveSuccesses": 3 }`, `{ "errorRate": 0.002 }`, `{ "passed": 41, "failed": 0 }` */
  measured: Type.Optional(
    Type.Unsafe<Record<string, number | string | boolean>>({ type: 'object', maxProperties: 20, additionalProperties: { type: ['number', 'string', 'boolean'] } }),
  ),
  /** a code, e.g. `DeadlinePassed`, `ThresholdExceeded`, `HostNotAllowed` */
  reason: Type.Optional(reasonCode),
});
export type CriterionOutcome = Static<typeof criterionOutcomeSchema>;
/** The acceptance criteria of a verdict, each with its outcome (also what service validation and testing receives). */
export const criteriaSchema = arrayOf(criterionOutcomeSchema, LIMITS.acceptanceCriteria);

/** The acceptance criteria of a scope are being evaluated, until `deadline`. */
export const AcceptanceEvaluationStarted = objectOf({
  deploymentId,
  scope: scopeSchema,
  criteria: acceptanceCriteriaSchema,
  /** the targets observations must come from; absent: any */
  targets: Type.Optional(targetsSchema),
  deadline: timestamp,
  startedAt: timestamp,
});
export type AcceptanceEvaluationStarted = Static<typeof AcceptanceEvaluationStarted>;

/** One criterion of a scope has its result (the criterion at `index` of the evaluation's criteria). */
export const CriterionEvaluated = objectOf({
  deploymentId,
  scope: scopeSchema,
  index: Type.Integer({ minimum: 0, maximum: LIMITS.acceptanceCriteria }),
  outcome: criterionOutcomeSchema,
});
export type CriterionEvaluated = Static<typeof CriterionEvaluated>;

const { requestedAt: _requestedAt, ...canaryRequest } = CanaryAnalysisRequested.properties;
/** Execution asked for a canary verdict: the request as verification keeps it until the verdict, opened at verification's time. */
export const CanaryAnalysisOpened = objectOf({ ...canaryRequest, openedAt: timestamp });
export type CanaryAnalysisOpened = Static<typeof CanaryAnalysisOpened>;

/** Every component version is in the authorised repository, its digest matches, its signature verifies. */
export const ComponentsVerified = objectOf({
  deploymentId,
  components: arrayOf(verifiedComponentSchema, LIMITS.components, 1),
});
export type ComponentsVerified = Static<typeof ComponentsVerified>;

const componentFailures = arrayOf(objectOf({ ...componentVersionProperties, reason: reasonCode }), LIMITS.components, 1);

/** At least one component version failed verification; `reason` is a code, e.g. `DuplicateComponent`. */
export const ComponentVerificationFailed = objectOf({ deploymentId, failures: componentFailures });
export type ComponentVerificationFailed = Static<typeof ComponentVerificationFailed>;

/** The target environment exists, is active, satisfies the components' requirements and is not frozen. */
export const TargetEnvironmentVerified = objectOf({ deploymentId, environment: label() });
export type TargetEnvironmentVerified = Static<typeof TargetEnvironmentVerified>;

/** The target environment cannot take the deployment; `reason` is a code, e.g. `WindowClosed`. */
export const TargetEnvironmentVerificationFailed = objectOf({
  deploymentId,
  environment: label(),
  failures: arrayOf(objectOf({ reason: reasonCode, detail: Type.Optional(text()) }), 50, 1),
});
export type TargetEnvironmentVerificationFailed = Static<typeof TargetEnvironmentVerificationFailed>;

/** After execution: every acceptance criterion was met. */
export const DeploymentVerified = objectOf({ deploymentId, verifiedAt: timestamp, criteria: criteriaSchema });
export type DeploymentVerified = Static<typeof DeploymentVerified>;

/** After execution: at least one acceptance criterion failed (execution rolls back or waits for a decision, per the plan). */
export const DeploymentVerificationFailed = objectOf({ deploymentId, failedAt: timestamp, criteria: criteriaSchema });
export type DeploymentVerificationFailed = Static<typeof DeploymentVerificationFailed>;

/**
 * A deployment verified for execution but not started uses a component version that is no longer trustworthy
 * (withdrawn from the authorised repository, or its signing key revoked): it must not start.
 */
export const ComponentVerificationRevoked = objectOf({ deploymentId, components: componentFailures, revokedAt: timestamp });
export type ComponentVerificationRevoked = Static<typeof ComponentVerificationRevoked>;

const canaryVerdictSchema = enumOf(['pass', 'fail', 'inconclusive']);
export type CanaryVerdict = Static<typeof canaryVerdictSchema>;

/** The verdict on a canary step: the observations for its targets compared with the plan's thresholds. */
export const CanaryAnalysisCompleted = objectOf({
  deploymentId,
  wave: waveIndexSchema,
  verdict: canaryVerdictSchema,
  /** how many observations were used */
  observations: Type.Integer({ minimum: 0 }),
  /** the values compared with the thresholds (absent when there were no observations) */
  measured: objectOf({ errorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })), p95LatencyMs: Type.Optional(Type.Number({ minimum: 0 })) }),
  thresholds: canaryAnalysisSchema,
  completedAt: timestamp,
});
export type CanaryAnalysisCompleted = Static<typeof CanaryAnalysisCompleted>;

/** Blue-green: the idle side, deployed but not yet live, met the acceptance criteria. */
export const IdleSideVerified = objectOf({ deploymentId, side: blueGreenSideSchema, criteria: criteriaSchema });
export type IdleSideVerified = Static<typeof IdleSideVerified>;

/** Blue-green: the idle side failed an acceptance criterion; traffic must not switch to it. */
export const IdleSideVerificationFailed = objectOf({ deploymentId, side: blueGreenSideSchema, criteria: criteriaSchema });
export type IdleSideVerificationFailed = Static<typeof IdleSideVerificationFailed>;

// ---- the monitoring period (early life support) ----

const samples = arrayOf(Type.Number(), 100000);
const signalName = label(100);

/**
 * The monitoring period began, once the deployment was verified: until when, what is watched, and each metric's
 * baseline samples as the monitoring system answered (before the deployment, or the baseline group's over the period).
 */
export const MonitoringPeriodStarted = objectOf({
  deploymentId,
  environment: label(100),
  monitoring: monitoringPeriodSchema,
  /** the baseline's window: before the deployment started */
  baselineFrom: timestamp,
  baselineTo: timestamp,
  /** `problem`: why the monitoring system gave no baseline (its signal's looks are then inconclusive, with the reason) */
  baselines: arrayOf(objectOf({ signal: signalName, samples, problem: Type.Optional(text()) }), 20),
  looks: Type.Integer({ minimum: 1, maximum: 100000 }),
  startedAt: timestamp,
  endsAt: timestamp,
});
export type MonitoringPeriodStarted = Static<typeof MonitoringPeriodStarted>;

/**
 * One signal judged at one look: the samples the look added (the judge's input is the baseline and every look's
 * samples so far, so the ledger alone lets an auditor re-run it), the judge's version and configuration, the digest of
 * its input, and the verdict with its reason.
 */
export const MonitoringSignalJudged = objectOf({
  deploymentId,
  signal: signalName,
  look: Type.Integer({ minimum: 1, maximum: 100000 }),
  /** the samples of this look's window (a metric's values; a probe's 1 or 0; the incidents linked so far) */
  samples,
  /** the baseline group's samples over the same window, when the signal compares with one */
  baselineSamples: Type.Optional(samples),
  from: timestamp,
  to: timestamp,
  judge: objectOf({ version: label(64), config: Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.Number(), Type.String({ maxLength: 64 })])) }),
  samplesDigest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  verdict: enumOf(['pass', 'fail', 'inconclusive']),
  reason: text(),
  details: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown())),
  judgedAt: timestamp,
});
export type MonitoringSignalJudged = Static<typeof MonitoringSignalJudged>;

/** A signal regressed during the monitoring period: change enablement, model review and the deployment manager are told. */
export const RegressionDetected = objectOf({
  deploymentId,
  signal: signalName,
  look: Type.Integer({ minimum: 1, maximum: 100000 }),
  reason: text(),
  /** what the plan says happens now: a deployment manager decides, or the deployment is rolled back at once */
  onRegression: enumOf(['decide', 'rollback']),
  detectedAt: timestamp,
});
export type RegressionDetected = Static<typeof RegressionDetected>;

/** The monitoring period ended: `clean` (every signal passed its last look), `regressed`, or `inconclusive` (too little data). */
export const MonitoringPeriodEnded = objectOf({
  deploymentId,
  verdict: enumOf(['clean', 'regressed', 'inconclusive']),
  looks: Type.Integer({ minimum: 0, maximum: 100000 }),
  endedAt: timestamp,
});
export type MonitoringPeriodEnded = Static<typeof MonitoringPeriodEnded>;

export const verificationEventSchemas = {
  ComponentVersionRegistered,
  ComponentVersionWithdrawn,
  SigningKeyRegistered,
  SigningKeyRevoked,
  AcceptanceEvaluationStarted,
  CriterionEvaluated,
  CanaryAnalysisOpened,
  DeploymentVerificationOpened,
  ComponentsVerified,
  ComponentVerificationFailed,
  TargetEnvironmentVerified,
  TargetEnvironmentVerificationFailed,
  DeploymentVerified,
  DeploymentVerificationFailed,
  ComponentVerificationRevoked,
  CanaryAnalysisCompleted,
  IdleSideVerified,
  IdleSideVerificationFailed,
  MonitoringPeriodStarted,
  MonitoringSignalJudged,
  RegressionDetected,
  MonitoringPeriodEnded,
};
export type VerificationEventPayloads = PayloadsOf<typeof verificationEventSchemas>;
