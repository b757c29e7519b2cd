import { requestDeploymentProperties, requestDeploymentRequired, type RequestDeployment } from './request-deployment';
import { arrayOf, identifier, label, objectOf, timestamp, type JsonSchema } from './json-schema';
import {
  acceptanceCriteriaSchema,
  componentsSchema,
  deploymentKindSchema,
  LIMITS,
  modelRefSchema,
  targetsSchema,
  windowSchema,
  type AcceptanceCriterion,
  type Component,
  type DeploymentKind,
  type ModelRef,
  type Window,
} from './vocabulary';

/** A change enablement system asked for a deployment of an authorised change. */
export interface DeploymentRequested extends RequestDeployment {
  deploymentId: string;
  /** subject of the requester's identity */
  requestedBy: string;
  requestedAt: string;
}

/** One wave of a strategy: the targets deployed together. */
export interface Wave {
  index: number;
  targets: string[];
}

export type Strategy = 'big-bang';
export type RollbackMode = 'automatic' | 'manual';

/** The plan: model, strategy and waves, backup and rollback, the acceptance criteria (model template + request). */
export interface DeploymentPlanned {
  deploymentId: string;
  changeId: string;
  service: string;
  kind: DeploymentKind;
  components: Component[];
  environment: string;
  window: Window;
  /** `null`: planned ad hoc, without a model */
  model: ModelRef | null;
  strategy: Strategy;
  waves: Wave[];
  acceptanceCriteria: AcceptanceCriterion[];
  backupRequired: boolean;
  rollback: RollbackMode;
}

export interface PlanningEventPayloads {
  DeploymentRequested: DeploymentRequested;
  DeploymentPlanned: DeploymentPlanned;
}

export const waveSchema = objectOf(
  {
    index: { type: 'integer', minimum: 0, maximum: LIMITS.waves },
    targets: targetsSchema,
  },
  ['index', 'targets'],
);

export const planningEventSchemas: Record<keyof PlanningEventPayloads, JsonSchema> = {
  DeploymentRequested: objectOf(
    { deploymentId: identifier, ...requestDeploymentProperties, requestedBy: label(256), requestedAt: timestamp },
    ['deploymentId', ...requestDeploymentRequired, 'requestedBy', 'requestedAt'],
  ),
  DeploymentPlanned: objectOf(
    {
      deploymentId: identifier,
      changeId: identifier,
      service: label(),
      kind: deploymentKindSchema,
      components: componentsSchema,
      environment: label(),
      window: windowSchema,
      model: modelRefSchema,
      strategy: { type: 'string', enum: ['big-bang'] },
      waves: arrayOf(waveSchema, LIMITS.waves, 1),
      acceptanceCriteria: acceptanceCriteriaSchema,
      backupRequired: { type: 'boolean' },
      rollback: { type: 'string', enum: ['automatic', 'manual'] },
    },
    [
      'deploymentId',
      'changeId',
      'service',
      'kind',
      'components',
      'environment',
      'window',
      'model',
      'strategy',
      'waves',
      'acceptanceCriteria',
      'backupRequired',
      'rollback',
    ],
  ),
};
