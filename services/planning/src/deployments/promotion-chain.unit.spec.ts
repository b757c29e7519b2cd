import { specification } from '@gantry/decider';
import type { ChainStage, DeploymentModelContent, DeploymentPlanned, DeploymentRequested } from '@gantry/contracts';
import { staging } from '../test-fixtures';
import { DEFAULT_AUTHORISATION_POLICY, DEFAULT_AUTHORISER_SEPARATION } from './authorisation';
import { deploymentDecider, type DeploymentEvent, type PlanningFacts } from './deployment.decider';
import { chainStepAfter } from './promotion-chain';

const spec = specification(deploymentDecider);
const now = '2026-11-30T10:00:00.000Z';

const content: DeploymentModelContent = {
  name: 'in-house-web',
  description: 'in-house web services, through every stage',
  applicability: { deploymentKinds: ['install', 'upgrade'], componentKinds: ['software'], componentSources: ['in-house'], environmentKinds: ['test', 'staging', 'production'], serviceTags: [] },
  strategy: { type: 'big-bang' },
  environmentFlow: ['test', 'staging', 'production'],
  gates: [],
  automationLevel: 'automatic',
  manualSteps: [],
  qualityThresholds: { minTestPassRatio: 0.95, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 2 },
  documentationRequired: false,
  backupRequired: false,
  rollbackPolicy: 'on-decision',
  acceptanceCriteria: [],
  responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['service-owner'] },
};

/** A pipeline asks to promote payments-api 2.4.1 from staging through production, for the next free hour of each stage. */
const request: DeploymentRequested = {
  deploymentId: '7d3c1a20-4b5e-4c6f-8a7b-9c0d1e2f3a4b',
  changeId: 'CHG0040001',
  changeType: 'standard',
  changeState: 'authorised',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
  environment: 'staging',
  window: { start: now, end: '2026-11-30T11:00:00.000Z' },
  nextAvailable: { durationMinutes: 60 },
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
  requestedBy: 'pipeline',
  requestedAt: now,
  promote: { through: 'production', environments: { production: 'prod-eu' } },
};

const facts = (overrides: Partial<PlanningFacts> = {}): PlanningFacts => ({
  environment: { status: 'active', definition: staging },
  environmentVersion: 1,
  reservations: [],
  relatedServices: [],
  relatedReservations: [],
  activeModels: [{ name: 'in-house-web', version: 2, content }],
  retiredModels: [],
  succeeded: [{ environmentKind: 'test', name: 'payments-api', version: '2.4.1' }],
  environments: [
    { name: 'test', kind: 'test', position: 3 },
    { name: 'staging', kind: 'staging', position: 4 },
    { name: 'prod-eu', kind: 'production', position: 5 },
    { name: 'prod-us', kind: 'production', position: 6 },
  ],
  requesterRoles: ['deployment-manager'],
  requesterMayPlanAdHoc: true,
  authorisation: { way: 'permission', by: 'pipeline', mayAuthorise: true },
  authorisationPolicy: DEFAULT_AUTHORISATION_POLICY,
  authoriserSeparation: DEFAULT_AUTHORISER_SEPARATION,
  identityCase: 'insensitive',
  now,
  ...overrides,
});

const chain: ChainStage = {
  chainId: request.deploymentId,
  stage: 1,
  of: 2,
  stages: [
    { environment: 'staging', kind: 'staging' },
    { environment: 'prod-eu', kind: 'production' },
  ],
  requesterRoles: ['deployment-manager'],
};

const when = (r: DeploymentRequested, f: PlanningFacts = facts()) => spec.given([]).when({ type: 'RequestDeployment', request: r, facts: f });
const eventsOf = (outcome: unknown) => outcome as DeploymentEvent[];
const rejectionOf = (outcome: unknown) => eventsOf(outcome).find((e) => e.type === 'DeploymentRejected')?.data as { reason: string; details: Record<string, unknown> };

