import type { Decider } from '@gantry/decider';
import type { DeploymentRecordClosed, ModelOutcomeRecorded } from '@gantry/contracts';

/** A closed deployment counts once towards its model's statistics. */
export type OutcomeCommand = { type: 'RecordModelOutcome'; closed: DeploymentRecordClosed };
export type OutcomeEvent = { type: 'ModelOutcomeRecorded'; data: ModelOutcomeRecorded };

export const modelOutcomeDecider: Decider<OutcomeCommand, OutcomeEvent, { recorded: boolean }, never> = {
  initialState: { recorded: false },
  evolve: () => ({ recorded: true }),
  decide: ({ closed }, state) =>
    state.recorded
      ? []
      : [{ type: 'ModelOutcomeRecorded', data: { deploymentId: closed.deploymentId, model: closed.model, outcome: closed.outcome, closedAt: closed.closedAt } }],
};

