import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { loadAggregate, NotFound } from '@gantry/platform';
import { deploymentVerificationDecider } from './deployment-verification.decider';
import { verificationStream } from './verification-triggers';

@ApiTags('verifications')
@ApiBearerAuth()
@Controller('verifications')
export class VerificationsController {
  constructor(private readonly store: EventStore) {}

  /** Every verification result of a deployment so far. */
  @Get(':deploymentId')
  @RequirePermission('verifications:read')
  async get(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string) {
    const { state, version } = await loadAggregate(this.store, deploymentVerificationDecider, verificationStream(deploymentId).streamId);
    if (version === 0) throw new NotFound(`no verification of deployment ${deploymentId}`);
    return { deploymentId, version, components: state.components, environment: state.environment, deployment: state.deployment };
  }
}
