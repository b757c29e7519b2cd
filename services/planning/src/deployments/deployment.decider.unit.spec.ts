import { specification } from '@gantry/decider';
import type { DeploymentModelContent, DeploymentPlanned, DeploymentRequested, EnvironmentDefinition } from '@gantry/contracts';
import { production, staging } from '../test-fixtures';
import type { ActiveModel } from '../planning-facts';
import { authorisationPolicyFromEnv, authoriserSeparationFromEnv, DEFAULT_AUTHORISATION_POLICY, DEFAULT_AUTHORISER_SEPARATION } from './authorisation';
import { deploymentDecider, gatesFor, planFor, wavesFor, type DeploymentEvent, type PlanningFacts } from './deployment.decider';

const spec = specification(deploymentDecider);
const now = '2026-11-30T10:00:00.000Z';

/** Saturday 28 November 2026, 23:00–01:00 Berlin time (UTC+1): inside production's Saturday-night window. */
const saturdayNight = { start: '2026-11-28T22:00:00.000Z', end: '2026-11-29T00:00:00.000Z' };

const request: DeploymentRequested = {
  deploymentId: '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11',
  changeId: 'CHG0031337',
  changeType: 'normal',
  changeState: 'authorised',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
  environment: 'production',
  window: saturdayNight,
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
  requestedBy: 'change-enablement-system',
  requestedAt: now,
};

const content: DeploymentModelContent = {
  name: 'in-house-web',
  description: 'in-house web services, progressively',
  applicability: { deploymentKinds: ['install', 'upgrade'], componentKinds: ['software', 'configuration'], componentSources: ['in-house'], environmentKinds: ['staging', 'production'], serviceTags: [] },
  strategy: { type: 'progressive', waves: [0.25, 0.25, 0.5] },
  environmentFlow: ['staging', 'production'],
  gates: [{ environmentKind: 'production', roles: ['deployment-manager'], minApprovers: 1 }],
  automationLevel: 'automatic',
  manualSteps: [],
  qualityThresholds: { minTestPassRatio: 0.95, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 2 },
  documentationRequired: false,
  backupRequired: true,
  rollbackPolicy: 'on-decision',
  acceptanceCriteria: [{ type: 'metric-threshold', description: 'error rate stays low', metric: 'http_errors_ratio', comparator: '<', threshold: 0.01 }],
  responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['service-owner'] },
};
const model: ActiveModel = { name: 'in-house-web', version: 3, content };

/** change enablement's ChangeAuthorized: the way most cases below are authorised */
const fromItsm = { way: 'itsm' as const, by: 'carol.cab', source: '/servicenow/prod', eventId: 'evt-42', authoriserNamed: true };

const environmentEvents = (definition: EnvironmentDefinition) => ({ status: 'active' as const, definition });

const facts = (overrides: Partial<PlanningFacts> = {}): PlanningFacts => ({
  environment: environmentEvents(production),
  environmentVersion: 1,
  reservations: [],
  relatedServices: [],
  relatedReservations: [],
  activeModels: [model],
  retiredModels: [],
  succeeded: [{ environmentKind: 'staging', name: 'payments-api', version: '2.4.1' }],
  // the flow by position: test, staging, then two production environments
  environments: [
    { name: 'test', kind: 'test', position: 3 },
    { name: 'staging', kind: 'staging', position: 4 },
    { name: 'production', kind: 'production', position: 5 },
    { name: 'prod-us', kind: 'production', position: 6 },
  ],
  requesterRoles: ['change-manager'],
  requesterMayPlanAdHoc: true,
  authorisation: fromItsm,
  authorisationPolicy: DEFAULT_AUTHORISATION_POLICY,
  authoriserSeparation: DEFAULT_AUTHORISER_SEPARATION,
  identityCase: 'insensitive',
  now,
  ...overrides,
});

const rejected = (reason: string, details: Record<string, unknown>, r: DeploymentRequested = request): DeploymentEvent[] => [
  { type: 'DeploymentRequested', data: r },
  { type: 'DeploymentRejected', data: { deploymentId: r.deploymentId, changeId: r.changeId, service: r.service, environment: r.environment, reason, details, rejectedAt: now } as never },
];

const when = (r: DeploymentRequested, f: PlanningFacts = facts()) => spec.given([]).when({ type: 'RequestDeployment', request: r, facts: f });

/** The events a decision emitted, for a case that looks at part of them. */
const eventsOf = ({ outcome }: { outcome: unknown }, check: (events: DeploymentEvent[]) => void) => {
  expect(Array.isArray(outcome)).toBe(true);
  check(outcome as DeploymentEvent[]);
};

/** The plan of `request` in production, with the single applicable model: the first case below shows it in full. */
const plannedInProduction: DeploymentPlanned = {
  deploymentId: request.deploymentId,
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'upgrade',
  components: request.components,
  environment: 'production',
  window: saturdayNight,
  model: { name: 'in-house-web', version: 3 },
  strategy: 'progressive',
  waves: [
    { index: 1, targets: ['prod-eu-1'] },
    { index: 2, targets: ['prod-eu-2'] },
    { index: 3, targets: ['prod-us-1', 'prod-us-2'] },
  ],
  gates: [
    { name: 'in-house-web approval', kind: 'approval', roles: ['deployment-manager'], minimumApprovers: 1, source: 'model' },
    { name: 'production approval', kind: 'approval', roles: ['service-owner'], minimumApprovers: 1, source: 'environment' },
  ],
  acceptanceCriteria: [...content.acceptanceCriteria, ...request.acceptanceCriteria],
  backupRequired: true,
  rollback: 'manual',
  authorisedBy: { way: 'itsm', by: 'carol.cab', source: '/servicenow/prod', eventId: 'evt-42' },
  environmentSnapshot: { name: 'production', kind: 'production', version: 1, attributes: production.attributes, targets: production.targets },
  plannedAt: now,
  requestedBy: request.requestedBy,
  qualityThresholds: content.qualityThresholds,
  documentationRequired: content.documentationRequired,
  automationLevel: content.automationLevel,
  manualSteps: content.manualSteps,
};

/** A request planned: the request, its plan (the one above, changed where a case differs), its window reserved. */
const planned = (r: DeploymentRequested, changes: Partial<DeploymentPlanned> = {}): DeploymentEvent[] => {
  const plan: DeploymentPlanned = { ...plannedInProduction, window: r.window, ...changes };
  const { environment, deploymentId, service, waves, window } = plan;
  return [
    { type: 'DeploymentRequested', data: r },
    { type: 'DeploymentPlanned', data: plan },
    { type: 'DeploymentWindowReserved', data: { environment, deploymentId, service, targets: waves.flatMap((w) => w.targets), window } },
  ];
};

