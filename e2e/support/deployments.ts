import { randomUUID } from 'node:crypto';
import type { BodyOf } from '@gantry/client';

/** Each request deploys its own service to its own target, so that requests open at the same time do not conflict. */
const STAGING_TARGETS = 50;
let requests = Math.floor(Math.random() * STAGING_TARGETS);

/**
 * A valid deployment request, as change enablement would send it: an authorised change, planned ad hoc (so that it
 * does not depend on which deployment models are published), into `staging` (see `stagingEnvironment`), in a window that is open now.
 */
export const deploymentRequest = (overrides: Record<string, unknown> = {}): BodyOf<'/deployments', 'post'> => {
  const n = (requests++ % STAGING_TARGETS) + 1;
  return {
    changeId: `CHG${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`,
    changeType: 'normal',
    changeState: 'authorised',
    adHoc: true,
    service: `payments-${n}`,
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: `sha256:${'ab'.repeat(32)}` }],
    environment: 'staging',
    targets: [`staging-${n}`],
    window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
    acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
    ...overrides,
    // the criteria's own fields (`suite`) hang on JSON Schema if/then, which the generated types do not follow
  } as unknown as BodyOf<'/deployments', 'post'>;
};

export const idempotencyKey = () => randomUUID();

/**
 * The environment the requests deploy into, registered first (planning rejects a request for an unknown environment).
 * No deployment windows: deployments at any time.
 */
export const stagingEnvironment: BodyOf<'/environments', 'post'> = {
  name: 'staging',
  kind: 'staging',
  position: 4,
  attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' } },
  targets: Array.from({ length: STAGING_TARGETS }, (_, i) => ({ name: `staging-${i + 1}`, kind: 'host', labels: { site: 'eu' } })),
  timeZone: 'Europe/Berlin',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
};

/** An environment open at any time (no windows, freezes or approvals) with `targets` hosts `<name>-1`…: what load runs deploy into. */
export const openEnvironment = (name: string, targets: number): BodyOf<'/environments', 'post'> => ({
  name,
  kind: 'staging',
  position: 4,
  attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' } },
  targets: Array.from({ length: targets }, (_, i) => ({ name: `${name}-${i + 1}`, kind: 'host' })),
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
});

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
