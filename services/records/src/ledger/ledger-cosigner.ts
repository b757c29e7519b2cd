import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from '@gantry/event-store';
import { formatAddCheckpointRequest, parseNote, verifyCheckpoint } from '@gantry/transparency-log';
import { latestCheckpoint, type StoredCheckpoint } from './ledger-checkpoints';
import { latestCosignedSize, storeCosignature } from './ledger-cosignatures';
import type { LedgerLog } from './ledger-log';
import type { LedgerWitness } from './ledger-witnesses';
import { consistencyHashes } from './ledger-tree';

export type CosigningOutcome =
  | { witness: string; cosigned: number }
  | { witness: string; alreadyCosigned: number }
  | { witness: string; failed: string };

/** How long a witness has to answer, and how often one that did not is asked again when checkpoints come by entries only. */
const WITNESS_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_SECONDS = 10;

/**
 * Asks each configured witness to cosign the latest checkpoint (c2sp.org/tlog-witness add-checkpoint), away from the
 * appends: on a timer, every GANTRY_LEDGER_CHECKPOINT_SECONDS, so a checkpoint is cosigned within one period of being
 * made and a witness that did not answer is asked again at the next tick. The request proves consistency from the
 * largest size the witness cosigned (0 at first; on 409 from the size the witness says it holds). A cosignature is
 * stored only if it verifies with the witness key the operator configured.
 */
export class LedgerCosigner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('records.ledger');
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly log: LedgerLog,
  ) {}

  private get witnesses(): readonly LedgerWitness[] {
    return this.log.policy.witnesses ?? [];
  }

  onApplicationBootstrap(): void {
    if (this.witnesses.length === 0) return;
    const tick = () => void this.cosignNow().catch((error: Error) => this.logger.warn(`no cosignatures asked this time: ${error.message}`));
    this.timer = setInterval(tick, (this.log.policy.checkpointEverySeconds || DEFAULT_RETRY_SECONDS) * 1000).unref();
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort(new Error('records is stopping'));
    await this.running.catch(() => undefined);
  }

  /** Asks every witness that has not cosigned the latest checkpoint to cosign it; one round at a time. */
  cosignNow(): Promise<CosigningOutcome[]> {
    const round = this.running.then(async () => {
      const checkpoint = await latestCheckpoint(this.db, this.log.schema);
      if (!checkpoint) return [];
      const outcomes = await Promise.all(this.witnesses.map((witness) => this.ask(witness, checkpoint).catch((error: Error) => ({ witness: witness.key.name, failed: error.message }))));
      for (const outcome of outcomes) if ('failed' in outcome) this.logger.warn(`witness ${outcome.witness} did not cosign the checkpoint of size ${checkpoint.treeSize}: ${outcome.failed}`);
      return outcomes;
    });
    this.running = round.catch(() => undefined);
    return round;
  }

  private async ask(witness: LedgerWitness, checkpoint: StoredCheckpoint): Promise<CosigningOutcome> {
    const name = witness.key.name;
    const size = checkpoint.treeSize;
    if (this.cosignedBy(checkpoint.note, witness)) return { witness: name, alreadyCosigned: size };
    let oldSize = await latestCosignedSize(this.db, this.log.schema, witness.key.text);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (oldSize > size) return { witness: name, failed: `it cosigned a tree of ${oldSize} entries, larger than the ledger's latest checkpoint (${size}): it saw a tree this ledger no longer shows` };
      const proof = await consistencyHashes(this.db, this.log.schema, oldSize, size);
      if (!proof.ok) return { witness: name, failed: `no consistency proof from ${oldSize} to ${size}: ${proof.reason}` };
      const response = await fetch(`${witness.url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: formatAddCheckpointRequest({ oldSize, proof: proof.value, checkpoint: checkpoint.note }),
        signal: AbortSignal.any([AbortSignal.timeout(WITNESS_TIMEOUT_MS), this.stopping.signal]),
      });
      const body = await response.text();
      if (response.status === 200) return this.keep(witness, checkpoint, body);
      const reported = response.status === 409 && response.headers.get('content-type')?.startsWith('text/x.tlog.size') ? /^(0|[1-9][0-9]*)\n$/.exec(body) : null;
      if (!reported || Number(reported[1]) === oldSize) return { witness: name, failed: `it answered ${response.status}: ${body.trim().slice(0, 500)}` };
      oldSize = Number(reported[1]);
    }
    return { witness: name, failed: `it answered 409 twice, last holding size ${oldSize}` };
  }

  /** Stores the witness's cosignature from its answer, if one verifies with its configured key. */
  private async keep(witness: LedgerWitness, checkpoint: StoredCheckpoint, answer: string): Promise<CosigningOutcome> {
    const name = witness.key.name;
    const trust = { ...(await this.log.trust()), witnesses: [witness.key], quorum: 1 };
    const verified = verifyCheckpoint(`${checkpoint.note}${answer}`, trust);
    if (!verified.ok) return { witness: name, failed: `its answer holds no cosignature of the checkpoint that verifies with its key: ${verified.reason}` };
    const line = answer.split('\n').find((l) => this.isLineOf(l, witness));
    await storeCosignature(this.db, this.log.schema, { treeSize: checkpoint.treeSize, witnessKey: witness.key.text, timestamp: verified.value.cosignatures[0]!.timestamp, signatureLine: `${line}\n` });
    this.logger.log(`witness ${name} cosigned the checkpoint of size ${checkpoint.treeSize}`);
    return { witness: name, cosigned: checkpoint.treeSize };
  }

  private cosignedBy(note: string, witness: LedgerWitness): boolean {
    const parsed = parseNote(note);
    return parsed.ok && parsed.value.signatures.some((s) => s.keyName === witness.key.name && s.keyId === witness.key.id);
  }

  private isLineOf(line: string, witness: LedgerWitness): boolean {
    const parsed = parseNote(`x\n\n${line}\n`);
    return parsed.ok && parsed.value.signatures[0]!.keyName === witness.key.name && parsed.value.signatures[0]!.keyId === witness.key.id;
  }
}