describe('RequestDeployment: the plan', () => {
  it('an authorised change is planned with the single applicable model: its strategy in waves over the environment targets, its gates and the environment policy, merged criteria', () =>
    when(request).then([
      { type: 'DeploymentRequested', data: request },
      { type: 'DeploymentPlanned', data: plannedInProduction },
      {
        type: 'DeploymentWindowReserved',
        data: { environment: 'production', deploymentId: request.deploymentId, service: 'payments', targets: ['prod-eu-1', 'prod-eu-2', 'prod-us-1', 'prod-us-2'], window: saturdayNight },
      },
    ]));

  it('a request naming the model is planned with it, over the targets it names', () => {
    const named = { ...request, model: 'in-house-web', targets: ['prod-us-1', 'prod-us-2'] };
    when(named).then(
      planned(named, {
        model: { name: 'in-house-web', version: 3 },
        waves: [{ index: 1, targets: ['prod-us-1'] }, { index: 2, targets: ['prod-us-2'] }],
        environmentSnapshot: { ...plannedInProduction.environmentSnapshot!, targets: production.targets.filter((t) => t.name.startsWith('prod-us')) },
      }),
    );
  });

  it('gates between waves: the model and the environment may each place an approval before every wave after the first; the plan carries where each stands', () => {
    const gates = [...content.gates, { environmentKind: 'production' as const, roles: ['service-owner'], minApprovers: 1, at: 'between-waves' as const }];
    const betweenWaves: ActiveModel = { ...model, content: { ...content, gates } };
    const environment = { ...production, approvalPolicy: { roles: ['deployment-manager'], minimumApprovers: 2, at: 'between-waves' as const } };
    when(request, facts({ activeModels: [betweenWaves], environment: environmentEvents(environment) })).then(
      planned(request, {
        gates: [
          { name: 'in-house-web approval', kind: 'approval', roles: ['deployment-manager'], minimumApprovers: 1, source: 'model' },
          { name: 'in-house-web approval between waves', kind: 'approval', roles: ['service-owner'], minimumApprovers: 1, source: 'model', at: 'between-waves' },
          { name: 'production approval between waves', kind: 'approval', roles: ['deployment-manager'], minimumApprovers: 2, source: 'environment', at: 'between-waves' },
        ],
      }),
    );
  });

  it("a pilot's production deployment waits for the supervision of the model's owners", () => {
    when(request, facts({ activeModels: [{ ...model, pilot: true }] })).then(
      planned(request, {
        gates: [
          { name: 'in-house-web approval', kind: 'approval', roles: ['deployment-manager'], minimumApprovers: 1, source: 'model' },
          { name: 'in-house-web pilot supervision', kind: 'approval', roles: ['deployment-manager'], minimumApprovers: 1, source: 'model' },
          { name: 'production approval', kind: 'approval', roles: ['service-owner'], minimumApprovers: 1, source: 'environment' },
        ],
      }),
    );
  });

  it('a pilot is supervised in production only: elsewhere its deployments carry the gates of any other version', () =>
    expect(gatesFor({ ...model, pilot: true }, staging).map((g) => g.name)).toEqual(gatesFor(model, staging).map((g) => g.name)));

  it('an explicitly ad hoc request is planned big-bang without a model and recorded as ad hoc', () => {
    const adHoc = { ...request, adHoc: true };
    when(adHoc).then(
      planned(adHoc, {
        model: null,
        adHoc: true,
        strategy: 'big-bang',
        waves: [{ index: 1, targets: production.targets.map((t) => t.name) }],
        gates: [{ name: 'production approval', kind: 'approval', roles: ['service-owner'], minimumApprovers: 1, source: 'environment' }],
        acceptanceCriteria: request.acceptanceCriteria,
        // an upgrade without a model backs up first
        backupRequired: true,
        rollback: 'automatic',
        documentationRequired: false,
        qualityThresholds: undefined,
        automationLevel: undefined,
        manualSteps: undefined,
      }),
    );
  });

  it('the same request again (a retry, a duplicate event) changes nothing, even made later', () =>
    spec
      .given([{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: planFor(request, production, 1, model, undefined, now) }])
      .when({ type: 'RequestDeployment', request: { ...request, requestedAt: '2026-11-30T10:00:05.000Z' }, facts: facts() })
      .thenNothing());

  it('another request under the same deployment id is refused and records nothing', () =>
    spec
      .given([{ type: 'DeploymentRequested', data: request }])
      .when({ type: 'RequestDeployment', request: { ...request, service: 'ledger' }, facts: facts() })
      .thenRefused({ code: 'DeploymentAlreadyRequested', deploymentId: request.deploymentId }));

  it('a window that ends before it starts is refused and records nothing', () =>
    when({ ...request, window: { start: saturdayNight.end, end: saturdayNight.start } }).thenRefused({ code: 'WindowEndsBeforeItStarts', start: saturdayNight.end, end: saturdayNight.start }));

  it('a commit time records the request with it and plans it as any other', () => {
    const committed = { ...request, commitTime: '2026-11-27T16:45:00.000Z' };
    when(committed).then(planned(committed));
  });

  it('a commit time after the request is refused and records nothing: the change cannot be committed after its deployment was asked for', () =>
    when({ ...request, commitTime: '2026-11-30T10:00:01.000Z' }).thenRefused({ code: 'CommitTimeAfterRequest', commitTime: '2026-11-30T10:00:01.000Z', requestedAt: now }));

  it('the same request with its commit time again changes nothing', () => {
    const committed = { ...request, commitTime: '2026-11-27T16:45:00.000Z' };
    spec.given(planned(committed)).when({ type: 'RequestDeployment', request: committed, facts: facts() }).thenNothing();
  });
});

