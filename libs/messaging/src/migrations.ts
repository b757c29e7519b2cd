import type { Migration } from '@gantry/event-store';

/** The inbox: which events a consumer has already applied. Inserted in the transaction of the effect, so a repeat does nothing. */
export const messagingMigrations: Migration[] = [
  {
    id: 'messaging/001-inbox',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`,
  },
];
