import { SERVICE_TOPICS, type DeploymentRecordClosed } from '@gantry/contracts';
import type { Reactions } from '@gantry/platform';
import type { DeploymentModels } from './models';

/**
 * Weighs each closed deployment of a model against its pilot (records' DeploymentRecordClosed): successes in production
 * complete it, a failure or rollback there ends it. A record closed before records reported the environment's kind is
 * judged by the environment's name, as reviews judge it. A duplicate delivery is dropped by the inbox, and weighing a
 * deployment twice records nothing.
 */
export const modelPilotsConsumer = (models: DeploymentModels): Reactions => ({
  consumer: 'model-review.model-pilots',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx, context) => {
      const closed = event.data as DeploymentRecordClosed;
      if (!closed.model) return;
      await models.execute(
        closed.model.name,
        {
          type: 'WeighPilotDeployment',
          version: closed.model.version,
          deploymentId: closed.deploymentId,
          production: (closed.environmentKind ?? closed.environment) === 'production',
          outcome: closed.outcome,
          cause: closed.cause ?? null,
          at: closed.closedAt,
        },
        context,
        undefined,
        tx,
      );
    },
  },
});
