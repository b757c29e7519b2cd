/**
 * Verifies a ledger export in the browser with WebCrypto, the way docs/ledger.md says anyone can: the hash chain from
 * genesis, the RFC 6962 Merkle root at each signed checkpoint's size, and each checkpoint's Ed25519 signature with the
 * log's verifier key. libs/transparency-log and scripts/verify-ledger-export.js do the same with Node's synchronous
 * crypto, which browsers do not have; this file uses nothing but `crypto.subtle`, and its unit test checks it against
 * checkpoints the library signs.
 */

const GENESIS = '0'.repeat(64);
const encoder = new TextEncoder();

/** The log's verifier key, `<name>+<key ID>+<base64(0x01 ‖ Ed25519 public key)>`. */
export interface LogKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
}

export interface SignedCheckpoint {
  size: number;
  root: Uint8Array;
}

export type LedgerVerdict =
  | { ok: true; entries: number; signedUpTo: number; checkpoints: number }
  | { ok: false; entries: number; signedUpTo: number; checkpoints: number; firstBroken?: number; reason: string };

const sha256 = async (...parts: Uint8Array[]): Promise<Uint8Array> => {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
};

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Reads a verifier key and checks that its key ID is the one its name and public key make (c2sp.org/signed-note). */
export async function readLogKey(vkey: string): Promise<LogKey> {
  // the base64 may hold '+' too: the name and the key ID are the first two fields
  const [name, id, ...rest] = vkey.trim().split('+');
  const key = rest.join('+');
  const bytes = key ? fromBase64(key) : undefined;
  if (!name || !id || !bytes || bytes.length !== 33 || bytes[0] !== 0x01) throw new Error('not an Ed25519 verifier key: <name>+<key ID>+<base64>');
  const keyId = (await sha256(encoder.encode(`${name}\n`), bytes)).slice(0, 4);
  if (hex(keyId) !== id) throw new Error(`the verifier key's ID ${id} is not the one its name and key make (${hex(keyId)})`);
  const publicKey = await crypto.subtle.importKey('raw', bytes.slice(1), { name: 'Ed25519' }, false, ['verify']);
  return { name, keyId, publicKey };
}

/**
 * Opens a checkpoint (a signed note) with the log's key only: the signature line of the key's name and ID must verify
 * over the text above the blank line, and the text's origin must be the key's name.
 */
export async function openCheckpoint(note: string, key: LogKey): Promise<SignedCheckpoint> {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('a checkpoint is a note: its text, a blank line, its signatures');
  const text = note.slice(0, split + 1);
  const signatures = note.slice(split + 2).split('\n').filter(Boolean);
  let verified = false;
  for (const line of signatures) {
    const match = /^— (\S+) (\S+)$/.exec(line);
    const bytes = match && match[1] === key.name ? fromBase64(match[2]) : undefined;
    if (!bytes || bytes.length !== 68 || !same(bytes.slice(0, 4), key.keyId)) continue;
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key.publicKey, bytes.slice(4), encoder.encode(text)))) throw new Error('the log key’s signature on a checkpoint does not verify');
    verified = true;
  }
  if (!verified) throw new Error('no signature of the log key on a checkpoint');
  const [origin, size, root] = text.split('\n');
  const rootBytes = fromBase64(root ?? '');
  if (origin !== key.name || !/^(0|[1-9][0-9]*)$/.test(size ?? '') || !rootBytes || rootBytes.length !== 32) throw new Error(`a checkpoint of another log or malformed: ${origin}`);
  return { size: Number(size), root: rootBytes };
}

/**
 * The compact range of RFC 6962's tree: the complete subtrees covering the leaves so far, each (level, hash). The
 * root is their fold from the right (docs/ledger.md, "The tree").
 */
class CompactRange {
  private readonly stack: { level: number; hash: Uint8Array }[] = [];

  async add(leaf: Uint8Array): Promise<void> {
    this.stack.push({ level: 0, hash: leaf });
    while (this.stack.length > 1 && this.stack[this.stack.length - 1].level === this.stack[this.stack.length - 2].level) {
      const right = this.stack.pop()!;
      const left = this.stack.pop()!;
      this.stack.push({ level: left.level + 1, hash: await sha256(NODE, left.hash, right.hash) });
    }
  }

  async root(): Promise<Uint8Array> {
    if (this.stack.length === 0) return sha256();
    let root = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) root = await sha256(NODE, this.stack[i].hash, root);
    return root;
  }
}

/**
 * An export (`GET /audit/export?format=ndjson`, from position 1) against the checkpoints: every entry names the hash
 * of the one before, and the tree's root at each checkpoint's size is the root it signs. Names the first position it
 * cannot vouch for. Entries from before the tree (format 1) are left to scripts/verify-ledger-export.js.
 */
