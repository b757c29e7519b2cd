import type { Migration, SqlClient } from '@gantry/event-store';
import {
  assemble,
  CompactRange,
  HASH_SIZE,
  nodeHashesOf,
  nodesOf,
  planConsistency,
  planInclusion,
  type Hash,
  type NodeHashes,
  type NodeId,
  type Outcome,
  type ProofPlan,
  type StoredNode,
} from '@gantry/transparency-log';
import { hashesOf } from './ledger-entry';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';

/**
 * The RFC 6962 Merkle tree over the ledger: leaf i is entry i + 1's bytes. Each complete subtree's hash is stored
 * once, `ledger_nodes (level, index) → hash`; the tree's row keeps its size and compact range (the edge of the tree:
 * the hashes of `subtreesOf(0, size)`). The tree follows the chain rather than being built in each append: the
 * checkpointer grows it over the entries committed since, under the tree's own lock, and signs the result, so an
 * append costs what the hash chain costs and waits on no tree. A proof is planned, its nodes fetched in one query, and
 * assembled (@gantry/transparency-log).
 */
export const ledgerTreeMigrations: Migration[] = [
  {
    id: 'records-008-ledger-tree',
    up: (schema) => `
      CREATE TABLE ${schema}.ledger_nodes (level smallint NOT NULL, index bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, index));
      CREATE TRIGGER ledger_nodes_append_only BEFORE UPDATE OR DELETE ON ${schema}.ledger_nodes FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_nodes_no_truncate BEFORE TRUNCATE ON ${schema}.ledger_nodes FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      ALTER TABLE ${schema}.ledger_head ADD COLUMN tree_size bigint NOT NULL DEFAULT 0, ADD COLUMN tree_edge bytea NOT NULL DEFAULT '\\x';
    `,
  },
  {
    // The tree's size and edge move out of the chain's head into a row of their own, so that growing the tree does
    // not hold the lock every append takes.
    id: 'records-010-ledger-tree-apart',
    up: (schema) => `
      CREATE TABLE ${schema}.ledger_tree (id boolean PRIMARY KEY DEFAULT true CHECK (id), size bigint NOT NULL, edge bytea NOT NULL);
      INSERT INTO ${schema}.ledger_tree (size, edge) SELECT tree_size, tree_edge FROM ${schema}.ledger_head;
      ALTER TABLE ${schema}.ledger_head DROP COLUMN tree_size, DROP COLUMN tree_edge;
    `,
  },
];

interface TreeRow {
  size: string;
  edge: Buffer;
}

export const edgeBytes = (range: CompactRange): Buffer => Buffer.concat(range.hashes());

const rangeOf = (row: TreeRow): CompactRange => {
  const hashes: Hash[] = [];
  for (let at = 0; at < row.edge.length; at += HASH_SIZE) hashes.push(row.edge.subarray(at, at + HASH_SIZE));
  return CompactRange.of(Number(row.size), hashes);
};

/**
 * Locks the tree's row and grows the tree over the entries committed after it, up to the chain's head as committed
 * (or `upTo`, when less), in the caller's transaction: what the checkpointer signs. Appends go on meanwhile; they take
 * the head's lock, not this.
 */
export async function growLedgerTree(tx: SqlClient, schema: string, upTo = Number.MAX_SAFE_INTEGER): Promise<CompactRange> {
  const tree = rangeOf((await tx.query<TreeRow>(`SELECT size, edge FROM ${schema}.ledger_tree FOR UPDATE`)).rows[0]!);
  const head = Math.min(upTo, Number((await tx.query<{ position: string }>(`SELECT position FROM ${schema}.ledger_head`)).rows[0]!.position));
  if (tree.size >= head) return tree;
  while (tree.size < head) {
    const nodes: StoredNode[] = [];
    for (const leaf of await leavesAfter(tx, schema, tree.size, head)) nodes.push(...tree.append(leaf));
    await tx.query(insertNodesSql(schema, 1), nodeColumns(nodes));
  }
  await tx.query(`UPDATE ${schema}.ledger_tree SET size = $1, edge = $2`, [tree.size, edgeBytes(tree)]);
  return tree;
}

