import { open, mkdir, rename } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigurationError } from '@gantry/platform';
import type { Destination } from '../deliveries';
import type { StoredCheckpoint } from './ledger-checkpoints';

/**
 * Where, besides gantry.ledger.checkpoints.v1, the operator has every checkpoint delivered: a directory (a mounted
 * volume, a folder another system copies off the host) and an HTTP endpoint (a witness, an archive, the ITSM suite).
 */
export interface CheckpointDeliveryPolicy {
  /** each checkpoint as `<treeSize>.checkpoint`, the signed note, what the offline verifier's `--checkpoint` takes */
  directory?: string;
  /** each checkpoint POSTed as `text/plain`, the signed note, until a 2xx answers */
  url?: string;
}

/** From GANTRY_LEDGER_CHECKPOINT_DIR and GANTRY_LEDGER_CHECKPOINT_URL; both unset: the topic alone. */
export function checkpointDeliveryPolicyFromEnv(env: NodeJS.ProcessEnv): CheckpointDeliveryPolicy {
  const directory = env.GANTRY_LEDGER_CHECKPOINT_DIR || undefined;
  const url = env.GANTRY_LEDGER_CHECKPOINT_URL || undefined;
  if (url !== undefined) {
    const problem = urlProblem(url);
    if (problem) throw new ConfigurationError(`GANTRY_LEDGER_CHECKPOINT_URL "${url}" ${problem}`);
  }
  return { ...(directory === undefined ? {} : { directory: resolve(directory) }), ...(url === undefined ? {} : { url }) };
}

function urlProblem(raw: string): string | undefined {
  if (!URL.canParse(raw)) return 'is not a URL';
  const { protocol } = new URL(raw);
  return protocol === 'http:' || protocol === 'https:' ? undefined : `must be http or https, not ${protocol}`;
}

/** One place checkpoints are delivered to: named without its query or credentials. */
export type CheckpointDestination = Destination<StoredCheckpoint>;

/**
 * Writes `<treeSize>.checkpoint` through a temporary file, flushed, then renamed: a reader sees the whole note or no
 * file. Writing one again writes the same note.
 */
export function directoryDestination(directory: string): CheckpointDestination {
  if (!isAbsolute(directory)) throw new ConfigurationError(`the checkpoint directory must be an absolute path, got "${directory}"`);
  return {
    name: `directory:${directory}`,
    async deliver(checkpoint) {
      await mkdir(directory, { recursive: true });
      const file = join(directory, `${checkpoint.treeSize}.checkpoint`);
      const temporary = `${file}.${process.pid}.tmp`;
      const handle = await open(temporary, 'w', 0o644);
      try {
        await handle.writeFile(checkpoint.note, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    },
  };
}

/** How long one POST may take before it counts as failed. */
const POST_TIMEOUT_MS = 10_000;

/**
 * POSTs the note as `text/plain; charset=utf-8`; any 2xx is a delivery, anything else (or no answer in 10 s) is not.
 * Credentials in the URL (`https://user:password@host/…`) go as HTTP Basic authorization.
 */
export function httpDestination(url: string): CheckpointDestination {
  const problem = urlProblem(url);
  if (problem) throw new ConfigurationError(`the checkpoint endpoint "${url}" ${problem}`);
  const target = new URL(url);
  const { origin, pathname, username, password } = target;
  const authorization = username || password ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString('base64')}` } : {};
  target.username = target.password = '';
  return {
    name: `url:${origin}${pathname}`,
    async deliver(checkpoint, signal) {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8', ...authorization },
        body: checkpoint.note,
        signal: AbortSignal.any([signal, AbortSignal.timeout(POST_TIMEOUT_MS)]),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${origin}${pathname} answered ${response.status} to the checkpoint of size ${checkpoint.treeSize}`);
    },
  };
}

export const destinationsOf = (policy: CheckpointDeliveryPolicy): CheckpointDestination[] => [
  ...(policy.directory === undefined ? [] : [directoryDestination(policy.directory)]),
  ...(policy.url === undefined ? [] : [httpDestination(policy.url)]),
];
