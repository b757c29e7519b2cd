import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { CommandContext, type HttpResponse, type RequestContext } from '@gantry/platform';

import { Deployments } from './deployments';
import { RequestDeploymentDto } from './request-deployment.dto';

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

  @Get(':id')
  @RequirePermission('deployments:read')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const view = await this.deployments.get(id);
    const etag = `"${view.version}"`;
    res.setHeader('ETag', etag);
    if (ifNoneMatch === etag) {
      res.status(304);
      return;
    }
    return view;
  }
}
