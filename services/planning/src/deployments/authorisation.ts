import { AUTHORISATION_WAYS, ENVIRONMENT_KINDS, type AuthorisationWay, type AuthorisedBy, type DeploymentRequested, type EnvironmentKind } from '@gantry/contracts';
import { DEFAULT_IDENTITY_CASE, type IdentityCase } from '@gantry/decider';
import type { SignedProof } from '../authorisation-keys';

/**
 * What proves a request's change authorised, as its door read it: `itsm`, change enablement's ChangeAuthorized event;
 * `signed`, a signed authorisation the request carries; `permission`, only the requester's word, proof where they hold
 * `changes:authorise` and the environment's kind accepts that way.
 */
export type AuthorisationProof =
  /** `authoriserNamed`: the event names who authorised the change; else change enablement, the system that sent it, vouches for it */
  | { way: 'itsm'; by: string; source: string; eventId: string; authoriserNamed: boolean }
  | SignedProof
  | { way: 'permission'; by: string; mayAuthorise: boolean };

/** The ways of proving a change authorised each kind of environment accepts. */
export type AuthorisationPolicy = Readonly<Record<EnvironmentKind, readonly AuthorisationWay[]>>;

/** Production takes change enablement's word only (its event or its signature); the other kinds a permission too. */
export const DEFAULT_AUTHORISATION_POLICY: AuthorisationPolicy = Object.fromEntries(
  ENVIRONMENT_KINDS.map((kind) => [kind, kind === 'production' ? ['itsm', 'signed'] : [...AUTHORISATION_WAYS]]),
) as unknown as AuthorisationPolicy;

/** A setting per kind of environment, `<prefix>_<KIND>`: unset or empty, the default; `parse` throws with the reason. */
function perKind<T>(env: NodeJS.ProcessEnv, prefix: string, defaults: Readonly<Record<EnvironmentKind, T>>, parse: (raw: string, name: string) => T): Readonly<Record<EnvironmentKind, T>> {
  return Object.fromEntries(
    ENVIRONMENT_KINDS.map((kind) => {
      const name = `${prefix}_${kind.toUpperCase()}`;
      const raw = env[name]?.trim();
      return [kind, raw === undefined || raw === '' ? defaults[kind] : parse(raw, name)];
    }),
  ) as Record<EnvironmentKind, T>;
}

/** GANTRY_AUTHORISATION_<KIND> (e.g. GANTRY_AUTHORISATION_PRODUCTION=itsm,signed): comma-separated ways; unset, the default. */
export const authorisationPolicyFromEnv = (env: NodeJS.ProcessEnv): AuthorisationPolicy =>
  perKind(env, 'GANTRY_AUTHORISATION', DEFAULT_AUTHORISATION_POLICY, (raw, name) => {
    const ways = raw.split(',').map((w) => w.trim()).filter(Boolean);
    const unknown = ways.find((w) => !(AUTHORISATION_WAYS as readonly string[]).includes(w));
    if (unknown || ways.length === 0) throw new Error(`${name} holds ways of proving a change authorised (${AUTHORISATION_WAYS.join(', ')}), got "${unknown ?? raw}"`);
    return [...new Set(ways)] as AuthorisationWay[];
  });

/**
 * The kinds of environment where the requester of a deployment may not also be the one who authorised its change (so
 * requester, authoriser and approver are three people: execution keeps the other two apart).
 */
export type AuthoriserSeparation = Readonly<Record<EnvironmentKind, boolean>>;

/** Production separates requester and authoriser; the other kinds let one person do both. */
export const DEFAULT_AUTHORISER_SEPARATION: AuthoriserSeparation = Object.fromEntries(ENVIRONMENT_KINDS.map((kind) => [kind, kind === 'production'])) as unknown as AuthoriserSeparation;

