import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { CommandContext, type HttpResponse, optionalExpectedVersion, type RequestContext, withETag } from '@gantry/platform';
import { createHash } from 'node:crypto';
import { modelOfReview } from './model-review.decider';
import { actorOf, ModelReviews } from './reviews';
import { ChangeInitiativeStatusDto, CloseReviewDto, OpenReviewDto, RecordFindingDto, RegisterInitiativeDto, RequestChangeDto, ReviewQueryDto } from './reviews.dto';

export class ReviewIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !modelOfReview(value)) throw new BadRequestException('a review id is <model name>:<n>, e.g. in-house-software-ci-cd:2');
    return value;
  }
}

export class InitiativeIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/.test(value)) throw new BadRequestException('initiativeId must be an initiative id as the review shows it');
    return value;
  }
}

const IF_MATCH = { name: 'If-Match', required: false, description: 'the ETag of the review read last; a stale one gets 412' };

@ApiTags('reviews')
@ApiBearerAuth()
@Controller('reviews')
export class ReviewsController {
  constructor(private readonly reviews: ModelReviews) {}

  @Get()
  @RequirePermission('models:read')
  async list(@Query() query: ReviewQueryDto) {
    return { reviews: await this.reviews.list(query) };
  }

  /** Opens a review of a model by hand; refused while one is open. */
  @Post()
  @HttpCode(201)
  @RequirePermission('models:write')
  async open(@Body() body: OpenReviewDto, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const reviewId = (await this.reviews.open(body.model, 'manual', body.reason, actorOf(context)))!;
    res.setHeader('Location', `/reviews/${reviewId}`);
    return withETag(res, await this.reviews.get(reviewId));
  }

  @Get(':id')
  @RequirePermission('models:read')
  async get(@Param('id', ReviewIdPipe) id: string, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.get(id));
  }

  @Post(':id/findings')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async recordFinding(@Param('id', ReviewIdPipe) id: string, @Body() body: RecordFindingDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.recordFinding(id, body.summary, body.detail ?? null, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  /** Registers an improvement initiative; a retry with the same Idempotency-Key registers it once. */
  @Post(':id/initiatives')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async registerInitiative(@Param('id', ReviewIdPipe) id: string, @Body() body: RegisterInitiativeDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const initiativeId = context.idempotencyKey ? createHash('sha256').update(`${context.identity.subject}\u0000${context.idempotencyKey}`).digest('hex').slice(0, 32) : context.newId();
    return withETag(res, await this.reviews.registerInitiative(id, { initiativeId, ...body }, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  /** Moves an initiative on (`in-progress`, `done`, `dropped`), also after the review closed. */
  @Put(':id/initiatives/:initiativeId/status')
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async changeInitiativeStatus(
    @Param('id', ReviewIdPipe) id: string,
    @Param('initiativeId', InitiativeIdPipe) initiativeId: string,
    @Body() body: ChangeInitiativeStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    return withETag(res, await this.reviews.changeInitiativeStatus(id, initiativeId, body.status, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  /** Asks change enablement for a change of the model (ModelChangeRequested on gantry.feedback.change-enablement.v1). */
  @Post(':id/change-requests')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async requestChange(@Param('id', ReviewIdPipe) id: string, @Body() body: RequestChangeDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.requestChange(id, body.summary, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  async close(@Param('id', ReviewIdPipe) id: string, @Body() body: CloseReviewDto, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.close(id, body.decision, body.rationale, actorOf(context), optionalExpectedVersion(ifMatch)));
  }
}

