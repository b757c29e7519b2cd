#!/usr/bin/env node
// Verifies a Gantry ledger export (NDJSON from GET /audit/export?format=ndjson) offline, without Gantry's code:
//   node scripts/verify-ledger-export.js export.ndjson [--digest <position>:<hash>]
// Each line is an entry's bytes (docs/ledger.md). Format 2: the entry's hash is SHA-256(0x00 || the line's bytes);
// format 1 (entries written before the upgrade): its hash is sha256(previousHash + canonical JSON of {position,
// topic, event, recordedAt}) and its type and deployment id are the event's. Each line must name the previous line's
// hash, the first one the genesis hash, and positions must follow each other from 1. With --digest, the export must
// contain the kept head with the same hash. Exit 0 = intact, 1 = broken (the first broken line is named).
'use strict';
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');

// Canonical JSON (RFC 8785 key order: UTF-16 code units; no whitespace), written independently of Gantry's own.
function canonical(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

const GENESIS = '0'.repeat(64);

async function main() {
  const [file, flag, digestText] = process.argv.slice(2);
  if (!file || (flag && flag !== '--digest')) {
    console.error('usage: verify-ledger-export.js <export.ndjson> [--digest <position>:<hash>]');
    process.exit(2);
  }
  const digest = digestText ? /^(\d+):([0-9a-f]{64})$/.exec(digestText) : null;
  if (digestText && !digest) {
    console.error('the digest must be <position>:<64 hex digits>');
    process.exit(2);
  }
  let previous = null;
  let lines = 0;
  let digestSeen = false;
  const fail = (line, reason) => {
    console.log(JSON.stringify({ intact: false, checked: lines, firstBroken: { line, reason } }));
    process.exit(1);
  };
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (text.trim() === '') continue;
    let entry;
    try {
      entry = JSON.parse(text);
    } catch {
      fail(lines + 1, 'not JSON');
    }
    const { format, position, previousHash } = entry;
    if (!previous && position !== 1) fail(lines + 1, `the export starts at position ${position}, not at genesis (position 1): export the ledger from the start`);
    if (!previous && previousHash !== GENESIS) fail(lines + 1, `position 1 names the previous hash ${previousHash}, not the genesis hash`);
    if (previous && position !== previous.position + 1) fail(lines + 1, `position ${position} does not follow ${previous.position}`);
    // the entry before no longer hashes to what this one names: the first entry not vouched for is that one
    if (previous && previousHash !== previous.hash) fail(lines, `position ${previous.position}: content does not match the hash position ${position} names`);
    let hash;
    if (format === 2) hash = createHash('sha256').update(Buffer.from([0])).update(text, 'utf8').digest('hex');
    else if (format === 1) {
      const { topic, event, recordedAt } = entry;
      const data = event && event.data;
      if (entry.type !== event.type) fail(lines + 1, `position ${position}: its type is not its event's`);
      if (entry.deploymentId !== (data && typeof data.deploymentId === 'string' ? data.deploymentId : null)) fail(lines + 1, `position ${position}: its deployment id is not its event's`);
      hash = createHash('sha256').update(previousHash + canonical({ position, topic, event, recordedAt })).digest('hex');
      if (hash !== entry.hash) fail(lines + 1, `position ${position}: content does not match its hash`);
    } else fail(lines + 1, `position ${position}: unknown entry format ${JSON.stringify(format)}`);
    if (digest && position === Number(digest[1])) {
      if (hash !== digest[2]) fail(lines + 1, `position ${position} has another hash than the digest`);
      digestSeen = true;
    }
    previous = { position, hash };
    lines++;
  }
  if (digest && !digestSeen) fail(lines, `the export does not reach the digest's position ${digest[1]}`);
  console.log(JSON.stringify({ intact: true, checked: lines, last: previous }));
}

main();
