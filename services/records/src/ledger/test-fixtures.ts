import type { Database, SqlClient } from '@gantry/event-store';
import { CompactRange, type StoredNode } from '@gantry/transparency-log';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { checkpointsAfter } from './ledger-checkpoints';
import { LedgerCheckpointer } from './ledger-checkpointer';
import type { LedgerLog } from './ledger-log';
import { hashesOf, LEDGER_GENESIS_HASH } from './ledger-entry';
import { formatLine, ledgerPages } from './ledger-export';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';

/** What only someone bypassing the application can do: a superuser with triggers off (session_replication_role). */
export const asSuperuser = (db: Database, work: (tx: SqlClient) => Promise<unknown>) =>
  db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await work(tx);
  });

/**
 * The attack a chain alone cannot see: an entry rewritten, then every later hash, the whole tree and the head
 * recomputed, as a superuser who knows the format but holds no key would.
 */
export const rewriteAndRecompute = (db: Database, schema: string, position: number) =>
  asSuperuser(db, async (tx) => {
    await tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = $1`, [position]);
    const rows = (await tx.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger ORDER BY position`)).rows;
    const tree = CompactRange.empty();
    const nodes: StoredNode[] = [];
    let previousHash = LEDGER_GENESIS_HASH;
    for (const row of rows) {
      const entry = { ...toLedgerEntry(row), previousHash };
      const { leaf, hash } = hashesOf(entry);
      await tx.query(`UPDATE ${schema}.ledger SET previous_hash = $2, hash = $3 WHERE position = $1`, [entry.position, previousHash, hash]);
      nodes.push(...tree.append(leaf));
      previousHash = hash;
    }
    await tx.query(`DELETE FROM ${schema}.ledger_nodes`);
    for (const node of nodes) await tx.query(`INSERT INTO ${schema}.ledger_nodes (level, index, hash) VALUES ($1, $2, $3)`, [node.level, node.index, Buffer.from(node.hash)]);
    await tx.query(`UPDATE ${schema}.ledger_head SET hash = $1`, [previousHash]);
    await tx.query(`UPDATE ${schema}.ledger_tree SET size = $1, edge = $2`, [tree.size, Buffer.concat(tree.hashes())]);
  });

/** The NDJSON export an auditor downloads (GET /audit/export?format=ndjson), written to a file. */
export async function exportLedger(db: Database, schema: string, file: string, range: { from: number; to?: number } = { from: 1 }): Promise<number> {
  const lines: string[] = [];
  for await (const page of ledgerPages(db, schema, range)) lines.push(...page.map((entry) => formatLine(entry, 'ndjson')));
  writeFileSync(file, lines.join(''));
  return lines.length;
}

/** Every checkpoint the log made, one file each, as an auditor collects them from GET /audit/checkpoint. */
export async function collectCheckpoints(db: Database, schema: string, dir: string): Promise<number[]> {
  const checkpoints = await checkpointsAfter(db, schema, 0, 100_000);
  for (const c of checkpoints) writeFileSync(join(dir, `checkpoint-${String(c.treeSize).padStart(12, '0')}.txt`), c.note);
  return checkpoints.map((c) => c.treeSize);
}

/** The log's checkpointer, listening as in records: a checkpoint follows each append that makes one due, at `at`. */
export function startCheckpointer(db: Database, log: LedgerLog, at: Date): LedgerCheckpointer {
  const checkpointer = new LedgerCheckpointer(db, log, { now: () => at, newId: randomUUID });
  checkpointer.start();
  return checkpointer;
}
