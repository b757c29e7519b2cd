import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { enumOf, isoTime, modelNameField, objectOf, Type, type Static } from '@gantry/contracts';
import { ApiQueryFrom, SchemaQuery } from '@gantry/platform';
import { ADOPTION_PERIODS, adoptionFigures } from './adoption';

export const adoptionQuery = objectOf({
  period: Type.Optional(enumOf(ADOPTION_PERIODS)),
  /** planned at or after */
  from: Type.Optional(isoTime),
  /** planned before */
  to: Type.Optional(isoTime),
  model: Type.Optional(modelNameField),
});
export type AdoptionQuery = Static<typeof adoptionQuery>;

/** Adoption of the agreed approach: deployments planned with an active model, per period. */
@ApiTags('models')
@ApiBearerAuth()
@Controller('model-adoption')
export class AdoptionController {
  constructor(private readonly store: EventStore) {}

  @Get()
  @RequirePermission('models:read')
  @ApiQueryFrom(adoptionQuery)
  async figures(@Query(new SchemaQuery(adoptionQuery)) query: AdoptionQuery) {
    const period = query.period ?? 'month';
    return { period, periods: await adoptionFigures(this.store.db, this.store.schema, period, query.from ?? null, query.to ?? null, query.model ?? null) };
  }
}
