import { transactionMemo, type Migration, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { deploymentIdOf, hashesOf, LEDGER_GENESIS_HASH, type StoredLedgerEntry } from './ledger-entry';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';
import { ledgerCheckpointMigrations } from './ledger-checkpoints';
import { ledgerHeadMigrations } from './ledger-head';
import type { LedgerLog } from './ledger-log';
import { ledgerTreeMigrations } from './ledger-tree';

export { deploymentIdOf, type LedgerEntry, type StoredLedgerEntry } from './ledger-entry';
export { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';

/**
 * The audit ledger: every event of every Gantry topic and of the inbound ITSM topics, once, in arrival order, in one
 * global hash chain. Each entry's bytes (ledger-entry.ts) hold the previous entry's hash, so an auditor who keeps a
 * head (position, hash) can later prove that nothing before it changed.
 */
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
      INSERT INTO ${schema}.ledger_head (position, hash) VALUES (0, '${LEDGER_GENESIS_HASH}');
      CREATE FUNCTION ${schema}.ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the ledger is append-only: % refused', TG_OP; END $$;
      CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ${schema}.ledger FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ${schema}.ledger FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
    `,
  },
  {
    // Entries already written keep format 1 and their hashes (a column added with a default rewrites no row and
    // fires no trigger); from now on every entry is written in format 2.
    id: 'records-007-ledger-entry-format',
    up: (schema) => `
      ALTER TABLE ${schema}.ledger ADD COLUMN format smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
      ALTER TABLE ${schema}.ledger ALTER COLUMN format DROP DEFAULT;
    `,
  },
  ...ledgerTreeMigrations,
  ...ledgerCheckpointMigrations,
  ...ledgerHeadMigrations,
];

/**
 * Appends one event unless it is already in the ledger (the consumer's inbox dedups deliveries; the unique event id
 * keeps the ledger right even so), with the new head, in one statement, serialised by the head row's lock in the
 * caller's transaction. The Merkle tree follows (ledger-tree.ts): the log hears of the append, and its checkpointer
 * grows the tree and signs a checkpoint once the append that makes one due has committed.
 */
export async function appendToLedger(tx: SqlClient, schema: string, topic: string, event: CloudEvent, recordedAt: Date, log?: LedgerLog): Promise<StoredLedgerEntry | undefined> {
  // a transaction that appends a batch of entries reads the head, which it then holds locked, once
  const memo = transactionMemo(tx);
  const memoKey = `${schema}.ledger_head`;
  const head =
    (memo?.get(memoKey) as { position: string; hash: string } | undefined) ??
    (await tx.query<{ position: string; hash: string }>(`SELECT position, hash FROM ${schema}.ledger_head FOR UPDATE`)).rows[0]!;
  memo?.set(memoKey, head);
  const entry = {
    format: 2 as const,
    position: Number(head.position) + 1,
    topic,
    event,
    deploymentId: deploymentIdOf(event),
    recordedAt: recordedAt.toISOString(),
    previousHash: head.hash,
  };
  const { hash } = hashesOf(entry);
  const appended = await tx.query(
    `WITH entry AS (
       INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash, format)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 2) ON CONFLICT (event_id) DO NOTHING RETURNING position
     )
     UPDATE ${schema}.ledger_head SET position = $1, hash = $9 WHERE EXISTS (SELECT FROM entry)`,
    [entry.position, event.id, topic, event.type, entry.deploymentId, JSON.stringify(event), entry.recordedAt, entry.previousHash, hash],
  );
  if (appended.rowCount === 0) return undefined;
  memo?.set(memoKey, { position: String(entry.position), hash });
  log?.appended(entry.position);
  return { ...entry, hash };
}

export async function readDeploymentEntries(client: SqlClient, schema: string, deploymentId: string): Promise<StoredLedgerEntry[]> {
  const result = await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger WHERE deployment_id = $1 ORDER BY position`, [deploymentId]);
  return result.rows.map(toLedgerEntry);
}
