import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { RequirePermission } from '@gantry/auth';
import { DEPLOYMENT_OUTCOMES, type DeploymentOutcome } from '@gantry/contracts';
import { Clock } from '@gantry/platform';
import { AuditQueries, decodeCursor, MAX_OUTCOME_WAIT_SECONDS } from './audit-queries';

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

export class DeploymentListQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) @Matches(IDENTIFIER, { message: 'changeId must be a change id' }) changeId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) @Matches(IDENTIFIER, { message: 'releaseId must be a release id' }) releaseId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(NAME, { message: 'service must be a service name' }) service?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(NAME, { message: 'environment must be an environment name' }) environment?: string;
  @ApiPropertyOptional({ enum: DEPLOYMENT_OUTCOMES }) @IsOptional() @IsIn(DEPLOYMENT_OUTCOMES, { message: `outcome must be one of ${DEPLOYMENT_OUTCOMES.join(', ')}` }) outcome?: DeploymentOutcome;
  @ApiPropertyOptional({ description: 'requested at or after (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' }) from?: string;
  @ApiPropertyOptional({ description: 'requested before (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' }) to?: string;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(40) cursor?: string;
  @ApiProperty({ required: false, minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(200) limit?: number;
}

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
  async list(@Query() query: DeploymentListQuery) {
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
