import { Logger } from '@nestjs/common';
import type { Migration, SqlClient } from '@gantry/event-store';
import { signCheckpoint, verifyCheckpoint, verifyConsistency, type CompactRange, type Hash } from '@gantry/transparency-log';
import { announceCheckpoint } from './checkpoint-announcement';
import { ledgerCosignatureMigrations, servedNoteSql } from './ledger-cosignatures';
import type { LedgerLog } from './ledger-log';
import { consistencyHashes, growLedgerTree } from './ledger-tree';

/**
 * Signed checkpoints of the ledger's tree (c2sp.org/tlog-checkpoint): origin, tree size, root hash, and the time it
 * was made as an extension line (`Timestamp: <Unix nanoseconds>`, as Sigstore's Rekor writes it), signed as a note
 * by the log's Ed25519 key. Kept in records' schema, append-only, one per tree size.
 */
export const ledgerCheckpointMigrations: Migration[] = [
  {
    id: 'records-009-ledger-checkpoints',
    up: (schema) => `
      CREATE TABLE ${schema}.ledger_checkpoints (tree_size bigint PRIMARY KEY, root bytea NOT NULL, made_at timestamptz NOT NULL, note text NOT NULL);
      CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ${schema}.ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ${schema}.ledger_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
    `,
  },
  ...ledgerCosignatureMigrations,
];

export interface StoredCheckpoint {
  treeSize: number;
  root: Buffer;
  madeAt: string;
  /** the signed note as served and as an auditor keeps it: the log's signature, then the witnesses' cosignatures */
  note: string;
}

interface CheckpointRow {
  tree_size: string;
  root: Buffer;
  made_at: Date;
  note: string;
}

const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({ treeSize: Number(row.tree_size), root: row.root, madeAt: new Date(row.made_at).toISOString(), note: row.note });

/** A checkpoint as every door serves it (the one source of a served note): with its witnesses' cosignatures. */
const SERVED = (schema: string) => `SELECT c.tree_size, c.root, c.made_at, ${servedNoteSql(schema, 'c')} AS note FROM ${schema}.ledger_checkpoints c`;

/** The latest checkpoint as served: what GET /audit/checkpoint answers and what reports carry. */
export async function latestCheckpoint(client: SqlClient, schema: string): Promise<StoredCheckpoint | undefined> {
  const row = (await client.query<CheckpointRow>(`${SERVED(schema)} ORDER BY c.tree_size DESC LIMIT 1`)).rows[0];
  return row && toCheckpoint(row);
}

/** The latest checkpoint a witness has cosigned, as served (with every cosignature it has). */
export async function latestCosignedCheckpoint(client: SqlClient, schema: string): Promise<StoredCheckpoint | undefined> {
  const row = (
    await client.query<CheckpointRow>(`${SERVED(schema)} WHERE EXISTS (SELECT FROM ${schema}.ledger_cosignatures s WHERE s.tree_size = c.tree_size) ORDER BY c.tree_size DESC LIMIT 1`)
  ).rows[0];
  return row && toCheckpoint(row);
}

export async function checkpointOfSize(client: SqlClient, schema: string, size: number): Promise<StoredCheckpoint | undefined> {
  const row = (await client.query<CheckpointRow>(`${SERVED(schema)} WHERE c.tree_size = $1`, [size])).rows[0];
  return row && toCheckpoint(row);
}

/** Checkpoints by size, after `after`, at most `limit`, smallest first. */
export async function checkpointsAfter(client: SqlClient, schema: string, after: number, limit: number, upTo?: number): Promise<StoredCheckpoint[]> {
  const rows = await client.query<CheckpointRow>(
    `${SERVED(schema)} WHERE c.tree_size > $1 AND ($2::bigint IS NULL OR c.tree_size <= $2) ORDER BY c.tree_size LIMIT $3`,
    [after, upTo ?? null, limit],
  );
  return rows.rows.map(toCheckpoint);
}

/** Rekor's extension line: when the checkpoint was made, in nanoseconds since the Unix epoch. */
export const timestampLine = (at: Date): string => `Timestamp: ${BigInt(at.getTime()) * 1_000_000n}`;

