import { BadRequestException, Controller, Get, Param, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { objectOf, stringOf, Type, type Static } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { ApiQueryFrom, NotFound, SchemaParam, SchemaQuery } from '@gantry/platform';
import { bundleOfDeployment, type BundleAnswer } from './ledger-bundle';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { LedgerLog } from './ledger-log';
import { proveConsistency, proveEntry } from './ledger-proofs';
import type { TreeAnswer } from './ledger-tree';

/** A tree size or position as a query gives it: a whole number up to 2^53 − 1. */
const count = (minimum: number, description: string) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description });

export const inclusionQuery = objectOf({
  position: count(1, 'the ledger position of the entry'),
  treeSize: Type.Optional(count(1, 'the tree size to prove against (default: the latest checkpoint, made now when none covers the entry yet)')),
});
export const deploymentBundleQuery = objectOf({
  treeSize: Type.Optional(count(1, "the size of a checkpoint made earlier to prove against (default: the latest checkpoint when it covers the deployment's last entry, else one made now)")),
});
export const consistencyQuery = objectOf({
  from: count(1, 'the older tree size'),
  to: Type.Optional(count(1, 'the newer tree size (default: the latest checkpoint, else the tree now)')),
});

export const ledgerDeploymentId = stringOf({ maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' });

type ProofRefusal = Extract<TreeAnswer<unknown> | BundleAnswer, { ok: false }>;

/**
 * Why a proof cannot be given, as the error both doors map: a question about entries or sizes the tree does not have
 * (404, 400), or a log that refuses to sign its tree (503: the ledger no longer extends what it signed).
 */
export function refusalOf(answer: ProofRefusal): Error {
  if (answer.problem === 'not-found') return new NotFound(answer.reason);
  if (answer.problem === 'unsigned') return new ServiceUnavailableException(answer.reason);
  return new BadRequestException([answer.reason]);
}

export function proved<T>(answer: { ok: true; value: T } | ProofRefusal): T {
  if (answer.ok) return answer.value;
  throw refusalOf(answer);
}

/**
 * RFC 9162 proofs over the ledger's tree, for an auditor to verify offline against a signed checkpoint: an entry is in
 * the tree, every entry of a deployment is (its bundle), and a later tree extends an earlier one. Hashes in lower-case hex.
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

  /**
   * The deployment's bundle: every entry with its bytes and inclusion proof, and one signed checkpoint covering them
   * all (made now when none does yet), which verifies offline with the log's key alone (docs/ledger.md).
   */
  @Get('deployments/:id/bundle')
  @RequirePermission('audit:read')
  @ApiQueryFrom(deploymentBundleQuery)
  async bundle(@Param('id', new SchemaParam(ledgerDeploymentId, 'a deployment id')) id: string, @Query(new SchemaQuery(deploymentBundleQuery)) query: Static<typeof deploymentBundleQuery>) {
    return proved(await bundleOfDeployment(this.db, this.log, this.checkpointer, id, query.treeSize));
  }
}
