import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { AuthGuard, RequirePermission } from '@gantry/auth';
import { objectOf } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { answerGrpc, SchemaParam, validatedMessage } from '@gantry/platform';
import { checkpointAsked, checkpointQuery, logKeyOf } from './checkpoints.controller';
import { bundleOfDeployment } from './ledger-bundle';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { LedgerLog } from './ledger-log';
import { proveConsistency, proveEntry } from './ledger-proofs';
import { consistencyQuery, deploymentBundleQuery, inclusionQuery, ledgerDeploymentId, proved } from './proofs.controller';

/**
 * An int64 as proto-loader hands it over (number, string or Long) as a number for the REST query's schema to check;
 * absent stays absent. Text that is not a whole number becomes NaN, which the schema refuses like REST does.
 */
const whole = (value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return /^-?\d{1,20}$/.test(text) ? Number(text) : Number.NaN;
};

/** The message's fields that are present, for `validatedMessage`. */
const present = <T extends Record<string, unknown>>(fields: T): T => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;

const deploymentId = new SchemaParam(ledgerDeploymentId, 'a deployment id');
const bundleRequest = objectOf({ treeSize: deploymentBundleQuery.properties.treeSize });

/**
 * AuditService's log key, checkpoints and proofs: the REST doors' answers (checkpoints.controller.ts,
 * proofs.controller.ts) with the same permission, the same checks of the same schemas, and the same failures as
 * NOT_FOUND, INVALID_ARGUMENT or UNAVAILABLE.
 */
@Controller()
@UseGuards(AuthGuard)
export class ProofsGrpc {
  constructor(
    private readonly db: Database,
    private readonly log: LedgerLog,
    private readonly checkpointer: LedgerCheckpointer,
  ) {}

  @GrpcMethod('AuditService', 'GetLogKey')
  @RequirePermission('audit:read')
  getLogKey(_message: unknown, _metadata: Metadata) {
    return answerGrpc(() => logKeyOf(this.log));
  }

  @GrpcMethod('AuditService', 'GetCheckpoint')
  @RequirePermission('audit:read')
  getCheckpoint(message: { size?: unknown }, _metadata: Metadata) {
    const { size } = validatedMessage<{ size?: number }>(checkpointQuery, present({ size: whole(message.size) }));
    return answerGrpc(async () => {
      const { treeSize, madeAt, note } = await checkpointAsked(this.db, this.log.schema, size);
      return { treeSize, madeAt, note };
    });
  }

  @GrpcMethod('AuditService', 'GetInclusionProof')
  @RequirePermission('audit:read')
  getInclusionProof(message: { position?: unknown; treeSize?: unknown }, _metadata: Metadata) {
    const query = validatedMessage<{ position: number; treeSize?: number }>(inclusionQuery, present({ position: whole(message.position), treeSize: whole(message.treeSize) }));
    return answerGrpc(async () => {
      const { checkpoint, ...proof } = proved(await proveEntry(this.db, this.log.schema, query.position, query.treeSize));
      return { ...proof, ...(checkpoint === null ? {} : { checkpoint }) };
    });
  }

  @GrpcMethod('AuditService', 'GetDeploymentBundle')
  @RequirePermission('audit:read')
  getDeploymentBundle(message: { deploymentId?: string; treeSize?: unknown }, _metadata: Metadata) {
    return answerGrpc(async () => {
      const id = deploymentId.transform(message.deploymentId ?? '');
      const { treeSize } = validatedMessage<{ treeSize?: number }>(bundleRequest, present({ treeSize: whole(message.treeSize) }));
      return proved(await bundleOfDeployment(this.db, this.log, this.checkpointer, id, treeSize));
    });
  }

  @GrpcMethod('AuditService', 'GetConsistencyProof')
  @RequirePermission('audit:read')
  getConsistencyProof(message: { from?: unknown; to?: unknown }, _metadata: Metadata) {
    const query = validatedMessage<{ from: number; to?: number }>(consistencyQuery, present({ from: whole(message.from), to: whole(message.to) }));
    return answerGrpc(async () => {
      const { checkpoints, ...proof } = proved(await proveConsistency(this.db, this.log.schema, query.from, query.to));
      return { ...proof, ...(checkpoints.from === null ? {} : { fromCheckpoint: checkpoints.from }), ...(checkpoints.to === null ? {} : { toCheckpoint: checkpoints.to }) };
    });
  }
}
