import type { DeploymentModelContent } from '@gantry/contracts';
import { schemaOf } from '@gantry/event-store';
import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** A deployment model as planning knows it from model-review: its latest published version, or retired. */
@Entity({ name: 'deployment_models' })
export class KnownDeploymentModel {
  @PrimaryColumn('text')
  name!: string;

  @Column('int')
  version!: number;

  @Column('text')
  status!: 'active' | 'retired';

  @Column('jsonb')
  content!: DeploymentModelContent;

  /** the version is a pilot: its production deployments need the model's owners' supervision */
  @Column('boolean', { default: false })
  pilot!: boolean;
}

/** A component version that succeeded in a deployment to an environment of a kind: what the promotion rule asks for. */
@Entity({ name: 'succeeded_versions' })
export class SucceededVersion {
  @PrimaryColumn('text', { name: 'environment_kind' })
  environmentKind!: string;

  @PrimaryColumn('text')
  name!: string;

  @PrimaryColumn('text')
  version!: string;

  @PrimaryColumn('text', { name: 'deployment_id' })
  deploymentId!: string;

  @Column('text')
  environment!: string;
}

/** A deployment execution started: it can no longer be cancelled or rescheduled here. */
@Entity({ name: 'started_deployments' })
export class StartedDeployment {
  @PrimaryColumn('text', { name: 'deployment_id' })
  deploymentId!: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;
}

export const planningFactsEntities = [KnownDeploymentModel, SucceededVersion, StartedDeployment];

/**
 * The three tables, as the SQL migration `planning-read-models-1` created them before the read models were entities.
 * IF NOT EXISTS: an installation that ran it moves over without a change (its id stays in `schema_migrations`, this
 * migration's name joins `typeorm_migrations`); a new one gets the same tables, constraint names included.
 */
export class PlanningReadModels1796515200000 implements MigrationInterface {
  // what TypeORM records and orders by (the class's own name would do, as long as nothing renames classes)
  readonly name = 'PlanningReadModels1796515200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".deployment_models (
        name text PRIMARY KEY,
        version int NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'retired')),
        content jsonb NOT NULL
      );
      CREATE TABLE IF NOT EXISTS "${schema}".succeeded_versions (
        environment_kind text NOT NULL,
        name text NOT NULL,
        version text NOT NULL,
        deployment_id text NOT NULL,
        environment text NOT NULL,
        PRIMARY KEY (environment_kind, name, version, deployment_id)
      );
      CREATE TABLE IF NOT EXISTS "${schema}".started_deployments (deployment_id text PRIMARY KEY, started_at timestamptz NOT NULL);`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}".deployment_models, "${schema}".succeeded_versions, "${schema}".started_deployments`);
  }
}

/** Whether the model's version is a pilot (model-review's `DeploymentModelPublished.pilotDeployments`). */
export class ModelPilots1796601600000 implements MigrationInterface {
  readonly name = 'ModelPilots1796601600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}".deployment_models ADD COLUMN IF NOT EXISTS pilot boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}".deployment_models DROP COLUMN pilot`);
  }
}

export const planningFactsMigrations = [PlanningReadModels1796515200000, ModelPilots1796601600000];
