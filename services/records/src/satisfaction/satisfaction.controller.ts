import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { RequirePermission } from '@gantry/auth';
import { SATISFACTION_TOPICS, type SatisfactionResponseRecorded, type SatisfactionTopic } from '@gantry/contracts';
import { EventStore } from '@gantry/event-store';
import { CommandContext, executeCommand, type RequestContext } from '@gantry/platform';
import { commandId } from '../command-id';
import { satisfactionDecider, satisfactionStream } from './satisfaction-response.decider';

export class PeriodDto {
  @ApiProperty() @IsISO8601({ strict: true }, { message: 'period.from must be an ISO 8601 time' }) from!: string;
  @ApiProperty() @IsISO8601({ strict: true }, { message: 'period.to must be an ISO 8601 time' }) to!: string;
}

export class SatisfactionResponseDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt({ message: 'score must be an integer from 1 to 5' }) @Min(1) @Max(5) score!: number;
  @ApiProperty({ enum: SATISFACTION_TOPICS }) @IsIn(SATISFACTION_TOPICS, { message: `topic must be one of ${SATISFACTION_TOPICS.join(', ')}` }) topic!: SatisfactionTopic;
  @ApiPropertyOptional() @IsOptional() @IsUUID(undefined, { message: 'deploymentId must be a deployment id (uuid)' }) deploymentId?: string;
  @ApiPropertyOptional({ type: PeriodDto }) @IsOptional() @ValidateNested() @Type(() => PeriodDto) period?: PeriodDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(2000) comment?: string;
}

/** Stakeholders' satisfaction responses (SatisfactionResponse, event-sourced in records' store), for the KPI. */
@ApiTags('kpis')
@ApiBearerAuth()
@Controller('satisfaction-responses')
export class SatisfactionController {
  constructor(private readonly store: EventStore) {}

  /** Records a response; a retry with the same Idempotency-Key records it once. */
  @Post()
  @RequirePermission('satisfaction:respond')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async respond(@Body() body: SatisfactionResponseDto, @CommandContext() context: RequestContext): Promise<SatisfactionResponseRecorded> {
    const period = body.period && { from: new Date(body.period.from).toISOString(), to: new Date(body.period.to).toISOString() };
    if (period && period.from >= period.to) throw new BadRequestException('period.from must be before period.to');
    const response: SatisfactionResponseRecorded = {
      responseId: commandId(context),
      score: body.score,
      topic: body.topic,
      ...(body.deploymentId ? { deploymentId: body.deploymentId } : {}),
      ...(period ? { period } : {}),
      ...(body.comment ? { comment: body.comment } : {}),
      respondent: context.identity.subject,
      respondedAt: context.now.toISOString(),
    };
    const { state } = await executeCommand(this.store, satisfactionDecider, satisfactionStream(response.responseId), { type: 'RecordSatisfactionResponse', response }, context);
    return state.recorded ? state.response : response;
  }
}
