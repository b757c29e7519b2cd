import { Injectable } from '@nestjs/common';
import { isRefused } from '@gantry/decider';
import { EventStore, type EventMetadata, type NewEvent, type SqlClient } from '@gantry/event-store';
import { loadAggregate, NotFound, retryOnStreamConflict, RuleRefused, StaleVersion, type RequestContext } from '@gantry/platform';
import type { AcceptanceCriterion, DeploymentRequested, RequestDeploymentBody, Window } from '@gantry/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { environmentDecider, environmentStream } from '../environments';
import { applyReservationEvents, lockReservationKeys, reservationsHolding } from '../schedule';
import { hasStarted, readActiveModels, readDeploymentProgress, readSucceededVersions, type DeploymentProgress } from '../read-models';
import { statusOf, type DeploymentStatus } from './deployment-status';
import type { Deployment, DeploymentCommand, DeploymentEvent, PlanningFacts } from './deployment.decider';
import { deploymentDecider, reservationOf } from './deployment.decider';

export const deploymentStream = (deploymentId: string) => ({ streamId: `Deployment-${deploymentId}`, streamType: 'Deployment' });

/**
 * Reads what planning knows about the environment (and, for a request, about its component versions) inside the
 * transaction, for a decision that would reserve a window for `service` on `targets` (none: all the environment's).
 */
type FactsReader = (
  reserving: { service: string; targets?: readonly string[] } | undefined,
  requesterRoles: readonly string[],
  components?: readonly { name: string; version: string }[],
) => Promise<PlanningFacts>;
/** Builds the command once the facts are at hand; `started` from execution's DeploymentStarted. */
type CommandFor = (facts: FactsReader, started: boolean, deployment: Deployment) => Promise<DeploymentCommand>;

/** What REST and gRPC return for a deployment. */
export interface DeploymentView {
  deploymentId: string;
  /** planning's decision, then how far the deployment has come after planning (deployment-status.ts) */
  status: DeploymentStatus;
  /** the Deployment stream's version: what If-Match names */
  version: number;
  request: DeploymentRequested;
  plan?: unknown;
  rejection?: { reason: string; details: Record<string, unknown> };
  cancellation?: { reason: string; by: string; at: string };
  /** what verification, execution and records reported, once any of them did */
  progress?: DeploymentProgress;
}

/**
 * A retried request with the same Idempotency-Key (from the same requester) names the same deployment,
 * so it is planned once.
 */
