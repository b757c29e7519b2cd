import { Database } from '@gantry/event-store';
import { InProcessBus, KafkaBus, type MessageBus } from '@gantry/messaging';
import { systemClock, type Clock } from './clock';
import type { GantryConfig } from './config';
import { embeddedRoles, oneRole, twoRoles, type DatabaseRoles } from './database-roles';
import { startEmbeddedPostgres } from './embedded-postgres';

/** What a process shares between the service modules it hosts: one pool, one bus, one clock. */
export interface ServiceRuntime {
  config: GantryConfig;
  /** the runtime role's pool: every statement of the services after their migrations */
  db: Database;
  /** how migrations reach the owner role and the runtime role gets its privileges */
  roles: DatabaseRoles;
  bus: MessageBus;
  /** the time and new ids of every command the process runs (tests give their own) */
  clock: Clock;
  /** `embedded` = PGlite and the in-process bus */
  mode: { database: 'postgres' | 'embedded'; bus: 'kafka' | 'in-process' };
  close(): Promise<void>;
}

export async function createRuntime(config: GantryConfig, clock: Clock = systemClock): Promise<ServiceRuntime> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  // PGlite's socket server multiplexes every connection onto its one session and interleaves their protocol messages
  // (seen: "portal does not exist", a bind landing on another connection's statement), so the embedded default uses
  // one connection, without named statements. PGlite runs one transaction at a time anyway.
  const db = Database.connect(config.databaseUrl ?? embedded!.url, { max: embedded ? 1 : 10, namedStatements: !embedded });
  const roles = embedded ? await embeddedRoles(db) : config.migrationDatabaseUrl ? twoRoles(db, config.migrationDatabaseUrl) : oneRole(db);
  const bus: MessageBus = config.kafkaBrokers
    ? new KafkaBus({
        clientId: `gantry-${config.process}`,
        brokers: config.kafkaBrokers,
        sessionTimeoutMs: config.kafkaSessionTimeoutMs,
        partitions: config.kafkaTopics.partitions,
        replicationFactor: config.kafkaTopics.replicationFactor,
        fetchMaxWaitMs: config.kafkaFetchMaxWaitMs,
        heartbeatIntervalMs: config.kafkaHeartbeatIntervalMs,
        topicPrefix: config.topicPrefix,
        ...config.kafkaSecurity,
      })
    : new InProcessBus();
  return {
    config,
    db,
    roles,
    bus,
    clock,
    mode: { database: embedded ? 'embedded' : 'postgres', bus: config.kafkaBrokers ? 'kafka' : 'in-process' },
    close: async () => {
      await bus.close();
      await db.close();
      await embedded?.stop();
    },
  };
}
