import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { objectOf, stringOf, Type, type Static } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { ApiQueryFrom, NotFound, SchemaParam, SchemaQuery } from '@gantry/platform';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { LedgerLog } from './ledger-log';
import { proveConsistency, proveDeployment, proveEntry } from './ledger-proofs';
import type { TreeAnswer } from './ledger-tree';

/** A tree size or position as a query gives it: a whole number up to 2^53 − 1. */
const count = (minimum: number, description: string) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description });

export const inclusionQuery = objectOf({
  position: count(1, 'the ledger position of the entry'),
  treeSize: Type.Optional(count(1, 'the tree size to prove against (default: the latest checkpoint, made now when none covers the entry yet)')),
});
export const deploymentProofsQuery = objectOf({
  treeSize: Type.Optional(count(1, 'the tree size to prove against (default: the latest checkpoint, made now when none covers every entry yet)')),
});
export const consistencyQuery = objectOf({
  from: count(1, 'the older tree size'),
  to: Type.Optional(count(1, 'the newer tree size (default: the latest checkpoint, else the tree now)')),
});

const deploymentId = stringOf({ maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' });

/** A proof, or the clear 400/404 of a question about entries or sizes the tree does not have. */
function proved<T>(answer: TreeAnswer<T>): T {
  if (answer.ok) return answer.value;
  throw answer.problem === 'not-found' ? new NotFound(answer.reason) : new BadRequestException([answer.reason]);
}

/**
 * RFC 9162 proofs over the ledger's tree, for an auditor to verify offline against a signed checkpoint: an entry is in
 * the tree, every entry of a deployment is, and a later tree extends an earlier one. Hashes in lower-case hex.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class ProofsController {
  constructor(
    private readonly db: Database,
    private readonly log: LedgerLog,
    private readonly checkpointer: LedgerCheckpointer,
  ) {}

  /** The inclusion proof of one entry, with its bytes and the signed checkpoint of the size proved against. */
  @Get('proofs/inclusion')
  @RequirePermission('audit:read')
  @ApiQueryFrom(inclusionQuery)
  async inclusion(@Query(new SchemaQuery(inclusionQuery)) query: Static<typeof inclusionQuery>) {
    await this.checkpointer.cover(query.treeSize ?? query.position);
    return proved(await proveEntry(this.db, this.log.schema, query.position, query.treeSize));
  }

  /** The consistency proof between two tree sizes, with the checkpoints of both when the log made them. */
  @Get('proofs/consistency')
  @RequirePermission('audit:read')
  @ApiQueryFrom(consistencyQuery)
  async consistency(@Query(new SchemaQuery(consistencyQuery)) query: Static<typeof consistencyQuery>) {
    await this.checkpointer.cover(query.to ?? query.from);
    return proved(await proveConsistency(this.db, this.log.schema, query.from, query.to));
  }

  /** Every entry of a deployment with its bytes and inclusion proof, and the signed checkpoint: verifiable offline alone. */
  @Get('deployments/:id/proofs')
  @RequirePermission('audit:read')
  @ApiQueryFrom(deploymentProofsQuery)
  async deployment(@Param('id', new SchemaParam(deploymentId, 'a deployment id')) id: string, @Query(new SchemaQuery(deploymentProofsQuery)) query: Static<typeof deploymentProofsQuery>) {
    await this.checkpointer.cover(query.treeSize);
    return proved(await proveDeployment(this.db, this.log.schema, id, query.treeSize));
  }
}
