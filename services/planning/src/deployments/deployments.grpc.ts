import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { defer, EMPTY, mergeMap, type Observable } from 'rxjs';
import { AuthGuard, RequirePermission } from '@gantry/auth';
import { answerGrpc, Clock, grpcContext, invalidArgument, rpcError, validatedMessage, writeWhenDrained } from '@gantry/platform';
import {
  cancelDeploymentBody,
  requestDeploymentBody,
  type RequestDeploymentBody,
  requestDeploymentRules,
  rescheduleDeploymentBody,
  type RescheduleDeploymentBody,
  windowEndsAfterStart,
  type AcceptanceCriterion,
  type AuthorisedBy,
} from '@gantry/contracts';
import { FINAL_STATUSES } from './deployment-status';
import { DeploymentWatch } from './deployment-watch';
import { Deployments, type DeploymentView } from './deployments';
import { listDeploymentsQuery, type ListDeploymentsQuery } from './list-deployments.query';

const NUMERIC_PARAMS = new Set(['expectedStatus', 'timeoutMs', 'consecutiveSuccesses', 'deadlineSeconds', 'threshold', 'windowSeconds']);

interface ProtoRequest {
  changeId?: string;
  releaseId?: string;
  service?: string;
  kind?: string;
  components?: { name?: string; version?: string; kind?: string; digest?: string }[];
  environment?: string;
  window?: { start?: string; end?: string };
  acceptanceCriteria?: { type?: string; description?: string; params?: Record<string, string> }[];
  model?: string;
  targets?: string[];
  changeType?: string;
  changeState?: string;
  adHoc?: boolean;
  freezeOverrideReason?: string;
  promotionOverrideReason?: string;
  nextAvailableMinutes?: number;
  commitTime?: string;
  authorisation?: string;
  monitoringSeconds?: number;
  promote?: { through?: string; environments?: Record<string, string>; authorisations?: Record<string, string> };
}

/** The gRPC door of change enablement: the same command path as REST, the same validation, the same errors. */
@Controller()
@UseGuards(AuthGuard)
export class DeploymentsGrpc {
  constructor(
    private readonly deployments: Deployments,
    private readonly clock: Clock,
    private readonly watch: DeploymentWatch,
  ) {}

  @GrpcMethod('DeploymentService', 'RequestDeployment')
  @RequirePermission('deployments:request')
  async requestDeployment(message: ProtoRequest, metadata: Metadata) {
    const body = validatedMessage<RequestDeploymentBody>(requestDeploymentBody, fromProto(message), requestDeploymentRules);
    return this.answer(() => this.deployments.request(body, grpcContext(metadata, this.clock)));
  }

  @GrpcMethod('DeploymentService', 'GetDeployment')
  @RequirePermission('deployments:read')
  async getDeployment(message: { id?: string }) {
    return this.answer(() => this.deployments.get(this.deploymentId(message.id)));
  }

  /**
   * The deployment now, then again at each change, until its status is final. Each change wakes the watcher (deployment-watch.ts)
   * and it re-reads the deployment as GetDeployment does, sending it when it differs from the last one sent, under the
   * client's flow control; a client that goes away frees its watcher at once.
   */
  @GrpcMethod('DeploymentService', 'WatchDeployment')
  @RequirePermission('deployments:read')
  async watchDeployment(message: { id?: string }, _metadata: Metadata, call: ServerWritableStream<unknown, unknown>): Promise<Observable<never>> {
    const id = this.deploymentId(message.id);
    let view = await answerGrpc(() => this.deployments.get(id));
    const watcher = await answerGrpc(() => this.watch.enter(id));
    const leave = () => this.watch.leave(watcher);
    call.once('cancelled', leave);
    return defer(async () => {
      try {
        let sent: string | undefined;
        for (;;) {
          const deployment = toProto(view);
          const final = FINAL_STATUSES.has(view.status);
          const text = JSON.stringify(deployment);
          if (text !== sent) await writeWhenDrained(call, { deployment, final }, 'cancelled', () => call.cancelled);
          sent = text;
          if (final) return;
          await watcher.changed();
          if (call.cancelled) return;
          view = await this.deployments.get(id);
        }
      } catch (error) {
        if (call.cancelled) return;
        throw rpcError(error).getError();
      } finally {
        call.off('cancelled', leave);
        leave();
      }
    }).pipe(mergeMap(() => EMPTY));
  }

  @GrpcMethod('DeploymentService', 'ListDeployments')
  @RequirePermission('deployments:read')
  async listDeployments(message: { environment?: string; status?: string; limit?: number }) {
    const query = validatedMessage<ListDeploymentsQuery>(listDeploymentsQuery, {
      ...(message.environment ? { environment: message.environment } : {}),
      ...(message.status ? { status: message.status } : {}),
      ...(message.limit ? { limit: message.limit } : {}),
    });
    try {
      const views = await this.deployments.list({ environment: query.environment, status: query.status, limit: query.limit ?? 100 });
      return { deployments: views.map(toProto) };
    } catch (error) {
      throw rpcError(error);
    }
  }