describe('a chained promotion (continuous delivery)', () => {
  it('its first stage is planned now, and the request and the plan name the chain: its id, stage 1 of 2, the environment of each stage', () => {
    const [requested, planned] = eventsOf(when(request).outcome);
    expect(requested).toEqual({ type: 'DeploymentRequested', data: { ...request, chain } });
    expect(planned.type).toBe('DeploymentPlanned');
    expect((planned.data as DeploymentPlanned).chain).toEqual(chain);
    expect((planned.data as DeploymentPlanned).environment).toBe('staging');
  });

  it('the same request again (a retry) changes nothing', () => {
    const first = eventsOf(when(request).outcome);
    spec
      .given(first)
      .when({ type: 'RequestDeployment', request: { ...request, requestedAt: '2026-11-30T10:05:00.000Z' }, facts: facts() })
      .thenNothing();
  });

  it('a kind with several active environments and none named is rejected with PromotionChainStageUnresolved', () => {
    const { promote: _promote, ...unnamed } = request;
    const rejection = rejectionOf(when({ ...unnamed, promote: { through: 'production' } }).outcome);
    expect(rejection.reason).toBe('PromotionChainStageUnresolved');
    expect(rejection.details).toEqual({ kind: 'production', environments: ['prod-eu', 'prod-us'], why: 'several active environments of kind production: name one in promote.environments.production' });
  });

  it('naming an environment that is not of the kind is rejected with PromotionChainStageUnresolved', () => {
    const rejection = rejectionOf(when({ ...request, promote: { through: 'production', environments: { production: 'staging' } } }).outcome);
    expect(rejection).toMatchObject({ reason: 'PromotionChainStageUnresolved', details: { kind: 'production', named: 'staging' } });
  });

  it('through a kind that comes before the environment in the model’s flow is rejected with PromotionChainOutsideFlow', () => {
    const rejection = rejectionOf(when({ ...request, promote: { through: 'test' } }).outcome);
    expect(rejection).toMatchObject({ reason: 'PromotionChainOutsideFlow', details: { flow: ['test', 'staging', 'production'], environmentKind: 'staging', through: 'test' } });
  });

  it('ad hoc there is no model’s flow to follow: rejected with PromotionChainOutsideFlow', () => {
    const rejection = rejectionOf(when({ ...request, adHoc: true }).outcome);
    expect(rejection).toMatchObject({ reason: 'PromotionChainOutsideFlow', details: { flow: [] } });
  });

  it('a later stage is planned with the chain it was requested with', () => {
    const second: DeploymentRequested = { ...request, deploymentId: 'a1b2c3d4-0000-4000-8000-000000000002', environment: 'prod-eu', chain: { ...chain, stage: 2 } };
    const prodEu = { ...staging, name: 'prod-eu', kind: 'production' as const, position: 5, targets: [{ name: 'prod-eu-1', kind: 'host' as const }] };
    const outcome = eventsOf(
      when(
        second,
        facts({
          environment: { status: 'active', definition: prodEu },
          succeeded: [{ environmentKind: 'staging', name: 'payments-api', version: '2.4.1' }],
          // production accepts change enablement's word or a signed authorisation, not the requester's permission
          authorisation: { way: 'itsm', by: 'carol.cab', source: '/servicenow/prod', eventId: 'evt-42', authoriserNamed: true },
        }),
      ).outcome,
    );
    expect(outcome.map((e) => e.type)).toEqual(['DeploymentRequested', 'DeploymentPlanned', 'DeploymentWindowReserved']);
    expect((outcome[1].data as DeploymentPlanned).chain).toEqual({ ...chain, stage: 2 });
  });
});

describe('a stage of a chain closes', () => {
  const plan = { window: { start: '2026-11-30T10:00:00.000Z', end: '2026-11-30T11:00:00.000Z' }, model: { name: 'in-house-web', version: 2 } } as DeploymentPlanned;
  const stage = { request: { ...request, targets: ['staging-eu-1'], chain }, plan };
  const next = { deploymentId: 'a1b2c3d4-0000-4000-8000-000000000002', now: '2026-11-30T12:00:00.000Z' };

  it('succeeded: the next stage is requested in its environment, for the next available window of the same length, with the model the stage was planned with', () => {
    const signed = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJjYXJvbCJ9.c2ln';
    const withSigned = { ...stage, request: { ...stage.request, promote: { ...request.promote!, authorisations: { production: signed } } } };
    const { targets: _targets, ...asked } = withSigned.request;
    expect(chainStepAfter(withSigned, 'succeeded', next)).toEqual({
      type: 'NextStageRequested',
      request: {
        ...asked,
        deploymentId: next.deploymentId,
        environment: 'prod-eu',
        window: { start: next.now, end: '2026-11-30T13:00:00.000Z' },
        nextAvailable: { durationMinutes: 60 },
        model: 'in-house-web',
        authorisation: signed,
        requestedAt: next.now,
        chain: { ...chain, stage: 2 },
      },
    });
  });

  it('failed: the chain stops there, and nothing more is requested', () => {
    expect(chainStepAfter(stage, 'failed', next)).toEqual({ type: 'ChainStopped', chainId: chain.chainId, stage: 1, outcome: 'failed' });
  });

  it('the last stage succeeded: the chain is complete', () => {
    expect(chainStepAfter({ ...stage, request: { ...stage.request, chain: { ...chain, stage: 2 } } }, 'succeeded', next)).toEqual({ type: 'ChainCompleted', chainId: chain.chainId });
  });
});