export type CheckpointMade = { made: StoredCheckpoint } | { refused: string } | { unchanged: true };

/**
 * Signs a checkpoint of the tree as the head holds it (the caller holds the head's lock), unless one of that size
 * exists. The log never signs a tree that does not extend its last checkpoint: that checkpoint must verify with the
 * log's key, and the consistency proof from it, assembled from the stored nodes, must lead from its root to this
 * root. So whoever rewrites entries already checkpointed, with every hash and node recomputed, cannot get the
 * rewritten tree signed; they are refused (and said so), and the checkpoints stop until the ledger is put right.
 */
export async function makeCheckpoint(tx: SqlClient, log: LedgerLog, tree: CompactRange, now: Date): Promise<CheckpointMade> {
  const size = tree.size;
  const last = await latestCheckpoint(tx, log.schema);
  if (size === 0 || (last && last.treeSize >= size)) return { unchanged: true };
  const root = tree.root();
  if (last) {
    const refused = await extendsProblem(tx, log, last, size, root);
    if (refused) return { refused };
  }
  const note = signCheckpoint({ origin: log.origin, size, root, extensions: [timestampLine(now)] }, await log.signingKey());
  const made: StoredCheckpoint = { treeSize: size, root: Buffer.from(root), madeAt: now.toISOString(), note };
  const stored = await tx.query(`INSERT INTO ${log.schema}.ledger_checkpoints (tree_size, root, made_at, note) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING`, [
    size,
    made.root,
    made.madeAt,
    note,
  ]);
  if (stored.rowCount === 1 && log.outbox) await announceCheckpoint(log.outbox, tx, { origin: log.origin, treeSize: size, rootHash: made.root.toString('hex'), madeAt: made.madeAt, note });
  return { made };
}

async function extendsProblem(tx: SqlClient, log: LedgerLog, last: StoredCheckpoint, size: number, root: Hash): Promise<string | undefined> {
  const opened = verifyCheckpoint(last.note, await log.trust());
  if (!opened.ok) return `the last checkpoint (size ${last.treeSize}) does not verify with the log's key: ${opened.reason}`;
  const proof = await consistencyHashes(tx, log.schema, last.treeSize, size);
  if (!proof.ok) return `no consistency proof from the last checkpoint (size ${last.treeSize}) to size ${size}: ${proof.reason}`;
  const consistent = verifyConsistency({ olderSize: last.treeSize, olderRoot: opened.value.checkpoint.root, newerSize: size, newerRoot: root, proof: proof.value });
  if (!consistent.ok) return `the tree of ${size} entries does not extend the last checkpoint (size ${last.treeSize}): ${consistent.reason}`;
  return undefined;
}

const logger = new Logger('records.ledger');

/** Logs what a made (or refused) checkpoint says; a refusal is an alarm: the ledger no longer extends what it signed. */
export function reportCheckpoint(outcome: CheckpointMade): CheckpointMade {
  if ('refused' in outcome) logger.error(`no checkpoint signed: ${outcome.refused}`);
  return outcome;
}

/** What a report about entries just ledgered carries as evidence (the report to change enablement). */
export interface ReportEvidence {
  /** the latest checkpoint as served, covering the entry just appended */
  ledgerCheckpoint?: string;
  /** the latest checkpoint witnesses have cosigned, when one has been */
  witnessedCheckpoint?: string;
}

/**
 * The evidence a report carries: the tree grown to the head as this transaction sees it, the entry it appended
 * included, and a checkpoint of it unless one of its size exists; then the latest checkpoint as served, and the latest
 * one witnesses cosigned. The caller holds the head's lock, then takes the tree's, as no other path does in the other
 * order.
 */
export async function evidenceForReport(tx: SqlClient, log: LedgerLog, now: Date): Promise<ReportEvidence> {
  reportCheckpoint(await makeCheckpoint(tx, log, await growLedgerTree(tx, log.schema), now));
  const [latest, witnessed] = [await latestCheckpoint(tx, log.schema), await latestCosignedCheckpoint(tx, log.schema)];
  return { ...(latest ? { ledgerCheckpoint: latest.note } : {}), ...(witnessed ? { witnessedCheckpoint: witnessed.note } : {}) };
}