describe('RequestDeployment: related services deploying in the same window', () => {
  // the catalogue: payments depends on ledger-db; checkout depends on payments
  const relatedServices = [
    { name: 'ledger-db', relation: 'depends-on' as const },
    { name: 'checkout', relation: 'depended-on-by' as const },
  ];
  const held = (service: string, deploymentId: string, window = saturdayNight) => ({ environment: 'production', deploymentId, service, targets: ['db-1'], window });

  it('a service it depends on and one that depends on it, deploying in an overlapping window, are warned of in the plan', () =>
    when(request, facts({ relatedServices, relatedReservations: [held('ledger-db', 'd-db'), held('checkout', 'd-checkout')] })).then(
      planned(request, {
        warnings: [
          { code: 'DependentServiceDeploying', service: 'ledger-db', relation: 'depends-on', deploymentId: 'd-db', window: saturdayNight },
          { code: 'DependentServiceDeploying', service: 'checkout', relation: 'depended-on-by', deploymentId: 'd-checkout', window: saturdayNight },
        ],
      }),
    ));

  it('a related service deploying in a window that does not overlap is no warning', () =>
    when(request, facts({ relatedServices, relatedReservations: [held('ledger-db', 'd-db', { start: '2026-11-29T00:00:00.000Z', end: '2026-11-29T01:00:00.000Z' })] })).then(planned(request)));

  it('a service the catalogue does not relate is no warning', () =>
    when(request, facts({ relatedServices, relatedReservations: [held('search', 'd-search')] })).then(planned(request)));

  it('the same request again with a related service deploying changes nothing', () =>
    spec
      .given(planned(request))
      .when({ type: 'RequestDeployment', request, facts: facts({ relatedServices, relatedReservations: [held('ledger-db', 'd-db')] }) })
      .thenNothing());
});

describe('RequestDeployment: the next available window', () => {
  // Monday 30 November 2026 10:00 UTC; production's next window opens Saturday 5 December 22:00 Berlin = 21:00 UTC
  const asking = { ...request, nextAvailable: { durationMinutes: 60 }, window: { start: now, end: '2026-11-30T11:00:00.000Z' } };

  /** what a request for the next available window records: the request with the window found, planned in it */
  const plannedAt = (window: { start: string; end: string }) => planned({ ...asking, window });

  it('a request for the next available window is planned in the earliest free occurrence of a deployment window', () =>
    when(asking).then(plannedAt({ start: '2026-12-05T21:00:00.000Z', end: '2026-12-05T22:00:00.000Z' })));

  it('the next available window skips a reservation of the same service', () => {
    const held = { environment: 'production', deploymentId: 'd-held', service: 'payments', targets: ['prod-us-9'], window: { start: '2026-12-05T21:00:00.000Z', end: '2026-12-06T01:30:00.000Z' } };
    when(asking, facts({ reservations: [held] })).then(plannedAt({ start: '2026-12-06T01:30:00.000Z', end: '2026-12-06T02:30:00.000Z' }));
  });

  it('the next available window skips a freeze: in the year-end freeze the first free window is after it', () => {
    const later = '2026-12-21T00:00:00.000Z';
    // the freeze ends 4 January 00:00 UTC; the next Saturday window opens 9 January 21:00 UTC
    const window = { start: '2027-01-09T21:00:00.000Z', end: '2027-01-09T22:00:00.000Z' };
    when(asking, facts({ now: later })).then(planned({ ...asking, window }, { plannedAt: later }));
  });

  it('no free window long enough within 90 days is rejected with OutsideDeploymentWindow', () => {
    const tooLong = { ...asking, nextAvailable: { durationMinutes: 600 } };
    when(tooLong).then(rejected('OutsideDeploymentWindow', { nextAvailable: { durationMinutes: 600 }, why: 'no free window of this length in the next 90 days' }, tooLong));
  });

  it('asking again for the next available window (a retry) changes nothing, even when the free window has moved', () =>
    spec
      .given(plannedAt({ start: '2026-12-05T21:00:00.000Z', end: '2026-12-05T22:00:00.000Z' }))
      .when({ type: 'RequestDeployment', request: { ...asking, window: { start: '2026-11-30T10:05:00.000Z', end: '2026-11-30T11:05:00.000Z' } }, facts: facts() })
      .thenNothing());
});

describe('RequestDeployment: refusals are recorded as DeploymentRejected with the reason', () => {
  it('a change that is not authorised is rejected with ChangeNotAuthorized', () => {
    const r = { ...request, changeState: 'assess' };
    when(r).then(rejected('ChangeNotAuthorized', { changeId: 'CHG0031337', changeState: 'assess' }, r));
  });

  it('a request for an environment that is not registered is rejected with UnknownEnvironment', () =>
    when(request, facts({ environment: { status: 'none' } })).then(rejected('UnknownEnvironment', { environment: 'production' })));

  it('a request for a decommissioned environment is rejected with EnvironmentDecommissioned', () =>
    when(request, facts({ environment: { status: 'decommissioned', definition: production, reason: 'moved' } })).then(
      rejected('EnvironmentDecommissioned', { environment: 'production', reason: 'moved' }),
    ));

  it('targets the environment does not have are rejected with UnknownTarget', () => {
    const r = { ...request, targets: ['prod-eu-1', 'prod-mars-1'] };
    when(r).then(rejected('UnknownTarget', { environment: 'production', targets: ['prod-mars-1'] }, r));
  });

  it('without an applicable active model (and not ad hoc) the request is rejected with NoApplicableModel', () =>
    when(request, facts({ activeModels: [] })).then(rejected('NoApplicableModel', { environmentKind: 'production', componentKinds: ['software'] })));

  it('a named model that does not apply to the components is rejected with NoApplicableModel', () => {
    const r = { ...request, model: 'in-house-web', components: [{ name: 'rack-7', version: '1', kind: 'hardware' as const }] };
    when(r).then(rejected('NoApplicableModel', { model: 'in-house-web', why: 'the model does not apply to these components and environment' }, r));
  });

  it('two applicable active models make the request ambiguous: AmbiguousModel names them', () =>
    when(request, facts({ activeModels: [model, { ...model, name: 'another-web' }] })).then(rejected('AmbiguousModel', { models: ['another-web', 'in-house-web'] })));

  it('a model for other kinds of deployment does not apply (a removal with an install/upgrade model)', () => {
    const r = { ...request, kind: 'removal' as const };
    when(r).then(rejected('NoApplicableModel', { environmentKind: 'production', componentKinds: ['software'] }, r));
  });

  it('a named model that was retired is rejected with ModelRetired', () => {
    const r = { ...request, model: 'legacy-web' };
    when(r, facts({ retiredModels: ['legacy-web'] })).then(rejected('ModelRetired', { model: 'legacy-web' }, r));
  });

  it('versions that never succeeded in the previous environment of the flow are rejected with PromotionRuleNotMet', () =>
    when(request, facts({ succeeded: [] })).then(
      rejected('PromotionRuleNotMet', { previousEnvironmentKind: 'staging', flowFrom: 'model', components: [{ name: 'payments-api', version: '2.4.1' }] }),
    ));

  it('the first environment of the flow needs no earlier success', () => {
    const r = { ...request, environment: 'staging' };
    const targets = staging.targets.map((t) => t.name);
    when(r, facts({ environment: environmentEvents(staging), succeeded: [] })).then(
      planned(r, {
        environment: 'staging',
        waves: [{ index: 1, targets: [targets[0]] }, { index: 2, targets: [targets[1]] }],
        // the model's gate is for production; staging asks for no approval
        gates: [],
        environmentSnapshot: { name: 'staging', kind: 'staging', version: 1, attributes: staging.attributes, targets: staging.targets },
      }),
    );
  });

  it('a window outside the environment deployment windows is rejected with OutsideDeploymentWindow', () => {
    const r = { ...request, window: { start: '2026-11-30T10:00:00.000Z', end: '2026-11-30T11:00:00.000Z' } };
    when(r).then(rejected('OutsideDeploymentWindow', { window: r.window, timeZone: 'Europe/Berlin', deploymentWindows: production.deploymentWindows }, r));
  });

  it('a request inside a freeze is refused with the freeze id', () => {
    const r = { ...request, window: { start: '2026-12-26T22:00:00.000Z', end: '2026-12-26T23:00:00.000Z' } };
    when(r).then(rejected('FreezePeriod', { freezeId: 'year-end', reason: 'year-end trading' }, r));
  });

  it('a freeze of listed services stops those services only', () => {
    const r = { ...request, window: { start: '2026-11-14T22:00:00.000Z', end: '2026-11-14T23:00:00.000Z' } };
    when(r).then(rejected('FreezePeriod', { freezeId: 'payments-audit', reason: 'payments audit' }, r));
    const other = { ...r, service: 'ledger' };
    when(other).then(planned(other, { service: 'ledger' }));
  });

  it('a deployment overlapping another of the same service is rejected with ConflictingDeployment naming it', () => {
    const winner = { environment: 'production', deploymentId: 'd-winner', service: 'payments', targets: ['prod-us-9'], window: saturdayNight };
    when(request, facts({ reservations: [winner] })).then(rejected('ConflictingDeployment', { deploymentId: 'd-winner', service: 'payments', window: saturdayNight }));
  });

  it('a deployment of another service on overlapping targets conflicts too; on other targets it does not', () => {
    const onTarget = { environment: 'production', deploymentId: 'd-ledger', service: 'ledger', targets: ['prod-eu-2'], window: saturdayNight };
    when(request, facts({ reservations: [onTarget] })).then(rejected('ConflictingDeployment', { deploymentId: 'd-ledger', service: 'ledger', window: saturdayNight }));
    const elsewhere = { ...onTarget, targets: ['prod-ap-1'] };
    when(request, facts({ reservations: [elsewhere] })).then(planned(request));
  });
});

