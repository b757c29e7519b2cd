import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { defer, EMPTY, mergeMap, type Observable } from 'rxjs';
import { AuthGuard, RequirePermission } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { answerGrpc, invalidArgument, rpcError } from '@gantry/platform';
import { exportRecord, ledgerPages, writeWhenDrained } from './ledger-export';
import { entryText, type StoredLedgerEntry } from './ledger-entry';
import { LedgerLog } from './ledger-log';
import { parseDigest, verifyDigest, verifyLedger, type LedgerVerification } from './ledger-verification';

/** An int64 as proto-loader hands it over (number, string or Long), as a ledger position; undefined when absent. */
const position = (name: string, value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw invalidArgument(`${name} must be a ledger position (a positive integer)`);
  return Number(text);
};

/** An entry as ExportEvents sends it: its bytes (`entry`, the NDJSON export's line), and the fields older clients read. */
const toProtoEntry = (entry: StoredLedgerEntry) => {
  const { event, ...rest } = exportRecord(entry);
  return { ...rest, eventJson: JSON.stringify(event), entry: entryText(entry) };
};

const toProtoVerification = (verdict: LedgerVerification) => ({
  intact: verdict.intact,
  from: verdict.from,
  to: verdict.to,
  checked: verdict.checked,
  ...(verdict.intact ? {} : { firstBroken: { position: verdict.firstBroken.position, ...(verdict.firstBroken.eventId ? { eventId: verdict.firstBroken.eventId } : {}), reason: verdict.firstBroken.reason } }),
});

/** The gRPC door of the ledger (AuditService's VerifyLedger and ExportEvents): the same checks, permission and error mapping as REST. */
@Controller()
@UseGuards(AuthGuard)
export class LedgerGrpc {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly log: LedgerLog,
  ) {}

  @GrpcMethod('AuditService', 'VerifyLedger')
  @RequirePermission('audit:read')
  async verifyLedger(message: { from?: unknown; to?: unknown; digest?: string }, _metadata: Metadata) {
    const range = { from: position('from', message.from), to: position('to', message.to) };
    if (message.digest !== undefined && message.digest !== null) {
      if (range.from !== undefined || range.to !== undefined) throw invalidArgument('give either digest or from/to, not both');
      const kept = parseDigest(message.digest);
      if (!kept) throw invalidArgument('digest must be <position>:<64 lowercase hex digits>');
      return toProtoVerification(await answerGrpc(async () => verifyDigest(this.db, this.store.schema, kept, await this.log.trust())));
    }
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw invalidArgument('from must not be after to');
    return toProtoVerification(await answerGrpc(async () => verifyLedger(this.db, this.store.schema, range, await this.log.trust())));
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
}
