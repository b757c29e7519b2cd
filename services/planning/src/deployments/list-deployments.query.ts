import { enumOf, objectOf, stringOf, Type, type Static } from '@gantry/contracts';
import { DEPLOYMENT_STATUSES } from './deployment-status';

/** `GET /deployments` (and gRPC `ListDeployments`): newest first, filtered by environment and status. */
export const listDeploymentsQuery = objectOf({
  environment: Type.Optional(stringOf({ maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$' })),
  /** the status GET /deployments/:id answers */
  status: Type.Optional(enumOf(DEPLOYMENT_STATUSES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type ListDeploymentsQuery = Static<typeof listDeploymentsQuery>;
