import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { componentVersionRegisteredSchema, signingKeyIdSchema, type ComponentVersionDefinition } from './itam';
import { executionEventSchemas, type CanaryAnalysisRequested } from './execution';
import { canaryAnalysisSchema, type CanaryAnalysis } from './model-review';
import {
  ACCEPTANCE_CRITERION_TYPES,
  acceptanceCriteriaSchema,
  componentsSchema,
  componentVersionProperties,
  LIMITS,
  windowSchema,
  blueGreenSideSchema,
  waveIndexSchema,
  targetsSchema,
  type AcceptanceCriterion,
  type BlueGreenSide,
  type AcceptanceCriterionType,
  type Component,
  type Window,
} from './vocabulary';

/** Verification of a planned deployment begins: what it will check, taken from the plan. */
export interface DeploymentVerificationOpened {
  deploymentId: string;
  environment: string;
  window: Window;
  components: Component[];
  acceptanceCriteria: AcceptanceCriterion[];
  /** how many of the plan's manual steps must be completed with evidence (for `manual-evidence` criteria) */
  manualStepsRequiringEvidence?: number;
}

// ---- the authorised repository ----

/** A component version entered the authorised repository (by REST, or from IT asset management's topic). */
export interface ComponentVersionRegistered extends ComponentVersionDefinition {
  registeredAt: string;
}

/** A component version left the authorised repository: every later verification of it fails (`Withdrawn`). */
export interface ComponentVersionWithdrawn {
  name: string;
  version: string;
  reason: string;
  withdrawnAt: string;
}

