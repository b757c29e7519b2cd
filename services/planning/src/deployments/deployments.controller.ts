import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { CommandContext, expectedVersionFrom, type HttpResponse, type RequestContext, withETag } from '@gantry/platform';

import { Deployments } from './deployments';
import { CancelDeploymentDto, ListDeploymentsQuery, RequestDeploymentDto, RescheduleDeploymentDto } from './request-deployment.dto';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('deployments')
export class DeploymentsController {
  constructor(private readonly deployments: Deployments) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('deployments:request')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retried request with the same key plans one deployment' })
  async request(@Body() body: RequestDeploymentDto, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const view = await this.deployments.request(body, context);
    res.setHeader('Location', `/deployments/${view.deploymentId}`);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Get()
  @RequirePermission('deployments:read')
  async list(@Query() query: ListDeploymentsQuery) {
    return { deployments: await this.deployments.list({ environment: query.environment, status: query.status, limit: query.limit ?? 100 }) };
  }

  /** Cancels a deployment that has not started. `If-Match` required. */
  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('deployments:request')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  async cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CancelDeploymentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    const view = await this.deployments.cancel(id, body.reason, context.identity.subject, context.metadata, expected);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  /** Moves a planned deployment that has not started to another window (checked again). `If-Match` required. */
  @Post(':id/reschedule')
  @HttpCode(200)
  @RequirePermission('deployments:request')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  async reschedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RescheduleDeploymentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    const window = { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() };
    const view = await this.deployments.reschedule(id, window, context.identity, context.metadata, expected);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Get(':id')
  @RequirePermission('deployments:read')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    return withETag(res, await this.deployments.get(id), ifNoneMatch);
  }
}
