import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { status, type Metadata } from '@grpc/grpc-js';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuthService, type Identity, type Permission } from '@gantry/auth';
import { requestContext, toErrorBody } from '@gantry/platform';
import type { AcceptanceCriterion } from '@gantry/contracts';
import { Deployments, type DeploymentView } from './deployments';
import { CancelDeploymentDto, ListDeploymentsQuery, RequestDeploymentDto, RescheduleDeploymentDto } from './request-deployment.dto';

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
  nextAvailableMinutes?: number;
}

/** The gRPC door of change enablement: the same command path as REST, the same validation, the same errors. */
@Controller()
export class DeploymentsGrpc {
  constructor(
    private readonly deployments: Deployments,
    private readonly auth: AuthService,
  ) {}

  @GrpcMethod('DeploymentService', 'RequestDeployment')
  async requestDeployment(message: ProtoRequest, metadata: Metadata) {
    const identity = await this.identify(metadata, 'deployments:request');
    const body = plainToInstance(RequestDeploymentDto, fromProto(message));
    const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) {
      const messages = errors.flatMap(function flatten(e): string[] {
        return [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap(flatten)];
      });
      throw new RpcException({ code: status.INVALID_ARGUMENT, message: messages.join('; ') });
    }
    return this.answer(() => this.deployments.request(body, requestContext(identity, headersOf(metadata))));
  }

  @GrpcMethod('DeploymentService', 'GetDeployment')
  async getDeployment(message: { id?: string }, metadata: Metadata) {
    await this.identify(metadata, 'deployments:read');
    if (!message.id || !/^[0-9a-f-]{36}$/i.test(message.id)) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'id must be a uuid' });
    return this.answer(() => this.deployments.get(message.id!));
  }

  @GrpcMethod('DeploymentService', 'ListDeployments')
  async listDeployments(message: { environment?: string; status?: string; limit?: number }, metadata: Metadata) {
    await this.identify(metadata, 'deployments:read');
    const query = plainToInstance(ListDeploymentsQuery, {
      ...(message.environment ? { environment: message.environment } : {}),
      ...(message.status ? { status: message.status } : {}),
      ...(message.limit ? { limit: message.limit } : {}),
    });
    await this.validated(query);
    try {
      const views = await this.deployments.list({ environment: query.environment, status: query.status, limit: query.limit ?? 100 });
      return { deployments: views.map(toProto) };
    } catch (error) {
      throw rpcError(error);
    }
  }

  @GrpcMethod('DeploymentService', 'CancelDeployment')
  async cancelDeployment(message: { id?: string; reason?: string; expectedVersion?: number }, metadata: Metadata) {
    const identity = await this.identify(metadata, 'deployments:request');
    const id = this.deploymentId(message.id);
    const expected = this.expectedVersion(message.expectedVersion);
    await this.validated(plainToInstance(CancelDeploymentDto, { reason: message.reason }));
    const context = requestContext(identity, headersOf(metadata));
    return this.answer(() => this.deployments.cancel(id, message.reason!, identity.subject, context.metadata, expected));
  }

  @GrpcMethod('DeploymentService', 'RescheduleDeployment')
  async rescheduleDeployment(message: { id?: string; window?: { start?: string; end?: string }; expectedVersion?: number }, metadata: Metadata) {
    const identity = await this.identify(metadata, 'deployments:request');
    const id = this.deploymentId(message.id);
    const expected = this.expectedVersion(message.expectedVersion);
    const body = plainToInstance(RescheduleDeploymentDto, { window: message.window });
    await this.validated(body);
    const context = requestContext(identity, headersOf(metadata));
    const window = { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() };
    return this.answer(() => this.deployments.reschedule(id, window, identity, context.metadata, expected));
  }

  private deploymentId(id: string | undefined): string {
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'id must be a uuid' });
    return id;
  }

  private expectedVersion(version: number | undefined): number {
    if (!version || !Number.isInteger(version) || version < 1) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'expected_version is required: send the version you last read' });
    return version;
  }

  private async validated(body: object): Promise<void> {
    const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) {
      const messages = errors.flatMap(function flatten(e): string[] {
        return [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap(flatten)];
      });
      throw new RpcException({ code: status.INVALID_ARGUMENT, message: messages.join('; ') });
    }
  }

  private async identify(metadata: Metadata, permission: Permission): Promise<Identity> {
    const result = await this.auth.authenticateGrpc(metadata);
    if (!result.ok) throw new RpcException({ code: status.UNAUTHENTICATED, message: result.reason });
    if (!this.auth.permits(result.identity, permission)) {
      throw new RpcException({ code: status.PERMISSION_DENIED, message: `${permission} is not granted to roles ${result.identity.roles.join(', ') || '(none)'}` });
    }
    return result.identity;
  }

  private async answer(work: () => Promise<DeploymentView>) {
    try {
      return toProto(await work());
    } catch (error) {
      throw rpcError(error);
    }
  }
}

const rpcError = (error: unknown) => {
  const body = toErrorBody(error);
  return new RpcException({ code: GRPC_STATUS[body.statusCode] ?? status.INTERNAL, message: Array.isArray(body.message) ? body.message.join('; ') : body.message });
};

const GRPC_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  412: status.FAILED_PRECONDITION,
  413: status.RESOURCE_EXHAUSTED,
  422: status.FAILED_PRECONDITION,
  503: status.UNAVAILABLE,
};

const headersOf = (metadata: Metadata): Record<string, string | undefined> =>
  Object.fromEntries(['x-correlation-id', 'x-request-id', 'idempotency-key'].map((h) => [h, metadata.get(h)[0]?.toString()]));

const fromProto = (m: ProtoRequest) => ({
  changeId: m.changeId,
  changeType: m.changeType || undefined,
  changeState: m.changeState || undefined,
  ...(m.adHoc !== undefined && m.adHoc !== null ? { adHoc: m.adHoc } : {}),
  ...(m.freezeOverrideReason ? { freezeOverride: { reason: m.freezeOverrideReason } } : {}),
  ...(m.releaseId ? { releaseId: m.releaseId } : {}),
  service: m.service,
  kind: m.kind,
  components: (m.components ?? []).map((c) => ({ name: c.name, version: c.version, kind: c.kind, ...(c.digest ? { digest: c.digest } : {}) })),
  environment: m.environment,
  ...(m.targets?.length ? { targets: m.targets } : {}),
  ...(m.window ? { window: m.window } : {}),
  ...(m.nextAvailableMinutes ? { nextAvailable: { durationMinutes: m.nextAvailableMinutes } } : {}),
  acceptanceCriteria: (m.acceptanceCriteria ?? []).map((c) => ({
    type: c.type,
    description: c.description,
    ...Object.fromEntries(Object.entries(c.params ?? {}).map(([k, v]) => [k, NUMERIC_PARAMS.has(k) && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v])),
  })),
  ...(m.model ? { model: m.model } : {}),
});

const toProto = (view: DeploymentView) => {
  const plan = view.plan as { model: { name: string; version: number } | null; strategy: string; waves: { index: number; targets: string[] }[] } | undefined;
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
    ...(plan ? { strategy: plan.strategy } : {}),
    ...(view.rejection ? { cause: view.rejection.reason, rejectionDetails: JSON.stringify(view.rejection.details) } : {}),
    ...(view.cancellation ? { cause: `cancelled: ${view.cancellation.reason}` } : {}),
  };
};
