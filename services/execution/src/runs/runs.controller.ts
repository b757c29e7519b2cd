import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { loadAggregate, NotFound } from '@gantry/platform';
import { deploymentRunDecider } from './deployment-run.decider';
import { runStream } from './run-triggers';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class RunsController {
  constructor(private readonly store: EventStore) {}

  @Get(':deploymentId')
  @RequirePermission('runs:read')
  async get(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string) {
    const { state, version } = await loadAggregate(this.store, deploymentRunDecider, runStream(deploymentId).streamId);
    if (version === 0) throw new NotFound(`no run for deployment ${deploymentId}`);
    return { deploymentId, version, ...state };
  }
}
