import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { DEPLOYMENT_OUTCOMES, enumOf, isoTime, objectOf, stringOf, Type, type Static } from '@gantry/contracts';
import { ApiQueryFrom, Clock, SchemaQuery } from '@gantry/platform';
import { AuditQueries, decodeCursor, MAX_OUTCOME_WAIT_SECONDS } from './audit-queries';

const IDENTIFIER = '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$';
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$';
const NAME = new RegExp(NAME_PATTERN);

export const deploymentListQuery = objectOf({
  changeId: Type.Optional(stringOf({ maxLength: 128, pattern: IDENTIFIER, description: 'a change id' })),
  releaseId: Type.Optional(stringOf({ maxLength: 128, pattern: IDENTIFIER, description: 'a release id' })),
  service: Type.Optional(stringOf({ pattern: NAME_PATTERN, description: 'a service name' })),
  environment: Type.Optional(stringOf({ pattern: NAME_PATTERN, description: 'an environment name' })),
  outcome: Type.Optional(enumOf(DEPLOYMENT_OUTCOMES)),
  /** the monitoring period after the deployment was verified: in monitoring until it ends, then its verdict */
  monitoring: Type.Optional(enumOf(['in-monitoring', 'clean', 'regressed', 'inconclusive'])),
  /** the chained promotion the deployments are stages of */
  chainId: Type.Optional(stringOf({ maxLength: 128, pattern: IDENTIFIER, description: 'a chain id (its first stage’s deployment id)' })),
  /** requested at or after */
  from: Type.Optional(isoTime),
  /** requested before */
  to: Type.Optional(isoTime),
  /** nextCursor of the previous page */
  cursor: Type.Optional(stringOf({ maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export type DeploymentListQuery = Static<typeof deploymentListQuery>;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly clock: Clock,
  ) {}

  /** Deployment records, newest first, filtered; `nextCursor` fetches the next page (keyset pagination). */
  @Get('deployments')
  @RequirePermission('audit:read')
  @ApiQueryFrom(deploymentListQuery)
  async list(@Query(new SchemaQuery(deploymentListQuery)) query: DeploymentListQuery) {
    const { cursor, limit, ...filter } = query;
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && before === undefined) throw new BadRequestException('cursor is not one this service gave out: pass nextCursor of the previous page');
    const from = filter.from === undefined ? undefined : new Date(filter.from).toISOString();
    const to = filter.to === undefined ? undefined : new Date(filter.to).toISOString();
    if (from !== undefined && to !== undefined && from >= to) throw new BadRequestException('from must be before to');
    return this.audit.list({ ...filter, from, to }, { before, limit: limit ?? 50 });
  }

  /**
   * A deployment's full history across services in causal order, the record rebuilt from the ledger by folding
   * that history, and the live projection's record (the two must agree).
   */
  @Get('deployments/:id')
  @RequirePermission('audit:read')
  @ApiQuery({
    name: 'waitForOutcome',
    required: false,
    description:
      `seconds (0–${MAX_OUTCOME_WAIT_SECONDS}) to hold the answer until the ledger holds the record's close (DeploymentRecordClosed, the final outcome): ` +
      'records consumes every service on its own, so the record fills in over a moment after a deployment ends. Then, or when the time passes, ' +
      'the answer is what the ledger holds (200, or 404 if still nothing); `state.phase` says whether it closed. Reactions to the close ' +
      "(planning's DeploymentWindowReleased, model-review's ModelOutcomeRecorded) may still follow.",
  })
  deploymentHistory(@Param('id', new ParseUUIDPipe()) deploymentId: string, @Query('waitForOutcome') waitForOutcome?: string) {
    return this.audit.history(deploymentId, secondsToWait(waitForOutcome));
  }

  /** A chained promotion as one: its stages in order, the deployment of each requested so far, their outcomes, its status. */
  @Get('chains/:chainId')
  @RequirePermission('audit:read')
  promotionChain(@Param('chainId', new ParseUUIDPipe()) chainId: string) {
    return this.audit.chain(chainId);
  }

  /** The deployment rebuilt from what the ledger held at `asOf` (default: now). */
  @Get('deployments/:id/state')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 time' })
  deploymentStateAsOf(@Param('id', new ParseUUIDPipe()) deploymentId: string, @Query('asOf') asOf?: string) {
    return this.audit.deploymentAsOf(deploymentId, instant(asOf, this.clock));
  }

  /** What was deployed in an environment at `asOf`, per service: versions and digests, deployment, change, requester, approvers, model. */
  @Get('environments/:name/state')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 time' })
  environmentStateAsOf(@Param('name') name: string, @Query('asOf') asOf?: string) {
    if (typeof name !== 'string' || !NAME.test(name)) throw new BadRequestException('name must be an environment name');
    return this.audit.environmentAsOf(name, instant(asOf, this.clock));
  }
}

/** A `waitForOutcome` parameter as whole seconds; absent: 0 (answer at once). */
export const secondsToWait = (waitForOutcome: string | undefined): number => {
  if (waitForOutcome === undefined) return 0;
  if (typeof waitForOutcome !== 'string' || !/^\d{1,2}$/.test(waitForOutcome) || Number(waitForOutcome) > MAX_OUTCOME_WAIT_SECONDS) {
    throw new BadRequestException(`waitForOutcome must be a whole number of seconds from 0 to ${MAX_OUTCOME_WAIT_SECONDS}`);
  }
  return Number(waitForOutcome);
};

/** An `asOf` parameter as an ISO instant; absent: now, by the process's clock. */
export const instant = (asOf: string | undefined, clock: Clock): string => {
  if (asOf === undefined) return clock.now().toISOString();
  if (typeof asOf !== 'string' || asOf.length > 40 || Number.isNaN(Date.parse(asOf))) throw new BadRequestException('asOf must be an ISO 8601 time, e.g. 2026-12-01T22:00:00Z');
  return new Date(asOf).toISOString();
};