describe('RequestDeployment: emergency override of a freeze', () => {
  const inFreeze = { ...request, changeType: 'emergency' as const, window: { start: '2026-12-26T22:00:00.000Z', end: '2026-12-26T23:00:00.000Z' }, freezeOverride: { reason: 'card outage' } };

  it('an emergency change asked by a deployment manager with a reason is planned inside the freeze, and the override is recorded', () => {
    when(inFreeze, facts({ requesterRoles: ['deployment-manager'] })).then(planned(inFreeze, { freezeOverride: { freezeId: 'year-end', reason: 'card outage', by: 'change-enablement-system' } }));
  });

  it('only a deployment manager may override a freeze', () =>
    when(inFreeze).then(rejected('FreezePeriod', { freezeId: 'year-end', reason: 'year-end trading', overrideRefused: 'only a deployment manager may override a freeze' }, inFreeze)));

  it('only an emergency change may override a freeze', () => {
    const normal = { ...inFreeze, changeType: 'normal' as const };
    when(normal, facts({ requesterRoles: ['deployment-manager'] })).then(
      rejected('FreezePeriod', { freezeId: 'year-end', reason: 'year-end trading', overrideRefused: 'only an emergency change may override a freeze' }, normal),
    );
  });
});

describe('RequestDeployment: the flow for every deployment', () => {
  const adHoc = { ...request, adHoc: true };
  const adHocPlan: Partial<DeploymentPlanned> = {
    model: null,
    adHoc: true,
    strategy: 'big-bang',
    waves: [{ index: 1, targets: production.targets.map((t) => t.name) }],
    gates: [{ name: 'production approval', kind: 'approval', roles: ['service-owner'], minimumApprovers: 1, source: 'environment' }],
    acceptanceCriteria: request.acceptanceCriteria,
    backupRequired: true,
    rollback: 'automatic',
    documentationRequired: false,
    qualityThresholds: undefined,
    automationLevel: undefined,
    manualSteps: undefined,
  };
  const unproven = { previousEnvironmentKind: 'staging', previousEnvironments: ['staging'], flowFrom: 'positions', components: [{ name: 'payments-api', version: '2.4.1' }] };

  it('ad hoc, the previous stage comes from the positions: a version never succeeded in staging is rejected with PromotionRuleNotMet naming it', () =>
    when(adHoc, facts({ succeeded: [] })).then(rejected('PromotionRuleNotMet', unproven, adHoc)));

  it('ad hoc, a version that succeeded in staging is planned into production', () => when(adHoc).then(planned(adHoc, adHocPlan)));

  it('another environment of the same kind is the same stage: prod-us (after production) needs staging, not production', () => {
    const prodUs: EnvironmentDefinition = { ...production, name: 'prod-us', position: 6 };
    const r = { ...adHoc, environment: 'prod-us' };
    when(r, facts({ environment: environmentEvents(prodUs), succeeded: [{ environmentKind: 'production', name: 'payments-api', version: '2.4.1' }] })).then(
      rejected('PromotionRuleNotMet', unproven, r),
    );
  });

  it('the lowest-positioned environment is the first stage: nothing to prove there', () => {
    const r = { ...adHoc, environment: 'test' };
    const test: EnvironmentDefinition = { ...staging, name: 'test', kind: 'test', position: 3 };
    eventsOf(when(r, facts({ environment: environmentEvents(test), succeeded: [] })), (events) => expect(events.map((e) => e.type)).toEqual(['DeploymentRequested', 'DeploymentPlanned', 'DeploymentWindowReserved']));
  });

  it('a model whose flow leaves the kind out takes the flow from the positions', () => {
    const withoutProduction: ActiveModel = { ...model, content: { ...content, environmentFlow: ['staging'] } };
    when(request, facts({ activeModels: [withoutProduction], succeeded: [] })).then(rejected('PromotionRuleNotMet', unproven));
  });

  it('a removal proves nothing in the previous stage', () => {
    const removal = { ...adHoc, kind: 'removal' as const };
    eventsOf(when(removal, facts({ succeeded: [] })), (events) => expect(events[1].type).toBe('DeploymentPlanned'));
  });

  it('ad hoc without the permission of its own (deployments:request-ad-hoc) is rejected with AdHocNotPermitted', () =>
    when(adHoc, facts({ requesterMayPlanAdHoc: false, requesterRoles: ['deployment-practitioner'] })).then(
      rejected('AdHocNotPermitted', { requestedBy: 'change-enablement-system', why: 'planning without an agreed model needs the deployments:request-ad-hoc permission' }, adHoc),
    ));

  it('the same ad hoc request again changes nothing', () =>
    spec
      .given(planned(adHoc, adHocPlan))
      .when({ type: 'RequestDeployment', request: { ...adHoc, requestedAt: '2026-11-30T10:00:05.000Z' }, facts: facts() })
      .thenNothing());
});

