import { eventNameOf, SERVICE_TOPICS, type DeploymentRecordClosed } from '@gantry/contracts';
import type { EventStore } from '@gantry/event-store';
import { causedBy, executeCommand, type ConsumerSpec } from '@gantry/platform';
import { environmentScheduleDecider } from './environment-schedule.decider';
import { scheduleStream } from './schedule';

/** A deployment whose record closed, whatever the outcome, no longer holds its window: the window is free again. */
export const closedDeploymentsReleaseTheirWindows = (store: EventStore): ConsumerSpec => ({
  name: 'planning.closed-deployments',
  topics: [SERVICE_TOPICS.records],
  accepts: (type) => eventNameOf(type) === 'DeploymentRecordClosed',
  handle: async (event, tx) => {
    const closed = event.data as DeploymentRecordClosed;
    await executeCommand(
      store,
      environmentScheduleDecider,
      scheduleStream(closed.environment),
      { type: 'ReleaseWindow', environment: closed.environment, deploymentId: closed.deploymentId },
      { metadata: causedBy('planning', event) },
      tx,
    );
  },
});
