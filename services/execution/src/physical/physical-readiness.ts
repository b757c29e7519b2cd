import type { Identity } from '@gantry/auth';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, RuleRefused, type RequestContext } from '@gantry/platform';
import type { DeliveredUnits, Evidence } from '@gantry/contracts';
import type { Suppliers } from '../suppliers';
import { planOf, type RunCommands, type RunDriver } from '../runs';
import { missingForReadiness, physicalReadinessDecider, FORBIDDING_PHYSICAL_REFUSALS, UNKNOWN_PHYSICAL_REFUSALS, type MissingForReadiness, type PhysicalReadiness, type PhysicalReadinessCommand, type PhysicalReadinessEvent } from './physical-readiness.decider';
import { needsPhysicalReadiness, unitsOrdered } from './physical-plan';

export const physicalReadinessStream = (deploymentId: string) => ({ streamId: `PhysicalReadiness-${deploymentId}`, streamType: 'PhysicalReadiness' });

/** A physical deployment's readiness as people see it: what was answered and received, and what is still missing. */
export interface PhysicalReadinessView {
  deploymentId: string;
  version: number;
  status: PhysicalReadiness['status'];
  checks: PhysicalReadiness['checks'];
  received: PhysicalReadiness['received'];
  installed: PhysicalReadiness['installed'];
  missing: MissingForReadiness;
}

const refusalStatus = (code: string) =>
  (FORBIDDING_PHYSICAL_REFUSALS as readonly string[]).includes(code) ? 403 : (UNKNOWN_PHYSICAL_REFUSALS as readonly string[]).includes(code) ? 422 : 409;

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type PersonCommand = Without<PhysicalReadinessCommand, 'deploymentId' | 'plan' | 'ordered' | 'by' | 'now'>;

/**
 * Site readiness and logistics of physical deployments. Each command reads the run (its plan, the units ordered as
 * verification confirmed them) in its transaction; the confirmation becomes the run's `physical` readiness in the same
 * transaction, so that the run never misses it.
 */
export class PhysicalDeployments {
  constructor(
    private readonly store: EventStore,
    private readonly runs: RunCommands,
    private readonly driver: RunDriver,
    private readonly suppliers: Suppliers,
  ) {}

  answerSiteCheck = async (deploymentId: string, site: string, item: string, result: 'passed' | 'failed', evidence: Evidence[], identity: Identity, context: RequestContext) => {
    const supplier = await this.suppliers.actingFor(identity);
    return this.act(deploymentId, { type: 'AnswerSiteCheck', site, item, result, evidence, ...(supplier ? { supplier } : {}) }, identity, context);
  };

  receiveDelivery = (deploymentId: string, received: DeliveredUnits[], identity: Identity, context: RequestContext) => this.act(deploymentId, { type: 'ReceiveDelivery', received }, identity, context);

  resolveDiscrepancy = (deploymentId: string, component: string, serial: string, reason: string, identity: Identity, context: RequestContext) =>
    this.act(deploymentId, { type: 'ResolveDiscrepancy', component, serial, reason, roles: identity.roles }, identity, context);

  installUnits = async (deploymentId: string, target: string, serials: string[], identity: Identity, context: RequestContext) => {
    const supplier = await this.suppliers.actingFor(identity);
    return this.act(deploymentId, { type: 'InstallUnits', target, serials, ...(supplier ? { supplier } : {}) }, identity, context);
  };

  /** What `GET /runs/:id` shows of a physical deployment: `physical`, its readiness and what it still lacks. */
  addenda = async (deploymentId: string): Promise<Record<string, unknown>> => {
    const physical = await this.view(deploymentId);
    return physical ? { physical } : {};
  };

  /** The readiness of a planned physical deployment; undefined for any other run. */
  async view(deploymentId: string, client?: SqlClient): Promise<PhysicalReadinessView | undefined> {
    const { state: run } = await this.runs.load(deploymentId, client);
    const plan = planOf(run);
    if (!plan || !needsPhysicalReadiness(plan)) return undefined;
    const { state, version } = await loadAggregate(this.store, physicalReadinessDecider, physicalReadinessStream(deploymentId).streamId, client);
    const ordered = unitsOrdered(plan, 'verifiedComponents' in run ? run.verifiedComponents : undefined);
    return { deploymentId, version, status: state.status, checks: state.checks, received: state.received, installed: state.installed, missing: missingForReadiness(state, plan, ordered) };
  }

  private async act(deploymentId: string, command: PersonCommand, identity: Identity, context: RequestContext): Promise<PhysicalReadinessView> {
    const confirm = async (events: readonly PhysicalReadinessEvent[], tx: SqlClient) => {
      if (!events.some((e) => e.type === 'PhysicalReadinessConfirmed')) return;
      await this.runs.execute(deploymentId, { type: 'ConfirmReadiness', deploymentId, readiness: 'physical' }, context, tx);
    };
    await executeCommand(
      this.store,
      physicalReadinessDecider,
      physicalReadinessStream(deploymentId),
      async (_state, tx) => {
        const { state: run, version } = await this.runs.load(deploymentId, tx);
        const plan = planOf(run);
        if (version === 0) throw new NotFound(`no run for deployment ${deploymentId}`);
        if (!plan) throw new RuleRefused('RunNotPlanned', { deploymentId });
        const ordered = unitsOrdered(plan, 'verifiedComponents' in run ? run.verifiedComponents : undefined);
        return { ...command, deploymentId, plan, ordered, by: identity.subject, now: context.now.toISOString() } as PhysicalReadinessCommand;
      },
      { metadata: context.metadata, newId: context.newId, refusalStatus, afterAppend: confirm },
    );
    this.driver.kick(deploymentId);
    return (await this.view(deploymentId))!;
  }
}
