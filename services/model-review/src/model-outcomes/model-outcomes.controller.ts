import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { modelNameSchema } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { readModelOutcomes } from './model-outcomes';

export const MODEL_REVIEW_SCHEMA = Symbol('model-review schema');

const MODEL_NAME = new RegExp(modelNameSchema.pattern);

@ApiTags('models')
@ApiBearerAuth()
@Controller('model-outcomes')
export class ModelOutcomesController {
  constructor(
    private readonly db: Database,
    @Inject(MODEL_REVIEW_SCHEMA) private readonly schema: string,
  ) {}

  /** Closed deployments per model version and outcome. */
  @Get()
  @RequirePermission('models:read')
  @ApiQuery({ name: 'model', required: false })
  async list(@Query('model') model?: string) {
    if (model !== undefined && (typeof model !== 'string' || model.length > modelNameSchema.maxLength || !MODEL_NAME.test(model))) {
      throw new BadRequestException('model must be a model name (letters, digits, ".", "_" and "-", at most 100)');
    }
    return { outcomes: await readModelOutcomes(this.db, this.schema, model) };
  }
}
