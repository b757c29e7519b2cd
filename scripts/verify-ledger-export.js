#!/usr/bin/env node
// Verifies a Gantry ledger export (NDJSON from GET /audit/export?format=ndjson) offline, without Gantry's code:
//   node scripts/verify-ledger-export.js export.ndjson [--digest <position>:<hash>]
// Each line's hash must equal sha256(previousHash + canonical JSON of {position, topic, event, recordedAt}), each line
// must name the previous line's hash, and positions must follow each other. With --digest, the export must contain
// the kept head and end the chain there with the same hash. Exit 0 = intact, 1 = broken (the first broken line is named).
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
    const { position, topic, event, recordedAt, previousHash, hash } = entry;
    if (previous && position !== previous.position + 1) fail(lines + 1, `position ${position} does not follow ${previous.position}`);
    if (previous && previousHash !== previous.hash) fail(lines + 1, `position ${position} does not name the previous hash`);
    const computed = createHash('sha256').update(previousHash + canonical({ position, topic, event, recordedAt })).digest('hex');
    if (computed !== hash) fail(lines + 1, `position ${position}: content does not match its hash`);
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
