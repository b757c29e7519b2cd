// A witness of Gantry's ledger (c2sp.org/tlog-witness), run by an auditor or the ITSM side, outside Gantry:
//
//   npm run witness -- --log-key <vkey | @file> [--origin <origin>] --key-file <file> [--name <witness name>]
//                      --state <dir> [--host 127.0.0.1] [--port 0]
//
// It serves POST /add-checkpoint: it cosigns a checkpoint of the log only if the log key it was configured with
// signed it and a consistency proof shows it extends the last one it cosigned, which it keeps in --state (see
// witness-state.ts). Its own key (--key-file, a cosignature/v1 key in Go's PRIVATE+KEY+ form) is made on the first
// run when the file is absent. It prints one JSON line when it listens: its URL (the port it got for --port 0), its
// name and verifier key, the logs it follows and the latest size it cosigned of each. Exit 2 on a usage or
// configuration error. Built, it needs nothing but Node: dist/scripts/witness.js, witness-state.js and
// dist/libs/transparency-log/ (docs/ledger.md, "Witnesses").
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addCheckpoint, generateKeyPair, MAX_NOTE_BYTES, parseAddCheckpointRequest, parseVerifierKey, readSigningKeyFile, type FollowedLog, type SigningKey } from '@gantry/transparency-log';
import { WitnessState } from './witness-state';

const USAGE = 'usage: npm run witness -- --log-key <vkey | @file> [--origin <origin>] --key-file <file> [--name <witness name>] --state <dir> [--host 127.0.0.1] [--port 0]';
/** the largest body: a note of MAX_NOTE_BYTES and 63 proof lines, with room to spare */
const MAX_BODY_BYTES = MAX_NOTE_BYTES + 64 * 64;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

interface Options {
  logKeys: string[];
  origin?: string;
  keyFile: string;
  name: string;
  state: string;
  host: string;
  port: number;
}

function options(argv: readonly string[]): Options {
  const o: Partial<Options> & { logKeys: string[] } = { logKeys: [], name: 'gantry.local/witness', host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => (i + 1 < argv.length ? argv[++i]! : fail(`${arg} needs a value`));
    if (arg === '--log-key') o.logKeys.push(value());
    else if (arg === '--origin') o.origin = value();
    else if (arg === '--key-file') o.keyFile = value();
    else if (arg === '--name') o.name = value();
    else if (arg === '--state') o.state = value();
    else if (arg === '--host') o.host = value();
    else if (arg === '--port') {
      o.port = Number(value());
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) fail('--port is a port number, 0 for one the system picks');
    } else fail(`unknown argument ${arg}`);
  }
  if (o.logKeys.length === 0 || !o.keyFile || !o.state) fail('--log-key, --key-file and --state are required');
  return o as Options;
}

/** The log this witness follows: its origin (default: the log key's name) and its Ed25519 keys, as configured. */
function followedLog(o: Options): FollowedLog {
  const logKeys = o.logKeys.map((text) => {
    const key = parseVerifierKey((text.startsWith('@') ? readText(text.slice(1)) : text).trim());
    if (!key.ok) fail(`--log-key: ${key.reason}`);
    if (key.value.type !== 'ed25519') fail(`--log-key: ${key.value.name} is a ${key.value.type} key; a log signs its checkpoints with an Ed25519 key`);
    return key.value;
  });
  return { origin: o.origin ?? logKeys[0]!.name, logKeys };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(`${file} cannot be read: ${(error as Error).message}`);
  }
}

/** The witness's cosignature/v1 key; made (and kept, readable by its owner only) on the first run. */
async function witnessKey(o: Options): Promise<SigningKey> {
  if (!existsSync(o.keyFile)) writeFileSync(o.keyFile, `${generateKeyPair(o.name, 'cosignature/v1').signingKey}\n`, { mode: 0o600, flag: 'wx' });
  const key = await readSigningKeyFile(o.keyFile, { type: 'cosignature/v1' });
  if (!key.ok) fail(`--key-file: ${key.reason}`);
  return key.value;
}

const seconds = () => Math.floor(Date.now() / 1000);

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    request.on('error', rejectBody);
  });
}

const answer = (response: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8') => {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
};

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const log = followedLog(o);
  const key = await witnessKey(o);
  const opened = WitnessState.open(o.state, [log]);
  if (!opened.ok) fail(`--state: ${opened.reason}. The witness would forget or contradict what it cosigned; it does not start.`);
  const state = opened.value;
  const say = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

  // one request at a time: the check against the latest cosigned checkpoint and its replacement are atomic
  let queue: Promise<unknown> = Promise.resolve();
  const addCheckpointDoor = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    if (!body) return answer(response, 413, `the request is larger than ${MAX_BODY_BYTES} bytes\n`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return answer(response, 400, 'the request is not UTF-8\n');
    }
    const parsed = parseAddCheckpointRequest(text);
    if (!parsed.ok) return answer(response, 400, `${parsed.reason}\n`);
    const decided = queue.then(() => {
      const outcome = addCheckpoint(parsed.value, { key, logs: [log] }, (origin) => state.latestCosigned(origin), seconds());
      if (outcome.status === 200) state.remember(outcome.origin, outcome.latest);
      else if ('splitView' in outcome || outcome.status === 422) say(`kept as evidence: ${state.keepRefused(log.origin, seconds(), text)}`);
      return outcome;
    });
    queue = decided.catch(() => undefined);
    const outcome = await decided;
    if (outcome.status === 200) {
      say(`cosigned ${outcome.origin} at size ${outcome.latest.size}`);
      return answer(response, 200, outcome.cosignature);
    }
    say(`refused (${outcome.status}): ${outcome.reason}`);
    if (outcome.status === 409) return answer(response, 409, `${outcome.latestSize}\n`, 'text/x.tlog.size');
    return answer(response, outcome.status, `${outcome.reason}\n`);
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://witness').pathname;
    if (path !== '/add-checkpoint') return answer(response, 404, `no ${path} here: this witness serves POST /add-checkpoint\n`);
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return answer(response, 405, 'add-checkpoint is a POST\n');
    }
    addCheckpointDoor(request, response).catch((error: Error) => {
      say(`failed: ${error.stack ?? error.message}`);
      if (!response.headersSent) answer(response, 500, 'the witness could not keep its state; nothing was cosigned\n');
    });
  });
  server.listen(o.port, o.host, () => {
    const { port } = server.address() as AddressInfo;
    const host = o.host.includes(':') ? `[${o.host}]` : o.host;
    const logs = [{ origin: log.origin, logKeys: log.logKeys.map((k) => k.text), latestSize: state.latestCosigned(log.origin)?.size ?? 0 }];
    process.stdout.write(`${JSON.stringify({ url: `http://${host}:${port}`, name: key.name, verifierKey: key.verifierKey.text, logs })}\n`);
  });
  const stop = () => server.close(() => void queue.then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
