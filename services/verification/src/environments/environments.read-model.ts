import { SERVICE_TOPICS, type EnvironmentDecommissioned, type EnvironmentRegistered, type EnvironmentUpdated } from '@gantry/contracts';
import { ReadModels, type Database } from '@gantry/event-store';
import type { Reaction, Reactions } from '@gantry/platform';
import { LessThan, type EntityManager } from 'typeorm';
import { KnownEnvironment, VerificationReadModels1796601600000 } from './environments.entities';

/**
 * The environments as planning publishes them (EnvironmentRegistered / Updated / Decommissioned), kept by verification
 * to check target environments. `version` is planning's stream version, so a late, older event changes nothing.
 * A TypeORM entity (environments.entities.ts), written in the reaction's transaction.
 */
export const environmentsReadModels = (db: Database, schema: string): ReadModels =>
  new ReadModels(db, schema, { entities: [KnownEnvironment], migrations: [VerificationReadModels1796601600000] });

export const environments = (readModels: ReadModels): Reactions => {
  const keep: Reaction = async (event, tx) => {
    const { registeredAt: _r, updatedAt: _u, ...definition } = event.data as EnvironmentRegistered & EnvironmentUpdated;
    await readModels
      .manager(tx)
      .createQueryBuilder(KnownEnvironment, 'known')
      .insert()
      .values({ name: definition.name, status: 'active', version: event.streamversion ?? 0, definition })
      .orUpdate(['status', 'version', 'definition'], ['name'], { overwriteCondition: { where: 'known.version < EXCLUDED.version' } })
      .execute();
  };
  return {
    consumer: 'verification.environments',
    topics: [SERVICE_TOPICS.planning],
    on: {
      EnvironmentRegistered: keep,
      EnvironmentUpdated: keep,
      EnvironmentDecommissioned: async (event, tx) => {
        const { name } = event.data as EnvironmentDecommissioned;
        const version = event.streamversion ?? 0;
        await readModels.manager(tx).update(KnownEnvironment, { name, version: LessThan(version) }, { status: 'decommissioned', version });
      },
    },
  };
};

export async function knownEnvironment(entities: EntityManager, name: string): Promise<KnownEnvironment | undefined> {
  return (await entities.findOneBy(KnownEnvironment, { name })) ?? undefined;
}
