import { canonicalJson, GENESIS_HASH, sha256Hex, type Migration, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';

/**
 * The audit ledger: every event of every Gantry topic and of the inbound ITSM topics, once, in arrival order,
 * in one global hash chain. Each entry's hash covers the previous entry's hash and the entry itself, so an
 * auditor who keeps a head (position, hash) can later prove that nothing before it changed.
 */
export interface LedgerEntry {
  position: number;
  topic: string;
  event: CloudEvent;
  deploymentId: string | null;
  recordedAt: string;
  previousHash: string;
  hash: string;
}

export const ledgerMigrations: Migration[] = [
  {
    id: 'records-001-ledger',
    up: (schema) => `
      CREATE TABLE ${schema}.ledger (
        position bigint PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        topic text NOT NULL,
        event_type text NOT NULL,
        deployment_id text,
        event jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX ledger_deployment ON ${schema}.ledger (deployment_id, position);
      CREATE TABLE ${schema}.ledger_head (id boolean PRIMARY KEY DEFAULT true CHECK (id), position bigint NOT NULL, hash text NOT NULL);
      INSERT INTO ${schema}.ledger_head (position, hash) VALUES (0, '${GENESIS_HASH}');
      CREATE FUNCTION ${schema}.ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the ledger is append-only: % refused', TG_OP; END $$;
      CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ${schema}.ledger FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ${schema}.ledger FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
    `,
  },
];

/** What an entry's hash covers, besides the previous hash. Offline verifiers recompute exactly this. */
export const ledgerHash = (previousHash: string, entry: Pick<LedgerEntry, 'position' | 'topic' | 'event' | 'recordedAt'>): string =>
  sha256Hex(previousHash + canonicalJson({ position: entry.position, topic: entry.topic, event: entry.event, recordedAt: entry.recordedAt }));

const deploymentIdOf = (event: CloudEvent): string | null => {
  const data = event.data as { deploymentId?: unknown } | undefined;
  return typeof data?.deploymentId === 'string' ? data.deploymentId : null;
};

/**
 * Appends one event unless it is already in the ledger (the consumer's inbox dedups deliveries; the unique event id
 * keeps the ledger right even so). Serialised by the head row's lock, in the caller's transaction.
 */
export async function appendToLedger(tx: SqlClient, schema: string, topic: string, event: CloudEvent, recordedAt: Date): Promise<LedgerEntry | undefined> {
  const head = await tx.query<{ position: string; hash: string }>(`SELECT position, hash FROM ${schema}.ledger_head FOR UPDATE`);
  const previous = head.rows[0];
  const entry = {
    position: Number(previous.position) + 1,
    topic,
    event,
    deploymentId: deploymentIdOf(event),
    recordedAt: recordedAt.toISOString(),
    previousHash: previous.hash,
  };
  const hash = ledgerHash(previous.hash, entry);
  const inserted = await tx.query(
    `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
    [entry.position, event.id, topic, event.type, entry.deploymentId, JSON.stringify(event), entry.recordedAt, entry.previousHash, hash],
  );
  if (inserted.rowCount === 0) return undefined;
  await tx.query(`UPDATE ${schema}.ledger_head SET position = $1, hash = $2`, [entry.position, hash]);
  return { ...entry, hash };
}

interface LedgerRow {
  position: string;
  topic: string;
  event: CloudEvent;
  deployment_id: string | null;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
}

export const toLedgerEntry = (row: LedgerRow): LedgerEntry => ({
  position: Number(row.position),
  topic: row.topic,
  event: row.event,
  deploymentId: row.deployment_id,
  recordedAt: new Date(row.recorded_at).toISOString(),
  previousHash: row.previous_hash,
  hash: row.hash,
});

export async function readDeploymentEntries(client: SqlClient, schema: string, deploymentId: string): Promise<LedgerEntry[]> {
  const result = await client.query<LedgerRow>(
    `SELECT position, topic, event, deployment_id, recorded_at, previous_hash, hash FROM ${schema}.ledger WHERE deployment_id = $1 ORDER BY position`,
    [deploymentId],
  );
  return result.rows.map(toLedgerEntry);
}
