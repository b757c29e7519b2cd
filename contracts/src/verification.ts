import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
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
}

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

const criteriaSchema = arrayOf(
  objectOf(
    {
      type: { type: 'string', enum: [...ACCEPTANCE_CRITERION_TYPES] },
      description: text(),
      result: { type: 'string', enum: ['met', 'failed', 'not-evaluated'] },
      measured: { type: 'object', maxProperties: 20, additionalProperties: { type: ['number', 'string', 'boolean'] } },
      reason: reasonCode,
    },
    ['type', 'description', 'result'],
  ),
  LIMITS.acceptanceCriteria,
);

export const verificationEventSchemas: Record<keyof VerificationEventPayloads, JsonSchema> = {
  DeploymentVerificationOpened: objectOf(
    {
      deploymentId: identifier,
      environment: label(),
      window: windowSchema,
      components: componentsSchema,
      acceptanceCriteria: acceptanceCriteriaSchema,
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
