import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentIdentity, RequirePermission, type Identity } from '@gantry/auth';
import { ApiBodyFrom, CommandContext, OptionalSchemaBody, SchemaBody, SchemaParam, type RequestContext } from '@gantry/platform';
import { approveGateBody, type ApproveGateBody, completeManualStepBody, type CompleteManualStepBody, denyGateBody, type DenyGateBody, rollbackDecisionBody, type RollbackDecisionBody } from '@gantry/contracts';
import { Runs } from './runs';

const uuid = new ParseUUIDPipe();

/** A gate name or manual step id in a path: 1 to 400 printable characters, not only spaces. */
const LabelPipe = new SchemaParam({ type: 'string', minLength: 1, maxLength: 400, pattern: '^[\\x20-\\x7e]*[\\x21-\\x7e][\\x20-\\x7e]*$' }, 'a gate name or step id (1 to 400 printable characters)');

@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: Runs) {}

  @Get(':deploymentId')
  @RequirePermission('runs:read')
  get(@Param('deploymentId', uuid) deploymentId: string, @CurrentIdentity() identity: Identity) {
    return this.runs.read(deploymentId, identity);
  }

  @Post(':deploymentId/gates/:gate/approve')
  @HttpCode(200)
  @RequirePermission('runs:approve')
  @ApiBodyFrom(approveGateBody, { required: false })
  approve(
    @Param('deploymentId', uuid) id: string,
    @Param('gate', LabelPipe) gate: string,
    @Body(new OptionalSchemaBody(approveGateBody)) body: ApproveGateBody,
    @CommandContext() context: RequestContext,
  ) {
    return this.runs.approve(id, gate, body.comment, context.identity, context);
  }

  @Post(':deploymentId/gates/:gate/deny')
  @HttpCode(200)
  @RequirePermission('runs:approve')
  @ApiBodyFrom(denyGateBody)
  deny(@Param('deploymentId', uuid) id: string, @Param('gate', LabelPipe) gate: string, @Body(new SchemaBody(denyGateBody)) body: DenyGateBody, @CommandContext() context: RequestContext) {
    return this.runs.deny(id, gate, body.reason, context.identity, context);
  }

  @Post(':deploymentId/pause')
  @HttpCode(200)
  @RequirePermission('runs:control')
  pause(@Param('deploymentId', uuid) id: string, @CommandContext() context: RequestContext) {
    return this.runs.pause(id, context.identity, context);
  }

  @Post(':deploymentId/resume')
  @HttpCode(200)
  @RequirePermission('runs:control')
  resume(@Param('deploymentId', uuid) id: string, @CommandContext() context: RequestContext) {
    return this.runs.resume(id, context.identity, context);
  }

  @Post(':deploymentId/abort')
  @HttpCode(200)
  @RequirePermission('runs:control')
  abort(@Param('deploymentId', uuid) id: string, @CommandContext() context: RequestContext) {
    return this.runs.abort(id, context.identity, context);
  }

  @Post(':deploymentId/rollback-decision')
  @HttpCode(200)
  @RequirePermission('runs:control')
  @ApiBodyFrom(rollbackDecisionBody)
  decideRollback(@Param('deploymentId', uuid) id: string, @Body(new SchemaBody(rollbackDecisionBody)) body: RollbackDecisionBody, @CommandContext() context: RequestContext) {
    return this.runs.decideRollback(id, body.rollback, context.identity, context);
  }

  @Post(':deploymentId/manual-steps/:stepId/complete')
  @HttpCode(200)
  @RequirePermission('runs:perform-manual-steps')
  @ApiBodyFrom(completeManualStepBody)
  completeManualStep(@Param('deploymentId', uuid) id: string, @Param('stepId', LabelPipe) stepId: string, @Body(new SchemaBody(completeManualStepBody)) body: CompleteManualStepBody, @CommandContext() context: RequestContext) {
    return this.runs.completeManualStep(id, stepId, body.evidence, context.identity, context);
  }
}
