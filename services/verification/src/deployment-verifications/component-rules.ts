import { allViolations, type Policy, type Rule } from '@gantry/decider';
import type { Component, ComponentKind, ComponentVersionDefinition, DeploymentPlanned } from '@gantry/contracts';

/** What the authorised repository and the trusted keys say about one component version of a plan. */
export interface ComponentFacts {
  /** absent: not in the authorised repository */
  entry?: { definition: ComponentVersionDefinition; withdrawn: boolean };
  /** the key the entry's signature names; absent: not a trusted key (never registered) */
  key?: { revokedFrom?: string };
  /** whether the signature verifies against the key (computed with node's crypto at the edge) */
  signatureVerifies?: boolean;
}

export type ComponentReason =
  | 'DuplicateComponent'
  | 'NotInAuthorisedRepository'
  | 'Withdrawn'
  | 'DigestMismatch'
  | 'SignatureMissing'
  | 'KeyUntrusted'
  | 'KeyRevoked'
  | 'SignatureInvalid'
  | 'QualityBelowThreshold'
  | 'VulnerabilitiesAboveThreshold'
  | 'DocumentationMissing';

export interface ComponentFailure {
  name: string;
  version: string;
  reason: ComponentReason;
}

export const componentKey = (c: { name: string; version: string }) => `${c.name}@${c.version}`;

/**
 * The signing policy: the component kinds whose versions must be signed (GANTRY_SIGNED_KINDS). The bytes of software,
 * configuration, data, workstation images and driver packages change what runs; hardware, documentation and licences
 * need registration and completeness.
 */
export const DEFAULT_SIGNED_KINDS: readonly ComponentKind[] = ['software', 'configuration', 'data', 'workstation-image', 'driver-package'];

type Plan = Pick<DeploymentPlanned, 'components' | 'qualityThresholds' | 'documentationRequired'>;

/** One component version of the plan, with what the authorised repository and the trusted keys say about it. */
interface ComponentCheck {
  component: Component;
  facts: ComponentFacts;
  plan: Plan;
  signedKinds: readonly ComponentKind[];
  now: string;
}

/** A plan's component versions, with what the authorised repository and the trusted keys say of each (by `name@version`). */
interface PlanCheck {
  plan: Plan;
  facts: Readonly<Record<string, ComponentFacts>>;
  signedKinds: readonly ComponentKind[];
  now: string;
}

/** A component may be named once per deployment: two versions of the same component is a contradiction. */
const eachComponentNamedOnce: Rule<PlanCheck, ComponentFailure[]> = ({ plan }) => {
  const seen = new Set<string>();
  return plan.components.filter((c) => (seen.has(c.name) ? true : (seen.add(c.name), false))).map((c) => ({ name: c.name, version: c.version, reason: 'DuplicateComponent' }));
};

/** The version is in the authorised repository and still there. */
const mustBeAuthorised: Rule<ComponentCheck, ComponentReason> = ({ facts }) => (!facts.entry ? 'NotInAuthorisedRepository' : facts.entry.withdrawn ? 'Withdrawn' : undefined);

/** The request named the bytes it means: they must be the ones registered. */
const digestMustMatch: Rule<ComponentCheck, ComponentReason> = ({ component, facts }) =>
  component.digest !== undefined && facts.entry && facts.entry.definition.digest !== component.digest ? 'DigestMismatch' : undefined;

/** A kind the signing policy names is signed by a trusted key not revoked before now, over name, version and digest. */
const signatureMustVerify: Rule<ComponentCheck, ComponentReason> = ({ component, facts, signedKinds, now }) => {
  if (!signedKinds.includes(component.kind) || !facts.entry) return undefined;
  if (!facts.entry.definition.signature) return 'SignatureMissing';
  if (!facts.key) return 'KeyUntrusted';
  if (facts.key.revokedFrom !== undefined && Date.parse(facts.key.revokedFrom) <= Date.parse(now)) return 'KeyRevoked';
  return facts.signatureVerifies ? undefined : 'SignatureInvalid';
};

/** The model's thresholds for quality evidence; without evidence there is nothing that meets them. */
const qualityOf = ({ facts, plan }: ComponentCheck) => (plan.qualityThresholds && facts.entry ? { thresholds: plan.qualityThresholds, quality: facts.entry.definition.quality } : undefined);

const testsMustPassInTheModelsRatio: Rule<ComponentCheck, ComponentReason> = (check) => {
  const judged = qualityOf(check);
  if (!judged) return undefined;
  const { quality, thresholds } = judged;
  const ratio = !quality || quality.testsTotal === 0 ? 0 : quality.testsPassed / quality.testsTotal;
  return !quality || ratio < thresholds.minTestPassRatio ? 'QualityBelowThreshold' : undefined;
};

const vulnerabilitiesMustStayWithinTheModelsThresholds: Rule<ComponentCheck, ComponentReason> = (check) => {
  const judged = qualityOf(check);
  if (!judged) return undefined;
  const { quality, thresholds } = judged;
  return !quality || quality.criticalVulnerabilities > thresholds.maxCriticalVulnerabilities || quality.highVulnerabilities > thresholds.maxHighVulnerabilities
    ? 'VulnerabilitiesAboveThreshold'
    : undefined;
};

/** Where the model asks for documentation: the version references its own, or the set brings a documentation component. */
const documentationMustBePresent: Rule<ComponentCheck, ComponentReason> = ({ component, facts, plan }) => {
  if (!plan.documentationRequired || !facts.entry || component.kind === 'documentation') return undefined;
  const setHasDocumentation = plan.components.some((c) => c.kind === 'documentation');
  return setHasDocumentation || (facts.entry.definition.documentation?.length ?? 0) > 0 ? undefined : 'DocumentationMissing';
};

/** What each component version of a plan is verified against; every reason it fails is reported. */
const componentPolicy: Policy<ComponentCheck, ComponentReason> = [
  mustBeAuthorised,
  digestMustMatch,
  signatureMustVerify,
  testsMustPassInTheModelsRatio,
  vulnerabilitiesMustStayWithinTheModelsThresholds,
  documentationMustBePresent,
];

/** Each component version of the plan, for every reason it fails. */
const eachVersionMustPass: Rule<PlanCheck, ComponentFailure[]> = ({ plan, facts, signedKinds, now }) =>
  plan.components.flatMap((component) =>
    allViolations(componentPolicy, { component, facts: facts[componentKey(component)] ?? {}, plan, signedKinds, now }).map((reason) => ({ name: component.name, version: component.version, reason })),
  );

/** Every reason each component of the plan fails verification for; empty when all pass. */
export const componentFailures = (plan: Plan, facts: Readonly<Record<string, ComponentFacts>>, signedKinds: readonly ComponentKind[], now: string): ComponentFailure[] =>
  allViolations([eachComponentNamedOnce, eachVersionMustPass], { plan, facts, signedKinds, now });
