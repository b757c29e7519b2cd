import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { Database } from './database';
import { EventStore } from './event-store';
import type { EventMetadata, NewEvent } from './types';

export const metadata: EventMetadata = {
  actor: { subject: 'ada', roles: ['deployment-manager'], channel: 'rest' },
  correlationId: 'correlation-1',
};

export const newEvent = (type = 'DeploymentRequested', data: unknown = { note: 'x' }): NewEvent => ({ id: randomUUID(), type, data, metadata });

export const newEvents = (count: number, type = 'DeploymentRequested'): NewEvent[] =>
  Array.from({ length: count }, (_, n) => newEvent(type, { n }));

/** A database of the test file's own, migrated, with one store in schema `planning`. */
export async function openStore(poolSize = 10): Promise<{ database: TestDatabase; db: Database; store: EventStore; close(): Promise<void> }> {
  const database = await createTestDatabase('gantry_es');
  const db = Database.connect(database.url, { max: poolSize });
  const store = new EventStore(db, 'planning');
  await store.migrate();
  return {
    database,
    db,
    store,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** A promise and the function that settles it: lets a test hold transactions open and release them together. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
