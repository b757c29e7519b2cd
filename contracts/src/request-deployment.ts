import { identifier, label, objectOf, type JsonSchema } from './json-schema';
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
}

export interface CommandPayloads {
  RequestDeployment: RequestDeployment;
}

export type CommandName = keyof CommandPayloads;

/** What a request says; DeploymentRequested records it with the deployment id and who asked when. */
export const requestDeploymentProperties: Record<keyof RequestDeployment, JsonSchema> = {
  changeId: identifier,
  releaseId: identifier,
  service: label(),
  kind: deploymentKindSchema,
  components: componentsSchema,
  environment: label(),
  targets: targetsSchema,
  window: windowSchema,
  acceptanceCriteria: acceptanceCriteriaSchema,
  model: label(),
};
export const requestDeploymentRequired = ['changeId', 'service', 'kind', 'components', 'environment', 'window', 'acceptanceCriteria'] as const;

export const commandSchemas: Record<CommandName, JsonSchema> = {
  RequestDeployment: objectOf(requestDeploymentProperties, requestDeploymentRequired),
};
