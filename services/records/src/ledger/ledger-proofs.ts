import type { SqlClient } from '@gantry/event-store';
import { checkpointOfSize, latestCheckpoint, type StoredCheckpoint } from './ledger-checkpoints';
import { entryText } from './ledger-entry';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';
import { consistencyProof, inclusionProofs, readTreeHead, type ConsistencyProof, type InclusionProof, type TreeAnswer } from './ledger-tree';

/**
 * Proofs as an auditor asks for them: against a signed checkpoint when one covers what is asked (the latest by
 * default), with that checkpoint and the entries' bytes in the answer, so the answer verifies offline with the
 * log's public key alone (docs/ledger.md, "Proofs").
 */
export interface ProvenEntry extends InclusionProof {
  /** the entry's bytes (its export line): the leaf hash is SHA-256(0x00 ‖ these bytes) */
  entry: string;
}

export interface InclusionAnswer {
  treeSize: number;
  /** the signed checkpoint of `treeSize`, when the log made one at that size */
  checkpoint: string | null;
  entries: ProvenEntry[];
}

/**
 * The tree size to prove against: the one asked for (to be checked against the tree), else the latest checkpoint's
 * when it covers every position asked, else the tree as it is now (newer entries than any checkpoint).
 */
async function sizeToProve(client: SqlClient, schema: string, asked: number | undefined, positions: readonly number[]): Promise<{ size: number; reached: boolean; checkpoint?: StoredCheckpoint }> {
  if (asked !== undefined) return { size: asked, reached: false };
  const latest = await latestCheckpoint(client, schema);
  if (latest && latest.treeSize >= Math.max(...positions)) return { size: latest.treeSize, reached: true, checkpoint: latest };
  return { size: (await readTreeHead(client, schema)).size, reached: true };
}

async function answer(client: SqlClient, schema: string, rows: readonly LedgerRow[], treeSize: number | undefined): Promise<TreeAnswer<InclusionAnswer>> {
  const entries = rows.map(toLedgerEntry);
  const { size, reached, checkpoint: latest } = await sizeToProve(client, schema, treeSize, entries.map((e) => e.position));
  const proofs = await inclusionProofs(client, schema, entries.map((e) => e.position), size, reached);
  if (!proofs.ok) return proofs;
  const checkpoint = latest ?? (await checkpointOfSize(client, schema, size));
  return {
    ok: true,
    value: { treeSize: size, checkpoint: checkpoint?.note ?? null, entries: proofs.value.map((proof, n) => ({ ...proof, entry: entryText(entries[n]!) })) },
  };
}

/** The inclusion proof of the entry at `position`. */
export async function proveEntry(client: SqlClient, schema: string, position: number, treeSize?: number): Promise<TreeAnswer<InclusionAnswer>> {
  const rows = (await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger WHERE position = $1`, [position])).rows;
  if (rows.length === 0) return { ok: false, problem: 'not-found', reason: `the ledger has no entry at position ${position}` };
  return answer(client, schema, rows, treeSize);
}

/** The consistency proof between two tree sizes (`to` by default the latest checkpoint's, or the tree's), with the signed checkpoints of both when made. */
export async function proveConsistency(client: SqlClient, schema: string, from: number, to?: number): Promise<TreeAnswer<ConsistencyProof & { checkpoints: { from: string | null; to: string | null } }>> {
  const size = to ?? (await sizeToProve(client, schema, undefined, [from])).size;
  const proof = await consistencyProof(client, schema, from, size);
  if (!proof.ok) return proof;
  const [older, newer] = await Promise.all([checkpointOfSize(client, schema, from), checkpointOfSize(client, schema, size)]);
  return { ok: true, value: { ...proof.value, checkpoints: { from: older?.note ?? null, to: newer?.note ?? null } } };
}