describe('RequestDeployment: an emergency change skipping a stage', () => {
  const skipping = { ...request, adHoc: true, changeType: 'emergency' as const, promotionOverride: { reason: 'card outage, fix untested in staging' } };
  const unproven = { previousEnvironmentKind: 'staging', previousEnvironments: ['staging'], flowFrom: 'positions', components: [{ name: 'payments-api', version: '2.4.1' }] };

  it('asked by a deployment manager with a reason, it is planned and the override is recorded on the plan', () =>
    eventsOf(when(skipping, facts({ succeeded: [], requesterRoles: ['deployment-manager'] })), (events) =>
      expect(events[1]).toMatchObject({
        type: 'DeploymentPlanned',
        data: {
          adHoc: true,
          promotionOverride: { skippedEnvironmentKind: 'staging', components: [{ name: 'payments-api', version: '2.4.1' }], reason: 'card outage, fix untested in staging', by: 'change-enablement-system' },
        },
      }),
    ));

  it('nothing skipped, nothing recorded: versions proven in staging are planned without an override', () =>
    eventsOf(when(skipping, facts({ requesterRoles: ['deployment-manager'] })), (events) => expect(events[1].data).not.toHaveProperty('promotionOverride')));

  it('only a deployment manager may skip a stage', () =>
    when(skipping, facts({ succeeded: [] })).then(rejected('PromotionRuleNotMet', { ...unproven, overrideRefused: 'only a deployment manager may skip a stage' }, skipping)));

  it('only an emergency change may skip a stage', () => {
    const normal = { ...skipping, changeType: 'normal' as const };
    when(normal, facts({ succeeded: [], requesterRoles: ['deployment-manager'] })).then(
      rejected('PromotionRuleNotMet', { ...unproven, overrideRefused: 'only an emergency change may skip a stage' }, normal),
    );
  });

  it('the same emergency request again changes nothing', () => {
    const f = facts({ succeeded: [], requesterRoles: ['deployment-manager'] });
    const history = deploymentDecider.decide({ type: 'RequestDeployment', request: skipping, facts: f }, deploymentDecider.initialState) as DeploymentEvent[];
    spec.given(history).when({ type: 'RequestDeployment', request: skipping, facts: f }).thenNothing();
  });
});

describe('waves from a strategy', () => {
  const targets = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10'];
  it('big-bang and blue-green: one wave of every target', () => {
    expect(wavesFor({ type: 'big-bang' }, targets)).toEqual([{ index: 1, targets }]);
    expect(wavesFor({ type: 'blue-green' }, targets)).toEqual([{ index: 1, targets }]);
  });
  it('canary: cumulative steps, the first a small fraction', () =>
    expect(wavesFor({ type: 'canary', steps: [0.1, 0.5, 1], analysis: { maxErrorRate: 0.01, maxP95LatencyMs: 300 } }, targets).map((w) => w.targets.length)).toEqual([1, 4, 5]));
  it('every wave holds at least one target, even with few targets', () =>
    expect(wavesFor({ type: 'progressive', waves: [0.1, 0.1, 0.8] }, ['a', 'b'])).toEqual([
      { index: 1, targets: ['a'] },
      { index: 2, targets: ['b'] },
    ]));
});

describe('CancelDeployment', () => {
  const plannedHistory: DeploymentEvent[] = [{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: planFor(request, production, 1, model, undefined, now) }];
  const cancelled: DeploymentEvent = {
    type: 'DeploymentCancelled',
    data: { deploymentId: request.deploymentId, changeId: 'CHG0031337', environment: 'production', reason: 'change withdrawn', cancelledBy: 'dana.manager', cancelledAt: now },
  };
  const cancel = { type: 'CancelDeployment' as const, reason: 'change withdrawn', by: 'dana.manager', started: false, now };
  const released: DeploymentEvent = { type: 'DeploymentWindowReleased', data: { environment: 'production', deploymentId: request.deploymentId } };

  it('a planned deployment that has not started is cancelled with the reason, and its window is free again', () =>
    spec.given(plannedHistory).when(cancel).then([cancelled, released]));

  it('cancelling again changes nothing', () => spec.given([...plannedHistory, cancelled, released]).when(cancel).thenNothing());

  it('a deployment that has started cannot be cancelled', () =>
    spec.given(plannedHistory).when({ ...cancel, started: true }).thenRefused({ code: 'DeploymentAlreadyStarted', deploymentId: request.deploymentId }));

  it('a deployment whose record records closed cannot be cancelled: the outcome stands, with the reason', () =>
    spec
      .given(plannedHistory)
      .when({ ...cancel, closedAs: 'failed' })
      .thenRefused({ code: 'DeploymentAlreadyClosed', deploymentId: request.deploymentId, outcome: 'failed', reason: 'records closed the deployment as failed; its outcome was reported to change enablement and stands' }));

  it('a cancel repeated after the record closed (as cancelled, by this cancel) changes nothing', () =>
    spec.given([...plannedHistory, cancelled, released]).when({ ...cancel, closedAs: 'cancelled' }).thenNothing());

  it('a rejected deployment has nothing to cancel', () =>
    spec
      .given(rejected('FreezePeriod', { freezeId: 'year-end' }))
      .when(cancel)
      .thenRefused({ code: 'DeploymentNotPlanned', deploymentId: request.deploymentId, status: 'rejected' }));
});

