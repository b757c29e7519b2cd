import { randomUUID } from 'node:crypto';

/** A valid deployment request, as change enablement would send it; a window that is open now. */
export const deploymentRequest = (overrides: Record<string, unknown> = {}) => ({
  changeId: `CHG${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`,
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: `sha256:${'ab'.repeat(32)}` }],
  environment: 'staging',
  targets: ['staging-eu-1', 'staging-eu-2'],
  window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
  ...overrides,
});

export const idempotencyKey = () => randomUUID();

/** The order of the happy path's milestones across the five services. */
export const MILESTONES = [
  'gantry.planning.DeploymentRequested.v1',
  'gantry.planning.DeploymentPlanned.v1',
  'gantry.verification.ComponentsVerified.v1',
  'gantry.execution.DeploymentStarted.v1',
  'gantry.execution.DeploymentExecuted.v1',
  'gantry.verification.DeploymentVerified.v1',
  'gantry.records.DeploymentRecordClosed.v1',
  'gantry.model-review.ModelOutcomeRecorded.v1',
];

interface HistoryEntry {
  id: string;
  type: string;
  source: string;
  causationId: string | null;
}

/** Every event whose cause is in the history comes after it. */
export const causesComeFirst = (history: readonly HistoryEntry[]): string[] => {
  const seen = new Set<string>();
  const ids = new Set(history.map((h) => h.id));
  const violations: string[] = [];
  for (const entry of history) {
    if (entry.causationId && ids.has(entry.causationId) && !seen.has(entry.causationId)) violations.push(`${entry.type} before its cause ${entry.causationId}`);
    seen.add(entry.id);
  }
  return violations;
};
