import { eventNameOf, type NoticeChannel, type NoticeRecipient, type ServiceDefinition, type ServiceRegistered, type ServiceUpdated } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { LedgerEntry } from '../ledger';

/**
 * The service catalogue as planning keeps it (ServiceRegistered, ServiceUpdated in the ledger): who a deployment's
 * notices go to, which services it may affect, and the channels they are POSTed to.
 */
export const serviceCatalogueMigrations: Migration[] = [
  {
    id: 'records-016-service-catalogue',
    up: (schema) => `
      CREATE TABLE ${schema}.service_catalogue (
        service text PRIMARY KEY,
        entry jsonb NOT NULL,
        last_position bigint NOT NULL
      );
      CREATE INDEX service_catalogue_dependencies ON ${schema}.service_catalogue USING gin ((entry->'dependencies'));`,
  },
];

/** Keeps a service's latest entry; an older entry folded after a newer one changes nothing. */
export async function projectServiceEntry(tx: SqlClient, schema: string, entry: LedgerEntry): Promise<void> {
  const name = eventNameOf(entry.event.type);
  if (name !== 'ServiceRegistered' && name !== 'ServiceUpdated') return;
  const { registeredAt: _r, updatedAt: _u, ...definition } = entry.event.data as Partial<ServiceRegistered & ServiceUpdated>;
  await tx.query(
    `INSERT INTO ${schema}.service_catalogue (service, entry, last_position) VALUES ($1, $2, $3)
     ON CONFLICT (service) DO UPDATE SET entry = EXCLUDED.entry, last_position = EXCLUDED.last_position WHERE ${schema}.service_catalogue.last_position < EXCLUDED.last_position`,
    [definition.name, JSON.stringify(definition), entry.position],
  );
}

export async function catalogueEntry(client: SqlClient, schema: string, service: string): Promise<ServiceDefinition | undefined> {
  const { rows } = await client.query<{ entry: ServiceDefinition }>(`SELECT entry FROM ${schema}.service_catalogue WHERE service = $1`, [service]);
  return rows[0]?.entry;
}

/** The services whose entries say they depend on `service`. */
export async function dependentsOf(client: SqlClient, schema: string, service: string): Promise<string[]> {
  const { rows } = await client.query<{ service: string }>(`SELECT service FROM ${schema}.service_catalogue WHERE entry->'dependencies' ? $1 ORDER BY service`, [service]);
  return rows.map((r) => r.service);
}

/** Who hears of a service's deployments: its owner first, then its stakeholders. */
export const recipientsOf = (entry: ServiceDefinition | undefined): NoticeRecipient[] =>
  entry ? [{ name: entry.owner.name, role: 'owner', contact: entry.owner.contact }, ...entry.stakeholders] : [];

/** Every service's notice channels. */
export async function noticeChannels(client: SqlClient, schema: string): Promise<{ service: string; channel: NoticeChannel }[]> {
  const { rows } = await client.query<{ service: string; channel: NoticeChannel }>(
    `SELECT service, channel FROM ${schema}.service_catalogue, jsonb_array_elements(entry->'channels') AS channel ORDER BY service, channel->>'name'`,
  );
  return rows;
}
