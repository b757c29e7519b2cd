import { specification } from '@gantry/decider';
import type { ComponentVersionDefinition, DeploymentPlanned } from '@gantry/contracts';
import { NO_EVIDENCE } from '../acceptance';
import type { EnvironmentFacts } from '../environments';
import { DEFAULT_SIGNED_KINDS, type ComponentFacts } from './component-rules';
import { deploymentVerificationDecider, type VerificationEvent } from './deployment-verification.decider';

const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const digest = `sha256:${'ab'.repeat(32)}`;
const plan: DeploymentPlanned = {
  deploymentId,
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest }],
  environment: 'staging',
  window: { start: '2026-12-01T22:00:00.000Z', end: '2026-12-01T23:00:00.000Z' },
  model: null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: ['staging-1'] }],
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
  backupRequired: true,
  rollback: 'automatic',
};
const definition: ComponentVersionDefinition = {
  name: 'payments-api',
  version: '2.4.1',
  kind: 'software',
  digest,
  size: 10,
  source: 'ci',
  signature: 'c2ln',
  keyId: 'ci',
  quality: { testsPassed: 99, testsTotal: 100, criticalVulnerabilities: 0, highVulnerabilities: 1 },
  requirements: { runtimes: { node: '>=24 <25' }, capacityUnits: 2, ports: [443] },
};
const trusted: ComponentFacts = { entry: { definition, withdrawn: false }, key: {}, signatureVerifies: true };
const staging: EnvironmentFacts = {
  status: 'active',
  definition: {
    name: 'staging',
    kind: 'staging',
    position: 4,
    attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' }, capacityUnits: 8, allowedPorts: [443] },
    targets: [{ name: 'staging-1', kind: 'host' }],
    timeZone: 'Europe/Berlin',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
  },
};
const now = '2026-12-01T21:00:00.000Z';
const opened = {
  type: 'DeploymentVerificationOpened' as const,
  data: { deploymentId, environment: 'staging', window: plan.window, components: plan.components, acceptanceCriteria: plan.acceptanceCriteria, manualStepsRequiringEvidence: 0 },
};
const componentsVerified = {
  type: 'ComponentsVerified' as const,
  data: { deploymentId, components: [{ name: 'payments-api', version: '2.4.1', result: 'verified' as const, digest, signature: 'c2ln', keyId: 'ci' }] },
};
const environmentVerified = { type: 'TargetEnvironmentVerified' as const, data: { deploymentId, environment: 'staging' } };
const spec = specification(deploymentVerificationDecider);
const verify = (facts: ComponentFacts, overrides: Partial<DeploymentPlanned> = {}, environment: EnvironmentFacts | null = staging, at = now) =>
  ({ type: 'VerifyPlan' as const, plan: { ...plan, ...overrides }, components: { 'payments-api@2.4.1': facts }, ...(environment ? { environment } : {}), signedKinds: DEFAULT_SIGNED_KINDS, now: at });
const reasons = (outcome: unknown) => (outcome as { type: string; data: { failures?: { reason: string }[] } }[]).flatMap((e) => (e.data.failures ?? []).map((f) => `${e.type}:${f.reason}`));

