import type { EnvironmentDefinition } from '@gantry/contracts';
import { schemaOf } from '@gantry/event-store';
import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** An environment as planning last published it; `version` is planning's stream version. */
@Entity({ name: 'environments' })
export class KnownEnvironment {
  @PrimaryColumn('text')
  name!: string;

  @Column('text')
  status!: 'active' | 'decommissioned';

  @Column('int')
  version!: number;

  @Column('jsonb')
  definition!: EnvironmentDefinition;
}

/**
 * The table as the SQL migration `verification/001-environments` created it before it was an entity (IF NOT EXISTS
 * already): an installation that ran it keeps its table and rows; a new one gets the same table.
 */
export class VerificationReadModels1796601600000 implements MigrationInterface {
  readonly name = 'VerificationReadModels1796601600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "${schemaOf(queryRunner)}".environments (
        name text PRIMARY KEY,
        status text NOT NULL,
        version int NOT NULL,
        definition jsonb NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}".environments`);
  }
}
