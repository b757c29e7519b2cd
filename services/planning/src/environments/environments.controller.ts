import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, CommandContext, expectedVersionFrom, SchemaBody, SchemaParam, type HttpResponse, type RequestContext } from '@gantry/platform';
import { decommissionEnvironmentBody, environmentNameSchema, registerEnvironmentBody, updateEnvironmentBody, type UpdateEnvironmentBody, type EnvironmentDefinition } from '@gantry/contracts';
import { Environments, type EnvironmentView } from './environments';

const definitionFrom = (name: string, body: UpdateEnvironmentBody): EnvironmentDefinition => ({ ...body, name });

/** An environment's name in a path: the same characters as in a body, at most 100. */
const EnvironmentNameParam = new SchemaParam(environmentNameSchema, 'an environment name (1–100 characters, no space at either end)');

@ApiTags('environments')
@ApiBearerAuth()
@Controller('environments')
export class EnvironmentsController {
  constructor(private readonly environments: Environments) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('environments:manage')
  @ApiBodyFrom(registerEnvironmentBody)
  async register(@Body(new SchemaBody(registerEnvironmentBody)) body: EnvironmentDefinition, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withHeaders(res, await this.environments.register(body, context));
  }

  @Put(':name')
  @RequirePermission('environments:manage')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  @ApiBodyFrom(updateEnvironmentBody)
  async update(
    @Param('name', EnvironmentNameParam) name: string,
    @Body(new SchemaBody(updateEnvironmentBody)) body: UpdateEnvironmentBody,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    return withHeaders(res, await this.environments.update(definitionFrom(name, body), expected, context));
  }

  @Post(':name/decommission')
  @HttpCode(200)
  @RequirePermission('environments:manage')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  @ApiBodyFrom(decommissionEnvironmentBody)
  async decommission(
    @Param('name', EnvironmentNameParam) name: string,
    @Body(new SchemaBody(decommissionEnvironmentBody)) body: { reason: string },
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    return withHeaders(res, await this.environments.decommission(name, body.reason, expected, context));
  }

  @Get()
  @RequirePermission('environments:read')
  async list() {
    return { environments: await this.environments.list() };
  }

  @Get(':name')
  @RequirePermission('environments:read')
  async get(@Param('name', EnvironmentNameParam) name: string, @Res({ passthrough: true }) res: HttpResponse) {
    return withHeaders(res, await this.environments.get(name));
  }
}

const withHeaders = (res: HttpResponse, view: EnvironmentView) => {
  res.setHeader('ETag', `"${view.version}"`);
  res.setHeader('Location', `/environments/${view.name}`);
  return view;
};
