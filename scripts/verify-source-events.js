#!/usr/bin/env node
// Verifies a Gantry service's event-store export offline against the ledger, with no Gantry code, no database and no
// network: only the two exports (and, to check the ledger export too, the log's key and checkpoints). Written from
// docs/source-events.md.
//
//   node scripts/verify-source-events.js <events.ndjson> --service <name> --ledger <ledger.ndjson>
//        [--vkey <vkey | @file> [--origin <origin>] [--checkpoint <file>]… [--checkpoints <dir>]]
//
// <events.ndjson> is GET /event-stores/<service>/export, <ledger.ndjson> GET /audit/export?format=ndjson, taken
// before it (the ledger only holds events the store had). The verifier:
//  - recomputes every stream's hash chain from genesis: versions 1, 2, 3… with no gap, each event naming the hash of
//    the one before (the first: 64 zeros), each hash sha256(previousHash + canonical JSON of the hashed members);
//  - looks up each event in the ledger by its id among the entries from /gantry/<service>, and requires the hash,
//    stream, version and type the ledger recorded (the entries' bytes hold them, under the ledger's own hash);
//  - names every entry of the ledger from the service whose event the store export lacks (deleted).
// With --vkey the ledger export is first verified by scripts/verify-ledger-export.js against the checkpoints given;
// without, it is taken as it is (say so to whoever reads the result: `ledgerVerified`).
// Exit 0 = nothing contradicts the ledger, 1 = broken (firstBroken names the event and the ledger position), 2 = usage.
'use strict';
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { createReadStream } = require('node:fs');
const { join } = require('node:path');
const { createInterface } = require('node:readline');

const GENESIS = '0'.repeat(64);
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'];

function usage(message) {
  if (message) console.error(message);
  console.error('usage: verify-source-events.js <events.ndjson> --service <name> --ledger <ledger.ndjson> [--vkey <vkey | @file> [--origin <origin>] [--checkpoint <file>]… [--checkpoints <dir>]]');
  process.exit(2);
}

function options(argv) {
  const o = { file: undefined, service: undefined, ledger: undefined, ledgerArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--service') o.service = value();
    else if (arg === '--ledger') o.ledger = value();
    else if (['--vkey', '--origin', '--checkpoint', '--checkpoints'].includes(arg)) o.ledgerArgs.push(arg, value());
    else if (arg.startsWith('--') || o.file) usage(`unknown argument ${arg}`);
    else o.file = arg;
  }
  if (!o.file || !o.ledger) usage();
  if (!SERVICES.includes(o.service)) usage(`--service is one of ${SERVICES.join(', ')}`);
  if (o.ledgerArgs.length > 0 && !o.ledgerArgs.includes('--vkey')) usage('checkpoints are verified only with a key you configure: give --vkey');
  return o;
}

// Canonical JSON (RFC 8785 key order: UTF-16 code units; no whitespace; members that are undefined left out).
function canonical(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

async function* lines(file) {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    n++;
    if (line.length > 0) yield { n, line };
  }
}

// The ledger's record of each event of the service, by event id: what the entry's bytes say of it. Format 2 holds it
// in members of its own; format 1 holds the whole event (its eventhash, when it was published with one).
async function ledgerRecords(file, service) {
  const source = `/gantry/${service}`;
  const records = new Map();
  for await (const { n, line } of lines(file)) {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      return { refused: `ledger line ${n} is not JSON` };
    }
    const record =
      e.format === 2
        ? e.metadata && e.metadata.source === source && { type: e.type, stream: e.stream, streamVersion: e.streamVersion, hash: e.sourceEventHash, id: e.sourceEventId }
        : e.format === 1
          ? e.event && e.event.source === source && { type: e.event.type, stream: e.event.subject ?? null, streamVersion: e.event.streamversion ?? null, hash: e.event.eventhash ?? null, id: e.event.id }
          : undefined;
    if (record === undefined) return { refused: `ledger line ${n} is not a ledger entry (format 1 or 2)` };
    if (record) records.set(String(record.id).toLowerCase(), { ...record, position: e.position });
  }
  return { records };
}

