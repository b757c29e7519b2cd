import { identifier, label, objectOf, text, type JsonSchema } from './json-schema';
import {
  acceptanceCriteriaSchema,
  componentsSchema,
  deploymentKindSchema,
  targetsSchema,
  windowSchema,
  type AcceptanceCriterion,
  type Component,
  type DeploymentKind,
  type Window,
} from './vocabulary';

/**
 * Body of the `RequestDeployment` command (REST `POST /deployments`, gRPC `DeploymentService.RequestDeployment`).
 * The requester is the caller's identity and the deployment id is assigned by planning, so neither is in the body.
 */
export interface RequestDeployment {
  changeId: string;
  /** the change's type in change enablement; absent only in requests recorded before it was asked for */
  changeType?: ChangeType;
  /** the change's state in change enablement: only an `authorised` change is planned */
  changeState?: string;
  releaseId?: string;
  service: string;
  kind: DeploymentKind;
  components: Component[];
  environment: string;
  /** targets inside the environment; absent: planning chooses */
  targets?: string[];
  window: Window;
  acceptanceCriteria: AcceptanceCriterion[];
  /** name of a deployment model; absent: the active model that applies */
  model?: string;
  /** plan without an agreed model (recorded as such): must be asked for explicitly */
  adHoc?: boolean;
  /** an emergency change asks to deploy inside a freeze; only a deployment manager may, and the reason is recorded */
  freezeOverride?: { reason: string };
  /**
   * "the next available window" of this length instead of a desired window: planning chooses the earliest free one
   * (inside a deployment window, outside freezes, without conflict) and records it as `window`
   */
  nextAvailable?: { durationMinutes: number };
}

export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface CommandPayloads {
  RequestDeployment: RequestDeployment;
}

export type CommandName = keyof CommandPayloads;

/** What a request says; DeploymentRequested records it with the deployment id and who asked when. */
export const requestDeploymentProperties: Record<keyof RequestDeployment, JsonSchema> = {
  changeId: identifier,
  changeType: { type: 'string', enum: [...CHANGE_TYPES] },
  changeState: label(64),
  releaseId: identifier,
  service: label(),
  kind: deploymentKindSchema,
  components: componentsSchema,
  environment: label(),
  targets: targetsSchema,
  window: windowSchema,
  acceptanceCriteria: acceptanceCriteriaSchema,
  model: label(),
  adHoc: { type: 'boolean' },
  freezeOverride: objectOf({ reason: text() }, ['reason']),
  nextAvailable: objectOf({ durationMinutes: { type: 'integer', minimum: 1, maximum: 10080 } }, ['durationMinutes']),
};
export const requestDeploymentRequired = ['changeId', 'service', 'kind', 'components', 'environment', 'window', 'acceptanceCriteria'] as const;

export const commandSchemas: Record<CommandName, JsonSchema> = {
  RequestDeployment: objectOf(requestDeploymentProperties, requestDeploymentRequired),
};
