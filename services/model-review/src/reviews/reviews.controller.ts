import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, ApiQueryFrom, CommandContext, type HttpResponse, optionalExpectedVersion, SchemaBody, SchemaQuery, type RequestContext, withETag } from '@gantry/platform';
import {
  changeInitiativeStatusBody,
  type ChangeInitiativeStatusBody,
  closeReviewBody,
  type CloseReviewBody,
  enumOf,
  modelNameField,
  objectOf,
  openReviewBody,
  type OpenReviewBody,
  recordFindingBody,
  type RecordFindingBody,
  registerInitiativeBody,
  type RegisterInitiativeBody,
  requestChangeBody,
  type RequestChangeBody,
  Type,
  type Static,
} from '@gantry/contracts';
import { createHash } from 'node:crypto';
import { modelOfReview } from './model-review.decider';
import { actorOf, ModelReviews } from './reviews';

export const reviewQuery = objectOf({ model: Type.Optional(modelNameField), status: Type.Optional(enumOf(['open', 'closed'])) });
export type ReviewQuery = Static<typeof reviewQuery>;

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
  @ApiQueryFrom(reviewQuery)
  async list(@Query(new SchemaQuery(reviewQuery)) query: ReviewQuery) {
    return { reviews: await this.reviews.list(query) };
  }

  /** Opens a review of a model by hand; refused while one is open. */
  @Post()
  @HttpCode(201)
  @RequirePermission('models:write')
  @ApiBodyFrom(openReviewBody)
  async open(@Body(new SchemaBody(openReviewBody)) body: OpenReviewBody, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
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
  @ApiBodyFrom(recordFindingBody)
  async recordFinding(@Param('id', ReviewIdPipe) id: string, @Body(new SchemaBody(recordFindingBody)) body: RecordFindingBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.recordFinding(id, body.summary, body.detail ?? null, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  /** Registers an improvement initiative; a retry with the same Idempotency-Key registers it once. */
  @Post(':id/initiatives')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBodyFrom(registerInitiativeBody)
  async registerInitiative(@Param('id', ReviewIdPipe) id: string, @Body(new SchemaBody(registerInitiativeBody)) body: RegisterInitiativeBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const initiativeId = context.idempotencyKey ? createHash('sha256').update(`${context.identity.subject}\u0000${context.idempotencyKey}`).digest('hex').slice(0, 32) : context.newId();
    return withETag(res, await this.reviews.registerInitiative(id, { initiativeId, ...body }, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  /** Moves an initiative on (`in-progress`, `done`, `dropped`), also after the review closed. */
  @Put(':id/initiatives/:initiativeId/status')
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiBodyFrom(changeInitiativeStatusBody)
  async changeInitiativeStatus(
    @Param('id', ReviewIdPipe) id: string,
    @Param('initiativeId', InitiativeIdPipe) initiativeId: string,
    @Body(new SchemaBody(changeInitiativeStatusBody)) body: ChangeInitiativeStatusBody,
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
  @ApiBodyFrom(requestChangeBody)
  async requestChange(@Param('id', ReviewIdPipe) id: string, @Body(new SchemaBody(requestChangeBody)) body: RequestChangeBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.requestChange(id, body.summary, actorOf(context), optionalExpectedVersion(ifMatch)));
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('models:write')
  @ApiHeader(IF_MATCH)
  @ApiBodyFrom(closeReviewBody)
  async close(@Param('id', ReviewIdPipe) id: string, @Body(new SchemaBody(closeReviewBody)) body: CloseReviewBody, @Headers('if-match') ifMatch: string | undefined, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withETag(res, await this.reviews.close(id, body.decision, body.rationale, actorOf(context), optionalExpectedVersion(ifMatch)));
  }
}

