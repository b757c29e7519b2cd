import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { NotFound } from '@gantry/platform';
import { MonitoringPeriods } from './monitoring-periods';

@ApiTags('verifications')
@ApiBearerAuth()
@Controller('verifications/:deploymentId/monitoring')
export class MonitoringController {
  constructor(private readonly periods: MonitoringPeriods) {}

  /** A deployment's monitoring period: until when, each signal's verdicts look by look, and how it ended. */
  @Get()
  @RequirePermission('verifications:read')
  async get(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string) {
    const state = await this.periods.state(deploymentId);
    if (state.status === 'none') throw new NotFound(`no monitoring period of deployment ${deploymentId} has begun`);
    const { period, look, signals, regressed } = state;
    return {
      deploymentId,
      status: state.status === 'monitoring' ? 'in-monitoring' : regressed ? 'regressed' : 'ended',
      startedAt: period.startedAt,
      endsAt: period.endsAt,
      looks: { done: look, planned: period.looks },
      monitoring: period.monitoring,
      signals: Object.fromEntries(Object.entries(signals).map(([name, s]) => [name, { samples: s.samples.length, verdicts: s.verdicts }])),
    };
  }
}
