import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { loadAggregate, NotFound } from '@gantry/platform';
import { CanaryAnalyses } from '../canary';
import { deploymentVerificationDecider, verificationStream } from './deployment-verification.decider';

@ApiTags('verifications')
@ApiBearerAuth()
@Controller('verifications')
export class VerificationsController {
  constructor(
    private readonly store: EventStore,
    private readonly canaries: CanaryAnalyses,
  ) {}

  /** Every verification result of a deployment so far, with the reasons: components, environment, acceptance criteria, canary steps. */
  @Get(':deploymentId')
  @RequirePermission('verifications:read')
  async get(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string) {
    const { state, version } = await loadAggregate(this.store, deploymentVerificationDecider, verificationStream(deploymentId).streamId);
    if (version === 0) throw new NotFound(`no verification of deployment ${deploymentId}`);
    const canaries = await this.canaries.ofDeployment(deploymentId);
    return {
      deploymentId,
      version,
      components: { result: state.components, failures: state.componentFailures, revoked: state.revoked },
      environment: { result: state.environment, failures: state.environmentFailures },
      evaluations: state.evaluations,
      canaryAnalyses: canaries.map((c) => ({ wave: c.request.wave, status: c.status, ...(c.status === 'completed' ? { verdict: c.verdict } : {}), request: c.request })),
    };
  }
}
