import { specification } from '@gantry/decider';
import type { DeploymentPlanned, Evidence, FreezePeriod, LateChange } from '@gantry/contracts';
import { deploymentRunDecider, evolve, initialState, type RunCommand, type RunEvent } from './deployment-run.decider';
import { componentsToInstall } from './deployment-run.state';
import { idempotencyKey, nextStep, type RunStep } from './run-steps';

const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const window = { start: '2026-12-01T22:00:00.000Z', end: '2026-12-01T23:00:00.000Z' };
const before = '2026-12-01T21:00:00.000Z';
const at = '2026-12-01T22:00:01.000Z';
const later = '2026-12-01T22:30:00.000Z';
const afterEnd = '2026-12-01T23:00:01.000Z';
const components = [{ name: 'payments-api', version: '2.4.1' }];
const basePlan: DeploymentPlanned = {
  deploymentId,
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
  environment: 'staging',
  window,
  model: null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: ['s-1', 's-2'] }],
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'smoke suite passes' }],
  backupRequired: false,
  rollback: 'automatic',
  requestedBy: 'rita.requester',
  gates: [],
};
const progressive: DeploymentPlanned = { ...basePlan, strategy: 'progressive', waves: [{ index: 1, targets: ['s-1'] }, { index: 2, targets: ['s-2', 's-3'] }] };
const gated: DeploymentPlanned = { ...basePlan, gates: [{ name: 'production', kind: 'approval', roles: ['service-owner', 'deployment-manager'], minimumApprovers: 2, source: 'model' }] };

const spec = specification(deploymentRunDecider);
const prepared = (plan = basePlan): RunEvent => ({ type: 'RunPrepared', data: { deploymentId, plan } });
const ready: RunEvent[] = [
  { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'components' } },
  { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'environment' } },
];
const started: RunEvent = { type: 'DeploymentStarted', data: { deploymentId, startedAt: at } };
const advance = (now = at): RunCommand => ({ type: 'AdvanceRun', deploymentId, now });
const deployed = (wave: number, target: string): RunEvent => ({ type: 'TargetDeployed', data: { deploymentId, wave, target, components } });
const succeeded = (step: RunStep, now = at): RunCommand => ({ type: 'RecordStepOutcome', deploymentId, step, outcome: { status: 'succeeded' }, now });
const failed = (step: RunStep): RunCommand => ({ type: 'RecordStepOutcome', deploymentId, step, outcome: { status: 'failed', reason: 'ExecutorTimeout' }, now: at });
const actor = (by: string, ...roles: string[]) => ({ by, roles });

/** A step that succeeded, a deployed target reporting the digests it was sent (as the simulated executor does). */
const installedAsSent = (step: RunStep, run: ReturnType<typeof evolve>, now: string): RunCommand => {
  const installed = run.status === 'running' ? componentsToInstall(run).flatMap(({ name, version, digest }) => (digest ? [{ name, version, digest }] : [])) : [];
  return { ...(succeeded(step, now) as Extract<RunCommand, { type: 'RecordStepOutcome' }>), outcome: { status: 'succeeded', ...(installed.length > 0 ? { installed } : {}) } };
};

/** Runs the decider like the driver does: advance, then the next step succeeds, until nothing moves. */
const drive = (history: RunEvent[], now = at): RunEvent[] => {
  const events = [...history];
  for (let i = 0; i < 100; i++) {
    const state = events.reduce(evolve, initialState);
    const moved = deploymentRunDecider.decide(advance(now), state) as RunEvent[];
    events.push(...moved);
    const next = moved.reduce(evolve, state);
    const step = nextStep(next);
    if (!step) return events;
    events.push(...(deploymentRunDecider.decide(installedAsSent(step, next, now), next) as RunEvent[]));
  }
  throw new Error('the run did not settle');
};
const types = (events: RunEvent[]) => events.map((e) => e.type);

/** A gated run prepared: the plan, and the approvals its gate asks for. */
const preparedGated: RunEvent[] = [
  prepared(gated),
  { type: 'ApprovalRequested', data: { deploymentId, gate: 'production', roles: ['service-owner', 'deployment-manager'], minimumApprovers: 2, requestedAt: before } },
];

describe('PrepareRun', () => {
  it('records the plan and asks every approval gate for its approvers', () => spec.given([]).when({ type: 'PrepareRun', plan: gated, now: before }).then(preparedGated));
  it('the same plan twice changes nothing', () => spec.given([prepared()]).when({ type: 'PrepareRun', plan: basePlan, now: before }).thenNothing());
  it('a plan for an abandoned run changes nothing', () =>
    spec.given([{ type: 'RunAbandoned', data: { deploymentId, reason: 'ComponentVerificationFailed' } }]).when({ type: 'PrepareRun', plan: basePlan, now: before }).thenNothing());
});

describe('ConfirmReadiness and AbandonRun', () => {
  it('verifications may arrive before the plan', () =>
    spec.given([]).when({ type: 'ConfirmReadiness', deploymentId, readiness: 'environment' }).then([{ type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'environment' } }]));
  it('the same readiness twice changes nothing', () => spec.given([prepared(), ready[0]]).when({ type: 'ConfirmReadiness', deploymentId, readiness: 'components' }).thenNothing());
  it('a revoked component version abandons a run that has not started', () =>
    spec.given([prepared(), ...ready]).when({ type: 'AbandonRun', deploymentId, reason: 'ComponentVerificationRevoked' }).then([{ type: 'RunAbandoned', data: { deploymentId, reason: 'ComponentVerificationRevoked' } }]));
  it('a started run is not abandoned', () => spec.given([prepared(), ...ready, started]).when({ type: 'AbandonRun', deploymentId, reason: 'DeploymentCancelled' }).thenNothing());
});

