import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { CommandContext, periodAsked, type RequestContext } from '@gantry/platform';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Schedule } from './schedule';

const MAX_SPAN_MS = 366 * 86_400_000;
/** Without `from` and `to`, the coming 14 days. */
export const DEFAULT_SCHEDULE_SPAN = { days: 14, looking: 'ahead' } as const;

export class ScheduleQuery {
  @ApiProperty() @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/) environment!: string;
  @ApiPropertyOptional({ description: 'ISO 8601 time; default: now, or 14 days before `to`' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601 time; default: 14 days after `from` (without either: the coming 14 days)' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

@ApiTags('schedule')
@ApiBearerAuth()
@Controller('schedule')
export class ScheduleController {
  constructor(private readonly schedule: Schedule) {}

  /**
   * Planned deployments and free windows of an environment between `from` and `to` (at most a year); without them,
   * the coming 14 days (the answer says which).
   */
  @Get()
  @RequirePermission('environments:read')
  async get(@Query() query: ScheduleQuery, @CommandContext() context: RequestContext) {
    const { from, to } = periodAsked(query, context.now, DEFAULT_SCHEDULE_SPAN);
    if (!(to.getTime() > from.getTime()) || to.getTime() - from.getTime() > MAX_SPAN_MS) throw new BadRequestException('to must be after from, and at most 366 days later');
    return this.schedule.of(query.environment, from, to);
  }
}
