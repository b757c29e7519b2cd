import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { defer, EMPTY, mergeMap, type Observable } from 'rxjs';
import { AuthGuard, RequirePermission } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { answerGrpc, invalidArgument, rpcError } from '@gantry/platform';
import { AuditQueries, instant, secondsToWait } from '../deployment-records';
import { exportRecord, ledgerPages, parseDigest, verifyDigest, verifyLedger, writeWhenDrained, type LedgerEntry, type LedgerVerification } from '../ledger';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** An int64 as proto-loader hands it over (number, string or Long), as a ledger position; undefined when absent. */
const position = (name: string, value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw invalidArgument(`${name} must be a ledger position (a positive integer)`);
  return Number(text);
};

const deploymentIdOf = (id: string | undefined): string => {
  if (!id || !UUID.test(id)) throw invalidArgument('deployment_id must be a uuid');
  return id;
};

const asOfOf = (asOf: string | undefined) => {
  try {
    return instant(asOf || undefined);
  } catch (error) {
    throw rpcError(error);
  }
};

const toProtoEntry = (entry: LedgerEntry) => {
  const { event, ...rest } = exportRecord(entry);
  return { ...rest, eventJson: JSON.stringify(event) };
};

const toProtoVerification = (verdict: LedgerVerification) => ({
  intact: verdict.intact,
  from: verdict.from,
  to: verdict.to,
  checked: verdict.checked,
  ...(verdict.intact ? {} : { firstBroken: { position: verdict.firstBroken.position, ...(verdict.firstBroken.eventId ? { eventId: verdict.firstBroken.eventId } : {}), reason: verdict.firstBroken.reason } }),
});

/** The gRPC door of the audit ledger: the same queries as REST, the same permission, the same error mapping. */
@Controller()
@UseGuards(AuthGuard)
export class AuditGrpc {
  constructor(
    private readonly audit: AuditQueries,
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  @GrpcMethod('AuditService', 'GetDeploymentHistory')
  @RequirePermission('audit:read')
  async getDeploymentHistory(message: { deploymentId?: string; waitForOutcomeSeconds?: number }, _metadata: Metadata) {
    const { deploymentId, state, history } = await this.answer(() =>
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
    };
  }

  @GrpcMethod('AuditService', 'GetDeploymentStateAsOf')
  @RequirePermission('audit:read')
  async getDeploymentStateAsOf(message: { deploymentId?: string; asOf?: string }, _metadata: Metadata) {
    const rebuilt = await this.answer(() => this.audit.deploymentAsOf(deploymentIdOf(message.deploymentId), asOfOf(message.asOf)));
    return { deploymentId: rebuilt.deploymentId, asOf: rebuilt.asOf, ledgerPosition: rebuilt.ledgerPosition, stateJson: JSON.stringify(rebuilt.state) };
  }

  @GrpcMethod('AuditService', 'GetEnvironmentStateAsOf')
  @RequirePermission('audit:read')
  async getEnvironmentStateAsOf(message: { environment?: string; asOf?: string }, _metadata: Metadata) {
    if (!message.environment || !NAME.test(message.environment)) throw invalidArgument('environment must be an environment name');
    const state = await this.answer(() => this.audit.environmentAsOf(message.environment!, asOfOf(message.asOf)));
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
      })),
    };
  }

  @GrpcMethod('AuditService', 'VerifyLedger')
  @RequirePermission('audit:read')
  async verifyLedger(message: { from?: unknown; to?: unknown; digest?: string }, _metadata: Metadata) {
    const range = { from: position('from', message.from), to: position('to', message.to) };
    if (message.digest !== undefined && message.digest !== null) {
      if (range.from !== undefined || range.to !== undefined) throw invalidArgument('give either digest or from/to, not both');
      const kept = parseDigest(message.digest);
      if (!kept) throw invalidArgument('digest must be <position>:<64 lowercase hex digits>');
      return toProtoVerification(await this.answer(() => verifyDigest(this.db, this.store.schema, kept)));
    }
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw invalidArgument('from must not be after to');
    return toProtoVerification(await this.answer(() => verifyLedger(this.db, this.store.schema, range)));
  }

  /** Streams the range page by page, writing under the client's flow control (`writeWhenDrained`). */
  @GrpcMethod('AuditService', 'ExportEvents')
  @RequirePermission('audit:read')
  async exportEvents(message: { from?: unknown; to?: unknown }, _metadata: Metadata, call: ServerWritableStream<unknown, unknown>): Promise<Observable<never>> {
    const range = { from: position('from', message.from) ?? 1, to: position('to', message.to) };
    if (range.to !== undefined && range.from > range.to) throw invalidArgument('from must not be after to');
    return defer(async () => {
      try {
        for await (const page of ledgerPages(this.db, this.store.schema, range)) {
          for (const entry of page) await writeWhenDrained(call, toProtoEntry(entry), 'cancelled', () => call.cancelled);
        }
      } catch (error) {
        if (call.cancelled) return;
        throw rpcError(error).getError();
      }
    }).pipe(mergeMap(() => EMPTY));
  }

  private answer<T>(work: () => Promise<T>): Promise<T> {
    return answerGrpc(work);
  }
}
