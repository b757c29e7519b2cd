import { refuse, type Decider, type Refused } from '@gantry/decider';
import type {
  DeliveredUnits,
  DeliveryDiscrepancyRecorded,
  DeliveryDiscrepancyResolved,
  DeliveryReceived,
  DeploymentPlanned,
  Evidence,
  PhysicalReadinessConfirmed,
  SiteCheckAnswered,
  SupplierScope,
  UnitsInstalled,
} from '@gantry/contracts';
import { evidenceMustCarryItsDigest } from '../runs';
import { siteOutsideSupplierScope, stepOutsideSupplierScope, type ActingForSupplier, type OutsideScope } from '../suppliers';
import { checklistOf, needsPhysicalReadiness, sitesOf } from './physical-plan';

/**
 * The PhysicalReadiness aggregate (stream `PhysicalReadiness-<deploymentId>`): what a physical deployment needs in
 * place before its run may start. Site readiness: each site's checklist (power, backup power, cooling, …) answered
 * with evidence. Logistics: the hardware units ordered received, unit by unit (serial numbers), and every discrepancy
 * resolved. When both hold it is confirmed, once, and the run takes it as its `physical` readiness. Then the units
 * delivered are installed at the targets, each at one target.
 */
export type PhysicalReadinessEvent =
  | { type: 'SiteCheckAnswered'; data: SiteCheckAnswered }
  | { type: 'DeliveryReceived'; data: DeliveryReceived }
  | { type: 'DeliveryDiscrepancyRecorded'; data: DeliveryDiscrepancyRecorded }
  | { type: 'DeliveryDiscrepancyResolved'; data: DeliveryDiscrepancyResolved }
  | { type: 'PhysicalReadinessConfirmed'; data: PhysicalReadinessConfirmed }
  | { type: 'UnitsInstalled'; data: UnitsInstalled };

/** The latest answer to a checklist item. */
export interface CheckAnswer {
  result: 'passed' | 'failed';
  evidence: Evidence[];
  by: string;
  answeredAt: string;
}

/** A unit missing from the deliveries or delivered without being ordered; `resolved` once delivered or accepted. */
export interface Discrepancy {
  component: string;
  serial: string;
  discrepancy: 'missing' | 'unexpected';
  resolved: boolean;
}

interface Inspection {
  /** site → item → the latest answer */
  checks: Record<string, Record<string, CheckAnswer>>;
  /** component → the serials received so far */
  received: Record<string, string[]>;
  discrepancies: Discrepancy[];
  /** component → serial → the target it was installed at */
  installed: Record<string, Record<string, string>>;
}

export type PhysicalReadiness = ({ status: 'preparing' } & Inspection) | ({ status: 'confirmed'; confirmedAt: string } & Inspection);

export const initialState: PhysicalReadiness = { status: 'preparing', checks: {}, received: {}, discrepancies: [], installed: {} };

