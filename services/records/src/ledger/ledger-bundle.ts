import type { SqlClient } from '@gantry/event-store';
import type { LedgerCheckpointer } from './ledger-checkpointer';
import { checkpointOfSize, latestCheckpoint, type StoredCheckpoint } from './ledger-checkpoints';
import { entryText } from './ledger-entry';
import type { LedgerLog } from './ledger-log';
import type { ProvenEntry } from './ledger-proofs';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';
import { inclusionProofs, type TreeAnswer } from './ledger-tree';
import { readLedgerHead } from './ledger-verification';

/** What a bundle says it is, so that a verifier refuses a document it does not know how to read. */
export const DEPLOYMENT_BUNDLE_FORMAT = 'gantry.deployment-bundle.v1';

/**
 * A deployment's audit trail as evidence that stands on its own (docs/ledger.md, "Deployment bundles"): every entry
 * of the deployment in the tree of one signed checkpoint, each with its bytes and inclusion proof. It verifies offline
 * with the log's public key alone, without the rest of the ledger; that no entry of the deployment was left out it
 * cannot show (only a full export can).
 */
export interface DeploymentBundle {
  format: typeof DEPLOYMENT_BUNDLE_FORMAT;
  /** the log's name, as its checkpoints carry it */
  origin: string;
  deploymentId: string;
  /** the size of the checkpoint's tree, which every proof is against */
  treeSize: number;
  /** the signed checkpoint (a C2SP signed note) */
  checkpoint: string;
  /** in position order */
  entries: ProvenEntry[];
}

/** A bundle, or why not: what the tree lacks (404, 400), or a log that refuses to sign its tree (503). */
export type BundleAnswer = TreeAnswer<DeploymentBundle> | { ok: false; problem: 'unsigned'; reason: string };

type Refused = Extract<BundleAnswer, { ok: false }>;

/**
 * The checkpoint a bundle is proved against: the one of `asked` (it must have been made), else the latest when it
 * covers the deployment's last entry, else one made now (a checkpoint of the tree as it is, which covers it).
 */
async function checkpointFor(client: SqlClient, log: LedgerLog, checkpointer: LedgerCheckpointer, deploymentId: string, asked: number | undefined): Promise<{ ok: true; value: StoredCheckpoint } | Refused> {
  if (asked !== undefined) {
    const checkpoint = await checkpointOfSize(client, log.schema, asked);
    if (checkpoint) return { ok: true, value: checkpoint };
    const size = (await readLedgerHead(client, log.schema)).position;
    if (asked > size) return { ok: false, problem: 'invalid', reason: `the tree has ${size} entries, fewer than the size ${asked} asked for` };
    return { ok: false, problem: 'not-found', reason: `no checkpoint was made at tree size ${asked}: a bundle is proved against a signed checkpoint (GET /audit/checkpoints lists them)` };
  }
  const last = (await client.query<{ last: string | null }>(`SELECT max(position) AS last FROM ${log.schema}.ledger WHERE deployment_id = $1`, [deploymentId])).rows[0]?.last;
  if (last === null || last === undefined) return { ok: false, problem: 'not-found', reason: `the ledger has no entry of deployment ${deploymentId}` };
  const covers = (checkpoint: StoredCheckpoint | undefined): checkpoint is StoredCheckpoint => checkpoint !== undefined && checkpoint.treeSize >= Number(last);
  const latest = await latestCheckpoint(client, log.schema);
  if (covers(latest)) return { ok: true, value: latest };
  const made = await checkpointer.checkpointNow();
  if ('refused' in made) return { ok: false, problem: 'unsigned', reason: `no checkpoint covers the deployment's entries yet, and the log refuses to sign one: ${made.refused}` };
  const now = await latestCheckpoint(client, log.schema);
  if (!covers(now)) return { ok: false, problem: 'unsigned', reason: `no checkpoint covers position ${last} of deployment ${deploymentId} yet` };
  return { ok: true, value: now };
}

/** The bundle of every entry of a deployment up to the checkpoint's size (see `checkpointFor`), their proofs' nodes in one query. */
export async function bundleOfDeployment(client: SqlClient, log: LedgerLog, checkpointer: LedgerCheckpointer, deploymentId: string, treeSize?: number): Promise<BundleAnswer> {
  const signed = await checkpointFor(client, log, checkpointer, deploymentId, treeSize);
  if (!signed.ok) return signed;
  const checkpoint = signed.value;
  const rows = (await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${log.schema}.ledger WHERE deployment_id = $1 AND position <= $2 ORDER BY position`, [deploymentId, checkpoint.treeSize])).rows;
  if (rows.length === 0) return { ok: false, problem: 'not-found', reason: `the ledger has no entry of deployment ${deploymentId} in its first ${checkpoint.treeSize} entries` };
  const entries = rows.map(toLedgerEntry);
  const proofs = await inclusionProofs(client, log.schema, entries.map((e) => e.position), checkpoint.treeSize, true);
  if (!proofs.ok) return proofs;
  return {
    ok: true,
    value: {
      format: DEPLOYMENT_BUNDLE_FORMAT,
      origin: log.origin,
      deploymentId,
      treeSize: checkpoint.treeSize,
      checkpoint: checkpoint.note,
      entries: proofs.value.map((proof, n) => ({ ...proof, entry: entryText(entries[n]!) })),
    },
  };
}
