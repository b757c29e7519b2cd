import { Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res, type PipeTransform, BadRequestException } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { CommandContext, expectedVersionFrom, type HttpResponse, type RequestContext, withETag } from '@gantry/platform';
import { DeploymentModels } from './models';
import { ModelContentDto, ModelQueryDto, PublishModelDto, RetireModelDto, ReviseModelDto } from './models.dto';
import { StarterCatalogue } from './starter-catalogue.loader';

/** A model's name as it appears in URLs and ModelRefs. */
export class ModelNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value)) {
      throw new BadRequestException('the model name must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    return value;
  }
}

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
  async list(@Query() query: ModelQueryDto) {
    return { models: await this.models.list(query) };
  }

  /** Drafts version 1 of a new model. */
  @Post()
  @HttpCode(201)
  @RequirePermission('models:write')
  async draft(@Body() body: ModelContentDto, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
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
  async get(@Param('name', ModelNamePipe) name: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.models.get(name), ifNoneMatch);
  }

  @Get(':name/versions/:version')
  @RequirePermission('models:read')
  async getVersion(
    @Param('name', ModelNamePipe) name: string,
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
  async changeDraft(@Param('name', ModelNamePipe) name: string, @Body() body: ModelContentDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.changeDraft(name, body.content, expected, context));
  }

  /** Publishes the draft: it becomes the active version, immutable; the version active until now is superseded. */
  @Post(':name/publish')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async publish(@Param('name', ModelNamePipe) name: string, @Body() body: PublishModelDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.publish(name, body.version, expected, context));
  }

  /** Starts the next version as a draft from the active one. */
  @Post(':name/revise')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async revise(@Param('name', ModelNamePipe) name: string, @Body() body: ReviseModelDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.revise(name, body.content, body.reviewId ?? null, expected, context));
  }

  @Post(':name/retire')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async retire(@Param('name', ModelNamePipe) name: string, @Body() body: RetireModelDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const expected = expectedVersionFrom(ifMatch);
    return withETag(res, await this.models.retire(name, body.reason, expected, context));
  }
}

