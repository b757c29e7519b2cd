import type { Identity } from '@gantry/auth';
import type { IdentityCase } from '@gantry/decider';
import { NotFound, RuleRefused, type CommandOrigin } from '@gantry/platform';
import type { DeploymentPlanned, Evidence } from '@gantry/contracts';
import { runOutsideSupplierScope, type Suppliers } from '../suppliers';
import type { RunCommand } from './deployment-run.decider';
import { nextStep } from './run-steps';
import type { RunCommands } from './run-commands';
import type { RunDriver } from './run-driver';

/** A run as people see it: its state, the step it needs next, and the version (the ETag). */
export type RunView = Record<string, unknown> & { deploymentId: string; version: number; status: string };

/** Distributive Omit, so each command keeps its own fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type PersonCommand = Without<Extract<RunCommand, { by: string }>, 'deploymentId' | 'by' | 'roles' | 'now'>;

/** What other slices show beside a run (a physical deployment's sites and deliveries), by its name in the view. */
export type RunAddenda = (deploymentId: string) => Promise<Record<string, unknown>>;

/** The commands people give a run (REST and gRPC alike), and its view. */
export class Runs {
  constructor(
    private readonly runs: RunCommands,
    private readonly driver: RunDriver,
    /** how the approver's subject is compared with the requester's (GANTRY_IDENTITY_CASE) */
    private readonly identityCase: IdentityCase,
    private readonly suppliers: Suppliers,
    private readonly addenda: RunAddenda,
  ) {}

  async get(deploymentId: string): Promise<RunView> {
    const { state, version } = await this.runs.load(deploymentId);
    if (version === 0) throw new NotFound(`no run for deployment ${deploymentId}`);
    const step = nextStep(state);
    return { deploymentId, version, ...state, ...(step ? { nextStep: step } : {}), ...(await this.addenda(deploymentId)) };
  }

  /** A run as `identity` may see it: a supplier's engineer sees only the runs in their organisation's scope. */
  async read(deploymentId: string, identity: Identity): Promise<RunView> {
    const view = await this.get(deploymentId);
    const supplier = await this.suppliers.actingFor(identity);
    if (!supplier) return view;
    const { organisation, scope } = supplier;
    if (organisation === undefined || scope === undefined) throw new RuleRefused('UnknownSupplier', { deploymentId, organisation: organisation ?? null }, 403);
    const plan = view.plan as DeploymentPlanned | undefined;
    const outside = plan ? runOutsideSupplierScope(scope, plan) : { outside: 'environment', found: '(not planned yet)' };
    if (outside) throw new RuleRefused('OutsideSupplierScope', { deploymentId, organisation, ...outside }, 403);
    return view;
  }

  /** A person's command: the run must exist; the driver moves it on right after. */
  async act(deploymentId: string, command: PersonCommand, identity: Identity, origin: CommandOrigin): Promise<RunView> {
    await this.get(deploymentId);
    const full = { ...command, deploymentId, by: identity.subject, roles: identity.roles, now: origin.now.toISOString() } as RunCommand;
    await this.runs.execute(deploymentId, full, origin);
    this.driver.kick(deploymentId);
    return this.get(deploymentId);
  }

  approve = (id: string, gate: string, comment: string | undefined, identity: Identity, origin: CommandOrigin) =>
    this.act(id, { type: 'ApproveGate', gate, identityCase: this.identityCase, ...(comment === undefined ? {} : { comment }) }, identity, origin);
  deny = (id: string, gate: string, reason: string, identity: Identity, origin: CommandOrigin) => this.act(id, { type: 'DenyGate', gate, reason }, identity, origin);
  pause = (id: string, identity: Identity, origin: CommandOrigin) => this.act(id, { type: 'PauseRun' }, identity, origin);
  resume = (id: string, identity: Identity, origin: CommandOrigin) => this.act(id, { type: 'ResumeRun' }, identity, origin);
  abort = (id: string, identity: Identity, origin: CommandOrigin) => this.act(id, { type: 'AbortRun' }, identity, origin);
  decideRollback = (id: string, rollback: boolean, identity: Identity, origin: CommandOrigin) => this.act(id, { type: 'DecideRollback', rollback }, identity, origin);
  completeManualStep = async (id: string, stepId: string, evidence: Evidence[], identity: Identity, origin: CommandOrigin) => {
    const supplier = await this.suppliers.actingFor(identity);
    return this.act(id, { type: 'CompleteManualStep', stepId, evidence, ...(supplier ? { supplier } : {}) }, identity, origin);
  };
}
