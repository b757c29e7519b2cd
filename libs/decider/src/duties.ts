/**
 * How people's identities (token subjects) are compared where duties must be separated: the requester of a deployment
 * never approves it, and one approver counts once. `insensitive` (the default) takes `U-DEPLOYMENT-MANAGER` and
 * `u-deployment-manager` for the same person, as most identity providers do; `sensitive` where the provider tells
 * subjects apart by case. Either way Unicode compatibility forms count as one (NFKC: a full-width `ｕ` is a `u`).
 */
export const IDENTITY_CASES = ['insensitive', 'sensitive'] as const;
export type IdentityCase = (typeof IDENTITY_CASES)[number];
export const DEFAULT_IDENTITY_CASE: IdentityCase = 'insensitive';

/** The form two subjects are compared in. */
export const identityKey = (subject: string, identityCase: IdentityCase): string => {
  const normalised = subject.normalize('NFKC');
  return identityCase === 'insensitive' ? normalised.toLowerCase() : normalised;
};

export const sameIdentity = (a: string, b: string, identityCase: IdentityCase): boolean => identityKey(a, identityCase) === identityKey(b, identityCase);
