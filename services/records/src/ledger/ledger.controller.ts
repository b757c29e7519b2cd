import { BadRequestException, Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { verifyLedgerBody, type VerifyLedgerBody } from '@gantry/contracts';
import { Database, EventStore } from '@gantry/event-store';
import { ApiBodyFrom, SchemaBody } from '@gantry/platform';
import { CSV_HEADER, formatLine, ledgerPages, writeWhenDrained, type ExportFormat } from './ledger-export';
import { LedgerLog } from './ledger-log';
import { formatDigest, heldCheckpoints, parseDigest, readLedgerHead, verifyDigest, verifyLedger } from './ledger-verification';

const position = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || Number(value) < 1) throw new BadRequestException(`${name} must be a ledger position (a positive integer)`);
  return Number(value);
};

/** The ledger's integrity, for auditors: a head to keep, and proofs over a range or against a kept head. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class LedgerController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly log: LedgerLog,
  ) {}

  /** The current head: keep `digest` to prove later that nothing up to it changed. */
  @Get('digest')
  @RequirePermission('audit:read')
  async digest() {
    const head = await readLedgerHead(this.db, this.store.schema);
    return { ...head, digest: formatDigest(head) };
  }

  @Get('verify')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'from', required: false, description: 'first ledger position (default 1)' })
  @ApiQuery({ name: 'to', required: false, description: 'last ledger position (default: the head)' })
  @ApiQuery({ name: 'digest', required: false, description: '`<position>:<hash>` from GET /audit/digest, kept earlier' })
  async verify(@Query('from') from?: string, @Query('to') to?: string, @Query('digest') digest?: string) {
    if (digest !== undefined) {
      if (from !== undefined || to !== undefined) throw new BadRequestException('give either digest or from/to, not both');
      const kept = typeof digest === 'string' ? parseDigest(digest) : undefined;
      if (!kept) throw new BadRequestException('digest must be <position>:<64 lowercase hex digits>');
      return verifyDigest(this.db, this.store.schema, kept, await this.log.trust());
    }
    const range = { from: position('from', from), to: position('to', to) };
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw new BadRequestException('from must not be after to');
    return verifyLedger(this.db, this.store.schema, range, await this.log.trust());
  }

  /**
   * The ledger from genesis against the checkpoints an auditor holds as well as those records stored: a checkpoint
   * deleted from the database, or a tail cut off with its checkpoints, is still named by the one the auditor kept.
   */
  @Post('verify')
  @HttpCode(200)
  @RequirePermission('audit:read')
  @ApiBodyFrom(verifyLedgerBody)
  async verifyAgainst(@Body(new SchemaBody(verifyLedgerBody)) body: VerifyLedgerBody) {
    const trust = await this.log.trust();
    const held = heldCheckpoints(body.checkpoints, trust);
    if (!held.ok) throw new BadRequestException([held.reason]);
    return body.digest === undefined
      ? verifyLedger(this.db, this.store.schema, {}, trust, held.value)
      : verifyDigest(this.db, this.store.schema, parseDigest(body.digest)!, trust, held.value);
  }

  /**
   * Every entry of a range, streamed page by page (constant memory for any range). NDJSON: each line is the entry's
   * bytes, so an export from position 1 verifies offline against the log's key and its checkpoints:
   * `node scripts/verify-ledger-export.js <file> --vkey <key> --checkpoint <file>…` (docs/ledger.md).
   */
  @Get('export')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['ndjson', 'csv'] })
  async export(@Res() res: StreamingResponse, @Query('from') from?: string, @Query('to') to?: string, @Query('format') format: string = 'ndjson') {
    if (format !== 'ndjson' && format !== 'csv') throw new BadRequestException('format must be ndjson or csv');
    const range = { from: position('from', from) ?? 1, to: position('to', to) };
    if (range.to !== undefined && range.from > range.to) throw new BadRequestException('from must not be after to');
    res.status(200);
    res.setHeader('content-type', format === 'ndjson' ? 'application/x-ndjson' : 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="gantry-ledger-${range.from}-${range.to ?? 'head'}.${format}"`);
    try {
      if (format === 'csv') await write(res, CSV_HEADER);
      for await (const page of ledgerPages(this.db, this.store.schema, range)) {
        await write(res, page.map((entry) => formatLine(entry, format as ExportFormat)).join(''));
      }
      res.end();
    } catch {
      // Headers are gone: cut the connection so the client sees an incomplete export, never a short "complete" one.
      res.destroy();
    }
  }
}

/** The Node response as a writable stream: write() says false when the client is slower than the ledger. */
interface StreamingResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  write(chunk: unknown): boolean;
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  end(): unknown;
  destroy(): unknown;
  destroyed: boolean;
}

const write = (res: StreamingResponse, chunk: string) => writeWhenDrained(res, chunk, 'close', () => res.destroyed);
