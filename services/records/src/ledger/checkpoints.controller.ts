import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Public, RequirePermission } from '@gantry/auth';
import { objectOf, Type, type Static } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { ApiQueryFrom, NotFound, SchemaQuery } from '@gantry/platform';
import { keyIdHex } from '@gantry/transparency-log';
import { checkpointOfSize, checkpointsAfter, latestCheckpoint, type StoredCheckpoint } from './ledger-checkpoints';
import { LedgerLog } from './ledger-log';

export const checkpointQuery = objectOf({
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'the tree size of a checkpoint made earlier (default: the latest)' })),
});
export const checkpointsQuery = objectOf({
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'only checkpoints of a larger tree size' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'at most this many' })),
});

/** The log's verifier key and origin, as REST and gRPC answer them. */
export async function logKeyOf(log: LedgerLog) {
  const key = (await log.signingKey()).verifierKey;
  return { origin: log.origin, verifierKey: key.text, keyId: keyIdHex(key.id), algorithm: 'ed25519' };
}

/** The latest checkpoint, or the one made at `size`; NotFound when there is none. */
export async function checkpointAsked(db: Database, schema: string, size: number | undefined): Promise<StoredCheckpoint> {
  const checkpoint = size === undefined ? await latestCheckpoint(db, schema) : await checkpointOfSize(db, schema, size);
  if (!checkpoint) throw new NotFound(size === undefined ? 'the ledger has no checkpoint yet' : `no checkpoint was made at tree size ${size}`);
  return checkpoint;
}

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
  logKey() {
    return logKeyOf(this.log);
  }

  /** The latest signed checkpoint, or the one of a given tree size, as the signed note itself (text/plain). */
  @Get('checkpoint')
  @RequirePermission('audit:read')
  @ApiQueryFrom(checkpointQuery)
  async checkpoint(@Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown }, @Query(new SchemaQuery(checkpointQuery)) query: Static<typeof checkpointQuery>): Promise<string> {
    const checkpoint = await checkpointAsked(this.db, this.log.schema, query.size);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    return checkpoint.note;
  }

  /** Every checkpoint made, smallest first, a page at a time: what an auditor collects to verify an export against. */
  @Get('checkpoints')
  @RequirePermission('audit:read')
  @ApiQueryFrom(checkpointsQuery)
  async checkpoints(@Query(new SchemaQuery(checkpointsQuery)) query: Static<typeof checkpointsQuery>) {
    const from = query.after ?? 0;
    const count = query.limit ?? 100;
    const page = await checkpointsAfter(this.db, this.log.schema, from, count);
    return {
      checkpoints: page.map(({ treeSize, madeAt, note }) => ({ treeSize, madeAt, note })),
      ...(page.length === count ? { nextAfter: page[page.length - 1]!.treeSize } : {}),
    };
  }
}

/**
 * The log's public key where anyone can fetch it without an account (as Go's checksum database publishes its key): a
 * verifier key is no secret, and an auditor should compare it with the one they were given by a channel they trust.
 */
@ApiTags('audit')
@Controller('.well-known/gantry')
export class WellKnownLedgerKeyController {
  constructor(private readonly log: LedgerLog) {}

  /** The verifier key (c2sp.org/signed-note vkey) of the key that signs the ledger's checkpoints, one line of text. */
  @Get('ledger-key')
  @Public()
  @Header('content-type', 'text/plain; charset=utf-8')
  async ledgerKey(): Promise<string> {
    return `${(await logKeyOf(this.log)).verifierKey}\n`;
  }
}