export async function verifyLedgerExport(exported: string, checkpoints: readonly SignedCheckpoint[]): Promise<LedgerVerdict> {
  const lines = exported.split('\n').filter((line) => line.length > 0);
  const bySize = new Map<number, Uint8Array[]>();
  for (const c of checkpoints) bySize.set(c.size, [...(bySize.get(c.size) ?? []), c.root]);
  const count = checkpoints.length;
  const range = new CompactRange();
  let previous = GENESIS;
  let signedUpTo = 0;
  const broken = (position: number, reason: string): LedgerVerdict => ({ ok: false, entries: lines.length, signedUpTo, checkpoints: count, firstBroken: position, reason });
  for (let i = 0; i < lines.length; i++) {
    const position = i + 1;
    let entry: { position?: unknown; previousHash?: unknown; format?: unknown };
    try {
      entry = JSON.parse(lines[i]) as typeof entry;
    } catch {
      return broken(position, `line ${position} is not JSON`);
    }
    if (entry.format !== 2) return broken(position, `entry ${position} is of format ${String(entry.format)}: verify it with scripts/verify-ledger-export.js`);
    if (entry.position !== position) return broken(position, `line ${position} holds position ${String(entry.position)}: an entry is missing, added or moved`);
    // either entry was changed: the one before, whose hash no longer is the one named, is the first not vouched for
    if (entry.previousHash !== previous) {
      return position === 1 ? broken(1, 'entry 1 does not start from genesis') : broken(position - 1, `entry ${position} does not name the hash of entry ${position - 1}: one of them was changed`);
    }
    const leaf = await sha256(LEAF, encoder.encode(lines[i]));
    previous = hex(leaf);
    await range.add(leaf);
    const signed = bySize.get(position);
    if (signed) {
      const root = await range.root();
      if (signed.some((r) => !same(r, root))) return broken(position, `the entries up to ${position} do not have the root the checkpoint of size ${position} signs: an entry was changed`);
      signedUpTo = position;
    }
  }
  const beyond = checkpoints.filter((c) => c.size > lines.length).map((c) => c.size);
  if (beyond.length > 0) return broken(lines.length + 1, `the checkpoint of size ${Math.max(...beyond)} vouches for entries the export lacks (after ${lines.length}): cut off`);
  if (signedUpTo === 0 && lines.length > 0) return broken(1, 'no checkpoint covers any entry of the export');
  return { ok: true, entries: lines.length, signedUpTo, checkpoints: count };
}

/** A deployment's bundle (`GET /audit/deployments/:id/bundle`): its entries, each with its inclusion proof, and a checkpoint. */
export interface DeploymentBundle {
  deploymentId: string;
  checkpoint: string;
  entries: { position: number; leafIndex: number; treeSize: number; leafHash: string; hashes: string[]; entry: string }[];
}

/** `proved`: the positions of the entries proved to be in the checkpoint's tree (each row's badge). */
export type BundleVerdict = { ok: true; entries: number; treeSize: number; proved: number[] } | { ok: false; position?: number; reason: string };

const fromHex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to from a leaf, or undefined when the proof cannot be one. */
async function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Promise<Uint8Array | undefined> {
  if (leafIndex >= treeSize) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = await sha256(NODE, r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/**
 * A deployment's bundle without the rest of the ledger: its checkpoint opened with the log's key, and each entry's
 * bytes (their hash, their deployment) in the tree that checkpoint signs, by its inclusion proof.
 */
export async function verifyDeploymentBundle(bundle: DeploymentBundle, key: LogKey): Promise<BundleVerdict> {
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = await openCheckpoint(bundle.checkpoint, key);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  for (const e of bundle.entries) {
    const leaf = await sha256(LEAF, encoder.encode(e.entry));
    if (hex(leaf) !== e.leafHash) return { ok: false, position: e.position, reason: `entry ${e.position}'s bytes do not have the hash the bundle gives` };
    if ((JSON.parse(e.entry) as { deploymentId?: unknown }).deploymentId !== bundle.deploymentId) return { ok: false, position: e.position, reason: `entry ${e.position} is about another deployment` };
    const root = e.treeSize === checkpoint.size ? await rootFromInclusionProof(e.leafIndex, e.treeSize, leaf, e.hashes.map(fromHex)) : undefined;
    if (!root || !same(root, checkpoint.root)) return { ok: false, position: e.position, reason: `entry ${e.position} is not proved to be in the tree the checkpoint of size ${checkpoint.size} signs` };
  }
  return { ok: true, entries: bundle.entries.length, treeSize: checkpoint.size, proved: bundle.entries.map((e) => e.position) };
}
