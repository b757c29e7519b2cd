import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { formatDigest, parseDigest, readLedgerHead, verifyDigest, verifyLedger } from './ledger-verification';

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
      return verifyDigest(this.db, this.store.schema, kept);
    }
    const range = { from: position('from', from), to: position('to', to) };
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw new BadRequestException('from must not be after to');
    return verifyLedger(this.db, this.store.schema, range);
  }
}
