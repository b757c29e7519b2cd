import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { Database } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { keyIdHex } from '@gantry/transparency-log';
import { checkpointOfSize, checkpointsAfter, latestCheckpoint } from './ledger-checkpoints';
import { LedgerLog } from './ledger-log';
import { wholeNumber } from './query-numbers';

/**
 * What an auditor takes outside Gantry: the log's public key (once, by a channel they trust) and its signed
 * checkpoints (as they come), which an offline verifier checks an export, a proof or a later checkpoint against.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class CheckpointsController {
  constructor(
    private readonly db: Database,
    private readonly log: LedgerLog,
  ) {}

  /** The verifier key (c2sp.org/signed-note vkey) of the key that signs the ledger's checkpoints, and the log's origin. */
  @Get('log-key')
  @RequirePermission('audit:read')
  async logKey() {
    const key = (await this.log.signingKey()).verifierKey;
    return { origin: this.log.origin, verifierKey: key.text, keyId: keyIdHex(key.id), algorithm: 'ed25519' };
  }

  /** The latest signed checkpoint, or the one of a given tree size, as the signed note itself (text/plain). */
  @Get('checkpoint')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'size', required: false, description: 'the tree size of a checkpoint made earlier (default: the latest)' })
  async checkpoint(@Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown }, @Query('size') size?: string): Promise<string> {
    const asked = wholeNumber('size', size, 1, 'a tree size');
    const checkpoint = asked === undefined ? await latestCheckpoint(this.db, this.log.schema) : await checkpointOfSize(this.db, this.log.schema, asked);
    if (!checkpoint) throw new NotFound(asked === undefined ? 'the ledger has no checkpoint yet' : `no checkpoint was made at tree size ${asked}`);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    return checkpoint.note;
  }

  /** Every checkpoint made, smallest first, a page at a time: what an auditor collects to verify an export against. */
  @Get('checkpoints')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'after', required: false, description: 'only checkpoints of a larger tree size (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000 (default 100)' })
  async checkpoints(@Query('after') after?: string, @Query('limit') limit?: string) {
    const from = wholeNumber('after', after, 0, 'a tree size') ?? 0;
    const count = wholeNumber('limit', limit, 1, 'a number of checkpoints') ?? 100;
    if (count > 1000) throw new BadRequestException('limit must be at most 1000');
    const page = await checkpointsAfter(this.db, this.log.schema, from, count);
    return {
      checkpoints: page.map(({ treeSize, madeAt, note }) => ({ treeSize, madeAt, note })),
      ...(page.length === count ? { nextAfter: page[page.length - 1]!.treeSize } : {}),
    };
  }
}
