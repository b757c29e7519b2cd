import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { periodFromBeforeTo, satisfactionResponseBody, type SatisfactionResponseBody, type SatisfactionResponseRecorded } from '@gantry/contracts';
import { EventStore } from '@gantry/event-store';
import { ApiBodyFrom, CommandContext, executeCommand, SchemaBody, type RequestContext } from '@gantry/platform';
import { commandId } from '../command-id';
import { satisfactionDecider, satisfactionStream } from './satisfaction-response.decider';

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
  @ApiBodyFrom(satisfactionResponseBody)
  async respond(@Body(new SchemaBody(satisfactionResponseBody, [periodFromBeforeTo])) body: SatisfactionResponseBody, @CommandContext() context: RequestContext): Promise<SatisfactionResponseRecorded> {
    const period = body.period && { from: new Date(body.period.from).toISOString(), to: new Date(body.period.to).toISOString() };
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
