import { AUTHORISATION_WAYS, ENVIRONMENT_KINDS, type AuthorisationWay, type AuthorisedBy, type DeploymentRequested, type EnvironmentKind } from '@gantry/contracts';
import type { SignedProof } from '../authorisation-keys';

/**
 * What proves a request's change authorised, as its door read it: `itsm`, change enablement's ChangeAuthorized event;
 * `signed`, a signed authorisation the request carries; `permission`, only the requester's word, proof where they hold
 * `changes:authorise` and the environment's kind accepts that way.
 */
export type AuthorisationProof = { way: 'itsm'; by: string; source: string; eventId: string } | SignedProof | { way: 'permission'; by: string; mayAuthorise: boolean };

/** The ways of proving a change authorised each kind of environment accepts. */
export type AuthorisationPolicy = Readonly<Record<EnvironmentKind, readonly AuthorisationWay[]>>;

/** Production takes change enablement's word only (its event or its signature); the other kinds a permission too. */
export const DEFAULT_AUTHORISATION_POLICY: AuthorisationPolicy = Object.fromEntries(
  ENVIRONMENT_KINDS.map((kind) => [kind, kind === 'production' ? ['itsm', 'signed'] : [...AUTHORISATION_WAYS]]),
) as unknown as AuthorisationPolicy;

/** GANTRY_AUTHORISATION_<KIND> (e.g. GANTRY_AUTHORISATION_PRODUCTION=itsm,signed): comma-separated ways; unset, the default. */
export function authorisationPolicyFromEnv(env: NodeJS.ProcessEnv): AuthorisationPolicy {
  return Object.fromEntries(
    ENVIRONMENT_KINDS.map((kind) => {
      const name = `GANTRY_AUTHORISATION_${kind.toUpperCase()}`;
      const raw = env[name]?.trim();
      if (raw === undefined || raw === '') return [kind, DEFAULT_AUTHORISATION_POLICY[kind]];
      const ways = raw.split(',').map((w) => w.trim()).filter(Boolean);
      const unknown = ways.find((w) => !(AUTHORISATION_WAYS as readonly string[]).includes(w));
      if (unknown || ways.length === 0) throw new Error(`${name} holds ways of proving a change authorised (${AUTHORISATION_WAYS.join(', ')}), got "${unknown ?? raw}"`);
      return [kind, [...new Set(ways)]];
    }),
  ) as unknown as AuthorisationPolicy;
}

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
