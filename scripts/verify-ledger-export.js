#!/usr/bin/env node
// Verifies a Gantry ledger export offline, with no Gantry code, no database and no network: only the export, the
// log's public key and the checkpoints the auditor collected. Written from docs/ledger.md.
//
//   node scripts/verify-ledger-export.js <export.ndjson> --vkey <vkey | @file> [--origin <origin>]
//        [--checkpoint <file>]… [--checkpoints <dir>] [--digest <position>:<hash>] [--all-signed] [--threads <n>]
//        [--witness-key <vkey | @file>]… [--quorum <n>]
//   node scripts/verify-ledger-export.js --bundle <bundle.json> --vkey <vkey | @file> [--origin <origin>] [--checkpoint <file>]…
//        [--witness-key <vkey | @file>]… [--quorum <n>]
//
// The export (GET /audit/export?format=ndjson, from position 1) holds one entry's bytes per line. The verifier:
//  - refuses an export that does not start at genesis (position 1, previous hash 64 zeros), and checks that positions
//    follow each other and each entry names the hash of the one before: format 2, the hash of its bytes,
//    SHA-256(0x00 || line); format 1 (written before the upgrade), the hash it carries, recomputed as
//    sha256(previousHash + canonical JSON of {position, topic, event, recordedAt}), its type and deployment id
//    being its event's;
//  - recomputes the RFC 6962 Merkle tree of the lines (leaf = SHA-256(0x00 || line), node = SHA-256(0x01 || l || r));
//  - opens every checkpoint given (a C2SP signed note: origin, size, base64 root) with the configured key only, and
//    requires the recomputed root at its size; a checkpoint larger than the export names the entries it lacks;
//  - with --quorum n, requires of every checkpoint n valid cosignatures (c2sp.org/tlog-cosignature) of the witness keys
//    given (--witness-key), and names a checkpoint that lacks them;
//  - says when the checkpoints prove the log lied (`misbehaviour`): two of one size with different roots (a split
//    view), or one the export contradicts while a larger one matches it (no one history has both).
// With --bundle it verifies a deployment's bundle (GET /audit/deployments/:id/bundle) without the rest of the ledger:
// its checkpoint with the configured key (and witnesses), and each entry's bytes, deployment and inclusion proof
// against that root.
// It names the first position it cannot vouch for. Exit 0 = nothing contradicts the checkpoints (`signedUpTo` says
// how far they vouch; with --all-signed every entry must be covered), 1 = broken (firstBroken), 2 = usage.
'use strict';
const crypto = require('node:crypto');
const { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join } = require('node:path');
const { isMainThread, parentPort, Worker } = require('node:worker_threads');

const GENESIS = '0'.repeat(64);

// ---------- the command line ----------

function usage(message) {
  if (message) console.error(message);
  console.error('usage: verify-ledger-export.js <export.ndjson> --vkey <vkey | @file> [--origin <origin>] [--checkpoint <file>]… [--checkpoints <dir>] [--digest <position>:<hash>] [--all-signed] [--threads <n>] [--witness-key <vkey | @file>]… [--quorum <n>]');
  console.error('       verify-ledger-export.js --bundle <bundle.json> --vkey <vkey | @file> [--origin <origin>] [--checkpoint <file>]… [--checkpoints <dir>] [--witness-key <vkey | @file>]… [--quorum <n>]');
  process.exit(2);
}

