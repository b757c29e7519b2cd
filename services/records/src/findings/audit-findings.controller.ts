import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { deploymentUuid, enumOf, FINDING_SEVERITIES, objectOf, recordAuditFindingBody, type RecordAuditFindingBody, Type, type AuditFindingRecorded, type Static } from '@gantry/contracts';
import { Database, EventStore } from '@gantry/event-store';
import { ApiBodyFrom, ApiQueryFrom, CommandContext, executeCommand, NotFound, SchemaBody, SchemaQuery, type RequestContext } from '@gantry/platform';
import { readDeploymentRecord } from '../deployment-records';
import { commandId } from '../command-id';
import { auditFindingDecider, findingStream } from './audit-finding.decider';
import { listAuditFindings } from './audit-findings.projection';

export const auditFindingQuery = objectOf({ deploymentId: Type.Optional(deploymentUuid), severity: Type.Optional(enumOf(FINDING_SEVERITIES)) });
export type AuditFindingQuery = Static<typeof auditFindingQuery>;

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
  @ApiBodyFrom(recordAuditFindingBody)
  async record(@Body(new SchemaBody(recordAuditFindingBody)) body: RecordAuditFindingBody, @CommandContext() context: RequestContext): Promise<AuditFindingRecorded> {
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
  @ApiQueryFrom(auditFindingQuery)
  async list(@Query(new SchemaQuery(auditFindingQuery)) query: AuditFindingQuery) {
    return { findings: await listAuditFindings(this.db, this.store.schema, query) };
  }
}