describe('AdvanceRun: the start at the window', () => {
  it('a ready run starts once its window is open', () =>
    spec.given([prepared(), ...ready]).when(advance(at)).then([started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1', 's-2'] } }]));
  it('a ready run waits for the window to open', () => spec.given([prepared(), ...ready]).when(advance(before)).thenNothing());
  it('a run whose environment is not verified does not start', () => spec.given([prepared(), ready[0]]).when(advance(at)).thenNothing());
  it('a physical deployment (hardware among its components) waits for its sites and delivery as well', () => {
    const rackServers: DeploymentPlanned = { ...basePlan, components: [{ name: 'rack-server', version: 'r760', kind: 'hardware' }] };
    spec.given([prepared(rackServers), ...ready]).when(advance(at)).thenNothing();
    spec
      .given([prepared(rackServers), ...ready, { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'physical' } }])
      .when(advance(at))
      .then([started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1', 's-2'] } }]);
  });
  it('a run whose window passed before it could start records the missed schedule, once', () => {
    spec.given([prepared(), ...ready]).when(advance(afterEnd)).then([{ type: 'ScheduleMissed', data: { deploymentId, window, phase: 'before-start', detectedAt: afterEnd } }]);
    spec.given([prepared(), ...ready, { type: 'ScheduleMissed', data: { deploymentId, window, phase: 'before-start', detectedAt: afterEnd } }]).when(advance(afterEnd)).thenNothing();
  });
  it('a rescheduled run starts in its new window', () => {
    const newWindow = { start: '2026-12-02T22:00:00.000Z', end: '2026-12-02T23:00:00.000Z' };
    spec.given([prepared(), ...ready]).when({ type: 'RescheduleRun', deploymentId, window: newWindow }).then([{ type: 'RunRescheduled', data: { deploymentId, window: newWindow } }]);
    spec.given([prepared(), ...ready, { type: 'RunRescheduled', data: { deploymentId, window: newWindow } }]).when(advance(at)).thenNothing();
  });
});

describe('gates', () => {
  const approve = (by: string, ...roles: string[]): RunCommand => ({ type: 'ApproveGate', deploymentId, gate: 'production', identityCase: 'insensitive', now: before, ...actor(by, ...roles) });
  const history = (): RunEvent[] => preparedGated;
  const granted = (by: string, role: string): RunEvent => ({ type: 'ApprovalGranted', data: { deploymentId, gate: 'production', by, role, grantedAt: before } });

  it('an approver in one of the gate roles is counted', () => spec.given(history()).when(approve('sam', 'service-owner')).then([granted('sam', 'service-owner')]));
  it("an approval's comment is recorded with it", () =>
    spec
      .given(history())
      .when({ ...approve('sam', 'service-owner'), comment: 'rollback rehearsed in staging' } as RunCommand)
      .then([{ type: 'ApprovalGranted', data: { deploymentId, gate: 'production', by: 'sam', role: 'service-owner', comment: 'rollback rehearsed in staging', grantedAt: before } }]));
  it("a comment does not let the requester approve", () =>
    spec
      .given(history())
      .when({ ...approve('rita.requester', 'deployment-manager'), comment: 'I checked it myself' } as RunCommand)
      .thenRefused({ code: 'RequesterMayNotApprove', deploymentId, gate: 'production', by: 'rita.requester' }));
  it('the same person approving again with another comment records nothing: they count once, with what they said first', () =>
    spec
      .given([...history(), { type: 'ApprovalGranted', data: { deploymentId, gate: 'production', by: 'sam', role: 'service-owner', comment: 'looks fine', grantedAt: before } }])
      .when({ ...approve('sam', 'service-owner'), comment: 'really fine' } as RunCommand)
      .thenNothing());
  it("the requester's own approval is refused", () =>
    spec.given(history()).when(approve('rita.requester', 'deployment-manager')).thenRefused({ code: 'RequesterMayNotApprove', deploymentId, gate: 'production', by: 'rita.requester' }));
  it('the same person approving twice counts once', () => spec.given([...history(), granted('sam', 'service-owner')]).when(approve('sam', 'service-owner')).thenNothing());
  it("the change's authoriser, as the plan records them, does not also approve its deployment, under any spelling", () => {
    const authorised: RunEvent[] = preparedGated.map((event) =>
      event.type === 'RunPrepared' ? { ...event, data: { ...event.data, plan: { ...event.data.plan, authorisedBy: { way: 'itsm' as const, by: 'Carl.CAB', source: 'servicenow', eventId: 'e-1' } } } } : event,
    );
    spec.given(authorised).when(approve('carl.cab', 'service-owner')).thenRefused({ code: 'AuthoriserMayNotApprove', deploymentId, gate: 'production', by: 'carl.cab' });
    spec.given(authorised).when(approve('sam', 'service-owner')).then([granted('sam', 'service-owner')]);
  });
  it("the requester's approval under their subject in another case is refused: identities are compared case-insensitively", () =>
    spec.given(history()).when(approve('RITA.REQUESTER', 'deployment-manager')).thenRefused({ code: 'RequesterMayNotApprove', deploymentId, gate: 'production', by: 'RITA.REQUESTER' }));
  it('the same person under another case approving again counts once', () =>
    spec.given([...history(), granted('sam', 'service-owner')]).when(approve('SAM', 'service-owner')).thenNothing());
  it('where identities are configured case-sensitive, subjects differing in case are different people', () =>
    spec
      .given(history())
      .when({ ...approve('RITA.REQUESTER', 'deployment-manager'), identityCase: 'sensitive' } as RunCommand)
      .then([granted('RITA.REQUESTER', 'deployment-manager')]));
  it('a person without one of the gate roles is refused', () =>
    spec.given(history()).when(approve('pat', 'deployment-practitioner')).thenRefused({ code: 'RoleMayNotApprove', deploymentId, gate: 'production', roles: ['service-owner', 'deployment-manager'] }));
  it('an unknown gate is refused', () =>
    spec.given(history()).when({ ...approve('sam', 'service-owner'), gate: 'security' } as RunCommand).thenRefused({ code: 'UnknownGate', deploymentId, gate: 'security' }));
  it('the run does not start until the gate has its approvers', () => {
    spec.given([...history(), ...ready, granted('sam', 'service-owner')]).when(advance(at)).thenNothing();
    spec.given([...history(), ...ready, granted('sam', 'service-owner'), granted('dana', 'deployment-manager')]).when(advance(at)).then([started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1', 's-2'] } }]);
  });
  it('a denial ends the run', () =>
    spec.given(history()).when({ type: 'DenyGate', deploymentId, gate: 'production', reason: 'no rollback tested', now: before, ...actor('dana', 'deployment-manager') }).then([
      { type: 'ApprovalDenied', data: { deploymentId, gate: 'production', by: 'dana', role: 'deployment-manager', reason: 'no rollback tested', deniedAt: before } },
      { type: 'RunAbandoned', data: { deploymentId, reason: 'ApprovalDenied' } },
    ]));
  it('a gate of a run that ended is not open', () =>
    spec.given([...history(), { type: 'RunAbandoned', data: { deploymentId, reason: 'ApprovalDenied' } }]).when(approve('sam', 'service-owner')).thenRefused({ code: 'GateNotOpen', deploymentId, gate: 'production', status: 'ended' }));
});

describe('gates between waves', () => {
  const gate = 'look at the waves';
  const roles = ['deployment-manager', 'service-owner'];
  const betweenWaves: DeploymentPlanned = {
    ...progressive,
    waves: [{ index: 1, targets: ['s-1'] }, { index: 2, targets: ['s-2'] }, { index: 3, targets: ['s-3'] }],
    authorisedBy: { way: 'itsm', by: 'Carl.CAB', source: 'servicenow', eventId: 'e-1' },
    gates: [{ name: gate, kind: 'approval', roles, minimumApprovers: 2, source: 'environment', at: 'between-waves' }],
  };
  const waveStarted = (wave: number, ...targets: string[]): RunEvent => ({ type: 'WaveStarted', data: { deploymentId, wave, targets } });
  const waveCompleted = (wave: number): RunEvent => ({ type: 'WaveCompleted', data: { deploymentId, wave } });
  const opened = (wave: number): RunEvent => ({ type: 'ApprovalRequested', data: { deploymentId, gate, roles, minimumApprovers: 2, wave, requestedAt: at } });
  const granted = (wave: number, by: string, role: string): RunEvent => ({ type: 'ApprovalGranted', data: { deploymentId, gate, by, role, wave, grantedAt: at } });
  const approve = (by: string, ...held: string[]): RunCommand => ({ type: 'ApproveGate', deploymentId, gate, identityCase: 'insensitive', now: at, ...actor(by, ...held) });
  const deny: RunCommand = { type: 'DenyGate', deploymentId, gate, reason: 'errors rising on s-1', now: later, ...actor('dana', 'deployment-manager') };
  const waveOne: RunEvent[] = [prepared(betweenWaves), ...ready, started, waveStarted(1, 's-1'), deployed(1, 's-1'), waveCompleted(1)];
  const held = [...waveOne, opened(2)];
  const passed = [...held, granted(2, 'dana', 'deployment-manager'), granted(2, 'sam', 'service-owner')];

  it('asks nothing before the start: the run starts without it', () => {
    spec.given([]).when({ type: 'PrepareRun', plan: betweenWaves, now: before }).then([prepared(betweenWaves)]);
    spec.given([prepared(betweenWaves), ...ready]).when(advance(at)).then([started, waveStarted(1, 's-1')]);
  });
  it('opens for the boundary once the first wave is done, naming the wave about to start, and holds the run there', () => {
    spec.given(waveOne).when(advance(at)).then([opened(2)]);
    spec.given(held).when(advance(at)).thenNothing();
    expect(nextStep(held.reduce(evolve, initialState))).toBeUndefined();
  });
  it('the held run shows which gate, which wave and the approvals so far', () =>
    expect([...held, granted(2, 'dana', 'deployment-manager')].reduce(evolve, initialState)).toMatchObject({
      status: 'running',
      boundary: { wave: 2, gates: [{ name: gate, roles, minimumApprovers: 2, approvers: ['dana'] }] },
    }));
  it('an approver in one of the gate roles is counted for that boundary', () => spec.given(held).when(approve('dana', 'deployment-manager')).then([granted(2, 'dana', 'deployment-manager')]));
  it("an approval's comment at a boundary is recorded with its wave", () =>
    spec
      .given(held)
      .when({ ...approve('dana', 'deployment-manager'), comment: 'error rate flat on s-1' } as RunCommand)
      .then([{ type: 'ApprovalGranted', data: { deploymentId, gate, by: 'dana', role: 'deployment-manager', wave: 2, comment: 'error rate flat on s-1', grantedAt: at } }]));
  it("the requester's approval is refused, under any spelling", () =>
    spec.given(held).when(approve('RITA.REQUESTER', 'deployment-manager')).thenRefused({ code: 'RequesterMayNotApprove', deploymentId, gate, by: 'RITA.REQUESTER' }));
  it("the change's authoriser's approval is refused", () =>
    spec.given(held).when(approve('carl.cab', 'service-owner')).thenRefused({ code: 'AuthoriserMayNotApprove', deploymentId, gate, by: 'carl.cab' }));
  it("a role outside the gate's is refused", () =>
    spec.given(held).when(approve('pat', 'deployment-practitioner')).thenRefused({ code: 'RoleMayNotApprove', deploymentId, gate, roles }));
  it('the same person approving again, under any spelling, is recorded once and the run stays held', () => {
    spec.given([...held, granted(2, 'dana', 'deployment-manager')]).when(approve('DANA', 'deployment-manager')).thenNothing();
    spec.given([...held, granted(2, 'dana', 'deployment-manager')]).when(advance(at)).thenNothing();
  });
  it('the next wave starts once the gate has its approvers', () => spec.given(passed).when(advance(at)).then([waveStarted(2, 's-2')]));
  it('approvals of an earlier boundary do not count for a later one', () => {
    const waveTwo = [...passed, waveStarted(2, 's-2'), deployed(2, 's-2'), waveCompleted(2)];
    spec.given(waveTwo).when(advance(later)).then([{ ...opened(3), data: { ...opened(3).data, requestedAt: later } } as RunEvent]);
    spec.given([...waveTwo, opened(3), granted(3, 'dana', 'deployment-manager')]).when(advance(later)).thenNothing();
    spec.given([...waveTwo, opened(3)]).when(approve('dana', 'deployment-manager')).then([granted(3, 'dana', 'deployment-manager')]);
  });
  it('approving it while the run is not held at a boundary is GateNotOpen', () => {
    spec.given([prepared(betweenWaves), ...ready]).when(approve('dana', 'deployment-manager')).thenRefused({ code: 'GateNotOpen', deploymentId, gate, status: 'waiting' });
    spec.given(waveOne.slice(0, -2)).when(approve('dana', 'deployment-manager')).thenRefused({ code: 'GateNotOpen', deploymentId, gate, status: 'running' });
    spec.given([...passed, waveStarted(2, 's-2')]).when(approve('lee', 'service-owner')).thenRefused({ code: 'GateNotOpen', deploymentId, gate, status: 'running' });
  });
  it('a denial at the boundary rolls back the waves done, for the denial', () => {
    spec.given(held).when(deny).then([
      { type: 'ApprovalDenied', data: { deploymentId, gate, by: 'dana', role: 'deployment-manager', reason: 'errors rising on s-1', wave: 2, deniedAt: later } },
      { type: 'RollbackStarted', data: { deploymentId, reason: 'ApprovalDenied', startedAt: later } },
    ]);
    const denied = [...held, ...(deploymentRunDecider.decide(deny, held.reduce(evolve, initialState)) as RunEvent[])];
    const rolledBack = drive(denied, later);
    expect(rolledBack.slice(denied.length)).toEqual([
      { type: 'TargetRolledBack', data: { deploymentId, wave: 1, target: 's-1', rolledBackAt: later } },
      { type: 'RolledBack', data: { deploymentId, rolledBackAt: later, reason: 'ApprovalDenied' } },
    ]);
  });
  it('a plan of one wave has no boundary: such a gate asks nothing', () => {
    const oneWave = { ...betweenWaves, strategy: 'big-bang' as const, waves: [{ index: 1, targets: ['s-1', 's-2'] }] };
    expect(types(drive([prepared(oneWave), ...ready]))).toEqual(['RunPrepared', 'ReadinessConfirmed', 'ReadinessConfirmed', 'DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
  });
  it('a canary step is analysed before the people look at it', () => {
    const canary = { ...betweenWaves, strategy: 'canary' as const };
    const canaryStep = waveOne.map((e) => (e.type === 'RunPrepared' ? prepared(canary) : e)).reduce(evolve, initialState);
    expect(types(deploymentRunDecider.decide(advance(at), canaryStep) as RunEvent[])).toEqual(['CanaryAnalysisRequested']);
  });
});

describe('strategies (the run driven to its end, every step succeeding)', () => {
  it('big-bang: one wave, then executed; verification decides', () => {
    const events = drive([prepared(), ...ready]);
    expect(types(events.slice(3))).toEqual(['DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
    expect(events.at(-1)).toEqual({ type: 'DeploymentExecuted', data: { deploymentId, executedAt: at, targets: 2 } });
  });
  it('progressive with a backup: the backup first, then the waves in order', () => {
    const events = drive([prepared({ ...progressive, backupRequired: true }), ...ready]);
    expect(types(events.slice(3))).toEqual([
      'DeploymentStarted', 'BackupTaken', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted',
    ]);
  });
  it('canary: stops after the canary step until the analysis arrives', () => {
    const events = drive([prepared({ ...progressive, strategy: 'canary' }), ...ready]);
    expect(types(events.slice(3))).toEqual(['DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'CanaryAnalysisRequested']);
    const pass = deploymentRunDecider.decide({ type: 'RecordVerdict', deploymentId, check: 'canary', verdict: 'pass', wave: 1, now: at }, events.reduce(evolve, initialState)) as RunEvent[];
    expect(types(drive([...events, ...pass]).slice(events.length))).toEqual(['VerificationOutcomeReceived', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
  });
  it('blue-green: idle side verified, traffic switched, executed; the old side retired once verified', () => {
    const events = drive([prepared({ ...basePlan, strategy: 'blue-green' }), ...ready]);
    expect(types(events.slice(3))).toEqual(['DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'IdleSideVerificationRequested']);
    const idle = deploymentRunDecider.decide({ type: 'RecordVerdict', deploymentId, check: 'idle-side', verdict: 'pass', now: at }, events.reduce(evolve, initialState)) as RunEvent[];
    const switched = drive([...events, ...idle]);
    expect(types(switched.slice(events.length))).toEqual(['VerificationOutcomeReceived', 'TrafficSwitched', 'DeploymentExecuted']);
    const verified = deploymentRunDecider.decide({ type: 'RecordVerdict', deploymentId, check: 'deployment', verdict: 'pass', now: at }, switched.reduce(evolve, initialState)) as RunEvent[];
    const done = drive([...switched, ...verified]);
    expect(done.slice(switched.length)).toEqual([
      { type: 'VerificationOutcomeReceived', data: { deploymentId, check: 'deployment', verdict: 'pass', receivedAt: at } },
      { type: 'SideRetired', data: { deploymentId, side: 'blue', retiredAt: at } },
    ]);
    expect(done.reduce(evolve, initialState)).toMatchObject({ status: 'ended', outcome: 'succeeded' });
  });
  it('removal: records what was removed from each target', () => {
    const events = drive([prepared({ ...basePlan, kind: 'removal' }), ...ready]);
    expect(events.filter((e) => e.type === 'ComponentsRemoved')).toEqual([
      { type: 'ComponentsRemoved', data: { deploymentId, wave: 1, target: 's-1', components } },
      { type: 'ComponentsRemoved', data: { deploymentId, wave: 1, target: 's-2', components } },
    ]);
  });
});

describe('blue-green sides (the live side kept per environment and service)', () => {
  const blueGreen: DeploymentPlanned = { ...basePlan, strategy: 'blue-green' };
  const preparedBeside = (liveSide: 'blue' | 'green'): RunEvent => ({ type: 'RunPrepared', data: { deploymentId, plan: blueGreen, liveSide } });
  const verdict = (check: 'idle-side' | 'deployment', v: 'pass' | 'fail'): RunCommand => ({ type: 'RecordVerdict', deploymentId, check, verdict: v, now: at });
  /** the run driven until verification decides on the live side: every executor step and the idle side's check pass */
  const switchedRun = (history: RunEvent[]) => {
    const idle = drive(history);
    return drive([...idle, ...(deploymentRunDecider.decide(verdict('idle-side', 'pass'), idle.reduce(evolve, initialState)) as RunEvent[])]);
  };
  const sides = (events: RunEvent[]) =>
    events.flatMap((e) => (e.type === 'TrafficSwitched' ? [`switched ${e.data.from}->${e.data.to}`] : e.type === 'IdleSideVerificationRequested' ? [`verify ${e.data.side}`] : e.type === 'SideRetired' ? [`retire ${e.data.side}`] : []));

  it('the run records the side live when it was prepared', () =>
    spec.given([]).when({ type: 'PrepareRun', plan: blueGreen, liveSide: 'green', now: before }).then([preparedBeside('green')]));
  it('the first deployment of a service, with no side recorded, deploys beside blue', () =>
    spec.given([]).when({ type: 'PrepareRun', plan: blueGreen, now: before }).then([preparedBeside('blue')]));
  it('a strategy without sides records none', () => spec.given([]).when({ type: 'PrepareRun', plan: basePlan, liveSide: 'green', now: before }).then([prepared()]));

  it('first deployment: blue live, so it deploys to green, switches blue->green and retires blue', () => {
    const live = switchedRun([preparedBeside('blue'), ...ready]);
    const done = drive([...live, ...(deploymentRunDecider.decide(verdict('deployment', 'pass'), live.reduce(evolve, initialState)) as RunEvent[])]);
    expect(sides(done)).toEqual(['verify green', 'switched blue->green', 'retire blue']);
  });
  it('next deployment: green live, so it deploys to blue, switches green->blue and retires green', () => {
    const live = switchedRun([preparedBeside('green'), ...ready]);
    const done = drive([...live, ...(deploymentRunDecider.decide(verdict('deployment', 'pass'), live.reduce(evolve, initialState)) as RunEvent[])]);
    expect(sides(done)).toEqual(['verify blue', 'switched green->blue', 'retire green']);
  });
  it('a rollback switches back to the side that was live (green)', () => {
    const live = switchedRun([preparedBeside('green'), ...ready]);
    const back = drive([...live, ...(deploymentRunDecider.decide(verdict('deployment', 'fail'), live.reduce(evolve, initialState)) as RunEvent[])]);
    expect(sides(back.slice(live.length))).toEqual(['switched blue->green']);
    expect(back.reduce(evolve, initialState)).toMatchObject({ status: 'ended', outcome: 'rolled-back' });
  });
  it('the switch recorded twice changes nothing (the step is no longer awaited)', () => {
    const live = switchedRun([preparedBeside('green'), ...ready]);
    spec.given(live).when(succeeded({ kind: 'switch-traffic', from: 'green', to: 'blue' })).thenNothing();
  });
});

describe('RecordStepOutcome', () => {
  const running = [prepared(progressive), ...ready, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1'] } } as RunEvent];
  it('a deployed target is recorded', () => spec.given(running).when(succeeded({ kind: 'deploy', wave: 1, target: 's-1' })).then([deployed(1, 's-1')]));
  it('the same result twice changes nothing (the step is no longer awaited)', () => spec.given([...running, deployed(1, 's-1')]).when(succeeded({ kind: 'deploy', wave: 1, target: 's-1' })).thenNothing());
  it('a result for a step the run does not wait for changes nothing', () => spec.given(running).when(succeeded({ kind: 'deploy', wave: 2, target: 's-2' })).thenNothing());
  it('a failed target rolls back at once when the plan says automatic', () =>
    spec.given(running).when(failed({ kind: 'deploy', wave: 1, target: 's-1' })).then([
      { type: 'TargetDeploymentFailed', data: { deploymentId, wave: 1, target: 's-1', reason: 'ExecutorTimeout', failedAt: at } },
      { type: 'RollbackStarted', data: { deploymentId, reason: 'TargetDeploymentFailed', startedAt: at } },
    ]));
  it('a failed target pauses for a decision when the plan says manual', () => {
    const manual = [prepared({ ...progressive, rollback: 'manual' }), ...running.slice(1)];
    spec.given(manual).when(failed({ kind: 'deploy', wave: 1, target: 's-1' })).then([
      { type: 'TargetDeploymentFailed', data: { deploymentId, wave: 1, target: 's-1', reason: 'ExecutorTimeout', failedAt: at } },
      { type: 'RunPaused', data: { deploymentId, reason: 'TargetDeploymentFailed', by: 'gantry-execution', pausedAt: at } },
    ]);
  });
  it('a failed backup fails the run before anything changed', () =>
    spec.given([prepared({ ...basePlan, backupRequired: true }), ...ready, started]).when(failed({ kind: 'backup' })).then([
      { type: 'DeploymentFailed', data: { deploymentId, failedAt: at, reason: 'BackupFailed' } },
    ]));
  it('a rollback undoes the deployed targets in reverse order, restores the backup, and ends rolled back', () => {
    const history = drive([prepared({ ...progressive, backupRequired: true }), ...ready]);
    const upToWave2 = history.slice(0, history.findIndex((e) => e.type === 'TargetDeployed' && e.data.target === 's-3'));
    const rolled = drive([...upToWave2, ...(deploymentRunDecider.decide(failed({ kind: 'deploy', wave: 2, target: 's-3' }), upToWave2.reduce(evolve, initialState)) as RunEvent[])]);
    expect(rolled.slice(upToWave2.length).map((e) => ('target' in e.data ? `${e.type} ${e.data.target}` : e.type))).toEqual([
      'TargetDeploymentFailed s-3', 'RollbackStarted', 'TargetRolledBack s-2', 'TargetRolledBack s-1', 'BackupRestored', 'RolledBack',
    ]);
  });
  it('the result of a step in flight when a person paused the run is recorded', () =>
    spec.given([...running, { type: 'RunPaused', data: { deploymentId, reason: 'Requested', by: 'dana', pausedAt: at } }]).when(succeeded({ kind: 'deploy', wave: 1, target: 's-1' })).then([deployed(1, 's-1')]));
  it('a deployment in flight when the run was aborted is recorded, and undone', () => {
    const aborted = [...running, { type: 'RollbackStarted', data: { deploymentId, reason: 'Aborted', startedAt: at } } as RunEvent];
    spec.given(aborted).when(succeeded({ kind: 'deploy', wave: 1, target: 's-1' })).then([deployed(1, 's-1')]);
    expect(nextStep([...aborted, deployed(1, 's-1')].reduce(evolve, initialState))).toEqual({ kind: 'undo', wave: 1, target: 's-1' });
  });
  it('idempotency keys name the deployment, the target, the step and the attempt', () =>
    expect(idempotencyKey(deploymentId, { kind: 'deploy', wave: 1, target: 's-1' }, 1)).toBe(`${deploymentId}:s-1:deploy:1`));
});

describe('verdicts', () => {
  const canary = drive([prepared({ ...progressive, strategy: 'canary' }), ...ready]);
  const verdict = (v: 'pass' | 'fail' | 'inconclusive', check: 'canary' | 'idle-side' | 'deployment' = 'canary'): RunCommand => ({ type: 'RecordVerdict', deploymentId, check, verdict: v, ...(check === 'canary' ? { wave: 1 } : {}), now: later });
  const received = (v: 'pass' | 'fail' | 'inconclusive'): RunEvent => ({ type: 'VerificationOutcomeReceived', data: { deploymentId, check: 'canary', verdict: v, wave: 1, receivedAt: later } });
  it('a failed canary analysis rolls back', () => spec.given(canary).when(verdict('fail')).then([received('fail'), { type: 'RollbackStarted', data: { deploymentId, reason: 'CanaryAnalysisFailed', startedAt: later } }]));
  it('an inconclusive analysis pauses for a person', () =>
    spec.given(canary).when(verdict('inconclusive')).then([received('inconclusive'), { type: 'RunPaused', data: { deploymentId, reason: 'CanaryAnalysisInconclusive', by: 'gantry-execution', pausedAt: later } }]));
  it('the same verdict twice changes nothing', () => spec.given([...canary, received('pass')]).when(verdict('pass')).thenNothing());
  it('a failed deployment verification rolls back an executed run', () => {
    const executed = drive([prepared(), ...ready]);
    spec.given(executed).when(verdict('fail', 'deployment')).then([
      { type: 'VerificationOutcomeReceived', data: { deploymentId, check: 'deployment', verdict: 'fail', receivedAt: later } },
      { type: 'RollbackStarted', data: { deploymentId, reason: 'DeploymentVerificationFailed', startedAt: later } },
    ]);
  });
  it('blue-green switches back when the live side fails verification', () => {
    const bg = drive([prepared({ ...basePlan, strategy: 'blue-green' }), ...ready]);
    const live = drive([...bg, ...(deploymentRunDecider.decide(verdict('pass', 'idle-side'), bg.reduce(evolve, initialState)) as RunEvent[])]);
    const back = drive([...live, ...(deploymentRunDecider.decide(verdict('fail', 'deployment'), live.reduce(evolve, initialState)) as RunEvent[])]);
    expect(back.slice(live.length).map((e) => (e.type === 'TrafficSwitched' ? `${e.type} ${e.data.from}->${e.data.to}` : e.type))).toEqual([
      'VerificationOutcomeReceived', 'RollbackStarted', 'TrafficSwitched green->blue', 'TargetRolledBack', 'TargetRolledBack', 'RolledBack',
    ]);
  });
});

describe('PauseRun, ResumeRun, AbortRun, DecideRollback', () => {
  const running = [prepared(progressive), ...ready, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1'] } } as RunEvent];
  const paused: RunEvent = { type: 'RunPaused', data: { deploymentId, reason: 'Requested', by: 'dana', pausedAt: at } };
  it('a person pauses a running run', () => spec.given(running).when({ type: 'PauseRun', deploymentId, now: at, ...actor('dana') }).then([paused]));
  it('pausing twice changes nothing', () => spec.given([...running, paused]).when({ type: 'PauseRun', deploymentId, now: at, ...actor('dana') }).thenNothing());
  it('a run that has not started cannot be paused', () =>
    spec.given([prepared()]).when({ type: 'PauseRun', deploymentId, now: at, ...actor('dana') }).thenRefused({ code: 'RunNotRunning', deploymentId, status: 'waiting' }));
  it('a paused run asks for no step', () => expect(nextStep([...running, paused].reduce(evolve, initialState))).toBeUndefined());
  it('resume continues', () =>
    spec.given([...running, paused]).when({ type: 'ResumeRun', deploymentId, now: later, ...actor('dana') }).then([{ type: 'RunResumed', data: { deploymentId, by: 'dana', resumedAt: later } }]));
  it('resuming a run that is not paused changes nothing', () => spec.given(running).when({ type: 'ResumeRun', deploymentId, now: later, ...actor('dana') }).thenNothing());
  it('a failure waiting for a decision is not resumed', () =>
    spec
      .given([...running, { type: 'RunPaused', data: { deploymentId, reason: 'TargetDeploymentFailed', by: 'gantry-execution', pausedAt: at } }])
      .when({ type: 'ResumeRun', deploymentId, now: later, ...actor('dana') })
      .thenRefused({ code: 'DecisionRequired', deploymentId, reason: 'TargetDeploymentFailed' }));
  it('abort rolls back what was deployed', () =>
    spec.given([...running, deployed(1, 's-1')]).when({ type: 'AbortRun', deploymentId, now: later, ...actor('dana') }).then([{ type: 'RollbackStarted', data: { deploymentId, reason: 'Aborted', startedAt: later } }]));
  it('abort before the start abandons the run', () =>
    spec.given([prepared()]).when({ type: 'AbortRun', deploymentId, now: later, ...actor('dana') }).then([{ type: 'RunAbandoned', data: { deploymentId, reason: 'Aborted' } }]));
  it('aborting a rollback under way changes nothing', () =>
    spec.given([...running, { type: 'RollbackStarted', data: { deploymentId, reason: 'Aborted', startedAt: later } }]).when({ type: 'AbortRun', deploymentId, now: later, ...actor('dana') }).thenNothing());
  it('a decision not to roll back ends the run failed', () =>
    spec
      .given([...running, { type: 'RunPaused', data: { deploymentId, reason: 'TargetDeploymentFailed', by: 'gantry-execution', pausedAt: at } }])
      .when({ type: 'DecideRollback', deploymentId, rollback: false, now: later, ...actor('dana') })
      .then([
        { type: 'RollbackDecided', data: { deploymentId, rollback: false, by: 'dana', decidedAt: later } },
        { type: 'DeploymentFailed', data: { deploymentId, failedAt: later, reason: 'RollbackDeclined', detail: 'after TargetDeploymentFailed' } },
      ]));
  it('no decision is pending on a run paused by a person', () =>
    spec.given([...running, paused]).when({ type: 'DecideRollback', deploymentId, rollback: true, now: later, ...actor('dana') }).thenRefused({ code: 'NoDecisionPending', deploymentId }));
});

describe('the window closing mid-run', () => {
  const history = (): RunEvent[] => {
    const events = [prepared(progressive), ...ready, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1'] } } as RunEvent];
    return events;
  };
  it('records the missed schedule, pauses at the next wave boundary, and continues only when resumed', () => {
    const closed = drive([...history(), deployed(1, 's-1')], afterEnd);
    expect(types(closed.slice(history().length + 1))).toEqual(['ScheduleMissed', 'WaveCompleted', 'RunPaused']);
    expect(closed.at(-1)).toEqual({ type: 'RunPaused', data: { deploymentId, reason: 'WindowClosed', by: 'gantry-execution', pausedAt: afterEnd } });
    const resumed = drive([...closed, { type: 'RunResumed', data: { deploymentId, by: 'dana', resumedAt: afterEnd } }], afterEnd);
    expect(types(resumed.slice(closed.length + 1))).toEqual(['WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
  });
});

describe('integrity to the target: what was verified is what is installed', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const other = `sha256:${'cd'.repeat(32)}`;
  const verifiedComponents = [{ name: 'payments-api', version: '2.4.1', result: 'verified' as const, digest, signature: 'c2ln', keyId: 'ci' }];
  const verifiedReady: RunEvent[] = [
    { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'components', components: verifiedComponents } },
    { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'environment' } },
  ];
  const running = [prepared(progressive), ...verifiedReady, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1'] } } as RunEvent];
  const step: RunStep = { kind: 'deploy', wave: 1, target: 's-1' };
  const reported = (installed?: { name: string; version: string; digest: string }[]): RunCommand => ({
    type: 'RecordStepOutcome',
    deploymentId,
    step,
    outcome: { status: 'succeeded', ...(installed ? { installed } : {}) },
    now: at,
  });
  const mismatch = (detail: string): RunEvent[] => [
    { type: 'TargetDeploymentFailed', data: { deploymentId, wave: 1, target: 's-1', reason: 'DigestMismatch', detail, failedAt: at } },
    { type: 'RollbackStarted', data: { deploymentId, reason: 'TargetDeploymentFailed', startedAt: at } },
  ];

  it('the verified components, with digest and signature, are kept with the readiness', () =>
    spec.given([prepared(progressive)]).when({ type: 'ConfirmReadiness', deploymentId, readiness: 'components', components: verifiedComponents }).then([verifiedReady[0]]));
  it('executors are sent each component with the digest and signature verified', () =>
    expect(componentsToInstall(running.reduce(evolve, initialState) as Parameters<typeof componentsToInstall>[0])).toEqual([
      { name: 'payments-api', version: '2.4.1', kind: 'software', digest, signature: 'c2ln', keyId: 'ci' },
    ]));
  it('a target reporting the digest verified is deployed, and the record names the digest', () =>
    spec.given(running).when(reported([{ name: 'payments-api', version: '2.4.1', digest }])).then([
      { type: 'TargetDeployed', data: { deploymentId, wave: 1, target: 's-1', components: [{ name: 'payments-api', version: '2.4.1', digest }] } },
    ]));
  it('a target reporting another digest fails DigestMismatch, and the run rolls back', () =>
    spec.given(running).when(reported([{ name: 'payments-api', version: '2.4.1', digest: other }])).then(mismatch(`payments-api 2.4.1: ${other} installed, ${digest} sent`)));
  it('the target that installed other bytes is undone first, then the rest in reverse order', () => {
    const history = drive([prepared({ ...progressive, waves: [{ index: 1, targets: ['s-1'] }, { index: 2, targets: ['s-2'] }] }), ...verifiedReady]);
    expect(history.filter((e) => e.type === 'TargetDeployed').map((e) => e.data.components)).toEqual([[{ name: 'payments-api', version: '2.4.1', digest }], [{ name: 'payments-api', version: '2.4.1', digest }]]);
    const upToS2 = history.slice(0, history.findIndex((e) => e.type === 'TargetDeployed' && e.data.target === 's-2'));
    const tampered: RunCommand = { ...(reported([{ name: 'payments-api', version: '2.4.1', digest: other }]) as Extract<RunCommand, { type: 'RecordStepOutcome' }>), step: { kind: 'deploy', wave: 2, target: 's-2' } };
    const rolled = drive([...upToS2, ...(deploymentRunDecider.decide(tampered, upToS2.reduce(evolve, initialState)) as RunEvent[])]);
    expect(rolled.slice(upToS2.length).map((e) => ('target' in e.data ? `${e.type} ${e.data.target}` : e.type))).toEqual([
      'TargetDeploymentFailed s-2', 'RollbackStarted', 'TargetRolledBack s-2', 'TargetRolledBack s-1', 'RolledBack',
    ]);
  });
  it('a target reporting no digest where one was sent fails DigestMismatch too', () =>
    spec.given(running).when(reported()).then(mismatch(`payments-api 2.4.1: no digest reported, ${digest} sent`)));
  it('the same report again, once the target failed, changes nothing', () =>
    spec.given([...running, ...mismatch('x')]).when(reported([{ name: 'payments-api', version: '2.4.1', digest: other }])).thenNothing());
  it('without a digest sent (a run verified before digests were recorded), nothing is compared', () =>
    spec.given([prepared(progressive), ...ready, started, running[4]]).when(reported()).then([deployed(1, 's-1')]));
});

describe('CompleteManualStep', () => {
  const running = [prepared(), ...ready, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1', 's-2'] } } as RunEvent];
  const manualOutcome: RunCommand = {
    type: 'RecordStepOutcome',
    deploymentId,
    step: { kind: 'deploy', wave: 1, target: 's-1' },
    outcome: { status: 'manual', steps: [{ role: 'deployment-practitioner', instruction: 'install the shelf', evidenceRequired: true }] },
    now: at,
  };
  const required: RunEvent[] = [
    { type: 'ManualStepRequired', data: { deploymentId, stepId: 's-1/deploy/1', wave: 1, target: 's-1', action: 'deploy', role: 'deployment-practitioner', instruction: 'install the shelf', evidenceRequired: true, requestedAt: at } },
  ];
  const evidence: Evidence[] = [{ description: 'photo', reference: 'https://evidence.example/1.jpg', digest: `sha256:${'ef'.repeat(32)}` }];
  const complete = (roles: string[], ev = evidence, stepId = 's-1/deploy/1'): RunCommand => ({ type: 'CompleteManualStep', deploymentId, stepId, evidence: ev, now: later, by: 'pat', roles });
  it('asks a role for the step, with the instruction', () => spec.given(running).when(manualOutcome).then(required));
  it('the run shows the step waiting, with what to do, for whom and whether evidence is needed', () =>
    expect([...running, ...required].reduce(evolve, initialState)).toMatchObject({
      manual: [{ stepId: 's-1/deploy/1', target: 's-1', role: 'deployment-practitioner', instruction: 'install the shelf', evidenceRequired: true, completed: false }],
    }));
  it('completed with evidence by the role, the target counts as deployed', () =>
    spec.given([...running, ...required]).when(complete(['deployment-practitioner'])).then([
      { type: 'ManualStepCompleted', data: { deploymentId, stepId: 's-1/deploy/1', by: 'pat', evidence, completedAt: later } },
      deployed(1, 's-1'),
    ]));
  it('the wrong role is refused', () =>
    spec.given([...running, ...required]).when(complete(['service-owner'])).thenRefused({ code: 'RoleMayNotCompleteStep', deploymentId, stepId: 's-1/deploy/1', role: 'deployment-practitioner' }));
  it('without the evidence it needs, refused', () =>
    spec.given([...running, ...required]).when(complete(['deployment-practitioner'], [])).thenRefused({ code: 'EvidenceRequired', deploymentId, stepId: 's-1/deploy/1' }));
  it('evidence without the digest of its document is refused, naming the item', () =>
    spec
      .given([...running, ...required])
      .when(complete(['deployment-practitioner'], [...evidence, { description: 'signed form', reference: 'https://evidence.example/form.pdf' }]))
      .thenRefused({ code: 'EvidenceDigestRequired', deploymentId, stepId: 's-1/deploy/1', evidence: 1 }));
  it('a backup taken by hand, once completed, lets the run go on to its first wave', () => {
    const backup: RunCommand = { ...manualOutcome, step: { kind: 'backup' } } as RunCommand;
    const asked = deploymentRunDecider.decide(backup, [prepared({ ...basePlan, backupRequired: true }), ...ready, started].reduce(evolve, initialState)) as RunEvent[];
    const history = [prepared({ ...basePlan, backupRequired: true }), ...ready, started, ...asked];
    expect(asked).toMatchObject([{ type: 'ManualStepRequired', data: { stepId: 'run/backup/1', target: 'run' } }]);
    const done = deploymentRunDecider.decide(complete(['deployment-practitioner'], evidence, 'run/backup/1'), history.reduce(evolve, initialState)) as RunEvent[];
    expect(done.map((e) => e.type)).toEqual(['ManualStepCompleted', 'BackupTaken']);
    const moved = deploymentRunDecider.decide(advance(later), [...history, ...done].reduce(evolve, initialState)) as RunEvent[];
    expect(moved.map((e) => e.type)).toEqual(['WaveStarted']);
    expect(nextStep([...history, ...done, ...moved].reduce(evolve, initialState))).toMatchObject({ kind: 'deploy', wave: 1, target: 's-1' });
  });
  it('a step completed already is refused as unknown (nothing pending)', () =>
    spec
      .given([...running, ...required, { type: 'ManualStepCompleted', data: { deploymentId, stepId: 's-1/deploy/1', by: 'pat', evidence, completedAt: later } }, deployed(1, 's-1')])
      .when(complete(['deployment-practitioner']))
      .thenRefused({ code: 'UnknownManualStep', deploymentId, stepId: 's-1/deploy/1' }));
});

describe("CompleteManualStep by a supplier's engineer: only in the organisation's scope", () => {
  const hardware: DeploymentPlanned = {
    ...basePlan,
    environment: 'production',
    components: [{ name: 'storage-shelf', version: '7', kind: 'hardware' }],
    environmentSnapshot: {
      name: 'production',
      kind: 'production',
      version: 1,
      attributes: {},
      targets: [
        { name: 's-1', kind: 'host', labels: { site: 'eu' } },
        { name: 's-2', kind: 'host', labels: { site: 'us' } },
      ],
    },
  };
  const running = [prepared(hardware), ...ready, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1', 's-2'] } } as RunEvent];
  const required = (target: string): RunEvent => ({
    type: 'ManualStepRequired',
    data: { deploymentId, stepId: `${target}/deploy/1`, wave: 1, target, action: 'deploy', role: 'supplier-engineer', instruction: 'install the shelf', evidenceRequired: true, requestedAt: at },
  });
  const evidence: Evidence[] = [{ description: 'photo', reference: 'https://evidence.example/1.jpg', digest: `sha256:${'ef'.repeat(32)}` }];
  const scope = { environments: ['production'], sites: ['eu'], componentKinds: ['hardware' as const] };
  const complete = (target: string, supplier: { organisation?: string; scope?: typeof scope }): RunCommand => ({
    type: 'CompleteManualStep',
    deploymentId,
    stepId: `${target}/deploy/1`,
    evidence,
    supplier,
    now: later,
    by: 'sam',
    roles: ['supplier-engineer'],
  });

  it('a step at a site in scope is completed, the organisation recorded', () =>
    spec.given([...running, required('s-1'), required('s-2')]).when(complete('s-1', { organisation: 'rackworks', scope })).then([
      { type: 'ManualStepCompleted', data: { deploymentId, stepId: 's-1/deploy/1', by: 'sam', evidence, completedAt: later, organisation: 'rackworks' } },
    ]));

  it('a step at another site is refused', () =>
    spec
      .given([...running, required('s-2')])
      .when(complete('s-2', { organisation: 'rackworks', scope }))
      .thenRefused({ code: 'OutsideSupplierScope', deploymentId, stepId: 's-2/deploy/1', organisation: 'rackworks', outside: 'site', found: 'us' }));

  it('a step in another environment is refused', () =>
    spec
      .given([...running, required('s-1')])
      .when(complete('s-1', { organisation: 'rackworks', scope: { ...scope, environments: ['staging'] } }))
      .thenRefused({ code: 'OutsideSupplierScope', deploymentId, stepId: 's-1/deploy/1', organisation: 'rackworks', outside: 'environment', found: 'production' }));

  it('a step of a deployment with a kind of component outside the scope is refused', () =>
    spec
      .given([...running, required('s-1')])
      .when(complete('s-1', { organisation: 'rackworks', scope: { ...scope, componentKinds: ['software' as never] } }))
      .thenRefused({ code: 'OutsideSupplierScope', deploymentId, stepId: 's-1/deploy/1', organisation: 'rackworks', outside: 'componentKind', found: 'hardware' }));

  it('an organisation that is not registered (no scope) is refused', () =>
    spec
      .given([...running, required('s-1')])
      .when(complete('s-1', { organisation: 'nobody' }))
      .thenRefused({ code: 'UnknownSupplier', deploymentId, stepId: 's-1/deploy/1', organisation: 'nobody' }));

  it("a supplier's engineer whose token names no organisation is refused", () =>
    spec.given([...running, required('s-1')]).when(complete('s-1', {})).thenRefused({ code: 'UnknownSupplier', deploymentId, stepId: 's-1/deploy/1', organisation: null }));

  it('completing it again changes nothing; out of scope it stays refused', () => {
    const done: RunEvent = { type: 'ManualStepCompleted', data: { deploymentId, stepId: 's-1/deploy/1', by: 'sam', evidence, completedAt: later, organisation: 'rackworks' } };
    spec.given([...running, required('s-1'), required('s-2'), done]).when(complete('s-1', { organisation: 'rackworks', scope })).thenNothing();
    spec
      .given([...running, required('s-1'), required('s-2'), done])
      .when(complete('s-1', { organisation: 'rackworks', scope: { ...scope, sites: ['us'] } }))
      .thenRefused({ code: 'OutsideSupplierScope', deploymentId, stepId: 's-1/deploy/1', organisation: 'rackworks', outside: 'site', found: 'eu' });
  });
});

describe('late changes: a freeze added, the environment decommissioned, a verification revoked after planning', () => {
  const freeze: FreezePeriod = { id: 'year-end', reason: 'year-end close', start: '2026-12-01T21:30:00.000Z', end: '2026-12-02T06:00:00.000Z' };
  const staging = (freezes: FreezePeriod[] = [freeze]) => ({ name: 'staging', freezes, timeZone: 'UTC' });
  const updated = (environment = staging(), now = before): RunCommand => ({ type: 'ConsiderLateChange', deploymentId, fact: { kind: 'environment-updated', environment }, now });
  const freezeDetail = 'freeze year-end (year-end close) covers payments in staging during the window';
  const detected = (reason: LateChange, detail: string, now = before): RunEvent => ({
    type: 'LateChangeDetected',
    data: { deploymentId, reason, detail, detectedAt: now },
  });
  const abandoned = (reason: string): RunEvent => ({ type: 'RunAbandoned', data: { deploymentId, reason } });
  const waiting = [prepared(progressive), ...ready];
  const running = [...waiting, started, { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['s-1'] } } as RunEvent];
  const held: RunEvent = { type: 'RunPaused', data: { deploymentId, reason: 'FreezePeriod', by: 'gantry-execution', pausedAt: at } };

  describe('a run that has not started stops', () => {
    it('a freeze added over its window abandons it, recording which freeze', () => spec.given(waiting).when(updated()).then([detected('FreezePeriod', freezeDetail), abandoned('FreezePeriod')]));
    it('a decommissioned environment abandons it, recording why', () =>
      spec
        .given(waiting)
        .when({ type: 'ConsiderLateChange', deploymentId, fact: { kind: 'environment-decommissioned', environment: 'staging', reason: 'moved to the new data centre' }, now: before })
        .then([detected('EnvironmentDecommissioned', 'staging decommissioned: moved to the new data centre'), abandoned('EnvironmentDecommissioned')]));
    it('a revoked verification abandons it, naming the versions (even before the plan arrived)', () => {
      const revoked: RunCommand = { type: 'ConsiderLateChange', deploymentId, fact: { kind: 'components-revoked', components: [{ name: 'payments-api', version: '2.4.1', reason: 'Withdrawn' }] }, now: before };
      spec.given([]).when(revoked).then([detected('ComponentVerificationRevoked', 'payments-api 2.4.1: Withdrawn'), abandoned('ComponentVerificationRevoked')]);
    });
    it("the key that signed the change's authorisation revoked abandons it, naming the key (even before the plan arrived)", () => {
      const revoked: RunCommand = { type: 'ConsiderLateChange', deploymentId, fact: { kind: 'authorisation-revoked', keyId: 'change-enablement-2026', reason: 'private key leaked' }, now: before };
      const change = detected('AuthorisationRevoked', "the key change-enablement-2026 that signed the change's authorisation was revoked: private key leaked");
      spec.given(waiting).when(revoked).then([change, abandoned('AuthorisationRevoked')]);
      spec.given([]).when(revoked).then([change, abandoned('AuthorisationRevoked')]);
    });
    it('the same change again changes nothing (the run ended)', () => spec.given([...waiting, detected('FreezePeriod', freezeDetail), abandoned('FreezePeriod')]).when(updated()).thenNothing());
    it('a freeze outside the window, for another service, or in another environment changes nothing', () => {
      spec.given(waiting).when(updated(staging([{ ...freeze, start: '2026-12-02T00:00:00.000Z' }]))).thenNothing();
      spec.given(waiting).when(updated(staging([{ ...freeze, services: ['ledger'] }]))).thenNothing();
      spec.given(waiting).when(updated({ ...staging(), name: 'production' })).thenNothing();
    });
    it('the freeze an emergency change overrode does not stop it; another one does', () => {
      const overriding = [prepared({ ...progressive, freezeOverride: { freezeId: 'year-end', reason: 'outage fix', by: 'dana' } }), ...ready];
      spec.given(overriding).when(updated()).thenNothing();
      const another = { ...freeze, id: 'audit', reason: 'external audit' };
      spec.given(overriding).when(updated(staging([freeze, another]))).then([detected('FreezePeriod', 'freeze audit (external audit) covers payments in staging during the window'), abandoned('FreezePeriod')]);
    });
  });

  describe('a run in flight holds at its next wave boundary for a deployment manager', () => {
    it('records the change and goes on with the wave under way', () => {
      spec.given(running).when(updated(staging(), at)).then([detected('FreezePeriod', freezeDetail, at)]);
      const state = [...running, detected('FreezePeriod', freezeDetail, at)].reduce(evolve, initialState);
      expect(nextStep(state)).toEqual({ kind: 'deploy', wave: 1, target: 's-1' });
    });
    it('the same change twice is recorded once', () => spec.given([...running, detected('FreezePeriod', freezeDetail, at)]).when(updated(staging(), later)).thenNothing());
    it('pauses when the wave completes, before the next one starts', () => {
      const history = drive([...running, detected('FreezePeriod', freezeDetail, at)]);
      expect(types(history.slice(running.length + 1))).toEqual(['TargetDeployed', 'WaveCompleted', 'RunPaused']);
      expect(history.at(-1)).toEqual(held);
    });
    it('a version withdrawn (or its key revoked) during the run holds it the same way, naming the version', () => {
      const revoked: RunCommand = { type: 'ConsiderLateChange', deploymentId, fact: { kind: 'components-revoked', components: [{ name: 'payments-api', version: '2.4.1', reason: 'KeyRevoked' }] }, now: at };
      const change = detected('ComponentVerificationRevoked', 'payments-api 2.4.1: KeyRevoked', at);
      spec.given(running).when(revoked).then([change]);
      expect(drive([...running, change]).at(-1)).toEqual({ ...held, data: { ...held.data, reason: 'ComponentVerificationRevoked' } });
    });
    it("the change's authorisation revoked during the run holds it the same way", () => {
      const change = detected('AuthorisationRevoked', "the key change-enablement-2026 that signed the change's authorisation was revoked: private key leaked", at);
      spec.given(running).when({ type: 'ConsiderLateChange', deploymentId, fact: { kind: 'authorisation-revoked', keyId: 'change-enablement-2026', reason: 'private key leaked' }, now: at }).then([change]);
      expect(drive([...running, change]).at(-1)).toEqual({ ...held, data: { ...held.data, reason: 'AuthorisationRevoked' } });
    });
    it('a practitioner may not resume it nor decide; a deployment manager decides', () => {
      const paused = [...running, detected('FreezePeriod', freezeDetail, at), deployed(1, 's-1'), { type: 'WaveCompleted', data: { deploymentId, wave: 1 } } as RunEvent, held];
      spec.given(paused).when({ type: 'ResumeRun', deploymentId, now: later, ...actor('dana', 'deployment-manager') }).thenRefused({ code: 'DecisionRequired', deploymentId, reason: 'FreezePeriod' });
      spec
        .given(paused)
        .when({ type: 'DecideRollback', deploymentId, rollback: false, now: later, ...actor('pat', 'deployment-practitioner') })
        .thenRefused({ code: 'RoleMayNotDecide', deploymentId, reason: 'FreezePeriod', role: 'deployment-manager' });
    });
    it('continuing resumes the run, which does not hold again for the same change', () => {
      const paused = drive([...running, detected('FreezePeriod', freezeDetail, at)]);
      const decision = deploymentRunDecider.decide({ type: 'DecideRollback', deploymentId, rollback: false, now: later, ...actor('mia', 'deployment-manager') }, paused.reduce(evolve, initialState));
      expect(decision).toEqual([
        { type: 'RollbackDecided', data: { deploymentId, rollback: false, by: 'mia', decidedAt: later } },
        { type: 'RunResumed', data: { deploymentId, by: 'mia', resumedAt: later } },
      ]);
      const finished = drive([...paused, ...(decision as RunEvent[])], later);
      expect(types(finished.slice(paused.length + 2))).toEqual(['WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
    });
    it('rolling back undoes what was deployed, for the late change', () => {
      const paused = drive([...running, detected('FreezePeriod', freezeDetail, at)]);
      const decision = deploymentRunDecider.decide({ type: 'DecideRollback', deploymentId, rollback: true, now: later, ...actor('mia', 'deployment-manager') }, paused.reduce(evolve, initialState)) as RunEvent[];
      expect(decision[1]).toEqual({ type: 'RollbackStarted', data: { deploymentId, reason: 'FreezePeriod', startedAt: later } });
      const rolled = drive([...paused, ...decision], later);
      expect(rolled.at(-1)).toEqual({ type: 'RolledBack', data: { deploymentId, rolledBackAt: later, reason: 'FreezePeriod' } });
    });
    it('a run whose waves are all done has no boundary left to hold at', () => {
      const executed = drive(waiting.concat(started));
      expect(executed.at(-1)?.type).toBe('DeploymentExecuted');
      spec.given(executed).when(updated(staging(), later)).thenNothing();
    });
  });
});

describe('the monitoring period after the run was verified (early life support)', () => {
  const monitoring = (onRegression: 'decide' | 'rollback') => ({
    durationSeconds: 3600,
    lookEverySeconds: 300,
    baselineSeconds: 3600,
    stepSeconds: 60,
    alpha: 0.05,
    signals: [{ type: 'http-health' as const, name: 'health', url: 'https://payments.staging.example/health' }],
    onRegression,
  });
  const watched = (onRegression: 'decide' | 'rollback' = 'decide', plan: DeploymentPlanned = basePlan) => drive([prepared({ ...plan, monitoring: monitoring(onRegression) }), ...ready]);
  const verdict = (check: 'deployment' | 'monitoring', verdict: 'pass' | 'fail' | 'inconclusive' = 'pass', now = later): RunCommand => ({ type: 'RecordVerdict', deploymentId, check, verdict, now });
  const received = (check: 'deployment' | 'monitoring', verdict: 'pass' | 'fail' | 'inconclusive' = 'pass', now = later): RunEvent => ({
    type: 'VerificationOutcomeReceived',
    data: { deploymentId, check, verdict, receivedAt: now },
  });
  const regression: RunCommand = { type: 'ConsiderRegression', deploymentId, now: later };
  const heldForRegression: RunEvent = { type: 'RunPaused', data: { deploymentId, reason: 'RegressionDetected', by: 'gantry-execution', pausedAt: later } };
  const state = (events: RunEvent[]) => events.reduce(evolve, initialState);
  const decide = (rollback: boolean, by = actor('mia', 'deployment-manager')): RunCommand => ({ type: 'DecideRollback', deploymentId, rollback, now: afterEnd, ...by });

  it('a verified run whose plan has a monitoring period stays open until the period ends; without one it ends at the verdict', () => {
    const verified = [...watched(), received('deployment')];
    expect(state(verified)).toMatchObject({ status: 'executed', verified: true, watching: true });
    expect(state([...verified, received('monitoring')])).toMatchObject({ status: 'ended', outcome: 'succeeded' });
    expect(state([...drive([prepared(), ...ready]), received('deployment')])).toMatchObject({ status: 'ended', outcome: 'succeeded' });
  });

  it("the period's end is recorded once, whatever its verdict; a run not in a monitoring period ignores it", () => {
    const verified = [...watched(), received('deployment')];
    spec.given(verified).when(verdict('monitoring', 'fail')).then([received('monitoring', 'fail')]);
    spec.given([...verified, received('monitoring')]).when(verdict('monitoring')).thenNothing();
    spec.given([...drive([prepared(), ...ready]), received('deployment')]).when(verdict('monitoring')).thenNothing();
  });

  it('a regression holds the run for a deployment manager, once however many regressions come', () => {
    const verified = [...watched(), received('deployment')];
    spec.given(verified).when(regression).then([heldForRegression]);
    spec.given([...verified, heldForRegression]).when(regression).thenNothing();
  });

  it('with onRegression rollback, a regression rolls back at once, undoing every target', () => {
    const verified = [...watched('rollback'), received('deployment')];
    spec.given(verified).when(regression).then([{ type: 'RollbackStarted', data: { deploymentId, reason: 'RegressionDetected', startedAt: later } }]);
    const rolled = drive([...verified, { type: 'RollbackStarted', data: { deploymentId, reason: 'RegressionDetected', startedAt: later } }], later);
    expect(types(rolled.slice(verified.length + 1))).toEqual(['TargetRolledBack', 'TargetRolledBack', 'RolledBack']);
    expect(rolled.at(-1)).toEqual({ type: 'RolledBack', data: { deploymentId, rolledBackAt: later, reason: 'RegressionDetected' } });
  });

  it('a regression for a run without a monitoring period, before the verdict, or after the period ended changes nothing', () => {
    spec.given([...drive([prepared(), ...ready]), received('deployment')]).when(regression).thenNothing();
    spec.given(watched()).when(regression).thenNothing();
    spec.given([...watched(), received('deployment'), received('monitoring')]).when(regression).thenNothing();
  });

  it('only a deployment manager decides; resuming is not deciding', () => {
    const held = [...watched(), received('deployment'), heldForRegression];
    spec.given(held).when(decide(true, actor('pat', 'deployment-practitioner'))).thenRefused({ code: 'RoleMayNotDecide', deploymentId, reason: 'RegressionDetected', role: 'deployment-manager' });
    spec.given(held).when({ type: 'ResumeRun', deploymentId, now: later, ...actor('mia', 'deployment-manager') }).thenRefused({ code: 'DecisionRequired', deploymentId, reason: 'RegressionDetected' });
  });

  it('rolling back undoes every target, for the regression', () => {
    const held = [...watched(), received('deployment'), heldForRegression];
    const decision = deploymentRunDecider.decide(decide(true), state(held)) as RunEvent[];
    expect(decision).toEqual([
      { type: 'RollbackDecided', data: { deploymentId, rollback: true, by: 'mia', decidedAt: afterEnd } },
      { type: 'RollbackStarted', data: { deploymentId, reason: 'RegressionDetected', startedAt: afterEnd } },
    ]);
    const rolled = drive([...held, ...decision], afterEnd);
    expect(types(rolled.slice(held.length + 2))).toEqual(['TargetRolledBack', 'TargetRolledBack', 'RolledBack']);
    expect(rolled.at(-1)).toEqual({ type: 'RolledBack', data: { deploymentId, rolledBackAt: afterEnd, reason: 'RegressionDetected' } });
  });

  it('rolling back after the period ended (it ends at the regression) still undoes every target', () => {
    const endedHeld = [...watched(), received('deployment'), heldForRegression, received('monitoring', 'fail')];
    const decision = deploymentRunDecider.decide(decide(true), state(endedHeld)) as RunEvent[];
    expect(types(decision)).toEqual(['RollbackDecided', 'RollbackStarted']);
    const rolled = drive([...endedHeld, ...decision], afterEnd);
    expect(rolled.at(-1)).toEqual({ type: 'RolledBack', data: { deploymentId, rolledBackAt: afterEnd, reason: 'RegressionDetected' } });
  });

  it('keeping it: the run watches on until the period ends; decided after the end, it ends as it would have', () => {
    const held = [...watched(), received('deployment'), heldForRegression];
    const keep = deploymentRunDecider.decide(decide(false), state(held)) as RunEvent[];
    expect(keep).toEqual([
      { type: 'RollbackDecided', data: { deploymentId, rollback: false, by: 'mia', decidedAt: afterEnd } },
      { type: 'RunResumed', data: { deploymentId, by: 'mia', resumedAt: afterEnd } },
    ]);
    expect(state([...held, ...keep])).toMatchObject({ status: 'executed', watching: true });
    expect(state([...held, ...keep, received('monitoring', 'fail')])).toMatchObject({ status: 'ended', outcome: 'succeeded' });
    // the period ended while the decision was pending: the run waits for it, then ends
    const endedHeld = [...held, received('monitoring', 'fail')];
    expect(state(endedHeld)).toMatchObject({ status: 'executed', pause: { reason: 'RegressionDetected' } });
    expect(state([...endedHeld, ...(deploymentRunDecider.decide(decide(false), state(endedHeld)) as RunEvent[])])).toMatchObject({ status: 'ended', outcome: 'succeeded' });
  });

  it('blue-green keeps the old side through the period and retires it once the period ended', () => {
    const bg = drive([prepared({ ...basePlan, strategy: 'blue-green', monitoring: monitoring('decide') }), ...ready]);
    const live = drive([...bg, ...(deploymentRunDecider.decide({ type: 'RecordVerdict', deploymentId, check: 'idle-side', verdict: 'pass', now: later }, state(bg)) as RunEvent[])]);
    const verified = [...live, received('deployment')];
    expect(nextStep(state(verified))).toBeUndefined();
    expect(nextStep(state([...verified, received('monitoring')]))).toEqual({ kind: 'retire', side: 'blue' });
  });
});