  @GrpcMethod('DeploymentService', 'CancelDeployment')
  @RequirePermission('deployments:request')
  async cancelDeployment(message: { id?: string; reason?: string; expectedVersion?: number }, metadata: Metadata) {
    const context = grpcContext(metadata, this.clock);
    const id = this.deploymentId(message.id);
    const expected = this.expectedVersion(message.expectedVersion);
    validatedMessage(cancelDeploymentBody, { reason: message.reason });
    return this.answer(() => this.deployments.cancel(id, message.reason!, context.identity.subject, context, expected));
  }

  @GrpcMethod('DeploymentService', 'RescheduleDeployment')
  @RequirePermission('deployments:request')
  async rescheduleDeployment(message: { id?: string; window?: { start?: string; end?: string }; expectedVersion?: number }, metadata: Metadata) {
    const context = grpcContext(metadata, this.clock);
    const id = this.deploymentId(message.id);
    const expected = this.expectedVersion(message.expectedVersion);
    const body = validatedMessage<RescheduleDeploymentBody>(rescheduleDeploymentBody, { window: message.window }, [windowEndsAfterStart]);
    const window = { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() };
    return this.answer(() => this.deployments.reschedule(id, window, context.identity, context, expected));
  }

  private deploymentId(id: string | undefined): string {
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw invalidArgument('id must be a uuid');
    return id;
  }

  private expectedVersion(version: number | undefined): number {
    if (!version || !Number.isInteger(version) || version < 1) throw invalidArgument('expected_version is required: send the version you last read');
    return version;
  }

  private answer(work: () => Promise<DeploymentView>) {
    return answerGrpc(async () => toProto(await work()));
  }
}

const fromProto = (m: ProtoRequest) => ({
  changeId: m.changeId,
  changeType: m.changeType || undefined,
  changeState: m.changeState || undefined,
  ...(m.adHoc !== undefined && m.adHoc !== null ? { adHoc: m.adHoc } : {}),
  ...(m.freezeOverrideReason ? { freezeOverride: { reason: m.freezeOverrideReason } } : {}),
  ...(m.promotionOverrideReason ? { promotionOverride: { reason: m.promotionOverrideReason } } : {}),
  ...(m.authorisation ? { authorisation: m.authorisation } : {}),
  ...(m.releaseId ? { releaseId: m.releaseId } : {}),
  service: m.service,
  kind: m.kind,
  components: (m.components ?? []).map((c) => ({ name: c.name, version: c.version, kind: c.kind, ...(c.digest ? { digest: c.digest } : {}) })),
  environment: m.environment,
  ...(m.targets?.length ? { targets: m.targets } : {}),
  ...(m.window ? { window: m.window } : {}),
  ...(m.nextAvailableMinutes ? { nextAvailable: { durationMinutes: m.nextAvailableMinutes } } : {}),
  ...(m.commitTime ? { commitTime: m.commitTime } : {}),
  ...(m.monitoringSeconds ? { monitoringSeconds: m.monitoringSeconds } : {}),
  acceptanceCriteria: (m.acceptanceCriteria ?? []).map((c) => ({
    type: c.type,
    description: c.description,
    ...Object.fromEntries(Object.entries(c.params ?? {}).map(([k, v]) => [k, NUMERIC_PARAMS.has(k) && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v])),
  })),
  ...(m.model ? { model: m.model } : {}),
  ...(m.promote ? { promote: promotionFromProto(m.promote) } : {}),
});

const promotionFromProto = ({ through, environments, authorisations }: NonNullable<ProtoRequest['promote']>) => ({
  through: through || undefined,
  ...(environments && Object.keys(environments).length ? { environments } : {}),
  ...(authorisations && Object.keys(authorisations).length ? { authorisations } : {}),
});

const toProto = (view: DeploymentView) => {
  const plan = view.plan as { model: { name: string; version: number } | null; strategy: string; waves: { index: number; targets: string[] }[]; authorisedBy?: AuthorisedBy } | undefined;
  const { request } = view;
  return {
    id: view.deploymentId,
    status: view.status,
    version: view.version,
    changeId: request.changeId,
    ...(request.releaseId ? { releaseId: request.releaseId } : {}),
    service: request.service,
    kind: request.kind,
    environment: request.environment,
    ...(plan?.model ? { model: plan.model } : {}),
    components: request.components,
    window: request.window,
    waves: plan?.waves ?? [],
    acceptanceCriteria: request.acceptanceCriteria.map(({ type, description, ...params }: AcceptanceCriterion) => ({
      type,
      description,
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    })),
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    ...(request.commitTime ? { commitTime: request.commitTime } : {}),
    ...(plan ? { strategy: plan.strategy } : {}),
    ...(plan?.authorisedBy ? { authorisedBy: plan.authorisedBy } : {}),
    ...(request.chain ? { chain: { chainId: request.chain.chainId, stage: request.chain.stage, of: request.chain.of, environments: (request.chain.stages ?? []).map((s) => s.environment) } } : {}),
    ...(view.progress?.cause ? { cause: view.progress.cause } : {}),
    ...(view.rejection ? { cause: view.rejection.reason, rejectionDetails: JSON.stringify(view.rejection.details) } : {}),
    ...(view.cancellation && view.status === 'cancelled' ? { cause: `cancelled: ${view.cancellation.reason}` } : {}),
  };
};