describe('RescheduleDeployment', () => {
  const plannedHistory: DeploymentEvent[] = [{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: planFor(request, production, 1, model, undefined, now) }];
  const nextSaturday = { start: '2026-12-05T22:00:00.000Z', end: '2026-12-05T23:00:00.000Z' };
  const reschedule = { type: 'RescheduleDeployment' as const, window: nextSaturday, by: 'dana.manager', started: false, facts: facts() };

  const rescheduled: DeploymentEvent[] = [
    {
      type: 'DeploymentRescheduled',
      data: { deploymentId: request.deploymentId, environment: 'production', previousWindow: saturdayNight, window: nextSaturday, rescheduledBy: 'dana.manager', rescheduledAt: now },
    },
    {
      type: 'DeploymentWindowReserved',
      data: { environment: 'production', deploymentId: request.deploymentId, service: 'payments', targets: ['prod-eu-1', 'prod-eu-2', 'prod-us-1', 'prod-us-2'], window: nextSaturday },
    },
  ];

  it('a planned deployment moves to a free window inside a deployment window', () => spec.given(plannedHistory).when(reschedule).then(rescheduled));

  it('rescheduling to the window it already has changes nothing', () => spec.given(plannedHistory).when({ ...reschedule, window: saturdayNight }).thenNothing());

  it('a reschedule into a freeze is refused with the freeze id, and the deployment keeps its window', () =>
    spec
      .given(plannedHistory)
      .when({ ...reschedule, window: { start: '2026-12-26T22:00:00.000Z', end: '2026-12-26T23:00:00.000Z' } })
      .thenRefused({ code: 'FreezePeriod', deploymentId: request.deploymentId, details: { freezeId: 'year-end', reason: 'year-end trading' } }));

  it('a reschedule outside the deployment windows is refused', () =>
    spec
      .given(plannedHistory)
      .when({ ...reschedule, window: { start: '2026-12-07T10:00:00.000Z', end: '2026-12-07T11:00:00.000Z' } })
      .thenRefused({
        code: 'OutsideDeploymentWindow',
        deploymentId: request.deploymentId,
        details: { window: { start: '2026-12-07T10:00:00.000Z', end: '2026-12-07T11:00:00.000Z' }, timeZone: 'Europe/Berlin', deploymentWindows: production.deploymentWindows },
      }));

  it('a reschedule onto another deployment of the service is refused naming it; its own reservation does not count', () => {
    const own = { environment: 'production', deploymentId: request.deploymentId, service: 'payments', targets: ['prod-eu-1'], window: nextSaturday };
    const other = { environment: 'production', deploymentId: 'd-other', service: 'payments', targets: ['prod-us-9'], window: nextSaturday };
    spec.given(plannedHistory).when({ ...reschedule, facts: facts({ reservations: [own] }) }).then(rescheduled);
    spec
      .given(plannedHistory)
      .when({ ...reschedule, facts: facts({ reservations: [own, other] }) })
      .thenRefused({ code: 'ConflictingDeployment', deploymentId: request.deploymentId, details: { deploymentId: 'd-other', service: 'payments', window: nextSaturday } });
  });

  it('a deployment whose record closed cannot be rescheduled', () =>
    spec
      .given(plannedHistory)
      .when({ ...reschedule, closedAs: 'failed' })
      .thenRefused({ code: 'DeploymentAlreadyClosed', deploymentId: request.deploymentId, outcome: 'failed', reason: 'records closed the deployment as failed; its outcome was reported to change enablement and stands' }));

  it('a deployment that has started cannot be rescheduled', () =>
    spec.given(plannedHistory).when({ ...reschedule, started: true }).thenRefused({ code: 'DeploymentAlreadyStarted', deploymentId: request.deploymentId }));
});

describe('ReleaseWindow (the deployment record closed)', () => {
  const plannedHistory: DeploymentEvent[] = [{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: planFor(request, production, 1, model, undefined, now) }];
  const released: DeploymentEvent = { type: 'DeploymentWindowReleased', data: { environment: 'production', deploymentId: request.deploymentId } };

  it('a planned deployment releases its window', () => spec.given(plannedHistory).when({ type: 'ReleaseWindow' }).then([released]));

  it('a window is released once', () => spec.given([...plannedHistory, released]).when({ type: 'ReleaseWindow' }).thenNothing());

  it('a rejected deployment held no window', () => spec.given(rejected('FreezePeriod', { freezeId: 'year-end' })).when({ type: 'ReleaseWindow' }).thenNothing());

  it('a deployment planning never planned has nothing to release', () => spec.given([]).when({ type: 'ReleaseWindow' }).thenNothing());
});

