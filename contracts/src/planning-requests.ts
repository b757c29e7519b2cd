import { enumOf, label, objectOf, Type, type BodyRule, type Static } from './json-schema';
import { environmentDefinitionSchema, serviceDefinitionSchema } from './planning';
import { CHANGE_TYPES, RequestDeployment } from './request-deployment';
import { windowSchema, type Window } from './vocabulary';

/*
 * Bodies of planning's HTTP and gRPC doors, each validated by its schema and the named rules beside it (SchemaBody in
 * libs/platform): the one way a body is checked, with the contract's wording of the first problem.
 */

/** Why a person cancels or decommissions something: any text with a non-space in it. */
const reason = Type.String({ maxLength: 2000, pattern: '\\S', description: 'some text (at most 2000 characters)' });

/**
 * The body of `POST /deployments` and gRPC `RequestDeployment`: the `RequestDeployment` command as a request makes it
 * today (the change's type and state are required), with a desired `window` or `nextAvailable`, never both.
 */
export const requestDeploymentBody = objectOf({
  ...RequestDeployment.properties,
  changeType: enumOf(CHANGE_TYPES),
  changeState: label(64),
  /** the desired window; or `nextAvailable` */
  window: Type.Optional(windowSchema),
});
export type RequestDeploymentBody = Static<typeof requestDeploymentBody>;

/** A window that ends first is malformed, not a rule to weigh. */
export const windowEndsAfterStart: BodyRule<{ window?: Window }> = ({ window }) =>
  !window || Date.parse(window.end) > Date.parse(window.start) ? null : 'window.end must be after window.start';

const windowOrNextAvailable: BodyRule<RequestDeploymentBody> = (body) => (body.window || body.nextAvailable ? null : 'window (or nextAvailable) is required');

/** Fields that contradict each other: a model and `adHoc: true`, a window and `nextAvailable`. */
const excludeEachOther =
  (field: keyof RequestDeploymentBody, other: keyof RequestDeploymentBody): BodyRule<RequestDeploymentBody> =>
  (body) =>
    body[field] !== undefined && body[other] !== undefined && body[other] !== false ? `${field} and ${other} exclude each other` : null;

export const requestDeploymentRules: readonly BodyRule<RequestDeploymentBody>[] = [
  windowOrNextAvailable,
  windowEndsAfterStart,
  excludeEachOther('nextAvailable', 'window'),
  excludeEachOther('model', 'adHoc'),
];

export const cancelDeploymentBody = objectOf({ reason });
export type CancelDeploymentBody = Static<typeof cancelDeploymentBody>;

/** Moves a planned deployment that has not started to another window. */
export const rescheduleDeploymentBody = objectOf({ window: windowSchema });
export type RescheduleDeploymentBody = Static<typeof rescheduleDeploymentBody>;

/** The body of `POST /environments`: the environment's definition, its name included. */
export const registerEnvironmentBody = environmentDefinitionSchema;

/** The body of `PUT /environments/{name}`: the definition without the name, which the path gives. */
const { name: _name, ...definitionWithoutName } = environmentDefinitionSchema.properties;
export const updateEnvironmentBody = objectOf(definitionWithoutName);
export type UpdateEnvironmentBody = Static<typeof updateEnvironmentBody>;

export const decommissionEnvironmentBody = objectOf({ reason });

/** A service's name in a path or a body: what deployments name their service by. */
export const serviceNameSchema = serviceDefinitionSchema.properties.name;

/** The body of `POST /services`: the catalogue entry, its name included. */
export const registerServiceBody = serviceDefinitionSchema;

/** The body of `PUT /services/{name}`: the entry without the name, which the path gives. */
const { name: _serviceName, ...serviceWithoutName } = serviceDefinitionSchema.properties;
export const updateServiceBody = objectOf(serviceWithoutName);
export type UpdateServiceBody = Static<typeof updateServiceBody>;