/** GANTRY_REQUESTER_MAY_NOT_AUTHORISE_<KIND> (`true` or `false`); unset, the default. */
export const authoriserSeparationFromEnv = (env: NodeJS.ProcessEnv): AuthoriserSeparation =>
  perKind(env, 'GANTRY_REQUESTER_MAY_NOT_AUTHORISE', DEFAULT_AUTHORISER_SEPARATION, (raw, name) => {
    if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false, got "${raw}"`);
    return raw === 'true';
  });

/** What a change's authorisation is weighed by, as configured: the ways each kind accepts, where requester and authoriser are kept apart, and how identities compare. */
export interface AuthorisationRules {
  ways: AuthorisationPolicy;
  separation: AuthoriserSeparation;
  identityCase: IdentityCase;
}

export const DEFAULT_AUTHORISATION_RULES: AuthorisationRules = { ways: DEFAULT_AUTHORISATION_POLICY, separation: DEFAULT_AUTHORISER_SEPARATION, identityCase: DEFAULT_IDENTITY_CASE };

/** The rules from the service's configuration (its environment and GANTRY_IDENTITY_CASE). */
export const authorisationRulesFrom = (config: { env: NodeJS.ProcessEnv; identityCase: IdentityCase }): AuthorisationRules => ({
  ways: authorisationPolicyFromEnv(config.env),
  separation: authoriserSeparationFromEnv(config.env),
  identityCase: config.identityCase,
});

/** Why nothing proves the change authorised (AuthorisationNotProven), or undefined: who authorised it. */
export function authorisationOf(
  proof: AuthorisationProof,
  request: DeploymentRequested,
  accepted: readonly AuthorisationWay[],
  environmentKind: string,
  now: string,
): { authorisedBy: AuthorisedBy } | { why: string; details?: Record<string, unknown> } {
  if (!accepted.includes(proof.way)) {
    return { why: `a ${environmentKind} environment accepts an authorisation only by ${accepted.join(' or ')}, not by ${proof.way}`, details: { accepted } };
  }
  switch (proof.way) {
    case 'itsm':
      return { authorisedBy: { way: 'itsm', by: proof.by, source: proof.source, eventId: proof.eventId } };
    case 'permission':
      return proof.mayAuthorise
        ? { authorisedBy: { way: 'permission', by: proof.by } }
        : { why: 'the request says the change is authorised, but the requester does not hold changes:authorise and sent no signed authorisation' };
    case 'signed':
      return signedAuthorisationOf(proof, request, now);
  }
}

/** A signed authorisation proves the change when a trusted key signed it, it has not expired, and it is for this request. */
function signedAuthorisationOf(proof: SignedProof, request: DeploymentRequested, now: string): { authorisedBy: AuthorisedBy } | { why: string; details?: Record<string, unknown> } {
  const keyId = proof.keyId;
  if (proof.problem) return { why: `the signed authorisation cannot be read: ${proof.problem}` };
  const { key, claims } = proof;
  if (key.status === 'none') return { why: `no authorisation key ${keyId} is registered`, details: { keyId } };
  if (key.status === 'revoked' && Date.parse(key.effectiveAt) <= Date.parse(now)) return { why: `authorisation key ${keyId} was revoked: ${key.reason}`, details: { keyId } };
  if (!proof.signatureVerifies || !claims) return { why: `the signed authorisation's signature does not verify under key ${keyId}`, details: { keyId } };
  if (claims.exp * 1000 <= Date.parse(now)) return { why: `the signed authorisation expired at ${new Date(claims.exp * 1000).toISOString()}`, details: { keyId } };
  const differing: string[] = (['changeId', 'service', 'environment'] as const).filter((field) => claims[field] !== request[field]);
  if (!sameVersions(claims.components, request.components)) differing.push('components');
  if (differing.length) return { why: `the signed authorisation is for another ${differing.join(', ')}`, details: { keyId, differing } };
  return { authorisedBy: { way: 'signed', by: claims.sub ?? key.owner, keyId: key.keyId } };
}

/** The same component versions, in any order. */
const sameVersions = (a: readonly { name: string; version: string }[], b: readonly { name: string; version: string }[]) => {
  const set = (list: readonly { name: string; version: string }[]) => [...new Set(list.map((c) => `${c.name}\u0000${c.version}`))].sort().join('\n');
  return set(a) === set(b);
};
