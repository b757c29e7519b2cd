import { Injectable } from '@nestjs/common';
import { EventStore, ReadModels, type SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, type CommandOptions, type CommandOrigin, type KeyRevocation, type Preparation, type RequestContext } from '@gantry/platform';
import { deploymentIdFor, type AcceptanceCriterion, type DeploymentAuthorisationRevoked, type DeploymentOutcome, type DeploymentRecordClosed, type DeploymentRequested, type RequestDeploymentBody, type Window } from '@gantry/contracts';
import { knownRoles, mayDo } from '@gantry/auth';
import type { AuthorisationKeys } from '../authorisation-keys';
import { applyReservationEvents } from '../schedule';
import { DEFAULT_AUTHORISATION_RULES, type AuthorisationProof, type AuthorisationRules } from './authorisation';
import { announceDeploymentChange, hasStarted, learnSucceededVersions, readDeploymentProgress, type DeploymentProgress } from '../planning-facts';
import { statusOf, type DeploymentStatus } from './deployment-status';
import type { Deployment, DeploymentCommand, DeploymentEvent } from './deployment.decider';
import { deploymentDecider, reservationOf } from './deployment.decider';
import { chainStepAfter, type ChainStep } from './promotion-chain';
import { readPlanningFacts } from './read-planning-facts';

export const deploymentStream = (deploymentId: string) => ({ streamId: `Deployment-${deploymentId}`, streamType: 'Deployment' });

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
  /** the key that signed the change's authorisation was revoked after planning: execution stops or holds the run */
  authorisationRevoked?: { keyId: string; reason: string; effectiveAt: string; revokedAt: string };
  /** what verification, execution and records reported, once any of them did */
  progress?: DeploymentProgress;
}

export { deploymentIdFor };

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
  ...(body.promotionOverride ? { promotionOverride: { reason: body.promotionOverride.reason } } : {}),
  ...(body.nextAvailable ? { nextAvailable: { durationMinutes: body.nextAvailable.durationMinutes } } : {}),
  ...(body.commitTime ? { commitTime: new Date(body.commitTime).toISOString() } : {}),
  ...(body.monitoringSeconds ? { monitoringSeconds: body.monitoringSeconds } : {}),
  ...(body.authorisation ? { authorisation: body.authorisation } : {}),
  ...(body.promote ? { promote: definedOnly({ ...body.promote }) as DeploymentRequested['promote'] } : {}),
});

