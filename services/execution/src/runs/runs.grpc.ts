import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { status, type Metadata } from '@grpc/grpc-js';
import { plainToInstance } from 'class-transformer';
import { AuthService } from '@gantry/auth';
import { answerGrpc, grpcHeaders, identifyGrpc, requestContext, validatedGrpc } from '@gantry/platform';
import { Runs, type RunView } from './runs';
import { DenyGateDto } from './runs.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RunMessage {
  deploymentId?: string;
  gate?: string;
  reason?: string;
  rollback?: boolean;
}

/** `gantry.v1.ExecutionService`: the same commands as REST /runs, the same rules, the one error mapping. */
@Controller()
export class RunsGrpc {
  constructor(
    private readonly runs: Runs,
    private readonly auth: AuthService,
  ) {}

  @GrpcMethod('ExecutionService', 'GetRun')
  async getRun(message: RunMessage, metadata: Metadata) {
    await identifyGrpc(this.auth, metadata, 'runs:read');
    const id = deploymentId(message);
    return answerGrpc(async () => toProto(await this.runs.get(id)));
  }

  @GrpcMethod('ExecutionService', 'ApproveGate')
  async approveGate(message: RunMessage, metadata: Metadata) {
    const { identity, id, meta } = await this.context(message, metadata, 'runs:approve');
    const gate = gateOf(message);
    return answerGrpc(async () => toProto(await this.runs.approve(id, gate, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'DenyGate')
  async denyGate(message: RunMessage, metadata: Metadata) {
    const { identity, id, meta } = await this.context(message, metadata, 'runs:approve');
    const gate = gateOf(message);
    await validatedGrpc(plainToInstance(DenyGateDto, { reason: message.reason }));
    return answerGrpc(async () => toProto(await this.runs.deny(id, gate, message.reason!, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'PauseRun')
  async pauseRun(message: RunMessage, metadata: Metadata) {
    const { identity, id, meta } = await this.context(message, metadata, 'runs:control');
    return answerGrpc(async () => toProto(await this.runs.pause(id, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'ResumeRun')
  async resumeRun(message: RunMessage, metadata: Metadata) {
    const { identity, id, meta } = await this.context(message, metadata, 'runs:control');
    return answerGrpc(async () => toProto(await this.runs.resume(id, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'AbortRun')
  async abortRun(message: RunMessage, metadata: Metadata) {
    const { identity, id, meta } = await this.context(message, metadata, 'runs:control');
    return answerGrpc(async () => toProto(await this.runs.abort(id, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'DecideRollback')
  async decideRollback(message: RunMessage, metadata: Metadata) {
    const { identity, id, meta } = await this.context(message, metadata, 'runs:control');
    if (typeof message.rollback !== 'boolean') throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'rollback must be true or false' });
    return answerGrpc(async () => toProto(await this.runs.decideRollback(id, message.rollback!, identity, meta)));
  }

  private async context(message: RunMessage, metadata: Metadata, permission: 'runs:approve' | 'runs:control') {
    const identity = await identifyGrpc(this.auth, metadata, permission);
    const id = deploymentId(message);
    return { identity, id, meta: requestContext(identity, grpcHeaders(metadata)).metadata };
  }
}

const deploymentId = (message: RunMessage): string => {
  if (!message.deploymentId || !UUID.test(message.deploymentId)) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'deployment_id must be a uuid' });
  return message.deploymentId;
};

const gateOf = (message: RunMessage): string => {
  const gate = message.gate ?? '';
  if (gate.length === 0 || gate.length > 400 || !/^[\x20-\x7e]+$/.test(gate) || !/\S/.test(gate)) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'gate is 1 to 400 printable characters' });
  return gate;
};

const toProto = (view: RunView) => {
  const v = view as RunView & { outcome?: string; reason?: string; pause?: { reason: string }; plan?: { strategy: string }; done?: { target: string }[] };
  return {
    deploymentId: v.deploymentId,
    status: v.status,
    version: v.version,
    ...(v.outcome ? { outcome: v.outcome } : {}),
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.pause ? { pausedFor: v.pause.reason } : {}),
    ...(v.plan ? { strategy: v.plan.strategy } : {}),
    deployedTargets: (v.done ?? []).map((d) => d.target),
    stateJson: JSON.stringify(view),
  };
};
