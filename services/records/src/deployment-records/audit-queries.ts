import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, EventStore } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { integrityOf, LedgerLog, readDeploymentEntries } from '../ledger';
import { recordAsOf } from './as-of';
import { causalOrder } from './causal-order';
import { emptyRecord, evolveRecord } from './deployment-record.decider';
import { environmentStateAsOf, listDeploymentRecords, readChainRecords, readDeploymentRecord, readFoldedRecord, type DeploymentFilter } from './deployment-records.projection';
import { promotionChainOf, type PromotionChainView } from './promotion-chain';

/** A page of the deployment list: where the next page starts, opaque to clients. */
export const encodeCursor = (before: number): string => Buffer.from(`before:${before}`).toString('base64url');

/** The position a cursor names, or undefined when it is not one this service gave out. */
export const decodeCursor = (cursor: string): number | undefined => {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined;
  const match = /^before:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match && Number(match[1]) >= 1 ? Number(match[1]) : undefined;
};

/** The longest a caller may wait for a deployment's outcome, in seconds. */
export const MAX_OUTCOME_WAIT_SECONDS = 30;
/** How often a waiting answer looks at the record again: one primary-key read, no transaction held in between. */
const OUTCOME_POLL_MS = 250;

/** The audit queries, for the REST and the gRPC doors alike. */
@Injectable()
export class AuditQueries implements OnModuleDestroy {
  /** aborted when the service stops: waiting answers go out at once with what the ledger holds */
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly log: LedgerLog,
  ) {}

  onModuleDestroy(): void {
    this.stopping.abort();
  }

  /** Deployment records matching the filter, newest first, a page at a time. */
  async list(filter: DeploymentFilter, page: { before?: number; limit: number }) {
    const { records, nextBefore } = await listDeploymentRecords(this.db, this.store.schema, filter, page);
    return { deployments: records, nextCursor: nextBefore === undefined ? null : encodeCursor(nextBefore) };
  }

  /**
   * A deployment's full history across services in causal order, the record rebuilt from the ledger by folding
   * that history, the live projection's record (the two must agree), and whether the history verifies against the
   * latest signed checkpoint (`integrity`).
   */
  async history(deploymentId: string, waitForOutcomeSeconds = 0) {
    if (waitForOutcomeSeconds > 0) await this.untilClosed(deploymentId, waitForOutcomeSeconds * 1000);
    // The live record first, then the entries up to the last one folded into it (an entry and its fold commit
    // together): one arriving in between waits for the next answer, so the rebuilt record and the live one agree.
    const folded = await readFoldedRecord(this.db, this.store.schema, deploymentId);
    const entries = (await readDeploymentEntries(this.db, this.store.schema, deploymentId)).filter((entry) => !folded || entry.position <= folded.lastPosition);
    const projected = folded?.record;
    if (entries.length === 0) throw new NotFound(`the ledger holds nothing about deployment ${deploymentId}`);
    const rebuilt = entries.reduce((record, entry) => evolveRecord(record, entry.event), emptyRecord(deploymentId));
    return {
      deploymentId,
      state: rebuilt,
      projection: projected ?? null,
      integrity: await integrityOf(this.db, this.store.schema, entries, await this.log.trust()),
      history: causalOrder(entries).map((e) => ({
        position: e.position,
        topic: e.topic,
        type: e.event.type,
        source: e.event.source,
        id: e.event.id,
        time: e.event.time,
        causationId: e.event.causationid ?? null,
        correlationId: e.event.correlationid ?? null,
        actor: e.event.actor ?? null,
        data: e.event.data,
        hash: e.hash,
      })),
    };
  }

  /**
   * Records consumes every service's topic on its own, so right after a deployment ends its record fills in over a
   * moment. This waits, up to `ms`, until the ledger holds the record's close (DeploymentRecordClosed: the outcome is
   * final and reported), looking again every OUTCOME_POLL_MS.
   */
  private async untilClosed(deploymentId: string, ms: number): Promise<void> {
    // elapsed time, not the time of anything recorded: the monotonic clock
    const deadline = performance.now() + ms;
    for (;;) {
      if ((await readDeploymentRecord(this.db, this.store.schema, deploymentId))?.phase === 'closed') return;
      const left = deadline - performance.now();
      if (left <= 0 || this.stopping.signal.aborted) return;
      await sleep(Math.min(OUTCOME_POLL_MS, left), undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** A chained promotion as one (promotion-chain.ts), from the live records of its stages. */
  async chain(chainId: string): Promise<PromotionChainView> {
    const view = promotionChainOf(chainId, await readChainRecords(this.db, this.store.schema, chainId));
    if (!view) throw new NotFound(`records holds no stage of chain ${chainId}`);
    return view;
  }

  /** The deployment rebuilt from what the ledger held at `asOf`. */
  async deploymentAsOf(deploymentId: string, asOf: string) {
    const rebuilt = recordAsOf(deploymentId, await readDeploymentEntries(this.db, this.store.schema, deploymentId), asOf);
    if (!rebuilt) throw new NotFound(`the ledger held nothing about deployment ${deploymentId} at ${asOf}`);
    return { deploymentId, asOf, ledgerPosition: rebuilt.position, state: rebuilt.record };
  }

  /**
   * What was deployed in an environment at `asOf`, per service: versions and digests, deployment, change, requester,
   * approvers, model. Only the deployments the environment timeline names are folded (one per service).
   */
  async environmentAsOf(environment: string, asOf: string) {
    return { environment, asOf, services: await environmentStateAsOf(this.db, this.store.schema, environment, asOf) };
  }
}
