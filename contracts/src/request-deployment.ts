import { enumOf, identifier, label, mapOf, objectOf, text, timestamp, Type, type Static } from './json-schema';
import {
  acceptanceCriteriaSchema,
  componentsSchema,
  deploymentKindSchema,
  ENVIRONMENT_KINDS,
  environmentNameSchema,
  modelNameSchema,
  MONITORING_MAX_SECONDS,
  signedAuthorisationSchema,
  targetsSchema,
  windowSchema,
} from './vocabulary';

export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * Body of the `RequestDeployment` command (REST `POST /deployments`, gRPC `DeploymentService.RequestDeployment`).
 * The requester is the caller's identity and the deployment id is assigned by planning, so neither is in the body.
 * What a request says; DeploymentRequested records it with the deployment id and who asked when.
 */
export const RequestDeployment = objectOf({
  changeId: identifier,
  /** the change's type in change enablement; absent only in requests recorded before it was asked for */
  changeType: Type.Optional(enumOf(CHANGE_TYPES)),
  /**
   * the change's state in change enablement: only an `authorised` change is planned, and only with proof of it: the
   * `authorisation` signed by change enablement, or a requester holding `changes:authorise` where the environment's
   * kind accepts that (GANTRY_AUTHORISATION_<KIND>)
   */
  changeState: Type.Optional(label(64)),
  /**
   * a signed authorisation: a compact JWS (EdDSA or ES256, `kid` a registered authorisation key) from change
   * enablement over `{changeId, service, environment, components: [{name, version}], exp}`
   */
  authorisation: Type.Optional(signedAuthorisationSchema),
  releaseId: Type.Optional(identifier),
  service: label(),
  kind: deploymentKindSchema,
  components: componentsSchema,
  environment: environmentNameSchema,
  /** targets inside the environment; absent: planning chooses */
  targets: Type.Optional(targetsSchema),
  window: windowSchema,
  acceptanceCriteria: acceptanceCriteriaSchema,
  /** name of a deployment model; absent: the active model that applies */
  model: Type.Optional(modelNameSchema),
  /**
   * plan without an agreed model (recorded as such): must be asked for explicitly, by an identity allowed to
   * (`deployments:request-ad-hoc`); the promotion rule holds all the same
   */
  adHoc: Type.Optional(Type.Boolean()),
  /** an emergency change asks to deploy inside a freeze; only a deployment manager may, and the reason is recorded */
  freezeOverride: Type.Optional(objectOf({ reason: text() })),
  /**
   * an emergency change asks to skip a stage of the flow (versions not yet succeeded in the previous environment);
   * only a deployment manager may, and the reason is recorded
   */
  promotionOverride: Type.Optional(objectOf({ reason: text() })),
  /**
   * "the next available window" of this length instead of a desired window: planning chooses the earliest free one
   * (inside a deployment window, outside freezes, without conflict) and records it as `window`
   */
  nextAvailable: Type.Optional(objectOf({ durationMinutes: Type.Integer({ minimum: 1, maximum: 10080 }) })),
  /**
   * when the change was committed to version control (the latest commit the components were built from): DORA's lead
   * time for changes runs from here to the success in production; absent, records measures it from the request
   */
  commitTime: Type.Optional(timestamp),
  /**
   * a longer monitoring period than the model's (`monitoring.durationSeconds`), never a shorter one: early life support
   * is the model's minimum
   */
  monitoringSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: MONITORING_MAX_SECONDS })),
  /**
   * chained promotion (continuous delivery): this environment is the first stage, and each next kind of the agreed
   * model's `environmentFlow` up to `through` is requested as its own deployment once the stage before succeeded
   * (`chain` on each stage's events). `environments` names the environment of a kind that has several active ones;
   * `authorisations` a signed authorisation per kind, for the stages whose kind accepts no other proof
   */
  promote: Type.Optional(
    objectOf({
      through: enumOf(ENVIRONMENT_KINDS),
      environments: Type.Optional(mapOf(environmentNameSchema, ENVIRONMENT_KINDS.length, 20)),
      authorisations: Type.Optional(mapOf(signedAuthorisationSchema, ENVIRONMENT_KINDS.length, 20)),
    }),
  ),
});
export type RequestDeployment = Static<typeof RequestDeployment>;

export const requestDeploymentProperties = RequestDeployment.properties;

export const commandSchemas = { RequestDeployment };

export type CommandPayloads = { [N in keyof typeof commandSchemas]: Static<(typeof commandSchemas)[N]> };

export type CommandName = keyof CommandPayloads;
