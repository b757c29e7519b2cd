import type { EventPayloads } from './events';
import type { RequestDeployment } from './request-deployment';

/** One valid payload per event (typed, so a missing event or a drifted field fails to compile). */
const deploymentId = '5b0e5a8e-2f0b-4c3e-9a57-3f5d2f3e8d10';
const components = [
  { name: 'payments-api', version: '2.4.1', kind: 'software' as const, digest: `sha256:${'ab'.repeat(32)}` },
  { name: 'payments runbook', version: '7', kind: 'documentation' as const },
];
const window = { start: '2026-12-01T22:00:00Z', end: '2026-12-01T23:00:00Z' };
const acceptanceCriteria = [
  { type: 'http-health' as const, description: 'health endpoint answers', url: 'https://payments.internal/health', expectedStatus: 200 },
  { type: 'metric-threshold' as const, description: 'error rate stays low', metric: 'http_errors_ratio', comparator: '<' as const, threshold: 0.01 },
  { type: 'smoke-tests' as const, description: 'checkout smoke suite passes', suite: 'checkout' },
  { type: 'manual-evidence' as const, description: 'rack photo uploaded', evidenceRole: 'deployment-practitioner' },
];
const plan = {
  deploymentId,
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'upgrade' as const,
  components,
  environment: 'production',
  window,
  model: { name: 'standard-web', version: 3 },
  strategy: 'big-bang' as const,
  waves: [{ index: 1, targets: ['prod-eu-1', 'prod-eu-2'] }],
  acceptanceCriteria,
  backupRequired: true,
  rollback: 'automatic' as const,
};

export const SAMPLE_PAYLOADS: { [N in keyof EventPayloads]: EventPayloads[N] } = {
  DeploymentRequested: {
    deploymentId,
    changeId: 'CHG0031337',
    releaseId: 'REL-2026.12',
    service: 'payments',
    kind: 'upgrade',
    components,
    environment: 'production',
    window,
    acceptanceCriteria,
    requestedBy: 'change-enablement@itsm',
    requestedAt: '2026-11-30T09:12:00Z',
    model: 'standard-web',
  },
  DeploymentPlanned: plan,
  DeploymentVerificationOpened: { deploymentId, environment: 'production', window, components, acceptanceCriteria },
  ComponentsVerified: {
    deploymentId,
    components: components.map(({ name, version }) => ({ name, version, result: 'verified' as const })),
  },
  ComponentVerificationFailed: {
    deploymentId,
    failures: [{ name: 'payments-api', version: '2.4.1', reason: 'DuplicateComponent' }],
  },
  TargetEnvironmentVerified: { deploymentId, environment: 'production' },
  TargetEnvironmentVerificationFailed: {
    deploymentId,
    environment: 'production',
    failures: [{ reason: 'WindowClosed', detail: 'the window ended at 2026-12-01T23:00:00Z' }],
  },
  DeploymentVerified: {
    deploymentId,
    verifiedAt: '2026-12-01T22:40:00Z',
    criteria: acceptanceCriteria.map(({ type, description }) => ({ type, description, result: 'met' as const })),
  },
  RunPrepared: { deploymentId, plan: { ...plan, model: null } },
  ReadinessConfirmed: { deploymentId, readiness: 'components' },
  RunAbandoned: { deploymentId, reason: 'components failed verification' },
  DeploymentStarted: { deploymentId, startedAt: '2026-12-01T22:01:00Z' },
  WaveStarted: { deploymentId, wave: 1, targets: ['prod-eu-1', 'prod-eu-2'] },
  TargetDeployed: { deploymentId, wave: 1, target: 'prod-eu-1', components: [{ name: 'payments-api', version: '2.4.1' }] },
  WaveCompleted: { deploymentId, wave: 1 },
  DeploymentExecuted: { deploymentId, executedAt: '2026-12-01T22:30:00Z', targets: 2 },
  DeploymentRecordClosed: {
    deploymentId,
    changeId: 'CHG0031337',
    service: 'payments',
    environment: 'production',
    model: { name: 'standard-web', version: 3 },
    outcome: 'succeeded',
    requestedAt: '2026-11-30T09:12:00Z',
    closedAt: '2026-12-01T22:45:00Z',
    leadTimeMs: 135_780_000,
  },
  ModelOutcomeRecorded: {
    deploymentId,
    model: { name: 'standard-web', version: 3 },
    outcome: 'succeeded',
    closedAt: '2026-12-01T22:45:00Z',
  },
};

export const SAMPLE_REQUEST: RequestDeployment = {
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'install',
  components: [components[0]],
  environment: 'staging',
  targets: ['staging-1'],
  window,
  acceptanceCriteria: [acceptanceCriteria[0]],
};
