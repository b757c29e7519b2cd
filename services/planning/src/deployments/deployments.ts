import { BadRequestException, Injectable } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, type RequestContext } from '@gantry/platform';
import { validatePayload, type AcceptanceCriterion, type DeploymentRequested } from '@gantry/contracts';
import { createHash, randomUUID } from 'node:crypto';
import type { Deployment } from './deployment.decider';
import { deploymentDecider } from './deployment.decider';
import type { RequestDeploymentDto } from './request-deployment.dto';

export const deploymentStream = (deploymentId: string) => ({ streamId: `Deployment-${deploymentId}`, streamType: 'Deployment' });

/** What REST and gRPC return for a deployment. */
export interface DeploymentView {
  deploymentId: string;
  status: Exclude<Deployment['status'], 'none'>;
  version: number;
  request: DeploymentRequested;
  plan?: unknown;
}

/**
 * A retried request with the same Idempotency-Key (from the same requester) names the same deployment,
 * so it is planned once.
 */
const deploymentIdFor = (requester: string, idempotencyKey?: string): string => {
  if (!idempotencyKey) return randomUUID();
  const h = createHash('sha256').update(`${requester}\u0000${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const definedOnly = (value: object) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

/** The application service behind every door (REST, gRPC, and later ITSM events): one command path. */
@Injectable()
export class Deployments {
  constructor(private readonly store: EventStore) {}

  async request(body: RequestDeploymentDto, context: RequestContext): Promise<DeploymentView> {
    const deploymentId = deploymentIdFor(context.identity.subject, context.idempotencyKey);
    const request: DeploymentRequested = {
      deploymentId,
      changeId: body.changeId,
      ...(body.releaseId ? { releaseId: body.releaseId } : {}),
      service: body.service,
      kind: body.kind,
      components: body.components.map((c) => ({ name: c.name, version: c.version, kind: c.kind, ...(c.digest ? { digest: c.digest } : {}) })),
      environment: body.environment,
      ...(body.targets?.length ? { targets: body.targets } : {}),
      window: { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() },
      acceptanceCriteria: body.acceptanceCriteria.map((c) => definedOnly({ ...c }) as AcceptanceCriterion),
      requestedBy: context.identity.subject,
      requestedAt: context.now.toISOString(),
      ...(body.model ? { model: body.model } : {}),
    };
    // The contract's schema is the last word on what a DeploymentRequested may hold (criterion parameters by type).
    const invalid = validatePayload('DeploymentRequested', request);
    if (invalid) throw new BadRequestException(invalid);
    const result = await executeCommand(this.store, deploymentDecider, deploymentStream(deploymentId), { type: 'RequestDeployment', request }, {
      metadata: context.metadata,
    });
    return toView(result.state, result.version);
  }

  async get(deploymentId: string): Promise<DeploymentView> {
    const { state, version } = await loadAggregate(this.store, deploymentDecider, deploymentStream(deploymentId).streamId);
    if (state.status === 'none') throw new NotFound(`deployment ${deploymentId} does not exist`);
    return toView(state, version);
  }
}

const toView = (state: Deployment, version: number): DeploymentView => {
  if (state.status === 'none') throw new Error('a deployment that does not exist has no view');
  return {
    deploymentId: state.request.deploymentId,
    status: state.status,
    version,
    request: state.request,
    ...(state.status === 'planned' ? { plan: state.plan } : {}),
  };
};