export function evolve(state: PhysicalReadiness, event: PhysicalReadinessEvent): PhysicalReadiness {
  switch (event.type) {
    case 'SiteCheckAnswered': {
      const { site, item, result, evidence, by, answeredAt } = event.data;
      return { ...state, checks: { ...state.checks, [site]: { ...state.checks[site], [item]: { result, evidence, by, answeredAt } } } };
    }
    case 'DeliveryReceived': {
      const received = { ...state.received };
      for (const { component, serials } of event.data.received) received[component] = [...new Set([...(received[component] ?? []), ...serials])];
      return { ...state, received };
    }
    case 'DeliveryDiscrepancyRecorded': {
      const { component, serial, discrepancy } = event.data;
      return { ...state, discrepancies: [...state.discrepancies, { component, serial, discrepancy, resolved: false }] };
    }
    case 'DeliveryDiscrepancyResolved': {
      const { component, serial } = event.data;
      return { ...state, discrepancies: state.discrepancies.map((d) => (d.component === component && d.serial === serial ? { ...d, resolved: true } : d)) };
    }
    case 'PhysicalReadinessConfirmed':
      return { ...state, status: 'confirmed', confirmedAt: event.data.confirmedAt };
    case 'UnitsInstalled': {
      const installed = { ...state.installed };
      for (const { component, serials } of event.data.units) installed[component] = { ...installed[component], ...Object.fromEntries(serials.map((serial) => [serial, event.data.target])) };
      return { ...state, installed };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** What every command knows of the deployment: its plan and the units ordered (undefined until its components are verified). */
interface OfDeployment {
  deploymentId: string;
  plan: DeploymentPlanned;
  ordered: DeliveredUnits[] | undefined;
  by: string;
  now: string;
}

export type PhysicalReadinessCommand =
  /** `supplier`: the organisation an inspector from a supplier acts for, with its scope */
  | ({ type: 'AnswerSiteCheck'; site: string; item: string; result: 'passed' | 'failed'; evidence: Evidence[]; supplier?: ActingForSupplier } & OfDeployment)
  | ({ type: 'ReceiveDelivery'; received: DeliveredUnits[] } & OfDeployment)
  | ({ type: 'ResolveDiscrepancy'; component: string; serial: string; reason: string; roles: readonly string[] } & OfDeployment)
  | ({ type: 'InstallUnits'; target: string; serials: string[]; supplier?: ActingForSupplier } & OfDeployment);

export type PhysicalReadinessRefusal =
  | { code: 'NotPhysical'; deploymentId: string }
  | { code: 'UnknownSite'; deploymentId: string; site: string; sites: string[] }
  | { code: 'UnknownChecklistItem'; deploymentId: string; item: string; checklist: string[] }
  | { code: 'EvidenceDigestRequired'; deploymentId: string; evidence: number }
  | { code: 'UnknownSupplier'; deploymentId: string; organisation: string | null }
  | ({ code: 'OutsideSupplierScope'; deploymentId: string; organisation: string } & OutsideScope)
  | { code: 'ComponentsNotVerified'; deploymentId: string }
  | { code: 'RoleMayNotResolve'; deploymentId: string; role: string }
  | { code: 'UnknownDiscrepancy'; deploymentId: string; component: string; serial: string }
  | { code: 'PhysicalReadinessAlreadyConfirmed'; deploymentId: string }
  | { code: 'PhysicalReadinessNotConfirmed'; deploymentId: string }
  | { code: 'UnknownTarget'; deploymentId: string; target: string }
  | { code: 'UnitNotDelivered'; deploymentId: string; serials: string[] }
  | { code: 'UnitAlreadyInstalled'; deploymentId: string; serial: string; target: string };

/** Refusals about who asks (403 at the edge) and requests that can never pass (422); the others are about the state, 409. */
export const FORBIDDING_PHYSICAL_REFUSALS: readonly PhysicalReadinessRefusal['code'][] = ['UnknownSupplier', 'OutsideSupplierScope', 'RoleMayNotResolve'];
export const UNKNOWN_PHYSICAL_REFUSALS: readonly PhysicalReadinessRefusal['code'][] = ['UnknownSite', 'UnknownChecklistItem', 'UnknownDiscrepancy', 'UnknownTarget'];

/** Who accepts a delivery discrepancy instead of waiting for the unit. */
export const DISCREPANCY_RESOLVER = 'deployment-manager';

type Decision = readonly PhysicalReadinessEvent[] | Refused<PhysicalReadinessRefusal>;

export function decide(command: PhysicalReadinessCommand, state: PhysicalReadiness): Decision {
  const { deploymentId, plan } = command;
  if (!needsPhysicalReadiness(plan)) return refuse({ code: 'NotPhysical', deploymentId });
  // readiness is weighed against the units ordered, known once the components are verified: so nothing waits on a later fact
  if (!command.ordered) return refuse({ code: 'ComponentsNotVerified', deploymentId });
  switch (command.type) {
    case 'AnswerSiteCheck':
      return answerSiteCheck(command, state);
    case 'ReceiveDelivery':
      return receiveDelivery(command, state);
    case 'ResolveDiscrepancy':
      return resolveDiscrepancy(command, state);
    case 'InstallUnits':
      return installUnits(command, state);
  }
}

/**
 * Someone acting for a supplier works only within its scope (`outsideOf`: the supplier scope rule for a site or a
 * target), and only for a registered organisation.
 */
function supplierMustWorkInItsScope(supplier: ActingForSupplier, deploymentId: string, outsideOf: (scope: SupplierScope) => OutsideScope | undefined): PhysicalReadinessRefusal | undefined {
  const { organisation, scope } = supplier;
  if (organisation === undefined || scope === undefined) return { code: 'UnknownSupplier', deploymentId, organisation: organisation ?? null };
  const outside = outsideOf(scope);
  return outside && { code: 'OutsideSupplierScope', deploymentId, organisation, ...outside };
}

const sameAnswer = (a: CheckAnswer | undefined, result: string, evidence: readonly Evidence[]) => a !== undefined && a.result === result && JSON.stringify(a.evidence) === JSON.stringify(evidence);

function answerSiteCheck(command: Extract<PhysicalReadinessCommand, { type: 'AnswerSiteCheck' }>, state: PhysicalReadiness): Decision {
  const { deploymentId, plan, site, item, result, evidence, supplier, by, now } = command;
  const sites = sitesOf(plan);
  if (!sites.includes(site)) return refuse({ code: 'UnknownSite', deploymentId, site, sites });
  const checklist = checklistOf(plan);
  if (!checklist.includes(item)) return refuse({ code: 'UnknownChecklistItem', deploymentId, item, checklist: [...checklist] });
  const outOfScope = supplier && supplierMustWorkInItsScope(supplier, deploymentId, (scope) => siteOutsideSupplierScope(scope, plan, site));
  if (outOfScope) return refuse(outOfScope);
  const undigested = evidenceMustCarryItsDigest(evidence);
  if (undigested !== undefined) return refuse({ code: 'EvidenceDigestRequired', deploymentId, evidence: undigested });
  if (sameAnswer(state.checks[site]?.[item], result, evidence)) return [];
  if (state.status === 'confirmed') return refuse({ code: 'PhysicalReadinessAlreadyConfirmed', deploymentId });
  const organisation = supplier?.organisation;
  const answered: PhysicalReadinessEvent = { type: 'SiteCheckAnswered', data: { deploymentId, site, item, result, evidence, by, ...(organisation ? { organisation } : {}), answeredAt: now } };
  return withConfirmation(command, state, [answered]);
}

/**
 * Inventory completeness on receipt: each unit received is checked against the order. A unit not ordered is recorded
 * unexpected; a unit ordered and still not received after this delivery is recorded missing (once); a missing unit that
 * arrives resolves its discrepancy. A delivery that brings nothing new changes nothing.
 */
function receiveDelivery(command: Extract<PhysicalReadinessCommand, { type: 'ReceiveDelivery' }>, state: PhysicalReadiness): Decision {
  const { deploymentId, received, by, now } = command;
  const ordered = command.ordered ?? [];
  const isNew = (component: string, serial: string) => !(state.received[component] ?? []).includes(serial);
  const arrivals = received.flatMap(({ component, serials }) => serials.filter((serial) => isNew(component, serial)).map((serial) => ({ component, serial })));
  if (arrivals.length === 0) return [];
  if (state.status === 'confirmed') return refuse({ code: 'PhysicalReadinessAlreadyConfirmed', deploymentId });
  const isOrdered = (component: string, serial: string) => ordered.some((o) => o.component === component && o.serials.includes(serial));
  const recorded = (component: string, serial: string) => state.discrepancies.find((d) => d.component === component && d.serial === serial);
  const events: PhysicalReadinessEvent[] = [{ type: 'DeliveryReceived', data: { deploymentId, received, by, receivedAt: now } }];
  for (const { component, serial } of arrivals) {
    const known = recorded(component, serial);
    if (isOrdered(component, serial)) {
      if (known && !known.resolved) events.push({ type: 'DeliveryDiscrepancyResolved', data: { deploymentId, component, serial, resolution: 'delivered', resolvedAt: now } });
    } else if (!known) events.push({ type: 'DeliveryDiscrepancyRecorded', data: { deploymentId, component, serial, discrepancy: 'unexpected', recordedAt: now } });
  }
  const arrived = (component: string, serial: string) => !isNew(component, serial) || arrivals.some((a) => a.component === component && a.serial === serial);
  for (const { component, serials } of ordered) {
    for (const serial of serials) {
      if (!arrived(component, serial) && !recorded(component, serial)) events.push({ type: 'DeliveryDiscrepancyRecorded', data: { deploymentId, component, serial, discrepancy: 'missing', recordedAt: now } });
    }
  }
  return withConfirmation(command, state, events);
}

function resolveDiscrepancy(command: Extract<PhysicalReadinessCommand, { type: 'ResolveDiscrepancy' }>, state: PhysicalReadiness): Decision {
  const { deploymentId, component, serial, reason, by, roles, now } = command;
  if (!roles.includes(DISCREPANCY_RESOLVER)) return refuse({ code: 'RoleMayNotResolve', deploymentId, role: DISCREPANCY_RESOLVER });
  const discrepancy = state.discrepancies.find((d) => d.component === component && d.serial === serial);
  if (!discrepancy) return refuse({ code: 'UnknownDiscrepancy', deploymentId, component, serial });
  if (discrepancy.resolved) return [];
  const resolved: PhysicalReadinessEvent = { type: 'DeliveryDiscrepancyResolved', data: { deploymentId, component, serial, resolution: 'accepted', reason, by, resolvedAt: now } };
  return withConfirmation(command, state, [resolved]);
}

/**
 * Installation records per unit: the serials put in place at a target, once the sites are ready and the units
 * delivered. A unit is installed where it was delivered for (this deployment) and at one target only; a supplier's
 * engineer installs only at the targets of its scope. The same units at the same target again record nothing.
 */
function installUnits(command: Extract<PhysicalReadinessCommand, { type: 'InstallUnits' }>, state: PhysicalReadiness): Decision {
  const { deploymentId, plan, target, serials, supplier, by, now } = command;
  if (!plan.waves.some((w) => w.targets.includes(target))) return refuse({ code: 'UnknownTarget', deploymentId, target });
  const outOfScope = supplier && supplierMustWorkInItsScope(supplier, deploymentId, (scope) => stepOutsideSupplierScope(scope, plan, target));
  if (outOfScope) return refuse(outOfScope);
  if (state.status !== 'confirmed') return refuse({ code: 'PhysicalReadinessNotConfirmed', deploymentId });
  const componentOf = (serial: string) => Object.keys(state.received).find((component) => state.received[component].includes(serial));
  const undelivered = serials.filter((serial) => componentOf(serial) === undefined);
  if (undelivered.length > 0) return refuse({ code: 'UnitNotDelivered', deploymentId, serials: undelivered });
  const installedAt = (serial: string) => state.installed[componentOf(serial)!]?.[serial];
  const elsewhere = serials.find((serial) => installedAt(serial) !== undefined && installedAt(serial) !== target);
  if (elsewhere) return refuse({ code: 'UnitAlreadyInstalled', deploymentId, serial: elsewhere, target: installedAt(elsewhere)! });
  const fresh = serials.filter((serial) => installedAt(serial) === undefined);
  if (fresh.length === 0) return [];
  const components = [...new Set(fresh.map((serial) => componentOf(serial)!))];
  const units = components.map((component) => ({ component, serials: fresh.filter((serial) => componentOf(serial) === component) }));
  const organisation = supplier?.organisation;
  return [{ type: 'UnitsInstalled', data: { deploymentId, target, units, by, ...(organisation ? { organisation } : {}), installedAt: now } }];
}

/** The decided events, followed by the confirmation when they leave nothing missing. */
function withConfirmation(command: OfDeployment, state: PhysicalReadiness, events: PhysicalReadinessEvent[]): PhysicalReadinessEvent[] {
  const after = events.reduce(evolve, state);
  const { deploymentId, plan, ordered, now } = command;
  if (!nothingMissing(missingForReadiness(after, plan, ordered))) return events;
  return [...events, { type: 'PhysicalReadinessConfirmed', data: { deploymentId, sites: sitesOf(plan), confirmedAt: now } }];
}

/** What a physical deployment still lacks before its run may start (shown on `GET /runs/:id`). */
export interface MissingForReadiness {
  /** checklist items not answered yet, or whose latest answer failed */
  checks: { site: string; item: string; answer: 'unanswered' | 'failed' }[];
  /** false until the components are verified, and with them the units ordered known */
  orderKnown: boolean;
  /** units ordered and not received, whose discrepancy is not resolved */
  undelivered: DeliveredUnits[];
  /** discrepancies not resolved */
  discrepancies: Omit<Discrepancy, 'resolved'>[];
}

export function missingForReadiness(state: PhysicalReadiness, plan: DeploymentPlanned, ordered: DeliveredUnits[] | undefined): MissingForReadiness {
  const checklist = checklistOf(plan);
  const checks = sitesOf(plan).flatMap((site) =>
    checklist.flatMap((item) => {
      const answer = state.checks[site]?.[item];
      return answer?.result === 'passed' ? [] : [{ site, item, answer: answer ? ('failed' as const) : ('unanswered' as const) }];
    }),
  );
  const settled = (component: string, serial: string) =>
    (state.received[component] ?? []).includes(serial) || state.discrepancies.some((d) => d.component === component && d.serial === serial && d.resolved);
  const undelivered = (ordered ?? [])
    .map(({ component, serials }) => ({ component, serials: serials.filter((s) => !settled(component, s)) }))
    .filter((u) => u.serials.length > 0);
  const discrepancies = state.discrepancies.filter((d) => !d.resolved).map(({ component, serial, discrepancy }) => ({ component, serial, discrepancy }));
  return { checks, orderKnown: ordered !== undefined, undelivered, discrepancies };
}

export const nothingMissing = (m: MissingForReadiness) => m.checks.length === 0 && m.orderKnown && m.undelivered.length === 0 && m.discrepancies.length === 0;

export const physicalReadinessDecider: Decider<PhysicalReadinessCommand, PhysicalReadinessEvent, PhysicalReadiness, PhysicalReadinessRefusal> = { decide, evolve, initialState };
