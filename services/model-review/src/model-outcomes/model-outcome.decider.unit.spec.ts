import { specification } from '@gantry/decider';
import type { DeploymentRecordClosed } from '@gantry/contracts';
import { modelOutcomeDecider } from './model-outcome.decider';

const closed: DeploymentRecordClosed = {
  deploymentId: '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11',
  changeId: 'CHG1',
  service: 'payments',
  environment: 'production',
  model: { name: 'in-house-software', version: 3 },
  outcome: 'rolled-back',
  cause: 'canary analysis failed',
  requestedAt: '2026-12-01T10:00:00.000Z',
  closedAt: '2026-12-01T11:00:00.000Z',
  leadTimeMs: 3_600_000,
};
const spec = specification(modelOutcomeDecider);
const recorded = { type: 'ModelOutcomeRecorded' as const, data: { deploymentId: closed.deploymentId, model: closed.model, outcome: 'rolled-back' as const, closedAt: closed.closedAt } };

it('a closed deployment counts towards its model version', () => spec.given([]).when({ type: 'RecordModelOutcome', closed }).then([recorded]));
it('a deployment counts once, however often its closing is delivered', () => spec.given([recorded]).when({ type: 'RecordModelOutcome', closed }).thenNothing());