export const deploymentIdFor = (requester: string, idempotencyKey?: string): string => {
  if (!idempotencyKey) return randomUUID();
  const h = createHash('sha256').update(`${requester}\u0000${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const definedOnly = (value: object) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

/** The request as recorded, from a validated body. */
export const requestFrom = (body: RequestDeploymentBody, deploymentId: string, requestedBy: string, requestedAt: string): DeploymentRequested => ({
  deploymentId,
  changeId: body.changeId,
  changeType: body.changeType,
  changeState: body.changeState,
  ...(body.releaseId ? { releaseId: body.releaseId } : {}),
  service: body.service,
  kind: body.kind,
  components: body.components.map((c) => ({ name: c.name, version: c.version, kind: c.kind, ...(c.digest ? { digest: c.digest } : {}) })),
  environment: body.environment,
  ...(body.targets?.length ? { targets: body.targets } : {}),
  // asking for the next available window, the window is a placeholder (now, for the length) until planning chooses
  window: body.window
    ? { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() }
    : { start: requestedAt, end: new Date(Date.parse(requestedAt) + body.nextAvailable!.durationMinutes * 60_000).toISOString() },
  acceptanceCriteria: body.acceptanceCriteria.map((c) => definedOnly({ ...c }) as AcceptanceCriterion),
  requestedBy,
  requestedAt,
  ...(body.model ? { model: body.model } : {}),
  ...(body.adHoc ? { adHoc: true } : {}),
  ...(body.freezeOverride ? { freezeOverride: { reason: body.freezeOverride.reason } } : {}),
  ...(body.nextAvailable ? { nextAvailable: { durationMinutes: body.nextAvailable.durationMinutes } } : {}),
});

/** The application service behind every door (REST, gRPC, ITSM events): one command path. */
@Injectable()
export class Deployments {
  constructor(private readonly store: EventStore) {}

  async request(body: RequestDeploymentBody, context: RequestContext): Promise<DeploymentView> {
    const deploymentId = deploymentIdFor(context.identity.subject, context.idempotencyKey);
    const request = requestFrom(body, deploymentId, context.identity.subject, context.now.toISOString());
    return this.plan(request, context.identity.roles, context.metadata);
  }

  /**
   * Decides the request against the environment, its schedule and the active models, read in one transaction; a plan
   * reserves its window. The reservations it could conflict with are read after locking what it would hold
   * (reservations.ts), so a request racing another for the same service or target is decided after it and sees it.
   */
  plan(request: DeploymentRequested, requesterRoles: readonly string[], metadata: EventMetadata, tx?: SqlClient): Promise<DeploymentView> {
    return this.run(request.deploymentId, request.environment, metadata, undefined, tx, async (facts) => ({
      type: 'RequestDeployment',
      request,
      facts: await facts(request, requesterRoles, request.components),
    }));
  }

  /** Cancels a deployment that has not started; its window goes back to the schedule. */
  async cancel(deploymentId: string, reason: string, by: string, metadata: EventMetadata, expectedVersion?: number, tx?: SqlClient): Promise<DeploymentView> {
    const { environment } = (await this.get(deploymentId, tx)).request;
    return this.run(deploymentId, environment, metadata, expectedVersion, tx, async (_facts, started) => ({ type: 'CancelDeployment', reason, by, started, now: new Date().toISOString() }));
  }

  /** Moves a planned deployment that has not started to another window, checked again like a new request. */
  async reschedule(deploymentId: string, window: Window, identity: { subject: string; roles: readonly string[] }, metadata: EventMetadata, expectedVersion: number): Promise<DeploymentView> {
    const { environment } = (await this.get(deploymentId)).request;
    return this.run(deploymentId, environment, metadata, expectedVersion, undefined, async (facts, started, deployment) => ({
      type: 'RescheduleDeployment',
      window,
      by: identity.subject,
      started,
      // only a planned deployment can move: it would hold its plan's service and targets in the new window
      facts: await facts(deployment.status === 'planned' ? reservationOf(deployment.plan, window) : undefined, identity.roles),
    }));
  }

  /** Records closed the deployment's record: the window it held is free again. Nothing when planning never planned it. */
  async releaseWindow(deploymentId: string, environment: string, metadata: EventMetadata, tx: SqlClient): Promise<void> {
    // records closes records of deployments other installations (or tests sharing the topics) planned
    if ((await loadAggregate(this.store, deploymentDecider, deploymentStream(deploymentId).streamId, tx)).state.status === 'none') return;
    await this.run(deploymentId, environment, metadata, undefined, tx, async () => ({ type: 'ReleaseWindow' }));
  }

  /** Deployments of a change (for a cancelled change), newest first. */
  async ofChange(changeId: string, tx?: SqlClient): Promise<string[]> {
    const rows = await (tx ?? this.store.db).query<{ id: string }>(
      `SELECT data->>'deploymentId' AS id FROM "${this.store.schema}".events WHERE event_type = 'DeploymentRequested' AND data->>'changeId' = $1 ORDER BY position DESC LIMIT 1000`,
      [changeId],
    );
    return rows.rows.map((r) => r.id);
  }

  /** Deployments, newest first, optionally of one environment and in one status. */
  async list(filter: { environment?: string; status?: string; limit: number }): Promise<DeploymentView[]> {
    const rows = await this.store.db.query<{ id: string }>(
      `SELECT data->>'deploymentId' AS id FROM "${this.store.schema}".events
        WHERE event_type = 'DeploymentRequested' AND ($1::text IS NULL OR data->>'environment' = $1) ORDER BY position DESC LIMIT 5000`,
      [filter.environment ?? null],
    );
    const views: DeploymentView[] = [];
    for (const row of rows.rows) {
      if (views.length >= filter.limit) break;
      const view = await this.get(row.id);
      if (!filter.status || view.status === filter.status) views.push(view);
    }
    return views;
  }

  /** read → decide → append to the deployment (its reservation too), in one transaction. */
  private async run(
    deploymentId: string,
    environmentName: string,
    metadata: EventMetadata,
    expectedVersion: number | undefined,
    tx: SqlClient | undefined,
    command: CommandFor,
  ): Promise<DeploymentView> {
    const work = (t: SqlClient) => this.decideAndAppend(deploymentId, environmentName, metadata, expectedVersion, t, command);
    if (tx) return work(tx);
    return retryOnStreamConflict(expectedVersion === undefined ? 10 : 1, () => this.store.db.transaction(work));
  }

  private async decideAndAppend(
    deploymentId: string,
    environmentName: string,
    metadata: EventMetadata,
    expectedVersion: number | undefined,
    tx: SqlClient,
    command: CommandFor,
  ): Promise<DeploymentView> {
    const { schema } = this.store;
    const target = deploymentStream(deploymentId);
    const deployment = await loadAggregate(this.store, deploymentDecider, target.streamId, tx);
    if (expectedVersion !== undefined && expectedVersion !== deployment.version) throw new StaleVersion(expectedVersion, deployment.version);
    const facts: FactsReader = async (reserving, requesterRoles, components = []) => {
      const environment = await loadAggregate(this.store, environmentDecider, environmentStream(environmentName).streamId, tx);
      const targets = reserving?.targets?.length ? reserving.targets : environment.state.status === 'none' ? [] : environment.state.definition.targets.map((t) => t.name);
      const keys = reserving && { environment: environmentName, service: reserving.service, targets };
      if (keys) await lockReservationKeys(tx, schema, keys);
      const models = await readActiveModels(tx, schema);
      return {
        environment: environment.state,
        environmentVersion: environment.version,
        reservations: keys ? await reservationsHolding(tx, schema, keys) : [],
        activeModels: models.active,
        retiredModels: models.retired,
        succeeded: await readSucceededVersions(tx, schema, components),
        requesterRoles,
        now: new Date().toISOString(),
      };
    };
    const outcome = deploymentDecider.decide(await command(facts, await hasStarted(tx, schema, deploymentId), deployment.state), deployment.state);
    if (isRefused(outcome)) {
      const { code, ...details } = outcome.refused;
      throw new RuleRefused(code, details);
    }
    const events = outcome as readonly DeploymentEvent[];
    const progress = await readDeploymentProgress(tx, schema, deploymentId);
    if (events.length === 0) return toView(deployment.state, deployment.version, progress);
    const result = await this.store.append(tx, target.streamId, target.streamType, deployment.version, toNew(events, metadata));
    await applyReservationEvents(tx, schema, events);
    return toView(events.reduce(deploymentDecider.evolve, deployment.state), result.nextVersion, progress);
  }

  async get(deploymentId: string, client?: SqlClient): Promise<DeploymentView> {
    const { state, version } = await loadAggregate(this.store, deploymentDecider, deploymentStream(deploymentId).streamId, client);
    if (state.status === 'none') throw new NotFound(`deployment ${deploymentId} does not exist`);
    return toView(state, version, await readDeploymentProgress(client ?? this.store.db, this.store.schema, deploymentId));
  }
}

const toNew = (events: readonly { type: string; data: unknown }[], metadata: EventMetadata): NewEvent[] =>
  events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata }));

const toView = (state: Deployment, version: number, progress: DeploymentProgress): DeploymentView => {
  if (state.status === 'none') throw new Error('a deployment that does not exist has no view');
  return {
    deploymentId: state.request.deploymentId,
    status: statusOf(state, progress),
    version,
    request: state.request,
    ...(state.status === 'planned' ? { plan: state.plan } : {}),
    ...(state.status === 'rejected' ? { rejection: { reason: state.rejection.reason, details: state.rejection.details } } : {}),
    ...(state.status === 'cancelled' ? { ...(state.plan ? { plan: state.plan } : {}), cancellation: { reason: state.cancellation.reason, by: state.cancellation.cancelledBy, at: state.cancellation.cancelledAt } } : {}),
    ...(Object.keys(progress).length > 0 ? { progress } : {}),
  };
};
