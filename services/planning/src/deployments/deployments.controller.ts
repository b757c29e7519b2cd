import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, ApiQueryFrom, CommandContext, expectedVersionFrom, SchemaBody, SchemaQuery, type HttpResponse, type RequestContext, withETag } from '@gantry/platform';
import {
  cancelDeploymentBody,
  type CancelDeploymentBody,
  requestDeploymentBody,
  type RequestDeploymentBody,
  requestDeploymentRules,
  rescheduleDeploymentBody,
  type RescheduleDeploymentBody,
  windowEndsAfterStart,
} from '@gantry/contracts';

import { Deployments } from './deployments';
import { DEPLOYMENT_STATUSES } from './deployment-status';
import { listDeploymentsQuery, type ListDeploymentsQuery } from './list-deployments.query';

const DEPLOYMENT_STATUS_DESCRIPTION = [
  `\`status\` is one of ${DEPLOYMENT_STATUSES.join(', ')}.`,
  'Planning decides requested, planned, rejected and cancelled; after that it follows what the other services publish:',
  'verified (verification found the components and the target environment fit), executing (execution started it),',
  'executed (every wave done, acceptance criteria being evaluated), then the outcome records closed the record with',
  '(succeeded, failed, rolled-back, cancelled, rejected). `progress` says what was reported: componentsVerified,',
  'environmentVerified, startedAt, executedAt, outcome, cause, closedAt. The plan stays in `plan`.',
  'The ETag is the stream version (send it as If-Match); an answer with `progress` is never 304.',
].join(' ');

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('deployments')
export class DeploymentsController {
  constructor(private readonly deployments: Deployments) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('deployments:request')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retried request with the same key plans one deployment' })
  @ApiBodyFrom(requestDeploymentBody)
  async request(@Body(new SchemaBody(requestDeploymentBody, requestDeploymentRules)) body: RequestDeploymentBody, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const view = await this.deployments.request(body, context);
    res.setHeader('Location', `/deployments/${view.deploymentId}`);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Get()
  @RequirePermission('deployments:read')
  @ApiOperation({ description: 'Newest first; `status` filters on the status GET /deployments/:id answers.' })
  @ApiQueryFrom(listDeploymentsQuery)
  async list(@Query(new SchemaQuery(listDeploymentsQuery)) query: ListDeploymentsQuery) {
    return { deployments: await this.deployments.list({ environment: query.environment, status: query.status, limit: query.limit ?? 100 }) };
  }

  /** Cancels a deployment that has not started. `If-Match` required. */
  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('deployments:request')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  @ApiBodyFrom(cancelDeploymentBody)
  async cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new SchemaBody(cancelDeploymentBody)) body: CancelDeploymentBody,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    const view = await this.deployments.cancel(id, body.reason, context.identity.subject, context, expected);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  /** Moves a planned deployment that has not started to another window (checked again). `If-Match` required. */
  @Post(':id/reschedule')
  @HttpCode(200)
  @RequirePermission('deployments:request')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  @ApiBodyFrom(rescheduleDeploymentBody)
  async reschedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new SchemaBody(rescheduleDeploymentBody, [windowEndsAfterStart])) body: RescheduleDeploymentBody,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    const window = { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() };
    const view = await this.deployments.reschedule(id, window, context.identity, context, expected);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Get(':id')
  @RequirePermission('deployments:read')
  @ApiOperation({ description: DEPLOYMENT_STATUS_DESCRIPTION })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const view = await this.deployments.get(id);
    // The ETag is the stream's version, what If-Match names; what other services reported changes the answer without
    // changing that version, so an answer with progress is never "not modified".
    return withETag(res, view, view.progress ? undefined : ifNoneMatch);
  }
}
