import type { Component, ComponentVersionDefinition, DeploymentPlanned, QualityThresholds } from '@gantry/contracts';

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

/** Only software carries a signature; hardware, documentation and the rest need registration and completeness. */
const needsSignature = (component: Component) => component.kind === 'software';

/** A component may be named once per deployment: two versions of the same component is a contradiction. */
export const eachComponentNamedOnce = (plan: Pick<DeploymentPlanned, 'components'>): ComponentFailure[] => {
  const seen = new Set<string>();
  return plan.components.filter((c) => (seen.has(c.name) ? true : (seen.add(c.name), false))).map((c) => ({ name: c.name, version: c.version, reason: 'DuplicateComponent' }));
};

/** The version is in the authorised repository and still there. */
const mustBeAuthorised = (facts: ComponentFacts): ComponentReason[] => (!facts.entry ? ['NotInAuthorisedRepository'] : facts.entry.withdrawn ? ['Withdrawn'] : []);

/** The request named the bytes it means: they must be the ones registered. */
const digestMustMatch = (component: Component, facts: ComponentFacts): ComponentReason[] =>
  component.digest !== undefined && facts.entry && facts.entry.definition.digest !== component.digest ? ['DigestMismatch'] : [];

/** Software is signed by a trusted key not revoked before now, and the signature covers name, version and digest. */
const signatureMustVerify = (component: Component, facts: ComponentFacts, now: string): ComponentReason[] => {
  if (!needsSignature(component) || !facts.entry) return [];
  if (!facts.entry.definition.signature) return ['SignatureMissing'];
  if (!facts.key) return ['KeyUntrusted'];
  if (facts.key.revokedFrom !== undefined && Date.parse(facts.key.revokedFrom) <= Date.parse(now)) return ['KeyRevoked'];
  return facts.signatureVerifies ? [] : ['SignatureInvalid'];
};

/** The model's thresholds for quality evidence; without evidence there is nothing that meets them. */
const qualityMustMeetThresholds = (facts: ComponentFacts, thresholds: QualityThresholds | undefined): ComponentReason[] => {
  if (!thresholds || !facts.entry) return [];
  const quality = facts.entry.definition.quality;
  if (!quality) return ['QualityBelowThreshold', 'VulnerabilitiesAboveThreshold'];
  const reasons: ComponentReason[] = [];
  const ratio = quality.testsTotal === 0 ? 0 : quality.testsPassed / quality.testsTotal;
  if (ratio < thresholds.minTestPassRatio) reasons.push('QualityBelowThreshold');
  if (quality.criticalVulnerabilities > thresholds.maxCriticalVulnerabilities || quality.highVulnerabilities > thresholds.maxHighVulnerabilities) {
    reasons.push('VulnerabilitiesAboveThreshold');
  }
  return reasons;
};

/** Where the model asks for documentation: the version references its own, or the set brings a documentation component. */
const documentationMustBePresent = (component: Component, facts: ComponentFacts, plan: Pick<DeploymentPlanned, 'components' | 'documentationRequired'>): ComponentReason[] => {
  if (!plan.documentationRequired || !facts.entry || component.kind === 'documentation') return [];
  const setHasDocumentation = plan.components.some((c) => c.kind === 'documentation');
  return setHasDocumentation || (facts.entry.definition.documentation?.length ?? 0) > 0 ? [] : ['DocumentationMissing'];
};

/** Every reason each component of the plan fails verification for; empty when all pass. */
export function componentFailures(
  plan: Pick<DeploymentPlanned, 'components' | 'qualityThresholds' | 'documentationRequired'>,
  facts: Readonly<Record<string, ComponentFacts>>,
  now: string,
): ComponentFailure[] {
  const perComponent = plan.components.flatMap((component) => {
    const known = facts[componentKey(component)] ?? {};
    const reasons = [
      ...mustBeAuthorised(known),
      ...digestMustMatch(component, known),
      ...signatureMustVerify(component, known, now),
      ...qualityMustMeetThresholds(known, plan.qualityThresholds),
      ...documentationMustBePresent(component, known, plan),
    ];
    return reasons.map((reason) => ({ name: component.name, version: component.version, reason }));
  });
  return [...eachComponentNamedOnce(plan), ...perComponent];
}
