import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { AuthGuard, RequirePermission } from '@gantry/auth';
import { answerGrpc, Clock, invalidArgument, rpcError } from '@gantry/platform';
import { instant, secondsToWait } from './audit.controller';
import { AuditQueries } from './audit-queries';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

const deploymentIdOf = (id: string | undefined): string => {
  if (!id || !UUID.test(id)) throw invalidArgument('deployment_id must be a uuid');
  return id;
};

const asOfOf = (asOf: string | undefined, clock: Clock) => {
  try {
    return instant(asOf || undefined, clock);
  } catch (error) {
    throw rpcError(error);
  }
};

/** The gRPC door of the audit queries (the ledger's own calls are LedgerGrpc's): the same queries as REST, the same permission, the same error mapping. */
@Controller()
@UseGuards(AuthGuard)
export class AuditGrpc {
  constructor(
    private readonly audit: AuditQueries,
    private readonly clock: Clock,
  ) {}

  @GrpcMethod('AuditService', 'GetDeploymentHistory')
  @RequirePermission('audit:read')
  async getDeploymentHistory(message: { deploymentId?: string; waitForOutcomeSeconds?: number }, _metadata: Metadata) {
    const { deploymentId, state, history, integrity } = await answerGrpc(() =>
      this.audit.history(deploymentIdOf(message.deploymentId), secondsToWait(message.waitForOutcomeSeconds ? String(message.waitForOutcomeSeconds) : undefined)),
    );
    return {
      deploymentId,
      stateJson: JSON.stringify(state),
      history: history.map((h) => ({
        position: h.position,
        topic: h.topic,
        type: h.type,
        source: h.source,
        id: h.id,
        time: h.time ?? '',
        ...(h.causationId ? { causationId: h.causationId } : {}),
        ...(h.correlationId ? { correlationId: h.correlationId } : {}),
        dataJson: JSON.stringify(h.data ?? null),
        hash: h.hash,
      })),
      integrity: {
        verified: integrity.verified,
        ...(integrity.checkpoint ? { checkpointTreeSize: integrity.checkpoint.treeSize, checkpointMadeAt: integrity.checkpoint.madeAt } : {}),
        notCheckpointed: integrity.notCheckpointed,
        ...(integrity.firstFailure ? { firstFailure: integrity.firstFailure } : {}),
      },
    };
  }

  @GrpcMethod('AuditService', 'GetDeploymentStateAsOf')
  @RequirePermission('audit:read')
  async getDeploymentStateAsOf(message: { deploymentId?: string; asOf?: string }, _metadata: Metadata) {
    const rebuilt = await answerGrpc(() => this.audit.deploymentAsOf(deploymentIdOf(message.deploymentId), asOfOf(message.asOf, this.clock)));
    return { deploymentId: rebuilt.deploymentId, asOf: rebuilt.asOf, ledgerPosition: rebuilt.ledgerPosition, stateJson: JSON.stringify(rebuilt.state) };
  }

  @GrpcMethod('AuditService', 'GetEnvironmentStateAsOf')
  @RequirePermission('audit:read')
  async getEnvironmentStateAsOf(message: { environment?: string; asOf?: string }, _metadata: Metadata) {
    if (!message.environment || !NAME.test(message.environment)) throw invalidArgument('environment must be an environment name');
    const state = await answerGrpc(() => this.audit.environmentAsOf(message.environment!, asOfOf(message.asOf, this.clock)));
    return {
      environment: state.environment,
      asOf: state.asOf,
      services: state.services.map((s) => ({
        service: s.service,
        deploymentId: s.deploymentId,
        ...(s.changeId ? { changeId: s.changeId } : {}),
        ...(s.releaseId ? { releaseId: s.releaseId } : {}),
        components: s.components,
        ...(s.model ? { modelName: s.model.name, modelVersion: s.model.version } : {}),
        ...(s.requestedBy ? { requestedBy: s.requestedBy } : {}),
        approvals: s.approvals,
        closedAt: s.closedAt,
        ...(s.liveSide ? { liveSide: s.liveSide } : {}),
      })),
    };
  }
}
