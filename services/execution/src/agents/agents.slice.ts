import type { Slice } from '@gantry/platform';
import { AgentsController } from './agents.controller';
import { agentStepMigrations, AgentSteps, LEASE_TIMER } from './agent-steps';

/** Pull agents: the steps a pull executor offers, leased to the agents of their environment, reported once. */
export const agentsSlice = (steps: AgentSteps): Slice => ({
  name: 'agents',
  migrations: agentStepMigrations,
  doors: [AgentsController],
  provides: [{ provide: AgentSteps, useValue: steps }],
  timers: {
    [LEASE_TIMER]: async ({ payload }, moment) => {
      const { stepKey, leaseId } = payload as { stepKey: string; leaseId: string };
      await steps.expire(stepKey, leaseId, moment.now);
    },
  },
});
