import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { IsISO8601, IsString, Matches, MaxLength } from 'class-validator';
import { Schedule } from './schedule';

const MAX_SPAN_MS = 366 * 86_400_000;

export class ScheduleQuery {
  @ApiProperty() @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/) environment!: string;
  @ApiProperty() @IsISO8601({ strict: true }) from!: string;
  @ApiProperty() @IsISO8601({ strict: true }) to!: string;
}

@ApiTags('schedule')
@ApiBearerAuth()
@Controller('schedule')
export class ScheduleController {
  constructor(private readonly schedule: Schedule) {}

  /** Planned deployments and free windows of an environment between `from` and `to` (at most a year). */
  @Get()
  @RequirePermission('environments:read')
  async get(@Query() query: ScheduleQuery) {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (!(to.getTime() > from.getTime()) || to.getTime() - from.getTime() > MAX_SPAN_MS) throw new BadRequestException('to must be after from, and at most 366 days later');
    return this.schedule.of(query.environment, from, to);
  }
}
