import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { RequirePermission } from '@gantry/auth';
import { FINDING_SEVERITIES, type AuditFindingRecorded, type FindingSeverity } from '@gantry/contracts';
import { Database, EventStore } from '@gantry/event-store';
import { CommandContext, executeCommand, NotFound, type RequestContext } from '@gantry/platform';
import { readDeploymentRecord } from '../deployment-records';
import { commandId } from '../command-id';
import { auditFindingDecider, findingStream } from './audit-finding.decider';
import { listAuditFindings } from './audit-findings.projection';

export class RecordAuditFindingDto {
  @ApiProperty() @IsUUID(undefined, { message: 'deploymentId must be a deployment id (uuid)' }) deploymentId!: string;
  @ApiProperty({ enum: FINDING_SEVERITIES }) @IsIn(FINDING_SEVERITIES, { message: `severity must be one of ${FINDING_SEVERITIES.join(', ')}` }) severity!: FindingSeverity;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) description!: string;
}

export class AuditFindingQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID(undefined, { message: 'deploymentId must be a deployment id (uuid)' }) deploymentId?: string;
  @ApiPropertyOptional({ enum: FINDING_SEVERITIES }) @IsOptional() @IsIn(FINDING_SEVERITIES, { message: `severity must be one of ${FINDING_SEVERITIES.join(', ')}` }) severity?: FindingSeverity;
}

/** Compliance staff's findings against deployments (AuditFinding, event-sourced in records' store). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/findings')
export class AuditFindingsController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** Records a finding against a deployment the ledger knows; a retry with the same Idempotency-Key records it once. */
  @Post()
  @RequirePermission('findings:write')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async record(@Body() body: RecordAuditFindingDto, @CommandContext() context: RequestContext): Promise<AuditFindingRecorded> {
    if (!(await readDeploymentRecord(this.db, this.store.schema, body.deploymentId))) throw new NotFound(`the ledger holds nothing about deployment ${body.deploymentId}`);
    const finding: AuditFindingRecorded = {
      findingId: commandId(context),
      deploymentId: body.deploymentId,
      severity: body.severity,
      description: body.description,
      recordedBy: context.identity.subject,
      recordedAt: context.now.toISOString(),
    };
    const { state } = await executeCommand(this.store, auditFindingDecider, findingStream(finding.findingId), { type: 'RecordAuditFinding', finding }, context);
    return state.recorded ? state.finding : finding;
  }

  /** Findings as the ledger holds them (a finding appears once its event is back from records' topic). */
  @Get()
  @RequirePermission('audit:read')
  async list(@Query() query: AuditFindingQuery) {
    return { findings: await listAuditFindings(this.db, this.store.schema, query) };
  }
}