/** The application service behind every door (REST, gRPC, ITSM events): every command through the one command path. */
@Injectable()
export class Deployments {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly authorisationKeys: AuthorisationKeys,
    private readonly authorisationRules: AuthorisationRules = DEFAULT_AUTHORISATION_RULES,
  ) {}

  /**
   * The schedule's reservations follow the deployment's reservation events in their transaction (the next decision's
   * facts read them), and its watchers hear of the change when the transaction commits.
   */
  private readonly scheduleFollows = async (events: readonly DeploymentEvent[], tx: SqlClient, deployment: Deployment) => {
    await applyReservationEvents(tx, this.store.schema, events);
    if (events.length > 0 && deployment.status !== 'none') await announceDeploymentChange(tx, this.store.schema, deployment.request.deploymentId);
  };

  async request(body: RequestDeploymentBody, context: RequestContext): Promise<DeploymentView> {
    const deploymentId = context.idempotencyKey ? deploymentIdFor(context.identity.subject, context.idempotencyKey) : context.newId();
    const request = requestFrom(body, deploymentId, context.identity.subject, context.now.toISOString());
    return this.plan(request, context.identity.roles, context);
  }

  /**
   * Decides the request against the environment, its schedule and the active models (planning-facts.ts); a plan
   * reserves its window. `itsm`: the change enablement event the request came from, which proves its authorisation;
   * otherwise its signed authorisation does, or the requester's permission.
   */
  plan(request: DeploymentRequested, requesterRoles: readonly string[], origin: CommandOrigin, tx?: SqlClient, itsm?: AuthorisationProof & { way: 'itsm' }): Promise<DeploymentView> {
    return this.execute(
      request.deploymentId,
      async (_deployment, t) => {
        const proof: AuthorisationProof =
          itsm ??
          (request.authorisation
            ? await this.authorisationKeys.proofOf(request.authorisation, t)
            : { way: 'permission', by: request.requestedBy, mayAuthorise: mayDo(knownRoles(requesterRoles), 'changes:authorise') });
        const asked = { environment: request.environment, reserving: request, requesterRoles, components: request.components, authorisation: { proof, rules: this.authorisationRules }, now: origin.now };
        return { type: 'RequestDeployment', request, facts: await readPlanningFacts(t, this.store, this.readModels.manager(t), asked) };
      },
      origin,
      tx,
    );
  }

  /** Cancels a deployment that has not started; its window goes back to the schedule. */
  cancel(deploymentId: string, reason: string, by: string, origin: CommandOrigin, expectedVersion?: number, tx?: SqlClient): Promise<DeploymentView> {
    return this.execute(
      deploymentId,
      async (_deployment, t) => ({ type: 'CancelDeployment', reason, by, ...(await this.lifeAfterPlanning(deploymentId, t)), now: origin.now.toISOString() }),
      { ...origin, expectedVersion, whenMissing: notFound(deploymentId) },
      tx,
    );
  }

  /** Moves a planned deployment that has not started to another window, checked again like a new request. */
  reschedule(deploymentId: string, window: Window, identity: { subject: string; roles: readonly string[] }, origin: CommandOrigin, expectedVersion: number): Promise<DeploymentView> {
    return this.execute(
      deploymentId,
      async (deployment, t) => ({
        type: 'RescheduleDeployment',
        window,
        by: identity.subject,
        ...(await this.lifeAfterPlanning(deploymentId, t)),
        facts: await readPlanningFacts(t, this.store, this.readModels.manager(t), {
          environment: existing(deployment).request.environment,
          // only a planned deployment can move: it would hold its plan's service and targets in the new window
          reserving: deployment.status === 'planned' ? reservationOf(deployment.plan, window) : undefined,
          requesterRoles: identity.roles,
          now: origin.now,
        }),
      }),
      { ...origin, expectedVersion, whenMissing: notFound(deploymentId) },
    );
  }

  /** Whether execution started the deployment and the outcome records closed its record with: what a late change weighs. */
  private async lifeAfterPlanning(deploymentId: string, tx: SqlClient): Promise<{ started: boolean; closedAs?: DeploymentOutcome }> {
    const { outcome } = await readDeploymentProgress(tx, this.store.schema, deploymentId);
    return { started: await hasStarted(this.readModels.manager(tx), deploymentId), ...(outcome ? { closedAs: outcome } : {}) };
  }

  /**
   * Records closed the deployment's record: the window it held is free again. Nothing when planning never planned it
   * (records closes records of deployments other installations, or tests sharing the topics, planned).
   */
  async releaseWindow(deploymentId: string, origin: CommandOrigin, tx: SqlClient): Promise<void> {
    await executeCommand(this.store, deploymentDecider, deploymentStream(deploymentId), { type: 'ReleaseWindow' }, { ...origin, afterAppend: this.scheduleFollows }, tx);
  }

  /**
   * A stage of a chained promotion closed: a success requests the next stage (promotion-chain.ts), once the stage's
   * versions are known to have succeeded, whichever of planning's consumers saw the close first. The next stage is
   * proven authorised by its kind's signed authorisation in `promote.authorisations`, else as the chain's first stage
   * was where that was change enablement's ChangeAuthorized (which asked for the whole chain), else by the chain
   * requester's permission; it is weighed by its own environment's rules all the same.
   */
  async promoteAfter(closed: DeploymentRecordClosed, origin: CommandOrigin, tx: SqlClient): Promise<ChainStep | undefined> {
    const { state } = await loadAggregate(this.store, deploymentDecider, deploymentStream(closed.deploymentId).streamId, tx);
    if (state.status !== 'planned' || !state.request.chain) return undefined;
    const { request, plan } = state;
    const chain = request.chain!;
    const next = { deploymentId: deploymentIdFor(chain.chainId, `stage ${chain.stage + 1}`), now: origin.now.toISOString() };
    const step = chainStepAfter({ request: { ...request, chain }, plan }, closed.outcome, next);
    if (step.type !== 'NextStageRequested') return step;
    await learnSucceededVersions(this.store, this.readModels.manager(tx), closed, tx);
    const first = plan.authorisedBy;
    const itsm =
      first?.way === 'itsm' && !step.request.authorisation
        ? { way: 'itsm' as const, by: first.by, source: first.source ?? '', eventId: first.eventId ?? '', authoriserNamed: first.by !== request.requestedBy }
        : undefined;
    await this.plan(step.request, chain.requesterRoles ?? [], origin, tx, itsm);
    return step;
  }

  /**
   * A key of change enablement was revoked (in its revocation transaction): each plan whose authorisation it signed
   * and whose record has not closed records that its authorisation was revoked, which execution weighs as a late change.
   */
  async authorisationKeyRevoked(tx: SqlClient, revocation: KeyRevocation, origin: CommandOrigin): Promise<void> {
    const plans = await tx.query<{ id: string }>(
      `SELECT data->>'deploymentId' AS id FROM "${this.store.schema}".events WHERE event_type = 'DeploymentPlanned' AND data->'authorisedBy'->>'keyId' = $1 ORDER BY position`,
      [revocation.keyId],
    );
    for (const { id } of plans.rows) {
      await this.execute(
        id,
        async (_deployment, t) => {
          const { closedAs } = await this.lifeAfterPlanning(id, t);
          return { type: 'RevokeAuthorisation', revocation, ...(closedAs ? { closedAs } : {}) };
        },
        origin,
        tx,
      );
    }
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

  async get(deploymentId: string, client?: SqlClient): Promise<DeploymentView> {
    const { state, version } = await loadAggregate(this.store, deploymentDecider, deploymentStream(deploymentId).streamId, client);
    if (state.status === 'none') throw new NotFound(`deployment ${deploymentId} does not exist`);
    return toView(state, version, await readDeploymentProgress(client ?? this.store.db, this.store.schema, deploymentId));
  }

  /** A command on the deployment, through the one command path, answered with the deployment as it now is. */
  private async execute(
    deploymentId: string,
    command: Preparation<DeploymentCommand, Deployment>,
    options: Omit<CommandOptions<DeploymentEvent>, 'afterAppend'>,
    tx?: SqlClient,
  ): Promise<DeploymentView> {
    const { state, version } = await executeCommand(this.store, deploymentDecider, deploymentStream(deploymentId), command, { refusalStatus, ...options, afterAppend: this.scheduleFollows }, tx);
    return toView(state, version, await readDeploymentProgress(tx ?? this.store.db, this.store.schema, deploymentId));
  }
}

