import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ADOPTION_PERIODS, adoptionFigures, type AdoptionPeriod } from './adoption';

export class AdoptionQueryDto {
  @ApiPropertyOptional({ enum: ADOPTION_PERIODS, default: 'month' }) @IsOptional() @IsIn(ADOPTION_PERIODS) period?: AdoptionPeriod;
  @ApiPropertyOptional({ description: 'planned at or after (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'planned before (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'model must be a model name' }) model?: string;
}

/** Adoption of the agreed approach: deployments planned with an active model, per period. */
@ApiTags('models')
@ApiBearerAuth()
@Controller('model-adoption')
export class AdoptionController {
  constructor(private readonly store: EventStore) {}

  @Get()
  @RequirePermission('models:read')
  async figures(@Query() query: AdoptionQueryDto) {
    const period = query.period ?? 'month';
    return { period, periods: await adoptionFigures(this.store.db, this.store.schema, period, query.from ?? null, query.to ?? null, query.model ?? null) };
  }
}