describe('RequestDeployment: verifiable authorisation', () => {
  const key = { status: 'trusted' as const, keyId: 'change-enablement-2026', algorithm: 'ed25519' as const, publicKey: 'PEM', owner: 'change enablement (ServiceNow)', registeredAt: '2026-01-01T00:00:00.000Z' };
  const claims = { changeId: request.changeId, service: request.service, environment: request.environment, components: [{ name: 'payments-api', version: '2.4.1' }], exp: Date.parse('2026-12-01T00:00:00Z') / 1000, sub: 'carol.cab' };
  const signed = (changes: Record<string, unknown> = {}) => ({ way: 'signed' as const, keyId: key.keyId, claims, key, signatureVerifies: true, ...changes });
  const notProven = (way: string, why: string, more: Record<string, unknown> = {}) => rejected('AuthorisationNotProven', { changeId: request.changeId, way, why, ...more });

  it('change enablement\'s event proves the change, and the plan names who authorised it, by which event', () =>
    eventsOf(when(request), (events) => expect(events[1].data).toMatchObject({ authorisedBy: { way: 'itsm', by: 'carol.cab', source: '/servicenow/prod', eventId: 'evt-42' } })));

  it('a signed authorisation by a trusted key, unexpired, for this very request proves the change: the plan names its signer and key', () =>
    eventsOf(when(request, facts({ authorisation: signed() })), (events) =>
      expect(events[1]).toMatchObject({ type: 'DeploymentPlanned', data: { authorisedBy: { way: 'signed', by: 'carol.cab', keyId: 'change-enablement-2026' } } }),
    ));

  it('a request that merely says its change is authorised is refused AuthorisationNotProven in production, even from a deployment manager', () =>
    when(request, facts({ authorisation: { way: 'permission', by: 'dana.manager', mayAuthorise: true } })).then(
      notProven('permission', 'a production environment accepts an authorisation only by itsm or signed, not by permission', { accepted: ['itsm', 'signed'] }),
    ));

  it('in staging, the word of a requester holding changes:authorise proves it; one without that permission is refused', () => {
    const inStaging = { ...request, environment: 'staging', window: { start: '2026-11-30T20:00:00.000Z', end: '2026-11-30T21:00:00.000Z' } };
    const stagingFacts = (mayAuthorise: boolean) => facts({ environment: environmentEvents(staging), succeeded: [], authorisation: { way: 'permission', by: 'pat.practitioner', mayAuthorise } });
    eventsOf(when(inStaging, stagingFacts(true)), (events) => expect(events[1]).toMatchObject({ type: 'DeploymentPlanned', data: { authorisedBy: { way: 'permission', by: 'pat.practitioner' } } }));
    when(inStaging, stagingFacts(false)).then(
      rejected('AuthorisationNotProven', { changeId: request.changeId, way: 'permission', why: 'the request says the change is authorised, but the requester does not hold changes:authorise and sent no signed authorisation' }, inStaging),
    );
  });

  it.each([
    ['a forged signature (another key, or a tampered payload)', signed({ signatureVerifies: false }), { why: "the signed authorisation's signature does not verify under key change-enablement-2026", keyId: key.keyId }],
    ['an unregistered key', signed({ key: { status: 'none' }, signatureVerifies: false }), { why: 'no authorisation key change-enablement-2026 is registered', keyId: key.keyId }],
    [
      'a key revoked before now',
      signed({ key: { ...key, status: 'revoked', reason: 'private key leaked', effectiveAt: '2026-11-29T00:00:00.000Z', revokedAt: now } }),
      { why: 'authorisation key change-enablement-2026 was revoked: private key leaked', keyId: key.keyId },
    ],
    ['an expired authorisation', signed({ claims: { ...claims, exp: Date.parse(now) / 1000 } }), { why: 'the signed authorisation expired at 2026-11-30T10:00:00.000Z', keyId: key.keyId }],
    [
      'an authorisation of another change and other versions',
      signed({ claims: { ...claims, changeId: 'CHG0000001', components: [{ name: 'payments-api', version: '9.9.9' }] } }),
      { why: 'the signed authorisation is for another changeId, components', keyId: key.keyId, differing: ['changeId', 'components'] },
    ],
    ['a token that is no authorisation', { way: 'signed' as const, problem: 'the JWS header names no key (kid)', key: { status: 'none' as const }, signatureVerifies: false }, { why: 'the signed authorisation cannot be read: the JWS header names no key (kid)' }],
  ])('%s is refused AuthorisationNotProven, and the rejection recorded', (_case, authorisation, details) =>
    when(request, facts({ authorisation: authorisation as PlanningFacts['authorisation'] })).then(notProven('signed', details.why, { ...details, why: details.why })),
  );

  it('the same request again after a rejection changes nothing', () =>
    spec
      .given(notProven('permission', 'whatever was recorded'))
      .when({ type: 'RequestDeployment', request, facts: facts({ authorisation: { way: 'permission', by: 'dana.manager', mayAuthorise: true } }) })
      .thenNothing());

  it('GANTRY_AUTHORISATION_<KIND> sets the ways a kind accepts; production by itsm and signed unless said otherwise; an unknown way stops the service', () => {
    expect(authorisationPolicyFromEnv({}).production).toEqual(['itsm', 'signed']);
    expect(authorisationPolicyFromEnv({}).staging).toEqual(['itsm', 'signed', 'permission']);
    expect(authorisationPolicyFromEnv({ GANTRY_AUTHORISATION_STAGING: 'signed' }).staging).toEqual(['signed']);
    expect(() => authorisationPolicyFromEnv({ GANTRY_AUTHORISATION_PRODUCTION: 'itsm,trust-me' })).toThrow(/GANTRY_AUTHORISATION_PRODUCTION.*trust-me/);
  });
});

describe('RevokeAuthorisation (the key that signed the authorisation was revoked)', () => {
  const authorisedBy = { way: 'signed' as const, by: 'carol.cab', keyId: 'change-enablement-2026' };
  const plan = { ...planFor(request, production, 1, model, undefined, now), authorisedBy };
  const plannedHistory: DeploymentEvent[] = [{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: plan }];
  const revocation = { keyId: 'change-enablement-2026', reason: 'private key leaked', effectiveAt: '2026-11-29T00:00:00.000Z', revokedAt: now };
  const revoke = { type: 'RevokeAuthorisation' as const, revocation };
  const revoked: DeploymentEvent = {
    type: 'DeploymentAuthorisationRevoked',
    data: { deploymentId: request.deploymentId, changeId: request.changeId, environment: request.environment, ...revocation },
  };

  it('a plan whose authorisation the key signed records that it is no longer proved authorised', () => spec.given(plannedHistory).when(revoke).then([revoked]));

  it('recorded once', () => spec.given([...plannedHistory, revoked]).when(revoke).thenNothing());

  it('another key, an authorisation by change enablement\'s event, or no plan: nothing', () => {
    spec.given(plannedHistory).when({ ...revoke, revocation: { ...revocation, keyId: 'another-key' } }).thenNothing();
    spec.given([{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: { ...plan, authorisedBy: { way: 'itsm', by: 'carol.cab' } } }]).when(revoke).thenNothing();
    spec.given(rejected('FreezePeriod', { freezeId: 'year-end' })).when(revoke).thenNothing();
  });

  it('a deployment whose record closed keeps its outcome', () => spec.given(plannedHistory).when({ ...revoke, closedAs: 'succeeded' }).thenNothing());
});