/** Reads the tree without locking it: its size and edge as last committed. */
export async function readTreeHead(client: SqlClient, schema: string): Promise<{ size: number; tree: CompactRange }> {
  const tree = rangeOf((await client.query<TreeRow>(`SELECT size, edge FROM ${schema}.ledger_tree`)).rows[0]!);
  return { size: tree.size, tree };
}

export const insertNodesSql = (schema: string, first: number) =>
  `INSERT INTO ${schema}.ledger_nodes (level, index, hash) SELECT * FROM unnest($${first}::smallint[], $${first + 1}::bigint[], $${first + 2}::bytea[])`;

export const nodeColumns = (nodes: readonly StoredNode[]): [number[], number[], Buffer[]] => [
  nodes.map((n) => n.level),
  nodes.map((n) => n.index),
  nodes.map((n) => Buffer.from(n.hash)),
];

const PAGE = 1000;

/**
 * The leaves of the entries after `size`, at most a page: a format-2 entry's leaf is the hash the append computed
 * from its bytes (its chain hash is that leaf), taken as written so that an entry edited since no longer matches its
 * leaf; a format-1 entry's is derived from its stored columns (what they held when the tree was first built).
 */
async function leavesAfter(tx: SqlClient, schema: string, size: number, head: number): Promise<Buffer[]> {
  const rows = (
    await tx.query<{ position: string; format: number; hash: string }>(`SELECT position, format, hash FROM ${schema}.ledger WHERE position > $1 AND position <= $2 ORDER BY position LIMIT ${PAGE}`, [size, head])
  ).rows;
  const olderFormat = rows.filter((row) => row.format === 1).map((row) => row.position);
  const formatOne =
    olderFormat.length === 0
      ? new Map<string, LedgerRow>()
      : new Map((await tx.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger WHERE position = ANY($1::bigint[])`, [olderFormat])).rows.map((row) => [String(row.position), row]));
  if (rows.length === 0) throw missing(size + 1);
  return rows.map((row, n) => {
    if (Number(row.position) !== size + n + 1) throw missing(size + n + 1);
    return row.format === 2 ? Buffer.from(row.hash, 'hex') : hashesOf(toLedgerEntry(formatOne.get(String(row.position))!)).leaf;
  });
}

const missing = (position: number) => new Error(`the ledger has no entry at position ${position}: its tree cannot be built past it`);

/**
 * The stored hashes of plans' nodes and of other nodes wanted beside them (the leaves being proved), in one query;
 * each plan assembled, or refused naming a node that is not stored.
 */
async function assembled(client: SqlClient, schema: string, plans: readonly ProofPlan[], besides: readonly NodeId[] = []): Promise<{ paths: Outcome<Hash[]>[]; nodes: NodeHashes }> {
  const wanted = new Map<string, NodeId>();
  for (const node of [...plans.flatMap((plan) => nodesOf(plan)), ...besides]) wanted.set(`${node.level}/${node.index}`, node);
  const ids = [...wanted.values()];
  const rows =
    ids.length === 0
      ? []
      : (
          await client.query<{ level: number; index: string; hash: Buffer }>(
            `SELECT n.level, n.index, n.hash FROM ${schema}.ledger_nodes n JOIN unnest($1::smallint[], $2::bigint[]) AS wanted(level, index) USING (level, index)`,
            [ids.map((n) => n.level), ids.map((n) => n.index)],
          )
        ).rows;
  const nodes = nodeHashesOf(rows.map((row) => ({ level: Number(row.level), index: Number(row.index), hash: row.hash })));
  return { paths: plans.map((plan) => assemble(plan, nodes)), nodes };
}

export type TreeAnswer<T> = { ok: true; value: T } | { ok: false; problem: 'not-found' | 'invalid'; reason: string };

const hex = (hashes: readonly Hash[]) => hashes.map((h) => Buffer.from(h).toString('hex'));

/** The tree size a proof is asked at must be one the tree has reached. */
function sizeProblem(size: number, treeSize: number): string | undefined {
  if (size > treeSize) return `the tree has ${treeSize} entries, fewer than the size ${size} asked for`;
  return undefined;
}

export interface InclusionProof {
  position: number;
  /** the leaf's index, position − 1 */
  leafIndex: number;
  treeSize: number;
  /** hex SHA-256(0x00 ‖ the entry's bytes) */
  leafHash: string;
  /** RFC 9162 §2.1.3.1 audit path, hex, from the leaf up */
  hashes: string[];
}

/** An inclusion proof as the tree holds it: the hashes as bytes. */
export interface InclusionPath {
  position: number;
  leafIndex: number;
  leafHash: Hash;
  hashes: Hash[];
}

/**
 * The inclusion proofs of entries (by position) in the tree of `treeSize` entries, their nodes fetched in one query;
 * `treeSize` is checked against the tree unless the caller knows the tree has reached it (a checkpoint's size).
 */
export async function inclusionPaths(client: SqlClient, schema: string, positions: readonly number[], treeSize: number, reached = false): Promise<TreeAnswer<InclusionPath[]>> {
  const tooLarge = reached ? undefined : sizeProblem(treeSize, (await readTreeHead(client, schema)).size);
  if (tooLarge) return { ok: false, problem: 'invalid', reason: tooLarge };
  const plans: ProofPlan[] = [];
  for (const position of positions) {
    const plan = planInclusion(position - 1, treeSize);
    if (!plan.ok) return { ok: false, problem: 'invalid', reason: `position ${position} is not in the tree of ${treeSize} entries` };
    plans.push(plan.value);
  }
  // the proofs' nodes and the leaves they prove, in one query
  const { paths, nodes } = await assembled(client, schema, plans, positions.map((p) => ({ level: 0, index: p - 1 })));
  const proofs: InclusionPath[] = [];
  for (const [n, position] of positions.entries()) {
    const path = paths[n]!;
    const leaf = nodes.get(0, position - 1);
    if (!path.ok || !leaf) throw new Error(`the ledger's tree lacks a node of the proof of position ${position}${path.ok ? '' : `: ${path.reason}`}`);
    proofs.push({ position, leafIndex: position - 1, leafHash: leaf, hashes: path.value });
  }
  return { ok: true, value: proofs };
}

/** `inclusionPaths` as the API answers them, in hex. */
export async function inclusionProofs(client: SqlClient, schema: string, positions: readonly number[], treeSize: number, reached = false): Promise<TreeAnswer<InclusionProof[]>> {
  const paths = await inclusionPaths(client, schema, positions, treeSize, reached);
  if (!paths.ok) return paths;
  return { ok: true, value: paths.value.map((path) => ({ position: path.position, leafIndex: path.leafIndex, treeSize, leafHash: Buffer.from(path.leafHash).toString('hex'), hashes: hex(path.hashes) })) };
}

export interface ConsistencyProof {
  from: number;
  to: number;
  /** RFC 9162 §2.1.4.1, hex */
  hashes: string[];
}

/** The consistency proof between the trees of `from` and `to` entries (1 ≤ from ≤ to ≤ the tree's size). */
export async function consistencyProof(client: SqlClient, schema: string, from: number, to: number): Promise<TreeAnswer<ConsistencyProof>> {
  const head = await readTreeHead(client, schema);
  const tooLarge = sizeProblem(to, head.size);
  if (tooLarge) return { ok: false, problem: 'invalid', reason: tooLarge };
  const plan = planConsistency(from, to);
  if (!plan.ok) return { ok: false, problem: 'invalid', reason: plan.reason };
  const [path] = (await assembled(client, schema, [plan.value])).paths;
  if (!path!.ok) throw new Error(`the ledger's tree lacks a node of the consistency proof from ${from} to ${to}: ${path!.reason}`);
  return { ok: true, value: { from, to, hashes: hex(path!.value) } };
}

/** The hashes of the consistency proof from `from` to `to` entries, from the stored nodes (sizes already checked). */
export async function consistencyHashes(client: SqlClient, schema: string, from: number, to: number): Promise<Outcome<Hash[]>> {
  const plan = planConsistency(from, to);
  if (!plan.ok) return plan;
  return (await assembled(client, schema, [plan.value])).paths[0]!;
}
