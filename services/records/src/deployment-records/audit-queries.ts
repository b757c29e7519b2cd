import { Injectable } from '@nestjs/common';
import { Database, EventStore } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { readDeploymentEntries } from '../ledger/ledger';
import { environmentAsOf, recordAsOf } from './as-of';
import { causalOrder } from './causal-order';
import { emptyRecord, evolveRecord } from './deployment-record.decider';
import { deploymentsStandingIn, listDeploymentRecords, readDeploymentRecord, type DeploymentFilter } from './deployment-records.projection';

/** A page of the deployment list: where the next page starts, opaque to clients. */
export const encodeCursor = (before: number): string => Buffer.from(`before:${before}`).toString('base64url');

/** The position a cursor names, or undefined when it is not one this service gave out. */
export const decodeCursor = (cursor: string): number | undefined => {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined;
  const match = /^before:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match && Number(match[1]) >= 1 ? Number(match[1]) : undefined;
};

/** The audit queries, for the REST and the gRPC doors alike. */
@Injectable()
export class AuditQueries {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** Deployment records matching the filter, newest first, a page at a time. */
  async list(filter: DeploymentFilter, page: { before?: number; limit: number }) {
    const { records, nextBefore } = await listDeploymentRecords(this.db, this.store.schema, filter, page);
    return { deployments: records, nextCursor: nextBefore === undefined ? null : encodeCursor(nextBefore) };
  }

  /**
   * A deployment's full history across services in causal order, the record rebuilt from the ledger by folding
   * that history, and the live projection's record (the two must agree).
   */
  async history(deploymentId: string) {
    const entries = await readDeploymentEntries(this.db, this.store.schema, deploymentId);
    if (entries.length === 0) throw new NotFound(`the ledger holds nothing about deployment ${deploymentId}`);
    const rebuilt = entries.reduce((record, entry) => evolveRecord(record, entry.event), emptyRecord(deploymentId));
    const projected = await readDeploymentRecord(this.db, this.store.schema, deploymentId);
    return {
      deploymentId,
      state: rebuilt,
      projection: projected ?? null,
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
    const records = [];
    for (const deploymentId of await deploymentsStandingIn(this.db, this.store.schema, environment, asOf)) {
      const rebuilt = recordAsOf(deploymentId, await readDeploymentEntries(this.db, this.store.schema, deploymentId), asOf);
      if (rebuilt) records.push(rebuilt.record);
    }
    return { environment, asOf, services: environmentAsOf(records) };
  }
}
