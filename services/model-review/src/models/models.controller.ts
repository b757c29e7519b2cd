import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, ApiQueryFrom, CommandContext, expectedVersionFrom, SchemaBody, SchemaParam, SchemaQuery, type HttpResponse, type RequestContext, withETag } from '@gantry/platform';
import {
  COMPONENT_KINDS,
  COMPONENT_SOURCES,
  DEPLOYMENT_KINDS,
  ENVIRONMENT_KINDS,
  enumOf,
  modelContentBody,
  modelNameSchema,
  type ModelContentBody,
  objectOf,
  publishModelBody,
  type PublishModelBody,
  retireModelBody,
  type RetireModelBody,
  reviseModelBody,
  type ReviseModelBody,
  text,
  Type,
  type Static,
} from '@gantry/contracts';
import { DEFAULT_PILOT_DEPLOYMENTS, DeploymentModels } from './models';
import { StarterCatalogue } from './starter-catalogue.loader';

/** A model's name as it appears in URLs and ModelRefs: the contract's one schema of it. */
const ModelNameParam = new SchemaParam(modelNameSchema, 'a model name (1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit)');

/** `GET /models`: filtered by status and by what the models apply to. */
export const modelQuery = objectOf({
  status: Type.Optional(enumOf(['draft', 'active', 'retired'])),
  deploymentKind: Type.Optional(enumOf(DEPLOYMENT_KINDS)),
  componentKind: Type.Optional(enumOf(COMPONENT_KINDS)),
  componentSource: Type.Optional(enumOf(COMPONENT_SOURCES)),
  environmentKind: Type.Optional(enumOf(ENVIRONMENT_KINDS)),
  serviceTag: Type.Optional(text(100)),
});
export type ModelQuery = Static<typeof modelQuery>;

const IF_MATCH = { name: 'If-Match', required: true, description: 'the ETag of the model read last; a stale one gets 412' };

@ApiTags('models')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(
    private readonly models: DeploymentModels,
    private readonly catalogue: StarterCatalogue,
  ) {}

  /** Deployment models, filtered by status and applicability. */
  @Get()
  @RequirePermission('models:read')
  @ApiQueryFrom(modelQuery)
  async list(@Query(new SchemaQuery(modelQuery)) query: ModelQuery) {
    return { models: await this.models.list(query) };
  }

  /** Drafts version 1 of a new model. */
  @Post()
  @HttpCode(201)
  @RequirePermission('models:write')
  @ApiBodyFrom(modelContentBody)
  async draft(@Body(new SchemaBody(modelContentBody)) body: ModelContentBody, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const view = await this.models.draftNew(body.content, context);
    res.setHeader('Location', `/models/${view.name}`);
    return withETag(res, view);
  }

  /** Loads the starter catalogue (four example cases and a retirement model); models that exist are left alone. */
  @Post('starter-catalogue')
  @HttpCode(200)
  @RequirePermission('models:write')
  async loadCatalogue(@CommandContext() context: RequestContext) {
    return this.catalogue.load(context);
  }

  @Get(':name')
  @RequirePermission('models:read')
  async get(@Param('name', ModelNameParam) name: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.models.get(name), ifNoneMatch);
  }

  @Get(':name/versions/:version')
  @RequirePermission('models:read')
  async getVersion(
    @Param('name', ModelNameParam) name: string,
    @Param('version', new ParseIntPipe({ exceptionFactory: () => new BadRequestException('version must be a positive integer') })) version: number,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    if (version < 1) throw new BadRequestException('version must be a positive integer');
    const { streamVersion, ...view } = await this.models.getVersion(name, version);
    res.setHeader('ETag', `"${streamVersion}"`);
    return view;
  }

  /** Changes the pending draft. */
  @Put(':name/draft')
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiBodyFrom(modelContentBody)
  async changeDraft(@Param('name', ModelNameParam) name: string, @Body(new SchemaBody(modelContentBody)) body: ModelContentBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.changeDraft(name, body.content, expected, context));
  }

  /**
   * Publishes the draft: it becomes the active version, immutable; the version active until now is superseded. Unless
   * `pilotDeployments` is 0, the version is a pilot: its first production deployments are supervised by the model's owners.
   */
  @Post(':name/publish')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiBodyFrom(publishModelBody)
  async publish(@Param('name', ModelNameParam) name: string, @Body(new SchemaBody(publishModelBody)) body: PublishModelBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.publish(name, body.version, body.pilotDeployments ?? DEFAULT_PILOT_DEPLOYMENTS, expected, context));
  }

  /** Starts the next version as a draft from the active one. */
  @Post(':name/revise')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiBodyFrom(reviseModelBody)
  async revise(@Param('name', ModelNameParam) name: string, @Body(new SchemaBody(reviseModelBody)) body: ReviseModelBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.revise(name, body.content, body.reviewId ?? null, expected, context));
  }

  @Post(':name/retire')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiBodyFrom(retireModelBody)
  async retire(@Param('name', ModelNameParam) name: string, @Body(new SchemaBody(retireModelBody)) body: RetireModelBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.retire(name, body.reason, expected, context));
  }
}