/** Refusals of a request that can never pass as stated (invalid input, not a conflict): 422 (gRPC FAILED_PRECONDITION); the others 409. */
const NEVER_ACCEPTABLE: readonly string[] = ['CommitTimeAfterRequest', 'WindowEndsBeforeItStarts'];
export const refusalStatus = (code: string) => (NEVER_ACCEPTABLE.includes(code) ? 422 : 409);

const authorisationRevokedView = ({ keyId, reason, effectiveAt, revokedAt }: DeploymentAuthorisationRevoked) => ({ keyId, reason, effectiveAt, revokedAt });

const notFound = (deploymentId: string) => () => new NotFound(`deployment ${deploymentId} does not exist`);

/** A deployment a command's `whenMissing` let through. */
const existing = (deployment: Deployment): Exclude<Deployment, { status: 'none' }> => {
  if (deployment.status === 'none') throw new Error('a command for a deployment that does not exist got past whenMissing');
  return deployment;
};

const toView = (state: Deployment, version: number, progress: DeploymentProgress): DeploymentView => {
  if (state.status === 'none') throw new Error('a deployment that does not exist has no view');
  return {
    deploymentId: state.request.deploymentId,
    status: statusOf(state, progress),
    version,
    request: state.request,
    ...(state.status === 'planned' ? { plan: state.plan } : {}),
    ...(state.status === 'planned' && state.authorisationRevoked ? { authorisationRevoked: authorisationRevokedView(state.authorisationRevoked) } : {}),
    ...(state.status === 'rejected' ? { rejection: { reason: state.rejection.reason, details: state.rejection.details } } : {}),
    ...(state.status === 'cancelled' ? { ...(state.plan ? { plan: state.plan } : {}), cancellation: { reason: state.cancellation.reason, by: state.cancellation.cancelledBy, at: state.cancellation.cancelledAt } } : {}),
    ...(Object.keys(progress).length > 0 ? { progress } : {}),
  };
};