describe('RequestDeployment: the requester does not authorise their own change', () => {
  const byDana = { ...request, requestedBy: 'dana.manager' };
  const key = { status: 'trusted' as const, keyId: 'change-enablement-2026', algorithm: 'ed25519' as const, publicKey: 'PEM', owner: 'change enablement (ServiceNow)', registeredAt: '2026-01-01T00:00:00.000Z' };
  const claims = { changeId: request.changeId, service: request.service, environment: request.environment, components: [{ name: 'payments-api', version: '2.4.1' }], exp: Date.parse('2026-12-01T00:00:00Z') / 1000 };
  const selfAuthorised = (way: string, authorisedBy: string, why: string, r: DeploymentRequested = byDana) =>
    rejected('RequesterMayNotAuthorise', { changeId: r.changeId, requestedBy: r.requestedBy, authorisedBy, way, why }, r);

  it('in production, a change enablement event naming the requester (in another case) as its authoriser is rejected RequesterMayNotAuthorise', () =>
    when(byDana, facts({ authorisation: { ...fromItsm, by: 'Dana.Manager' } })).then(
      selfAuthorised('itsm', 'Dana.Manager', 'in a production environment the requester may not be the change\'s authoriser; Dana.Manager authorised it (itsm) and requested its deployment'),
    ));

  it('in production, a signed authorisation whose signer is the requester is rejected RequesterMayNotAuthorise', () =>
    when(byDana, facts({ authorisation: { way: 'signed', keyId: key.keyId, claims: { ...claims, sub: 'dana.manager' }, key, signatureVerifies: true } })).then(
      selfAuthorised('signed', 'dana.manager', 'in a production environment the requester may not be the change\'s authoriser; dana.manager authorised it (signed) and requested its deployment'),
    ));

  it("where the duty applies and permission is accepted, the requester's own changes:authorise is refused as the requester authorising", () =>
    when(
      byDana,
      facts({ authorisation: { way: 'permission', by: 'dana.manager', mayAuthorise: true }, authorisationPolicy: { ...DEFAULT_AUTHORISATION_POLICY, production: ['itsm', 'signed', 'permission'] } }),
    ).then(
      selfAuthorised('permission', 'dana.manager', "in a production environment the requester's own changes:authorise is the requester authorising their own deployment; the change needs an authorisation by someone else"),
    ));

  it('an authoriser other than the requester is planned', () =>
    when(byDana, facts({ authorisation: fromItsm })).then(planned(byDana, { requestedBy: 'dana.manager' })));

  it('a change enablement event naming no authoriser is the system vouching for it: planned, even when the system also asked', () =>
    when(request, facts({ authorisation: { ...fromItsm, by: request.requestedBy, authoriserNamed: false } })).then(planned(request, { authorisedBy: { ...plannedInProduction.authorisedBy!, by: request.requestedBy } })));

  it('where the kind does not keep the duties apart (staging by default), the requester may authorise', () => {
    const inStaging = { ...byDana, environment: 'staging', window: { start: '2026-11-30T20:00:00.000Z', end: '2026-11-30T21:00:00.000Z' } };
    eventsOf(when(inStaging, facts({ environment: environmentEvents(staging), succeeded: [], authorisation: { way: 'permission', by: 'dana.manager', mayAuthorise: true } })), (events) =>
      expect(events[1]).toMatchObject({ type: 'DeploymentPlanned', data: { authorisedBy: { way: 'permission', by: 'dana.manager' } } }),
    );
  });

  it('with case-sensitive identities (GANTRY_IDENTITY_CASE=sensitive), subjects differing in case are two people', () =>
    when(byDana, facts({ authorisation: { ...fromItsm, by: 'Dana.Manager' }, identityCase: 'sensitive' })).then(planned(byDana, { requestedBy: 'dana.manager', authorisedBy: { ...plannedInProduction.authorisedBy!, by: 'Dana.Manager' } })));

  it('the same request again after the rejection changes nothing', () =>
    spec
      .given(selfAuthorised('itsm', 'dana.manager', 'whatever was recorded'))
      .when({ type: 'RequestDeployment', request: byDana, facts: facts({ authorisation: { ...fromItsm, by: 'dana.manager' } }) })
      .thenNothing());

  it('GANTRY_REQUESTER_MAY_NOT_AUTHORISE_<KIND> says where the duty applies: production unless said otherwise; anything but true or false stops the service', () => {
    expect(authoriserSeparationFromEnv({})).toMatchObject({ production: true, staging: false, test: false });
    expect(authoriserSeparationFromEnv({ GANTRY_REQUESTER_MAY_NOT_AUTHORISE_STAGING: 'true', GANTRY_REQUESTER_MAY_NOT_AUTHORISE_PRODUCTION: 'false' })).toMatchObject({ production: false, staging: true });
    expect(() => authoriserSeparationFromEnv({ GANTRY_REQUESTER_MAY_NOT_AUTHORISE_PRODUCTION: 'yes' })).toThrow(/GANTRY_REQUESTER_MAY_NOT_AUTHORISE_PRODUCTION.*yes/);
  });
});

describe('RequestDeployment: the monitoring period (early life support)', () => {
  const monitoring = {
    durationSeconds: 259_200,
    lookEverySeconds: 3600,
    baselineSeconds: 86_400,
    stepSeconds: 60,
    alpha: 0.05,
    signals: [{ type: 'metric' as const, name: 'error-rate', query: 'sum(rate(errors_total[5m]))', harm: 'increase' as const, tolerance: 0.1 }],
    onRegression: 'decide' as const,
  };
  const monitored = facts({ activeModels: [{ ...model, content: { ...content, monitoring } }] });
  const plannedMonitoring = (r: DeploymentRequested, f = monitored) => {
    const outcome = spec.given([]).when({ type: 'RequestDeployment', request: r, facts: f }).outcome as DeploymentEvent[];
    return outcome.find((e) => e.type === 'DeploymentPlanned')?.data as DeploymentPlanned | undefined;
  };

  it("the plan carries the model's monitoring period", () => expect(plannedMonitoring(request)?.monitoring).toEqual(monitoring));

  it('a request may lengthen it', () => expect(plannedMonitoring({ ...request, monitoringSeconds: 604_800 })?.monitoring).toEqual({ ...monitoring, durationSeconds: 604_800 }));

  it("a request may not shorten it, nor ask for one its model does not give: MonitoringOutsideModel, recorded", () => {
    when({ ...request, monitoringSeconds: 3600 }, monitored).then(
      rejected('MonitoringOutsideModel', { monitoringSeconds: 3600, modelSeconds: 259_200, why: 'the model in-house-web monitors for 259200 s at least' }, { ...request, monitoringSeconds: 3600 }),
    );
    when({ ...request, monitoringSeconds: 604_800 }).then(
      rejected('MonitoringOutsideModel', { monitoringSeconds: 604_800, why: 'the model in-house-web gives no monitoring period' }, { ...request, monitoringSeconds: 604_800 }),
    );
  });

  it('lengthened beyond the looks the judge plans for, it is refused', () => {
    const everyTenMinutes = facts({ activeModels: [{ ...model, content: { ...content, monitoring: { ...monitoring, lookEverySeconds: 600 } } }] });
    const aWeek = { ...request, monitoringSeconds: 604_800 };
    when(aWeek, everyTenMinutes).then(rejected('MonitoringOutsideModel', { monitoringSeconds: 604_800, why: "1008 looks of the model's 600 s; at most 1000" }, aWeek));
  });

  it('a model without a monitoring period plans none', () => expect(plannedMonitoring(request, facts())?.monitoring).toBeUndefined());
});

describe('RequestDeployment: a physical model adds to every site\'s checklist', () => {
  it("the plan carries the model's own checklist items", () => {
    const braced = facts({ activeModels: [{ ...model, content: { ...content, siteChecklist: ['seismic-bracing'] } }] });
    const outcome = spec.given([]).when({ type: 'RequestDeployment', request, facts: braced }).outcome as DeploymentEvent[];
    expect(outcome.find((e) => e.type === 'DeploymentPlanned')?.data).toMatchObject({ siteChecklist: ['seismic-bracing'] });
  });
});
