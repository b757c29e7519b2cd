import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import {
  ACCEPTANCE_CRITERION_TYPES,
  acceptanceCriteriaSchema,
  componentsSchema,
  componentVersionProperties,
  LIMITS,
  windowSchema,
  type AcceptanceCriterion,
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

/** Result of one acceptance criterion: `not-evaluated` where no check of its type exists yet. */
export type CriterionResult = 'met' | 'not-evaluated';

/** After execution: no acceptance criterion failed. */
export interface DeploymentVerified {
  deploymentId: string;
  verifiedAt: string;
  criteria: { type: AcceptanceCriterionType; description: string; result: CriterionResult }[];
}

export interface VerificationEventPayloads {
  DeploymentVerificationOpened: DeploymentVerificationOpened;
  ComponentsVerified: ComponentsVerified;
  ComponentVerificationFailed: ComponentVerificationFailed;
  TargetEnvironmentVerified: TargetEnvironmentVerified;
  TargetEnvironmentVerificationFailed: TargetEnvironmentVerificationFailed;
  DeploymentVerified: DeploymentVerified;
}

const reasonCode = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' } as const;

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
  DeploymentVerified: objectOf(
    {
      deploymentId: identifier,
      verifiedAt: timestamp,
      criteria: arrayOf(
        objectOf(
          {
            type: { type: 'string', enum: [...ACCEPTANCE_CRITERION_TYPES] },
            description: text(),
            result: { type: 'string', enum: ['met', 'not-evaluated'] },
          },
          ['type', 'description', 'result'],
        ),
        LIMITS.acceptanceCriteria,
      ),
    },
    ['deploymentId', 'verifiedAt', 'criteria'],
  ),
};
