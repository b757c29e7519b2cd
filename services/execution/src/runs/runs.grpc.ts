import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { AuthGuard, RequirePermission } from '@gantry/auth';
import { answerGrpc, Clock, grpcContext, invalidArgument, validatedMessage } from '@gantry/platform';
import { Runs, type RunView } from './runs';
import { approveGateBody, type ApproveGateBody, denyGateBody, type DenyGateBody, rollbackDecisionBody, type RollbackDecisionBody } from '@gantry/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RunMessage {
  deploymentId?: string;
  gate?: string;
  reason?: string;
  comment?: string;
  rollback?: boolean;
}

/** `gantry.v1.ExecutionService`: the same commands as REST /runs, the same rules and DTOs, the one gRPC edge. */
@Controller()
@UseGuards(AuthGuard)
export class RunsGrpc {
  constructor(
    private readonly runs: Runs,
    private readonly clock: Clock,
  ) {}

  @GrpcMethod('ExecutionService', 'GetRun')
  @RequirePermission('runs:read')
  getRun(message: RunMessage, metadata: Metadata) {
    const { id, identity } = context(message, metadata, this.clock);
    return answerGrpc(async () => toProto(await this.runs.read(id, identity)));
  }

  @GrpcMethod('ExecutionService', 'ApproveGate')
  @RequirePermission('runs:approve')
  approveGate(message: RunMessage, metadata: Metadata) {
    const { id, identity, meta } = context(message, metadata, this.clock);
    const gate = gateOf(message);
    const body = validatedMessage<ApproveGateBody>(approveGateBody, message.comment === undefined ? {} : { comment: message.comment });
    return answerGrpc(async () => toProto(await this.runs.approve(id, gate, body.comment, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'DenyGate')
  @RequirePermission('runs:approve')
  async denyGate(message: RunMessage, metadata: Metadata) {
    const { id, identity, meta } = context(message, metadata, this.clock);
    const gate = gateOf(message);
    const body = validatedMessage<DenyGateBody>(denyGateBody, { reason: message.reason });
    return answerGrpc(async () => toProto(await this.runs.deny(id, gate, body.reason, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'PauseRun')
  @RequirePermission('runs:control')
  pauseRun(message: RunMessage, metadata: Metadata) {
    const { id, identity, meta } = context(message, metadata, this.clock);
    return answerGrpc(async () => toProto(await this.runs.pause(id, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'ResumeRun')
  @RequirePermission('runs:control')
  resumeRun(message: RunMessage, metadata: Metadata) {
    const { id, identity, meta } = context(message, metadata, this.clock);
    return answerGrpc(async () => toProto(await this.runs.resume(id, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'AbortRun')
  @RequirePermission('runs:control')
  abortRun(message: RunMessage, metadata: Metadata) {
    const { id, identity, meta } = context(message, metadata, this.clock);
    return answerGrpc(async () => toProto(await this.runs.abort(id, identity, meta)));
  }

  @GrpcMethod('ExecutionService', 'DecideRollback')
  @RequirePermission('runs:control')
  async decideRollback(message: RunMessage, metadata: Metadata) {
    const { id, identity, meta } = context(message, metadata, this.clock);
    const body = validatedMessage<RollbackDecisionBody>(rollbackDecisionBody, { rollback: message.rollback });
    return answerGrpc(async () => toProto(await this.runs.decideRollback(id, body.rollback, identity, meta)));
  }
}

const deploymentIdOf = (message: RunMessage): string => {
  if (!message.deploymentId || !UUID.test(message.deploymentId)) throw invalidArgument('deployment_id must be a uuid');
  return message.deploymentId;
};

const gateOf = (message: RunMessage): string => {
  const gate = message.gate ?? '';
  if (gate.length === 0 || gate.length > 400 || !/^[\x20-\x7e]+$/.test(gate) || !/\S/.test(gate)) throw invalidArgument('gate is 1 to 400 printable characters');
  return gate;
};

const context = (message: RunMessage, metadata: Metadata, clock: Clock) => {
  const call = grpcContext(metadata, clock);
  return { id: deploymentIdOf(message), identity: call.identity, meta: call };
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