function options(argv) {
  // threads that hash the entries beside the one that walks the chain and the tree
  const o = { file: undefined, bundle: undefined, vkey: undefined, origin: undefined, checkpoints: [], digest: undefined, allSigned: false, threads: Math.max(1, Math.min(3, availableParallelism() - 1)), chunkBytes: 8 << 20, witnessKeys: [], quorum: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--vkey') o.vkey = value();
    else if (arg === '--bundle') o.bundle = value();
    else if (arg === '--origin') o.origin = value();
    else if (arg === '--checkpoint') o.checkpoints.push(value());
    else if (arg === '--checkpoints') {
      const dir = value();
      for (const name of readdirSync(dir).sort()) if (statSync(join(dir, name)).isFile()) o.checkpoints.push(join(dir, name));
    } else if (arg === '--digest') o.digest = value();
    else if (arg === '--all-signed') o.allSigned = true;
    else if (arg === '--witness-key') o.witnessKeys.push(value());
    else if (arg === '--quorum') {
      o.quorum = Number(value());
      if (!Number.isInteger(o.quorum) || o.quorum < 0) usage('--quorum is a whole number of witnesses');
    }
    else if (arg === '--chunk-bytes') o.chunkBytes = Math.max(1, Number(value()) | 0); // how much is read at a time (tests)
    else if (arg === '--threads') {
      o.threads = Number(value());
      if (!Number.isInteger(o.threads) || o.threads < 0 || o.threads > 64) usage('--threads is a whole number from 0 (hash on the main thread) to 64');
    }
    else if (arg.startsWith('--') || o.file) usage(`unknown argument ${arg}`);
    else o.file = arg;
  }
  if (!o.file === !o.bundle) usage(o.file ? 'give an export or --bundle, not both' : undefined);
  if (o.bundle && !o.vkey) usage("a bundle's checkpoint is verified only with a key you configure: give --vkey");
  if (o.checkpoints.length > 0 && !o.vkey) usage('checkpoints are verified only with a key you configure: give --vkey');
  if (o.quorum > o.witnessKeys.length) usage(`a quorum of ${o.quorum} cannot be met by the ${o.witnessKeys.length} witness keys given (--witness-key)`);
  return o;
}

// ---------- C2SP signed notes, verifier keys and checkpoints ----------

// base64 in its one canonical padded form only
function strictBase64(text) {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

// <name>+<8 hex key ID>+<base64(type || 32-byte Ed25519 public key)>; the key ID must be the one the key gives. The
// type is 0x01 for the log's key (it signs the checkpoint's text), 0x04 for a witness's (cosignature/v1)
function parseVkey(text, type = 0x01) {
  const [name, hexId, ...rest] = text.trim().split('+');
  const bytes = strictBase64(rest.join('+')); // base64 has plus signs of its own
  if (!name || !/^[0-9a-f]{8}$/.test(hexId || '') || !bytes || bytes.length !== 33 || bytes[0] !== type) throw new Error(`not an Ed25519 ${type === 0x04 ? 'cosignature/v1 (witness) ' : ''}verifier key: ${text.trim()}`);
  const publicKey = bytes.subarray(1);
  const id = crypto.createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, type])).update(publicKey).digest().subarray(0, 4);
  if (id.toString('hex') !== hexId) throw new Error(`the verifier key's ID ${hexId} is not the one its name and key give (${id.toString('hex')})`);
  const key = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });
  return { name, id, verify: (message, signature) => crypto.verify(null, message, key, signature) };
}

// A signed note: text (ending in a newline), a blank line, signature lines "— <name> <base64(key ID || signature)>".
// The checkpoint is what the configured key signed: origin, size, root, extension lines. A witness's cosignature is
// key ID || 8-byte big-endian timestamp || the Ed25519 signature of "cosignature/v1\ntime <timestamp>\n" || text.
function openCheckpoint(note, vkey, origin, witnesses = { keys: [], quorum: 0 }) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { reason: 'not a signed note (no blank line before its signatures, or no final newline)' };
  const text = note.slice(0, split + 1);
  const lines = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      const bytes = match && strictBase64(match[2]);
      return bytes && bytes.length >= 4 ? { name: match[1], id: bytes.subarray(0, 4), signature: bytes.subarray(4) } : {};
    });
  const by = (key) => lines.filter((l) => l.name === key.name && l.id.equals(key.id));
  const signed = by(vkey).some((l) => l.signature.length === 64 && vkey.verify(Buffer.from(text, 'utf8'), l.signature));
  if (!signed) return { reason: `not signed by the configured key ${vkey.name}+${vkey.id.toString('hex')}` };
  const cosigners = [];
  for (const witness of witnesses.keys) {
    const line = by(witness)[0];
    if (!line) continue;
    const time = line.signature.length === 72 ? line.signature.readBigUInt64BE(0) : undefined;
    if (time === undefined || !witness.verify(Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8'), line.signature.subarray(8))) return { reason: `cosigned by witness ${witness.name}+${witness.id.toString('hex')} with a cosignature that does not verify` };
    cosigners.push(witness.name);
  }
  if (cosigners.length < witnesses.quorum) {
    return { reason: `cosigned by ${cosigners.length} of the ${witnesses.keys.length} witnesses given (${cosigners.join(', ') || 'none'}), fewer than the quorum of ${witnesses.quorum}` };
  }
  const [originLine, sizeLine, rootLine] = text.split('\n');
  const root = rootLine === undefined ? undefined : strictBase64(rootLine);
  if (originLine !== origin) return { reason: `of origin "${originLine}", not "${origin}"` };
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine || '') || !Number.isSafeInteger(Number(sizeLine))) return { reason: `its tree size "${sizeLine}" is not a number` };
  if (!root || root.length !== 32) return { reason: 'its root hash is not 32 bytes of base64' };
  return { checkpoint: { size: Number(sizeLine), root } };
}

