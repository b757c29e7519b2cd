import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { objectOf, stringOf, timestamp, Type, type Static } from '@gantry/contracts';
import { ApiQueryFrom, CommandContext, periodAsked, SchemaQuery, type RequestContext } from '@gantry/platform';
import { Schedule } from './schedule';

const MAX_SPAN_MS = 366 * 86_400_000;
/** Without `from` and `to`, the coming 14 days. */
export const DEFAULT_SCHEDULE_SPAN = { days: 14, looking: 'ahead' } as const;

export const scheduleQuery = objectOf({
  environment: stringOf({ maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+-]*$' }),
  /** default: now, or 14 days before `to` */
  from: Type.Optional(timestamp),
  /** default: 14 days after `from` (without either: the coming 14 days) */
  to: Type.Optional(timestamp),
});
export type ScheduleQuery = Static<typeof scheduleQuery>;

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
  @ApiQueryFrom(scheduleQuery)
  async get(@Query(new SchemaQuery(scheduleQuery)) query: ScheduleQuery, @CommandContext() context: RequestContext) {
    const { from, to } = periodAsked(query, context.now, DEFAULT_SCHEDULE_SPAN);
    if (!(to.getTime() > from.getTime()) || to.getTime() - from.getTime() > MAX_SPAN_MS) throw new BadRequestException('to must be after from, and at most 366 days later');
    return this.schedule.of(query.environment, from, to);
  }
}