function verifyLedgerExport(o) {
  if (o.ledgerArgs.length === 0) return undefined;
  const run = spawnSync(process.execPath, [join(__dirname, 'verify-ledger-export.js'), o.ledger, ...o.ledgerArgs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status === 2) usage(run.stderr.trim());
  return JSON.parse(run.stdout);
}

// `Deployment-<uuid>` → `<uuid>`: the stream as the CloudEvent's subject names it
const subjectOf = (streamId) => (streamId.indexOf('-') < 0 ? streamId : streamId.slice(streamId.indexOf('-') + 1));

async function verify(o) {
  const ledger = verifyLedgerExport(o);
  if (ledger && !ledger.intact) return { intact: false, checked: 0, ledgerVerified: false, ledger };
  const read = await ledgerRecords(o.ledger, o.service);
  if (read.refused) return { intact: false, checked: 0, refused: read.refused };
  const records = read.records;
  const heads = new Map(); // stream id → { version, hash } of its last event so far
  const result = { intact: true, checked: 0, matched: 0, notComparable: 0, notInLedger: 0, ledgerVerified: Boolean(ledger) };
  const broken = (event, reason, ledgerPosition) => ({
    ...result,
    intact: false,
    firstBroken: { eventId: event.id, streamId: event.streamId, streamVersion: event.streamVersion, position: event.position, ...(ledgerPosition ? { ledgerPosition } : {}), reason },
  });
  for await (const { n, line } of lines(o.file)) {
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      return { ...result, intact: false, firstBroken: { line: n, reason: `line ${n} is not JSON` } };
    }
    const { id, streamId, streamType, streamVersion, type, schemaVersion, data, metadata, recordedAt, previousHash, hash } = event;
    if (typeof id !== 'string' || typeof streamId !== 'string' || !Number.isInteger(streamVersion) || typeof previousHash !== 'string' || typeof hash !== 'string') {
      return { ...result, intact: false, firstBroken: { line: n, reason: `line ${n} is not an exported event` } };
    }
    result.checked++;
    const head = heads.get(streamId) || { version: 0, hash: GENESIS };
    if (streamVersion !== head.version + 1) return broken(event, `stream version ${streamVersion} where ${head.version + 1} was expected: events are missing or out of place`);
    if (previousHash !== head.hash) return broken(event, `previousHash is not the hash of the ${head.version === 0 ? 'genesis' : 'event before it'}`);
    const content = sha256(previousHash + canonical({ id, streamId, streamType, streamVersion, type, schemaVersion, data, metadata, recordedAt }));
    if (content !== hash) return broken(event, `its content does not match its hash`);
    heads.set(streamId, { version: streamVersion, hash });

    const record = records.get(id.toLowerCase());
    if (!record) {
      result.notInLedger++;
      continue;
    }
    records.delete(id.toLowerCase());
    const fullType = `gantry.${o.service}.${type}.v${schemaVersion}`;
    if (record.type !== fullType) return broken(event, `the ledger recorded type ${record.type}, the store holds ${fullType}`, record.position);
    if (record.stream !== subjectOf(streamId)) return broken(event, `the ledger recorded stream ${record.stream}, the store holds ${subjectOf(streamId)}`, record.position);
    if (record.streamVersion !== null && record.streamVersion !== streamVersion) return broken(event, `the ledger recorded stream version ${record.streamVersion}, the store holds ${streamVersion}`, record.position);
    if (record.hash === null) result.notComparable++;
    else if (record.hash !== hash) return broken(event, `the ledger recorded hash ${record.hash}, the store holds ${hash}: the event was rewritten after it was published`, record.position);
    else result.matched++;
  }
  const missing = [...records.values()].sort((a, b) => a.position - b.position);
  if (missing.length > 0) {
    const first = missing[0];
    return {
      ...result,
      intact: false,
      missingFromStore: missing.length,
      firstBroken: { eventId: first.id, streamId: null, stream: first.stream, streamVersion: first.streamVersion, ledgerPosition: first.position, reason: `the ledger recorded this event from ${o.service} at position ${first.position}; the store export lacks it` },
    };
  }
  return result;
}

verify(options(process.argv.slice(2))).then((result) => {
  console.log(JSON.stringify(result));
  process.exit(result.intact ? 0 : 1);
});
