import {
  SERVICE_TOPICS,
  type DeploymentModelContent,
  type DeploymentModelPilotCompleted,
  type DeploymentModelPublished,
  type DeploymentModelRetired,
  type DeploymentRecordClosed,
  type DeploymentStarted,
  type ModelPilotFailed,
} from '@gantry/contracts';
import { ReadModels, type Database, type EventStore, type SqlClient } from '@gantry/event-store';
import type { Reactions } from '@gantry/platform';
import type { EntityManager } from 'typeorm';
import { announceDeploymentChange } from './deployment-progress';
import { KnownDeploymentModel, planningFactsEntities, planningFactsMigrations, StartedDeployment, SucceededVersion } from './planning-facts.entities';

/**
 * Planning's read models of other services' facts: the deployment models (active or retired, from model-review), the
 * component versions that succeeded in an environment (from records), for the promotion rule, and the deployments
 * execution started. TypeORM entities (planning-facts.entities.ts), written in the reaction's transaction.
 */
export const planningFactsReadModels = (db: Database, schema: string): ReadModels =>
  new ReadModels(db, schema, { entities: planningFactsEntities, migrations: planningFactsMigrations });

/** Whether execution has started the deployment: then it can no longer be cancelled or rescheduled here. */
export function hasStarted(entities: EntityManager, deploymentId: string): Promise<boolean> {
  return entities.existsBy(StartedDeployment, { deploymentId });
}

/** Execution's DeploymentStarted: the deployment left planning's hands. */
export const startedDeployments = (readModels: ReadModels): Reactions => ({
  consumer: 'planning.started-deployments',
  topics: [SERVICE_TOPICS.execution],
  on: {
    DeploymentStarted: async (event, tx) => {
      const started = event.data as DeploymentStarted;
      await announceDeploymentChange(tx, readModels.schema, started.deploymentId);
      await readModels.manager(tx).createQueryBuilder().insert().into(StartedDeployment).values({ deploymentId: started.deploymentId, startedAt: new Date(started.startedAt) }).orIgnore().execute();
    },
  },
});

/** The active version of a deployment model, as planning's read model keeps it. */
export interface ActiveModel {
  name: string;
  version: number;
  content: DeploymentModelContent;
  /** a pilot (model-review): its production deployments carry a gate for the model's owners */
  pilot?: boolean;
}

export async function readActiveModels(entities: EntityManager): Promise<{ active: ActiveModel[]; retired: string[] }> {
  const models = await entities.find(KnownDeploymentModel);
  return {
    active: models.filter((m) => m.status === 'active').map(({ name, version, content, pilot }) => ({ name, version, content, ...(pilot ? { pilot } : {}) })),
    retired: models.filter((m) => m.status === 'retired').map((m) => m.name),
  };
}

export async function readSucceededVersions(entities: EntityManager, components: readonly { name: string; version: string }[]) {
  if (components.length === 0) return [];
  return entities
    .createQueryBuilder(SucceededVersion, 's')
    .select('s.environment_kind', 'environmentKind')
    .addSelect('s.name', 'name')
    .addSelect('s.version', 'version')
    .distinct()
    .where('s.name = ANY(:names) AND s.version = ANY(:versions)', { names: components.map((c) => c.name), versions: components.map((c) => c.version) })
    .getRawMany<{ environmentKind: string; name: string; version: string }>();
}

/**
 * Active models from model-review: a published version replaces an earlier one (maybe as a pilot, until its pilot
 * completes); a failed pilot gives way to the version it superseded, or to none; a retired model plans nothing more.
 */
export const deploymentModels = (readModels: ReadModels): Reactions => ({
  consumer: 'planning.deployment-models',
  topics: [SERVICE_TOPICS['model-review']],
  on: {
    DeploymentModelPublished: async (event, tx) => {
      const { name, version, content, pilotDeployments } = event.data as DeploymentModelPublished;
      await readModels
        .manager(tx)
        .createQueryBuilder(KnownDeploymentModel, 'known')
        .insert()
        .values({ name, version, status: 'active', content, pilot: (pilotDeployments ?? 0) > 0 })
        .orUpdate(['version', 'status', 'content', 'pilot'], ['name'], { overwriteCondition: { where: `known.status = 'active' AND known.version < EXCLUDED.version` } })
        .execute();
    },
    DeploymentModelPilotCompleted: async (event, tx) => {
      const { name, version } = event.data as DeploymentModelPilotCompleted;
      await readModels.manager(tx).update(KnownDeploymentModel, { name, version, status: 'active' }, { pilot: false });
    },
    ModelPilotFailed: async (event, tx) => {
      const { name, version, reinstated } = event.data as ModelPilotFailed;
      const failed = { name, version, status: 'active' as const };
      if (reinstated) await readModels.manager(tx).update(KnownDeploymentModel, failed, { version: reinstated.version, content: reinstated.content, pilot: false });
      else await readModels.manager(tx).delete(KnownDeploymentModel, failed);
    },
    DeploymentModelRetired: async (event, tx) => {
      const { name, version, content } = event.data as DeploymentModelRetired;
      await readModels
        .manager(tx)
        .createQueryBuilder(KnownDeploymentModel, 'known')
        .insert()
        .values({ name, version: version ?? 1, status: 'retired', content })
        .orUpdate(['status'], ['name'])
        .execute();
    },
  },
});

/**
 * Succeeded deployments from records: the component versions of a deployment planning planned, by the kind of its
 * environment (from the plan's environment snapshot).
 */
export const succeededVersions = (store: EventStore, readModels: ReadModels): Reactions => ({
  consumer: 'planning.succeeded-versions',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx) => learnSucceededVersions(store, readModels.manager(tx), event.data as DeploymentRecordClosed, tx),
  },
});

/**
 * Records a succeeded deployment's component versions, once (the promotion rule's facts). Also called by a chained
 * promotion before it requests the next stage, which is weighed by them whichever consumer sees the close first.
 */
export async function learnSucceededVersions(store: EventStore, entities: EntityManager, closed: DeploymentRecordClosed, tx: SqlClient): Promise<void> {
  if (closed.outcome !== 'succeeded') return;
  const history = await store.readStream(`Deployment-${closed.deploymentId}`, tx);
  const planned = history.find((e) => e.type === 'DeploymentPlanned')?.data as
    | { environment: string; components: { name: string; version: string }[]; environmentSnapshot?: { kind: string } }
    | undefined;
  // a deployment planned before environments were snapshotted (or elsewhere) teaches nothing about promotion
  if (!planned?.environmentSnapshot) return;
  const { kind } = planned.environmentSnapshot;
  await entities
    .createQueryBuilder()
    .insert()
    .into(SucceededVersion)
    .values(planned.components.map((c) => ({ environmentKind: kind, name: c.name, version: c.version, deploymentId: closed.deploymentId, environment: planned.environment })))
    .orIgnore()
    .execute();
}
