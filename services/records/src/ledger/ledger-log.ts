import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@gantry/event-store';
import { ConfigurationError, wholeNumberSetting, type GantryConfig } from '@gantry/platform';
import { generateKeyPair, keyNameProblem, readSigningKeyFile, type CheckpointTrust, type SigningKey } from '@gantry/transparency-log';
import { ledgerWitnessesFromEnv, type LedgerWitness } from './ledger-witnesses';

/**
 * The ledger as a transparency log: the name its checkpoints carry (the origin), the key that signs them, and when
 * they are made. Read once from the environment (the README's configuration table), like the other services'
 * policies; a test gives its own.
 */
export interface LedgerLogPolicy {
  /** the log's identity in every checkpoint, and the name of its key (c2sp.org/tlog-checkpoint) */
  origin: string;
  /** the Ed25519 signing key: Go's `PRIVATE+KEY+<origin>+…` text form, or PKCS #8 PEM (`openssl genpkey -algorithm ed25519`) */
  keyFile: string;
  /** a checkpoint at every tree size that is a multiple of this, made once the append that reaches it commits */
  checkpointEveryEntries: number;
  /** and every so many seconds when entries came since the last one (0: only by entries) */
  checkpointEverySeconds: number;
  /** the witnesses asked to cosign each new checkpoint (none when not given) */
  witnesses?: readonly LedgerWitness[];
}

export const DEFAULT_LEDGER_ORIGIN = 'gantry.local/ledger';

/** The key the embedded default makes on its first start, in its data directory. */
export const GENERATED_KEY_FILE = 'ledger-key';

/**
 * From GANTRY_LEDGER_ORIGIN (gantry.local/ledger), GANTRY_LEDGER_KEY_FILE, GANTRY_LEDGER_CHECKPOINT_ENTRIES (1000),
 * GANTRY_LEDGER_CHECKPOINT_SECONDS (10), GANTRY_LEDGER_WITNESSES (none). Without a key file, the embedded default
 * (one process, `standalone`) makes a key in its data directory on its first start, as it makes its development JWT
 * secret; records as its own service refuses to start: its replicas must share one key that the operator keeps, and a
 * key made on the fly would be lost with the container.
 */
export function ledgerLogPolicyFromEnv(env: NodeJS.ProcessEnv, config: Pick<GantryConfig, 'process' | 'dataDir'>): LedgerLogPolicy {
  const origin = env.GANTRY_LEDGER_ORIGIN || DEFAULT_LEDGER_ORIGIN;
  const problem = keyNameProblem(origin) ?? (origin.length > 255 ? 'it is longer than 255 characters' : undefined);
  if (problem) throw new ConfigurationError(`GANTRY_LEDGER_ORIGIN "${origin}" cannot name a log: ${problem}`);
  const configured = env.GANTRY_LEDGER_KEY_FILE || undefined;
  if (!configured && config.process !== 'standalone') {
    throw new ConfigurationError(
      'GANTRY_LEDGER_KEY_FILE is required when records runs as its own service: the Ed25519 key that signs the ledger\'s checkpoints, ' +
        'e.g. `openssl genpkey -algorithm ed25519 -out ledger-key.pem` (see docs/ledger.md). Keep it secret and the same for every replica.',
    );
  }
  return {
    origin,
    keyFile: configured ?? generatedKeyFile(config.dataDir, origin),
    checkpointEveryEntries: wholeNumberSetting(env, 'GANTRY_LEDGER_CHECKPOINT_ENTRIES', 1000, 1),
    checkpointEverySeconds: wholeNumberSetting(env, 'GANTRY_LEDGER_CHECKPOINT_SECONDS', 10, 0),
    ...witnessesOf(env),
  };
}

const witnessesOf = (env: NodeJS.ProcessEnv) => {
  const witnesses = ledgerWitnessesFromEnv(env.GANTRY_LEDGER_WITNESSES);
  return witnesses.length > 0 ? { witnesses } : {};
};

function generatedKeyFile(dataDir: string, origin: string): string {
  const file = join(dataDir, GENERATED_KEY_FILE);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${generateKeyPair(origin).signingKey}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/** The log's policy with its key read: what appends, the checkpoint timer and the doors share. */
export class LedgerLog {
  private readonly loading: Promise<SigningKey>;

  /**
   * @param outbox records' event store, where each checkpoint made is announced for gantry.ledger.checkpoints.v1
   *   (checkpoint-announcement.ts); without it (a ledger on its own, in tests) checkpoints are only stored
   */
  constructor(
    readonly schema: string,
    readonly policy: LedgerLogPolicy,
    readonly outbox?: EventStore,
  ) {
    this.loading = readSigningKeyFile(policy.keyFile, { name: policy.origin, type: 'ed25519' }).then((key) => {
      if (!key.ok) throw new ConfigurationError(`GANTRY_LEDGER_KEY_FILE: ${key.reason}`);
      return key.value;
    });
    // a key that cannot be read stops the service at start (LedgerCheckpointer.onModuleInit), not as an unhandled rejection
    this.loading.catch(() => undefined);
  }

  /** The tree sizes appends made a checkpoint due at; taken by the checkpointer once they commit. */
  private due: number[] = [];

  /** An entry was appended at `position` (should its transaction roll back, the checkpoint is of a smaller tree: no harm). */
  appended(position: number): void {
    if (position % this.policy.checkpointEveryEntries === 0) this.due.push(position);
  }

  /** The sizes made due since the last time this was asked. */
  takeDue(): number[] {
    return this.due.splice(0);
  }

  get origin(): string {
    return this.policy.origin;
  }

  signingKey(): Promise<SigningKey> {
    return this.loading;
  }

  /** What this log's own checkpoints are verified with: its origin and its key, never what a checkpoint says. */
  async trust(): Promise<CheckpointTrust> {
    return { origin: this.origin, logKeys: [(await this.loading).verifierKey] };
  }
}