// checkpoint files: a signed note each, or the JSON of GET /audit/checkpoints ({checkpoints: [{note}]})
function readCheckpoints(files, vkey, origin, witnesses) {
  const notes = [];
  for (const file of files) {
    const content = readFileSync(file, 'utf8');
    if (content.trimStart().startsWith('{')) JSON.parse(content).checkpoints.forEach((c, i) => notes.push({ source: `${file}#${i}`, note: c.note }));
    else notes.push({ source: file, note: content });
  }
  const bySize = new Map();
  for (const { source, note } of notes) {
    const opened = openCheckpoint(note, vkey, origin, witnesses);
    if (!opened.checkpoint) return { refused: { checkpoint: source, reason: `the checkpoint ${opened.reason}` } };
    const { size, root } = opened.checkpoint;
    const other = bySize.get(size);
    if (other && !other.root.equals(root)) {
      const reason = `split view: the log signed two roots for tree size ${size} (${other.source} and ${source}), proof that it lied to someone`;
      return { refused: { checkpoint: source, reason }, misbehaviour: { proof: 'split view', checkpoints: [other.source, source], reason: `proof of misbehaviour: ${reason}` } };
    }
    bySize.set(size, { size, root, source });
  }
  return { checkpoints: [...bySize.values()].sort((a, b) => a.size - b.size) };
}

// ---------- RFC 6962 hashing ----------

const oneShot = typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'buffer') : (data) => crypto.createHash('sha256').update(data).digest();

// SHA-256(0x01 || left || right) for two 32-byte children: two compression blocks, in JavaScript (a call into
// node:crypto costs more than the two blocks; node hashes are half the hashes of a tree).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const state = new Int32Array(8);
const w = new Int32Array(64);