export const SIGNING_ALGORITHMS = ['ed25519', 'ecdsa-p256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A public key trusted to sign component versions; `publicKey` is its SubjectPublicKeyInfo in PEM. */
export interface SigningKeyRegistered {
  keyId: string;
  algorithm: SigningAlgorithm;
  publicKey: string;
  /** who holds the private key: a vendor, a build pipeline */
  owner: string;
  registeredAt: string;
}

/** A key no longer trusted from `effectiveAt` on (which may lie before `revokedAt`: a key compromised earlier). */
export interface SigningKeyRevoked {
  keyId: string;
  reason: string;
  effectiveAt: string;
  revokedAt: string;
}

// ---- acceptance criteria and canary analysis ----

/** What an evaluation of acceptance criteria is about: the executed deployment, or one idle side of a blue-green. */
export type EvaluationScope = 'deployment' | BlueGreenSide;

/** The acceptance criteria of a scope are being evaluated, until `deadline`. */
export interface AcceptanceEvaluationStarted {
  deploymentId: string;
  scope: EvaluationScope;
  criteria: AcceptanceCriterion[];
  /** the targets observations must come from; absent: any */
  targets?: string[];
  deadline: string;
  startedAt: string;
}

/** One criterion of a scope has its result (the criterion at `index` of the evaluation's criteria). */
export interface CriterionEvaluated {
  deploymentId: string;
  scope: EvaluationScope;
  index: number;
  outcome: CriterionOutcome;
}

/** Execution asked for a canary verdict: the request as verification keeps it until the verdict. */
export type CanaryAnalysisOpened = Omit<CanaryAnalysisRequested, 'requestedAt'> & { openedAt: string };

/** Every component version is in the authorised repository, its digest matches, its signature verifies. */
export interface ComponentsVerified {
  deploymentId: string;
  components: { name: string; version: string; result: 'verified' }[];
}

/** At least one component version failed verification; `reason` is a code, e.g. `DuplicateComponent`. */
export interface ComponentVerificationFailed {
  deploymentId: string;
  failures: { name: string; version: string; reason: string }[];
}

/** The target environment exists, is active, satisfies the components' requirements and is not frozen. */
export interface TargetEnvironmentVerified {
  deploymentId: string;
  environment: string;
}

/** The target environment cannot take the deployment; `reason` is a code, e.g. `WindowClosed`. */
export interface TargetEnvironmentVerificationFailed {
  deploymentId: string;
  environment: string;
  failures: { reason: string; detail?: string }[];
}

/** Result of one acceptance criterion: `not-evaluated` where nothing could be checked for it. */
export type CriterionResult = 'met' | 'failed' | 'not-evaluated';

/** One acceptance criterion as evaluated: the values measured, and why it failed. */
export interface CriterionOutcome {
  type: AcceptanceCriterionType;
  description: string;
  result: CriterionResult;
  /** what was measured, e.g. `{ "consecutiveSuccesses": 3 }`, `{ "errorRate": 0.002 }`, `{ "passed": 41, "failed": 0 }` */
  measured?: Record<string, number | string | boolean>;
  /** a code, e.g. `DeadlinePassed`, `ThresholdExceeded`, `HostNotAllowed` */
  reason?: string;
}

/** After execution: every acceptance criterion was met. */
export interface DeploymentVerified {
  deploymentId: string;
  verifiedAt: string;
  criteria: CriterionOutcome[];
}

/** After execution: at least one acceptance criterion failed (execution rolls back or waits for a decision, per the plan). */
export interface DeploymentVerificationFailed {
  deploymentId: string;
  failedAt: string;
  criteria: CriterionOutcome[];
}

/**
 * A deployment verified for execution but not started uses a component version that is no longer trustworthy
 * (withdrawn from the authorised repository, or its signing key revoked): it must not start.
 */
export interface ComponentVerificationRevoked {
  deploymentId: string;
  components: { name: string; version: string; reason: string }[];
  revokedAt: string;
}

export type CanaryVerdict = 'pass' | 'fail' | 'inconclusive';

/** The verdict on a canary step: the observations for its targets compared with the plan's thresholds. */
export interface CanaryAnalysisCompleted {
  deploymentId: string;
  wave: number;
  verdict: CanaryVerdict;
  /** how many observations were used */
  observations: number;
  /** the values compared with the thresholds (absent when there were no observations) */
  measured: { errorRate?: number; p95LatencyMs?: number };
  thresholds: CanaryAnalysis;
  completedAt: string;
}

/** Blue-green: the idle side, deployed but not yet live, met the acceptance criteria. */
export interface IdleSideVerified {
  deploymentId: string;
  side: BlueGreenSide;
  criteria: CriterionOutcome[];
}

/** Blue-green: the idle side failed an acceptance criterion; traffic must not switch to it. */
export interface IdleSideVerificationFailed {
  deploymentId: string;
  side: BlueGreenSide;
  criteria: CriterionOutcome[];
}

export interface VerificationEventPayloads {
  ComponentVersionRegistered: ComponentVersionRegistered;
  ComponentVersionWithdrawn: ComponentVersionWithdrawn;
  SigningKeyRegistered: SigningKeyRegistered;
  SigningKeyRevoked: SigningKeyRevoked;
  AcceptanceEvaluationStarted: AcceptanceEvaluationStarted;
  CriterionEvaluated: CriterionEvaluated;
  CanaryAnalysisOpened: CanaryAnalysisOpened;
  DeploymentVerificationOpened: DeploymentVerificationOpened;
  ComponentsVerified: ComponentsVerified;
  ComponentVerificationFailed: ComponentVerificationFailed;
  TargetEnvironmentVerified: TargetEnvironmentVerified;
  TargetEnvironmentVerificationFailed: TargetEnvironmentVerificationFailed;
  DeploymentVerified: DeploymentVerified;
  DeploymentVerificationFailed: DeploymentVerificationFailed;
  ComponentVerificationRevoked: ComponentVerificationRevoked;
  CanaryAnalysisCompleted: CanaryAnalysisCompleted;
  IdleSideVerified: IdleSideVerified;
  IdleSideVerificationFailed: IdleSideVerificationFailed;
}

const reasonCode = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' } as const;

const criterionOutcomeSchema = objectOf(
    {
      type: { type: 'string', enum: [...ACCEPTANCE_CRITERION_TYPES] },
      description: text(),
      result: { type: 'string', enum: ['met', 'failed', 'not-evaluated'] },
      measured: { type: 'object', maxProperties: 20, additionalProperties: { type: ['number', 'string', 'boolean'] } },
      reason: reasonCode,
    },
    ['type', 'description', 'result'],
);
const criteriaSchema = arrayOf(criterionOutcomeSchema, LIMITS.acceptanceCriteria);
const scopeSchema = { type: 'string', enum: ['deployment', 'blue', 'green'] } as const satisfies JsonSchema;
/** CanaryAnalysisOpened keeps execution's request as it was asked, opened at verification's time */
const canaryRequest = executionEventSchemas.CanaryAnalysisRequested as { properties: Record<string, JsonSchema>; required: string[] };
const { requestedAt: _requestedAt, ...canaryRequestProperties } = canaryRequest.properties;

export const verificationEventSchemas: Record<keyof VerificationEventPayloads, JsonSchema> = {
  ComponentVersionRegistered: componentVersionRegisteredSchema,
  ComponentVersionWithdrawn: objectOf({ ...componentVersionProperties, reason: text(), withdrawnAt: timestamp }, ['name', 'version', 'reason', 'withdrawnAt']),
  SigningKeyRegistered: objectOf(
    { keyId: signingKeyIdSchema, algorithm: { type: 'string', enum: [...SIGNING_ALGORITHMS] }, publicKey: text(4000), owner: label(256), registeredAt: timestamp },
    ['keyId', 'algorithm', 'publicKey', 'owner', 'registeredAt'],
  ),
  SigningKeyRevoked: objectOf({ keyId: signingKeyIdSchema, reason: text(), effectiveAt: timestamp, revokedAt: timestamp }, ['keyId', 'reason', 'effectiveAt', 'revokedAt']),
  AcceptanceEvaluationStarted: objectOf(
    { deploymentId: identifier, scope: scopeSchema, criteria: acceptanceCriteriaSchema, targets: targetsSchema, deadline: timestamp, startedAt: timestamp },
    ['deploymentId', 'scope', 'criteria', 'deadline', 'startedAt'],
  ),
  CriterionEvaluated: objectOf(
    { deploymentId: identifier, scope: scopeSchema, index: { type: 'integer', minimum: 0, maximum: LIMITS.acceptanceCriteria }, outcome: criterionOutcomeSchema },
    ['deploymentId', 'scope', 'index', 'outcome'],
  ),
  CanaryAnalysisOpened: objectOf({ ...canaryRequestProperties, openedAt: timestamp }, [...canaryRequest.required.filter((r) => r !== 'requestedAt'), 'openedAt']),
  DeploymentVerificationOpened: objectOf(
    {
      deploymentId: identifier,
      environment: label(),
      window: windowSchema,
      components: componentsSchema,
      acceptanceCriteria: acceptanceCriteriaSchema,
      manualStepsRequiringEvidence: { type: 'integer', minimum: 0, maximum: 1000 },
    },
    ['deploymentId', 'environment', 'window', 'components', 'acceptanceCriteria'],
  ),
  ComponentsVerified: objectOf(
    {
      deploymentId: identifier,
      components: arrayOf(
        objectOf({ ...componentVersionProperties, result: { type: 'string', enum: ['verified'] } }, ['name', 'version', 'result']),
        LIMITS.components,
        1,
      ),
    },
    ['deploymentId', 'components'],
  ),
  ComponentVerificationFailed: objectOf(
    {
      deploymentId: identifier,
      failures: arrayOf(
        objectOf({ ...componentVersionProperties, reason: reasonCode }, ['name', 'version', 'reason']),
        LIMITS.components,
        1,
      ),
    },
    ['deploymentId', 'failures'],
  ),
  TargetEnvironmentVerified: objectOf({ deploymentId: identifier, environment: label() }, ['deploymentId', 'environment']),
  TargetEnvironmentVerificationFailed: objectOf(
    {
      deploymentId: identifier,
      environment: label(),
      failures: arrayOf(objectOf({ reason: reasonCode, detail: text() }, ['reason']), 50, 1),
    },
    ['deploymentId', 'environment', 'failures'],
  ),
  DeploymentVerified: objectOf({ deploymentId: identifier, verifiedAt: timestamp, criteria: criteriaSchema }, ['deploymentId', 'verifiedAt', 'criteria']),
  DeploymentVerificationFailed: objectOf({ deploymentId: identifier, failedAt: timestamp, criteria: criteriaSchema }, ['deploymentId', 'failedAt', 'criteria']),
  ComponentVerificationRevoked: objectOf(
    {
      deploymentId: identifier,
      components: arrayOf(objectOf({ ...componentVersionProperties, reason: reasonCode }, ['name', 'version', 'reason']), LIMITS.components, 1),
      revokedAt: timestamp,
    },
    ['deploymentId', 'components', 'revokedAt'],
  ),
  CanaryAnalysisCompleted: objectOf(
    {
      deploymentId: identifier,
      wave: waveIndexSchema,
      verdict: { type: 'string', enum: ['pass', 'fail', 'inconclusive'] },
      observations: { type: 'integer', minimum: 0 },
      measured: objectOf({ errorRate: { type: 'number', minimum: 0, maximum: 1 }, p95LatencyMs: { type: 'number', minimum: 0 } }, []),
      thresholds: canaryAnalysisSchema,
      completedAt: timestamp,
    },
    ['deploymentId', 'wave', 'verdict', 'observations', 'measured', 'thresholds', 'completedAt'],
  ),
  IdleSideVerified: objectOf({ deploymentId: identifier, side: blueGreenSideSchema, criteria: criteriaSchema }, ['deploymentId', 'side', 'criteria']),
  IdleSideVerificationFailed: objectOf({ deploymentId: identifier, side: blueGreenSideSchema, criteria: criteriaSchema }, ['deploymentId', 'side', 'criteria']),
};
