import { Database } from '@gantry/event-store';
import { InProcessBus, KafkaBus, type MessageBus } from '@gantry/messaging';
import type { GantryConfig } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';

/** What a process shares between the service modules it hosts: one pool, one bus. */
export interface ServiceRuntime {
  config: GantryConfig;
  db: Database;
  bus: MessageBus;
  /** `embedded` = PGlite and the in-process bus */
  mode: { database: 'postgres' | 'embedded'; bus: 'kafka' | 'in-process' };
  close(): Promise<void>;
}

export async function createRuntime(config: GantryConfig): Promise<ServiceRuntime> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  // PGlite serialises transactions, so a large pool only queues; Postgres gets a pool sized for 2 cores.
  // PGlite's socket shares one session between connections, so named (session-scoped) statements would collide.
  const db = Database.connect(config.databaseUrl ?? embedded!.url, { max: embedded ? 4 : 10, namedStatements: !embedded });
  const bus: MessageBus = config.kafkaBrokers
    ? new KafkaBus({ clientId: `gantry-${config.process}`, brokers: config.kafkaBrokers, sessionTimeoutMs: config.kafkaSessionTimeoutMs })
    : new InProcessBus();
  return {
    config,
    db,
    bus,
    mode: { database: embedded ? 'embedded' : 'postgres', bus: config.kafkaBrokers ? 'kafka' : 'in-process' },
    close: async () => {
      await bus.close();
      await db.close();
      await embedded?.stop();
    },
  };
}
