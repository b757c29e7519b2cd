import { foldSpecification, specification } from '@gantry/decider';
import type { CloudEventEnvelope, CriterionOutcome } from '@gantry/contracts';
import { emptyRecord, evolveRecord, recordDecider, type RecordEvent } from './deployment-record.decider';

const deploymentId = '3e7a9c1d-5f2b-4a8e-b6d4-7c9e1f3a5b20';
const event = (service: string, name: string, data: Record<string, unknown>): CloudEventEnvelope =>
  ({ specversion: '1.0', id: `${name}-id`, source: `/gantry/${service}`, type: `gantry.${service}.${name}.v1`, data: { deploymentId, ...data } }) as CloudEventEnvelope;

const requested = event('planning', 'DeploymentRequested', { changeId: 'CHG9', service: 'payments', environment: 'staging', requestedBy: 'cm', requestedAt: '2026-12-01T10:00:00.000Z' });
const health: CriterionOutcome = { type: 'http-health', description: 'health endpoint answers 200', result: 'met', measured: { consecutiveSuccesses: 3 } };
const errors: CriterionOutcome = { type: 'metric-threshold', description: 'error rate below 1%', result: 'failed', measured: { errorRate: 0.04 }, reason: 'ThresholdExceeded' };
const verified = event('verification', 'DeploymentVerified', { verifiedAt: '2026-12-01T10:25:00.000Z', criteria: [health] });
const failed = event('verification', 'DeploymentVerificationFailed', { failedAt: '2026-12-01T10:26:00.000Z', criteria: [health, errors] });
const record = (...ledger: CloudEventEnvelope[]) => ledger.reduce(evolveRecord, emptyRecord(deploymentId));

const spec = specification(recordDecider);
const report = (...ledger: CloudEventEnvelope[]) => ({ type: 'ReportAcceptanceResults' as const, record: record(...ledger) });
const reported = (verdict: 'met' | 'failed', criteria: object[], evaluatedAt: string): RecordEvent =>
  ({
    type: 'AcceptanceResultsReported',
    data: { deploymentId, changeId: 'CHG9', service: 'payments', environment: 'staging', verdict, criteria, evaluatedAt, auditHistory: `/audit/deployments/${deploymentId}` },
  }) as RecordEvent;

describe('AcceptanceResultsReported: service validation and testing learns the results of the acceptance criteria', () => {
  it('the record keeps the first verdict with each criterion outcome, and that it was reported once the report comes back', () => {
    const fold = foldSpecification(evolveRecord, emptyRecord(deploymentId));
    expect(record(failed, verified).acceptance).toEqual({ verdict: 'failed', criteria: [health, errors], evaluatedAt: '2026-12-01T10:26:00.000Z' });
    fold.given([verified, event('records', 'AcceptanceResultsReported', {})]).then({
      deploymentId,
      phase: 'verified',
      outcome: 'succeeded',
      verifiedAt: '2026-12-01T10:25:00.000Z',
      endedAt: '2026-12-01T10:25:00.000Z',
      acceptance: { verdict: 'met', criteria: [health], evaluatedAt: '2026-12-01T10:25:00.000Z', reported: true },
      events: 2,
    });
  });

  it('a verified deployment reports every criterion met', () => spec.given([]).when(report(requested, verified)).then([reported('met', [health], '2026-12-01T10:25:00.000Z')]));

  it('a failed verification reports the criteria and which failed, whatever execution does next', () =>
    spec.given([]).when(report(requested, failed)).then([reported('failed', [health, errors], '2026-12-01T10:26:00.000Z')]));

  it('is refused until the verdict and the request are known', () => {
    spec.given([]).when(report(requested)).thenRefused({ code: 'AcceptanceResultsNotKnown', deploymentId, missing: ['verdict'] });
    spec.given([]).when(report(verified)).thenRefused({ code: 'AcceptanceResultsNotKnown', deploymentId, missing: ['DeploymentRequested'] });
  });

  it('is reported once per deployment, closed or not', () => {
    spec.given([reported('met', [health], '2026-12-01T10:25:00.000Z')]).when(report(requested, verified)).thenNothing();
    const closed: RecordEvent = {
      type: 'DeploymentRecordClosed',
      data: { deploymentId, changeId: 'CHG9', service: 'payments', environment: 'staging', model: null, outcome: 'rolled-back', requestedAt: '2026-12-01T10:00:00.000Z', closedAt: '2026-12-01T10:30:00.000Z', leadTimeMs: 1_800_000 },
    };
    spec.given([closed]).when(report(requested, failed)).then([reported('failed', [health, errors], '2026-12-01T10:26:00.000Z')]);
  });
});
