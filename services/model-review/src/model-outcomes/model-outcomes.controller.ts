import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { modelNameSchema } from '@gantry/contracts';
import { EventStore } from '@gantry/event-store';
import { readModelOutcomes } from './model-outcomes';

const MODEL_NAME = new RegExp(modelNameSchema.pattern);

@ApiTags('models')
@ApiBearerAuth()
@Controller('model-outcomes')
export class ModelOutcomesController {
  constructor(private readonly store: EventStore) {}

  /** Closed deployments per model version and outcome. */
  @Get()
  @RequirePermission('models:read')
  @ApiQuery({ name: 'model', required: false })
  async list(@Query('model') model?: string) {
    if (model !== undefined && (typeof model !== 'string' || model.length > modelNameSchema.maxLength || !MODEL_NAME.test(model))) {
      throw new BadRequestException('model must be a model name (letters, digits, ".", "_" and "-", at most 100)');
    }
    return { outcomes: await readModelOutcomes(this.store.db, this.store.schema, model) };
  }
}
