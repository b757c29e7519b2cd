import { INBOUND_TOPICS, type DeploymentPlanned, type DeploymentStarted } from '@gantry/contracts';
import type { Slice } from '@gantry/platform';
import { verificationTriggers } from '../verification-triggers';
import { MonitoringController } from './monitoring.controller';
import { MONITORING_LOOK_TIMER, monitoringMigrations, MonitoringPeriods } from './monitoring-periods';

/**
 * Early life support: the monitoring period after a deployment is verified, its looks on due timers, the incidents the
 * service desk links meanwhile (records dead-letters the invalid ones; here they are only counted when valid).
 */
export const monitoringSlice = (periods: MonitoringPeriods): Slice => ({
  name: 'monitoring',
  migrations: monitoringMigrations,
  doors: [MonitoringController],
  provides: [{ provide: MonitoringPeriods, useValue: periods }],
  reactions: [
    verificationTriggers({
      DeploymentPlanned: (event, tx) => periods.planned(tx, event.data as DeploymentPlanned),
      DeploymentStarted: (event, tx) => periods.started(tx, (event.data as DeploymentStarted).deploymentId, (event.data as DeploymentStarted).startedAt),
    }),
  ],
  consumers: [{ name: 'verification.incidents', topics: [INBOUND_TOPICS.itsmIncidents], validate: () => undefined, handle: (event, tx) => periods.incident(tx, event) }],
  timers: { [MONITORING_LOOK_TIMER]: (timer, moment) => periods.onLook(timer, moment) },
});