describe('VerifyPlan', () => {
  it('a registered, signed, good enough version into an environment that can take it is verified', () =>
    spec.given([]).when(verify(trusted, { qualityThresholds: { minTestPassRatio: 0.98, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 2 } })).then([opened, componentsVerified, environmentVerified]));

  it.each([
    ['NotInAuthorisedRepository', {}, {}],
    ['Withdrawn', { ...trusted, entry: { definition, withdrawn: true } }, {}],
    ['DigestMismatch', trusted, { components: [{ ...plan.components[0], digest: `sha256:${'cd'.repeat(32)}` }] }],
    ['SignatureMissing', { entry: { definition: { ...definition, signature: undefined, keyId: undefined }, withdrawn: false } }, {}],
    ['KeyUntrusted', { entry: { definition, withdrawn: false } }, {}],
    ['KeyRevoked', { ...trusted, key: { revokedFrom: '2026-11-30T00:00:00.000Z' } }, {}],
    ['SignatureInvalid', { ...trusted, signatureVerifies: false }, {}],
    ['QualityBelowThreshold', trusted, { qualityThresholds: { minTestPassRatio: 0.995, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 2 } }],
    ['VulnerabilitiesAboveThreshold', trusted, { qualityThresholds: { minTestPassRatio: 0.9, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 0 } }],
    ['DocumentationMissing', trusted, { documentationRequired: true }],
  ] as [string, ComponentFacts, Partial<DeploymentPlanned>][])('%s fails component verification with that reason', (reason, facts, overrides) =>
    expect(reasons(spec.given([]).when(verify(facts, overrides)).outcome).filter((r) => r.startsWith('Component'))).toEqual([`ComponentVerificationFailed:${reason}`]));

  it('a key revoked from a time still to come does not fail the signature now', () =>
    expect(reasons(spec.given([]).when(verify({ ...trusted, key: { revokedFrom: '2027-01-01T00:00:00.000Z' } })).outcome)).toEqual([]));

  it('hardware needs registration, not a signature', () =>
    expect(
      reasons(spec.given([]).when({ ...verify({ entry: { definition: { ...definition, kind: 'hardware', signature: undefined, keyId: undefined }, withdrawn: false } }), plan: { ...plan, components: [{ name: 'payments-api', version: '2.4.1', kind: 'hardware' }] } }).outcome),
    ).toEqual([]));

  describe('the signing policy', () => {
    const unsigned = (kind: DeploymentPlanned['components'][number]['kind']) => ({
      ...verify({ entry: { definition: { ...definition, kind, signature: undefined, keyId: undefined }, withdrawn: false } }),
      plan: { ...plan, components: [{ name: 'payments-api', version: '2.4.1', kind }] },
    });
    it.each(['configuration', 'data', 'workstation-image', 'driver-package'] as const)('an unsigned %s version fails SignatureMissing by default', (kind) =>
      expect(reasons(spec.given([]).when(unsigned(kind)).outcome)).toEqual(['ComponentVerificationFailed:SignatureMissing']));
    it.each(['hardware', 'documentation', 'licence'] as const)('an unsigned %s version is verified by default', (kind) =>
      expect(reasons(spec.given([]).when(unsigned(kind)).outcome)).toEqual([]));
    describe('workstation images and driver packages are verified like software', () => {
      const asKind = (kind: 'workstation-image' | 'driver-package', named = digest) => ({
        ...verify({ ...trusted, entry: { definition: { ...definition, kind }, withdrawn: false } }),
        plan: { ...plan, components: [{ name: 'payments-api', version: '2.4.1', kind, digest: named }] },
      });
      it('a driver package signed by a trusted key, with the digest the request names, is verified with its digest and signature', () =>
        spec
          .given([])
          .when(asKind('driver-package'))
          .then([{ ...opened, data: { ...opened.data, components: [{ name: 'payments-api', version: '2.4.1', kind: 'driver-package', digest }] } }, componentsVerified, environmentVerified]));
      it('a workstation image whose registered digest is not the one the request names fails DigestMismatch', () =>
        expect(reasons(spec.given([]).when(asKind('workstation-image', `sha256:${'cd'.repeat(32)}`)).outcome)).toEqual(['ComponentVerificationFailed:DigestMismatch']));
      it('a workstation image whose signature does not verify fails SignatureInvalid', () =>
        expect(reasons(spec.given([]).when({ ...asKind('workstation-image'), components: { 'payments-api@2.4.1': { entry: { definition: { ...definition, kind: 'workstation-image' }, withdrawn: false }, key: {}, signatureVerifies: false } } }).outcome)).toEqual([
          'ComponentVerificationFailed:SignatureInvalid',
        ]));
    });
    it('the kinds are configurable: with software alone signed, an unsigned configuration is verified, with its digest and no signature', () =>
      spec
        .given([])
        .when({ ...unsigned('configuration'), signedKinds: ['software'] })
        .then([
          { ...opened, data: { ...opened.data, components: [{ name: 'payments-api', version: '2.4.1', kind: 'configuration' }] } },
          { type: 'ComponentsVerified', data: { deploymentId, components: [{ name: 'payments-api', version: '2.4.1', result: 'verified', digest }] } },
          environmentVerified,
        ]));
    it('the same unsigned configuration delivered again changes nothing', () =>
      spec.given([opened, { type: 'ComponentVerificationFailed', data: { deploymentId, failures: [{ name: 'payments-api', version: '2.4.1', reason: 'SignatureMissing' }] } }]).when(unsigned('configuration')).thenNothing());
  });

  const frozen = { ...staging, definition: { ...staging.definition, freezes: [{ id: 'year-end', reason: 'year-end close', start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z' }] } };
  it.each([
    ['EnvironmentUnknown', null],
    ['EnvironmentDecommissioned', { ...staging, status: 'decommissioned' as const }],
    ['RuntimeUnsatisfied', { ...staging, definition: { ...staging.definition, attributes: { ...staging.definition.attributes, runtimeVersions: { node: '22.3.0' } } } }],
    ['CapacityInsufficient', { ...staging, definition: { ...staging.definition, attributes: { ...staging.definition.attributes, capacityUnits: 1 } } }],
    ['PortNotAllowed', { ...staging, definition: { ...staging.definition, attributes: { ...staging.definition.attributes, allowedPorts: [8443] } } }],
    ['FreezePeriod', frozen],
  ] as [string, EnvironmentFacts | null][])('%s fails environment verification with that reason', (reason, environment) =>
    expect(reasons(spec.given([]).when(verify(trusted, {}, environment)).outcome)).toEqual([`TargetEnvironmentVerificationFailed:${reason}`]));

  it('a freeze an emergency change was allowed to override does not fail it; a closed window does', () => {
    expect(reasons(spec.given([]).when(verify(trusted, { freezeOverride: { freezeId: 'year-end', reason: 'outage', by: 'dana' } }, frozen)).outcome)).toEqual([]);
    expect(reasons(spec.given([]).when(verify(trusted, {}, staging, '2026-12-02T00:00:00.000Z')).outcome)).toEqual(['TargetEnvironmentVerificationFailed:WindowClosed']);
  });

  it('two versions of one component fail component verification', () =>
    expect(reasons(spec.given([]).when({ ...verify(trusted), plan: { ...plan, components: [...plan.components, { name: 'payments-api', version: '2.5.0', kind: 'software' }] } }).outcome)).toContain(
      'ComponentVerificationFailed:DuplicateComponent',
    ));

  it('the same plan delivered again changes nothing', () => spec.given([opened]).when(verify(trusted)).thenNothing());
});

describe('RevokeComponents', () => {
  const revoke = { type: 'RevokeComponents' as const, deploymentId, components: [{ name: 'payments-api', version: '2.4.1', reason: 'Withdrawn' as const }], now };
  it('a verified deployment whose version was withdrawn is revoked', () =>
    spec.given([opened, componentsVerified]).when(revoke).then([{ type: 'ComponentVerificationRevoked', data: { deploymentId, components: revoke.components, revokedAt: now } }]));
  it('a deployment whose components failed has nothing to revoke', () =>
    spec.given([opened, { type: 'ComponentVerificationFailed', data: { deploymentId, failures: [{ name: 'payments-api', version: '2.4.1', reason: 'Withdrawn' }] } }]).when(revoke).thenNothing());
  it('revoked once, a second withdrawal changes nothing', () =>
    spec.given([opened, componentsVerified, { type: 'ComponentVerificationRevoked', data: { deploymentId, components: revoke.components, revokedAt: now } }]).when(revoke).thenNothing());
  it('after one version was revoked (and a deployment manager let the run go on), another one revoked later is revoked too', () => {
    const twoComponents = { ...opened, data: { ...opened.data, components: [...plan.components, { name: 'ledger-schema', version: '7', kind: 'data' as const, digest }] } };
    const later = { ...revoke, components: [{ name: 'payments-api', version: '2.4.1', reason: 'Withdrawn' as const }, { name: 'ledger-schema', version: '7', reason: 'KeyRevoked' as const }] };
    spec
      .given([twoComponents, componentsVerified, { type: 'ComponentVerificationRevoked', data: { deploymentId, components: revoke.components, revokedAt: now } }])
      .when(later)
      .then([{ type: 'ComponentVerificationRevoked', data: { deploymentId, components: [later.components[1]!], revokedAt: now } }]);
  });
});

describe('StartEvaluation and AssessEvaluation', () => {
  const deadline = '2026-12-01T22:40:00.000Z';
  const start = { type: 'StartEvaluation' as const, deploymentId, scope: 'deployment' as const, criteria: plan.acceptanceCriteria, deadline, evidence: NO_EVIDENCE, now: '2026-12-01T22:30:00.000Z' };
  const started = { type: 'AcceptanceEvaluationStarted' as const, data: { deploymentId, scope: 'deployment' as const, criteria: plan.acceptanceCriteria, deadline, startedAt: start.now } };
  const smoke = { type: 'smoke-tests' as const, description: 'checkout smoke suite passes' };
  const assess = (evidence = NO_EVIDENCE, at = '2026-12-01T22:35:00.000Z') => ({ type: 'AssessEvaluation' as const, deploymentId, scope: 'deployment' as const, evidence, now: at });

  it('without evidence yet, the evaluation starts and waits', () => spec.given([opened]).when(start).then([started]));
  it('a deployment this service never saw planned is refused', () => spec.given([]).when(start).thenRefused({ code: 'DeploymentNotPlanned', deploymentId }));
  it('started once, a second execution report changes nothing', () => spec.given([opened, started]).when(start).thenNothing());

  it('passing smoke tests verify the deployment, with the numbers measured', () => {
    const outcome = { ...smoke, result: 'met' as const, measured: { passed: 41, failed: 0 } };
    spec
      .given([opened, started])
      .when(assess({ ...NO_EVIDENCE, testResults: [{ passed: 41, failed: 0 }] }))
      .then([
        { type: 'CriterionEvaluated', data: { deploymentId, scope: 'deployment', index: 0, outcome } },
        { type: 'DeploymentVerified', data: { deploymentId, verifiedAt: '2026-12-01T22:35:00.000Z', criteria: [outcome] } },
      ]);
  });

  it('no results by the deadline fail the deployment verification', () => {
    const outcome = { ...smoke, result: 'failed' as const, reason: 'DeadlinePassed' };
    spec
      .given([opened, started])
      .when(assess(NO_EVIDENCE, deadline))
      .then([
        { type: 'CriterionEvaluated', data: { deploymentId, scope: 'deployment', index: 0, outcome } },
        { type: 'DeploymentVerificationFailed', data: { deploymentId, failedAt: deadline, criteria: [outcome] } },
      ]);
  });

  it('a metric threshold compares the mean of the observations; one failed criterion decides at once', () => {
    const criteria = [
      { type: 'metric-threshold' as const, description: 'error rate under 1%', metric: 'errorRate', comparator: '<' as const, threshold: 0.01 },
      smoke,
    ];
    const failed = { type: 'metric-threshold' as const, description: 'error rate under 1%', result: 'failed' as const, measured: { errorRate: 0.03, observations: 2 }, reason: 'ThresholdExceeded' };
    spec
      .given([opened, { ...started, data: { ...started.data, criteria } }])
      .when(assess({ ...NO_EVIDENCE, observations: [{ values: { errorRate: 0.02 }, observedAt: now }, { values: { errorRate: 0.04 }, observedAt: now }] }))
      .then([
        { type: 'CriterionEvaluated', data: { deploymentId, scope: 'deployment', index: 0, outcome: failed } },
        {
          type: 'DeploymentVerificationFailed',
          data: { deploymentId, failedAt: '2026-12-01T22:35:00.000Z', criteria: [failed, { type: 'smoke-tests', description: 'checkout smoke suite passes', result: 'not-evaluated', reason: 'NotConcluded' }] },
        },
      ]);
  });

  it("a metric's window counts only the observations measured within it before now", () => {
    const criteria = [{ type: 'metric-threshold' as const, description: 'p95 under 300 ms over the last minute', metric: 'p95LatencyMs', comparator: '<' as const, threshold: 300, windowSeconds: 60 }];
    const observations = [
      { values: { p95LatencyMs: 900 }, observedAt: '2026-12-01T22:30:00.000Z' },
      { values: { p95LatencyMs: 200 }, observedAt: '2026-12-01T22:34:30.000Z' },
    ];
    const met = { type: 'metric-threshold' as const, description: criteria[0].description, result: 'met' as const, measured: { p95LatencyMs: 200, observations: 1 } };
    spec
      .given([opened, { ...started, data: { ...started.data, criteria } }])
      .when(assess({ ...NO_EVIDENCE, observations }))
      .then([
        { type: 'CriterionEvaluated', data: { deploymentId, scope: 'deployment', index: 0, outcome: met } },
        { type: 'DeploymentVerified', data: { deploymentId, verifiedAt: '2026-12-01T22:35:00.000Z', criteria: [met] } },
      ]);
  });

  it.each([
    ['every step asking for evidence completed with some: met', [{ stepId: 'rack-1/deploy/1', evidenceRequired: true, evidenceItems: 2 }, { stepId: 'rack-1/deploy/2', evidenceRequired: false }], 0, 'met', { stepsRequiringEvidence: 1, withEvidence: 1 }, undefined],
    ['a step completed without its evidence: failed', [{ stepId: 'rack-1/deploy/1', evidenceRequired: true, evidenceItems: 0 }], 0, 'failed', { stepsRequiringEvidence: 1, withEvidence: 0 }, 'EvidenceMissing'],
    ['the plan asks for evidence but execution reported no step: not evaluated', [], 1, 'not-evaluated', { stepsRequiringEvidence: 1, withEvidence: 0 }, 'EvidenceNotReported'],
  ] as const)('manual-evidence: %s', (_name, manualSteps, requiredByPlan, result, measured, reason) => {
    const criteria = [{ type: 'manual-evidence' as const, description: 'rack photos uploaded' }];
    const given = [{ ...opened, data: { ...opened.data, manualStepsRequiringEvidence: requiredByPlan } }, { ...started, data: { ...started.data, criteria } }];
    const outcome = { type: 'manual-evidence' as const, description: 'rack photos uploaded', result, measured, ...(reason ? { reason } : {}) };
    // a criterion that cannot be evaluated does not fail the deployment
    const verdict: VerificationEvent =
      result === 'failed'
        ? { type: 'DeploymentVerificationFailed', data: { deploymentId, failedAt: '2026-12-01T22:35:00.000Z', criteria: [outcome] } }
        : { type: 'DeploymentVerified', data: { deploymentId, verifiedAt: '2026-12-01T22:35:00.000Z', criteria: [outcome] } };
    spec
      .given(given)
      .when(assess({ ...NO_EVIDENCE, manualSteps: [...manualSteps] }))
      .then([{ type: 'CriterionEvaluated', data: { deploymentId, scope: 'deployment', index: 0, outcome } }, verdict]);
  });

  it('an evaluation never started cannot be assessed; a decided one is not assessed again', () => {
    spec.given([opened]).when(assess()).thenRefused({ code: 'EvaluationNotStarted', deploymentId, scope: 'deployment' });
    spec.given([opened, started, { type: 'DeploymentVerified', data: { deploymentId, verifiedAt: now, criteria: [] } }]).when(assess()).thenNothing();
  });
});