// one compression of the 16 big-endian words in w[0..15] into `state`
function compress() {
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    w[i] = (w[i - 16] + (((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)) + w[i - 7] + (((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10))) | 0;
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

function nodeHash(left, right) {
  state.set(H0);
  // block 1: 0x01, left[0..31], right[0..30]; block 2: right[31], 0x80, zeros, the length in bits (520)
  w[0] = (0x01 << 24) | (left[0] << 16) | (left[1] << 8) | left[2];
  for (let i = 1; i < 8; i++) w[i] = (left[4 * i - 1] << 24) | (left[4 * i] << 16) | (left[4 * i + 1] << 8) | left[4 * i + 2];
  w[8] = (left[31] << 24) | (right[0] << 16) | (right[1] << 8) | right[2];
  for (let i = 9; i < 16; i++) w[i] = (right[4 * i - 33] << 24) | (right[4 * i - 32] << 16) | (right[4 * i - 31] << 8) | right[4 * i - 30];
  compress();
  w.fill(0, 0, 16);
  w[0] = (right[31] << 24) | (0x80 << 16);
  w[15] = 520;
  compress();
  const digest = Buffer.allocUnsafe(32);
  for (let i = 0; i < 8; i++) digest.writeInt32BE(state[i], 4 * i);
  return digest;
}

// the compact range: the hashes of the complete subtrees covering the leaves so far, largest first
class Tree {
  constructor() {
    this.size = 0;
    this.levels = [];
    this.hashes = [];
  }
  push(leaf) {
    this.size++;
    let hash = leaf;
    let level = 0;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      hash = nodeHash(this.hashes.pop(), hash);
      level++;
    }
    this.levels.push(level);
    this.hashes.push(hash);
  }
  root() {
    if (this.size === 0) return crypto.createHash('sha256').digest();
    let root = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) root = nodeHash(this.hashes[i], root);
    return root;
  }
}

// ---------- entries ----------

// Canonical JSON (RFC 8785 key order: UTF-16 code units; no whitespace), for format-1 entries' hashes.
function canonical(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

const V2_START = Buffer.from('{"actor":');
const V1_START = Buffer.from('{"deploymentId":');
const POSITION = Buffer.from(',"position":');
const PREVIOUS = Buffer.from(',"previousHash":"');

const startsWith = (buffer, start, end, prefix) => end - start >= prefix.length && buffer.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;

// A format-2 line is canonical JSON with keys in order: after "previousHash" come only scalar members (recordedAt,
// sourceEventHash, sourceEventId, stream, streamVersion, time, topic, type), so the last `,"position":` is the
// entry's own, and "previousHash" follows it. Whatever the bytes, their hash is what the tree and the next entry
// vouch for: a line made to mislead this reading would not hash to what the checkpoints signed.
// Returns the position, and where the previous hash's 64 hex digits start, or undefined.
function fieldsV2(buffer, start, end) {
  const at = buffer.lastIndexOf(POSITION, end - POSITION.length);
  if (at < start) return undefined;
  let position = 0;
  let i = at + POSITION.length;
  for (; i < end && buffer[i] >= 0x30 && buffer[i] <= 0x39; i++) position = position * 10 + (buffer[i] - 0x30);
  const hex = i + PREVIOUS.length;
  if (i === at + POSITION.length || hex + 65 > end || buffer.compare(PREVIOUS, 0, PREVIOUS.length, i, hex) !== 0 || buffer[hex + 64] !== 0x22) return undefined;
  return { position, hex };
}

const nibble = (c) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -256);
// whether the 64 lower-case hex digits at buffer[at..] are these 32 bytes
function hexIs(buffer, at, bytes) {
  for (let i = 0; i < 32; i++) if (((nibble(buffer[at + 2 * i]) << 4) | nibble(buffer[at + 2 * i + 1])) !== bytes[i]) return false;
  return true;
}

// SHA-256(0x00 || line) of each line of a chunk (bounds: start and end of each line), 32 bytes a line. The byte
// before each line (its newline, or the chunk's spare first byte) is set to 0x00 for the hash and put back, so no
// line is copied; nothing else reads the chunk meanwhile.
function leafHashes(buffer, bounds) {
  const leaves = Buffer.allocUnsafeSlow(16 * bounds.length);
  for (let i = 0; i < bounds.length; i += 2) {
    const before = bounds[i] - 1;
    const kept = buffer[before];
    buffer[before] = 0x00;
    oneShot(buffer.subarray(before, bounds[i + 1])).copy(leaves, 16 * i);
    buffer[before] = kept;
  }
  return leaves;
}

// ---------- the walk ----------

async function verify(o) {
  let vkey;
  const witnesses = { keys: [], quorum: o.quorum };
  const keyText = (text) => (text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text);
  try {
    vkey = o.vkey && parseVkey(keyText(o.vkey));
    witnesses.keys = o.witnessKeys.map((text) => parseVkey(keyText(text), 0x04));
  } catch (error) {
    usage(error.message);
  }
  const digest = o.digest ? /^(\d+):([0-9a-f]{64})$/.exec(o.digest) : null;
  if (o.digest && !digest) usage('the digest must be <position>:<64 hex digits>');
  const origin = o.origin || (vkey && vkey.name);
  const read = vkey ? readCheckpoints(o.checkpoints, vkey, origin, witnesses) : { checkpoints: [] };
  if (read.refused) return { intact: false, checked: 0, refused: read.refused, ...(read.misbehaviour ? { misbehaviour: read.misbehaviour } : {}) };
  if (o.bundle) return verifyBundle(o.bundle, vkey, origin, witnesses, read.checkpoints);
  const checkpoints = read.checkpoints;
  let next = 0; // the next checkpoint to reach

  const tree = new Tree();
  // the last entry: its position and hash (format 2: the leaf hash; format 1: the hash it carries), as bytes
  let previous = { position: 0, hash: Buffer.alloc(32) };
  let signedUpTo = 0;
  let digestSeen = false;
  const digestHash = digest && Buffer.from(digest[2], 'hex');
  const broken = (position, reason) => ({ intact: false, checked: tree.size, signedUpTo, firstBroken: { position, line: position, reason } });
  // The first checkpoint the export contradicts. The walk goes on past it: a larger checkpoint that the export
  // matches would prove that the log signed two trees no one history has.
  let contradicted;

  const entry = (buffer, start, end, leafOfLine) => {
    const expected = previous.position + 1;
    let position;
    let namesPrevious; // whether the entry names the previous entry's hash
    let namedHash; // the previous hash it names, for the message
    let hash;
    let leaf;
    if (startsWith(buffer, start, end, V2_START)) {
      const fields = fieldsV2(buffer, start, end);
      if (!fields) return broken(expected, `line ${expected} is not a format-2 entry`);
      position = fields.position;
      namesPrevious = hexIs(buffer, fields.hex, previous.hash);
      namedHash = () => buffer.toString('latin1', fields.hex, fields.hex + 64);
      leaf = leafOfLine;
      hash = leaf;
    } else if (startsWith(buffer, start, end, V1_START)) {
      let e;
      try {
        e = JSON.parse(buffer.toString('utf8', start, end));
      } catch {
        return broken(expected, `line ${expected} is not JSON`);
      }
      if (e.format !== 1 || !e.event || !/^[0-9a-f]{64}$/.test(e.hash) || !/^[0-9a-f]{64}$/.test(e.previousHash)) return broken(expected, `line ${expected} is not a format-1 entry`);
      position = e.position;
      namesPrevious = e.previousHash === previous.hash.toString('hex');
      namedHash = () => e.previousHash;
      const data = e.event.data;
      if (e.type !== e.event.type) return broken(position, `position ${position}: its type is not its event's`);
      if (e.deploymentId !== (data && typeof data.deploymentId === 'string' ? data.deploymentId : null)) return broken(position, `position ${position}: its deployment id is not its event's`);
      const recomputed = crypto.createHash('sha256').update(e.previousHash + canonical({ position, topic: e.topic, event: e.event, recordedAt: e.recordedAt })).digest('hex');
      if (recomputed !== e.hash) return broken(position, `position ${position}: content does not match its hash`);
      hash = Buffer.from(e.hash, 'hex');
      leaf = leafOfLine;
    } else return broken(expected, `line ${expected} is not a ledger entry (format 1 or 2)`);

    if (position !== expected) {
      return broken(expected, expected === 1 ? `the export starts at position ${position}, not at genesis (position 1): export the ledger from the start` : `position ${position} does not follow ${previous.position}`);
    }
    if (!namesPrevious) {
      if (position === 1) return broken(1, `position 1 names the previous hash ${namedHash()}, not the genesis hash`);
      // the entry before no longer hashes to what this one names: unless a checkpoint vouched for it, it is the first
      // entry not vouched for
      return previous.position > signedUpTo
        ? broken(previous.position, `position ${previous.position}: content does not match the hash position ${position} names`)
        : broken(position, `position ${position} does not name the hash of position ${previous.position}, which the checkpoint of size ${signedUpTo} vouches for`);
    }
    tree.push(leaf);
    while (next < checkpoints.length && checkpoints[next].size === tree.size) {
      const checkpoint = checkpoints[next++];
      const matches = tree.root().equals(checkpoint.root);
      if (!matches && !contradicted) {
        contradicted = { checkpoint, result: broken(signedUpTo + 1, `the entries from position ${signedUpTo + 1} to ${checkpoint.size} are not those the checkpoint of size ${checkpoint.size} signed (${checkpoint.source})`) };
      } else if (matches && contradicted) {
        const [a, b] = [contradicted.checkpoint, checkpoint];
        const reason = `proof of misbehaviour: the log signed the checkpoint of size ${a.size} (${a.source}) and the one of size ${b.size} (${b.source}), which no one history has: the export's first ${b.size} entries have the root of the one, their first ${a.size} not the root of the other`;
        return { ...contradicted.result, misbehaviour: { proof: 'inconsistent checkpoints', checkpoints: [a.source, b.source], reason } };
      } else if (!contradicted) signedUpTo = checkpoint.size;
    }
    if (digest && position === Number(digest[1])) {
      if (!hash.equals(digestHash)) return broken(position, `position ${position} has another hash than the digest`);
      digestSeen = true;
    }
    previous = { position, hash };
    return undefined;
  };

  const failure = await eachLine(o.file, (...line) => {
    const brokenHere = entry(...line);
    return brokenHere && (brokenHere.misbehaviour || !contradicted ? brokenHere : contradicted.result);
  }, o.threads, o.chunkBytes);
  if (failure) return failure;
  if (contradicted) return contradicted.result;
  if (next < checkpoints.length) {
    const beyond = checkpoints[checkpoints.length - 1];
    return broken(previous.position + 1, `the export ends at position ${previous.position}, but the checkpoint of size ${beyond.size} signed entries up to ${beyond.size} (${beyond.source})`);
  }
  if (digest && !digestSeen) return broken(previous.position + 1, `the export does not reach the digest's position ${digest[1]}`);
  if (o.allSigned && signedUpTo < previous.position) return broken(signedUpTo + 1, `no checkpoint given covers the entries from position ${signedUpTo + 1} to ${previous.position}`);
  const last = { position: previous.position, hash: previous.hash.toString('hex') };
  return { intact: true, checked: tree.size, last, root: tree.root().toString('base64'), signedUpTo, checkpoints: checkpoints.length };
}

// ---------- a deployment bundle ----------

const BUNDLE_FORMAT = 'gantry.deployment-bundle.v1';
const HEX_HASH = /^[0-9a-f]{64}$/;

// RFC 9162 §2.1.3.2: the root an inclusion path leads to from the leaf at `index` of a tree of `size` leaves, or
// undefined when the path has a hash too many or too few for that leaf
function rootFromInclusion(index, size, leaf, path) {
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

// What is wrong with one entry of a bundle, given the checkpoint (size, root): its bytes against the leaf hash and
// the deployment, a format-1 entry's own hash, and its inclusion path against the signed root.
function bundleEntryProblem(item, bundle, checkpoint) {
  const position = item.position;
  if (typeof item.entry !== 'string') return 'it has no entry bytes';
  let fields;
  try {
    fields = JSON.parse(item.entry);
  } catch {
    return 'its bytes are not JSON';
  }
  if (fields === null || typeof fields !== 'object' || fields.position !== position) return `its bytes say position ${fields && fields.position}`;
  if (fields.deploymentId !== bundle.deploymentId) {
    return `its bytes file it under deployment ${JSON.stringify(fields.deploymentId)}, not ${JSON.stringify(bundle.deploymentId)}: an entry moved, or one of another deployment`;
  }
  if (fields.format === 1) {
    const event = fields.event || {};
    const data = event.data;
    if (fields.type !== event.type) return "its type is not its event's";
    if (fields.deploymentId !== (data && typeof data.deploymentId === 'string' ? data.deploymentId : null)) return "its deployment id is not its event's";
    const recomputed = crypto.createHash('sha256').update(fields.previousHash + canonical({ position, topic: fields.topic, event, recordedAt: fields.recordedAt })).digest('hex');
    if (recomputed !== fields.hash) return 'content does not match its hash';
  } else if (fields.format !== 2) return `its bytes are of format ${fields.format}, not 1 or 2`;
  const leaf = oneShot(Buffer.concat([Buffer.from([0x00]), Buffer.from(item.entry, 'utf8')]));
  if (item.leafHash !== undefined && item.leafHash !== leaf.toString('hex')) return 'its bytes do not hash to the leaf hash the bundle gives: the entry was edited';
  if ((item.leafIndex !== undefined && item.leafIndex !== position - 1) || (item.treeSize !== undefined && item.treeSize !== checkpoint.size)) {
    return `its proof is for leaf ${item.leafIndex} of a tree of ${item.treeSize}, not leaf ${position - 1} of the checkpoint's ${checkpoint.size}`;
  }
  if (position > checkpoint.size) return `it is not in the tree of ${checkpoint.size} entries the checkpoint signed`;
  if (!Array.isArray(item.hashes) || !item.hashes.every((h) => typeof h === 'string' && HEX_HASH.test(h))) return 'its inclusion proof is not a list of 64-hex-digit hashes';
  const root = rootFromInclusion(position - 1, checkpoint.size, leaf, item.hashes.map((h) => Buffer.from(h, 'hex')));
  if (!root || !root.equals(checkpoint.root)) return `its inclusion proof does not lead to the root the checkpoint of size ${checkpoint.size} signed: the entry is not the one the log signed`;
  return undefined;
}

// A deployment's bundle (docs/ledger.md, "Deployment bundles"): one checkpoint, opened with the configured key and
// origin only, and every entry in it. A bundle cannot show that no entry of the deployment was left out: only a full
// export can.
function verifyBundle(file, vkey, origin, witnesses, held) {
  let bundle;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { intact: false, checked: 0, firstBroken: { position: null, reason: `the bundle is not JSON: ${error.message}` } };
  }
  const entries = bundle && Array.isArray(bundle.entries) ? bundle.entries : [];
  const first = entries.length > 0 && Number.isSafeInteger(entries[0].position) ? entries[0].position : null;
  const broken = (position, checked, reason) => ({ intact: false, checked, firstBroken: { position, reason } });
  if (!bundle || bundle.format !== BUNDLE_FORMAT) return broken(null, 0, `not a deployment bundle of format ${BUNDLE_FORMAT}`);
  if (typeof bundle.deploymentId !== 'string' || entries.length === 0) return broken(first, 0, 'the bundle names no deployment, or holds no entry');
  if (bundle.origin !== origin) return broken(first, 0, `the bundle is of origin "${bundle.origin}", not "${origin}"`);
  const opened = typeof bundle.checkpoint === 'string' ? openCheckpoint(bundle.checkpoint, vkey, origin, witnesses) : { reason: 'is missing' };
  if (!opened.checkpoint) return broken(first, 0, `the bundle's checkpoint ${opened.reason}`);
  const checkpoint = opened.checkpoint;
  if (bundle.treeSize !== checkpoint.size) return broken(first, 0, `the bundle says tree size ${bundle.treeSize}, its checkpoint ${checkpoint.size}`);
  const same = held.find((c) => c.size === checkpoint.size);
  if (same && !same.root.equals(checkpoint.root)) {
    const reason = `split view: the log signed two roots for tree size ${checkpoint.size} (the bundle's and ${same.source}), proof that it lied to someone`;
    return { ...broken(first, 0, reason), misbehaviour: { proof: 'split view', checkpoints: [file, same.source], reason: `proof of misbehaviour: ${reason}` } };
  }
  let previous = 0;
  for (const [checked, item] of entries.entries()) {
    const position = item && item.position;
    if (!Number.isSafeInteger(position) || position < 1) return broken(previous + 1, checked, `entry ${checked + 1} of the bundle has no position`);
    if (position <= previous) return broken(position, checked, `position ${position} comes after ${previous}: a bundle lists each entry once, in position order`);
    const problem = bundleEntryProblem(item, bundle, checkpoint);
    if (problem) return broken(position, checked, `position ${position}: ${problem}`);
    previous = position;
  }
  return { intact: true, deploymentId: bundle.deploymentId, checked: entries.length, treeSize: checkpoint.size, positions: entries.map((e) => e.position) };
}

// The file's complete lines, chunk by chunk: { buffer, bounds }, bounds the start and end of each non-empty line
// (without its newline); buffer[0] is spare. The buffers are shared with the workers, and taken from `pool` (a chunk
// is given back once walked).
function* chunks(file, pool, CHUNK) {
  const fd = openSync(file, 'r');
  try {
    let carry = Buffer.alloc(0); // an unfinished line
    for (;;) {
      let buffer = pool.pop();
      if (!buffer || buffer.length < 1 + carry.length + CHUNK) buffer = Buffer.from(new SharedArrayBuffer(1 + carry.length + CHUNK));
      carry.copy(buffer, 1);
      const read = readSync(fd, buffer, 1 + carry.length, CHUNK, null);
      const end = 1 + carry.length + read;
      const bounds = [];
      let start = 1;
      for (;;) {
        const newline = buffer.indexOf(0x0a, start);
        if (newline < 0 || newline >= end) break;
        if (newline > start) bounds.push(start, newline);
        start = newline + 1;
      }
      if (read === 0 && end > start) bounds.push(start, end);
      carry = read === 0 ? carry : Buffer.from(buffer.subarray(start, end));
      yield { buffer, bounds: Int32Array.from(bounds) };
      if (read === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

// Calls `entry(buffer, start, end, leaf)` with each non-empty line and its leaf hash, in order; stops at the first
// failure it returns. The leaf hashes (most of the work) are computed by `threads` workers, a chunk each, while this
// thread walks the chain and the tree over the chunk before.
async function eachLine(file, entry, threads, chunkBytes) {
  const workers = Array.from({ length: threads }, () => new Worker(__filename));
  const waiting = new Map();
  let sent = 0;
  let failed;
  for (const worker of workers) {
    worker.on('message', ({ id, leaves }) => (waiting.get(id).resolve(Buffer.from(leaves)), waiting.delete(id)));
    worker.on('error', (error) => ((failed = error), waiting.forEach((w) => w.reject(error))));
  }
  const hashed = (chunk) => {
    if (workers.length === 0) return Promise.resolve({ ...chunk, leaves: leafHashes(chunk.buffer, chunk.bounds) });
    if (failed) return Promise.reject(failed);
    const id = sent++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve: (leaves) => resolve({ ...chunk, leaves }), reject });
      workers[id % workers.length].postMessage({ id, bytes: chunk.buffer.buffer, bounds: chunk.bounds });
    });
  };
  const pool = [];
  const walk = ({ buffer, bounds, leaves }) => {
    for (let i = 0; i < bounds.length; i += 2) {
      const failure = entry(buffer, bounds[i], bounds[i + 1], leaves.subarray(16 * i, 16 * i + 32));
      if (failure) return failure;
    }
    pool.push(buffer);
    return undefined;
  };
  try {
    const inFlight = [];
    for (const chunk of chunks(file, pool, chunkBytes)) {
      inFlight.push(hashed(chunk));
      if (inFlight.length > workers.length) {
        const failure = walk(await inFlight.shift());
        if (failure) return failure;
      }
    }
    while (inFlight.length > 0) {
      const failure = walk(await inFlight.shift());
      if (failure) return failure;
    }
    return undefined;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

// `gantry audit verify` (libs/cli) calls these: one offline verifier, not two
module.exports = { options, verify };
if (!isMainThread) {
  parentPort.on('message', ({ id, bytes, bounds }) => {
    const leaves = leafHashes(Buffer.from(bytes), bounds);
    parentPort.postMessage({ id, leaves: leaves.buffer }, [leaves.buffer]);
  });
} else if (require.main === module) {
  verify(options(process.argv.slice(2))).then((result) => {
    console.log(JSON.stringify(result));
    process.exit(result.intact ? 0 : 1);
  });
}
