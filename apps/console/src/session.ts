import { isRole, mayDo, type Permission, type Role } from '@gantry/auth/roles';
import type { Credentials } from './gantry';
import { claimsOf } from './token';

/**
 * Who is signed in, as far as the console can tell: a JWT names its subject and roles; an API key names nothing the
 * browser can read, so every action is shown and the server decides. Hiding an action is a courtesy, never the check.
 */
export interface Session extends Credentials {
  subject: string;
  /** undefined: not known to the console (an API key) */
  roles?: Role[];
  /** when the token expires (its `exp`, in milliseconds since the epoch); undefined for an API key */
  expiresAt?: number;
}

const STORAGE_KEY = 'gantry.console.session';

export function sessionOf(credentials: Credentials): Session {
  if (credentials.apiKey) return { apiKey: credentials.apiKey, subject: 'API key' };
  const claims = claimsOf(credentials.token ?? '');
  const roles = Array.isArray(claims?.roles) ? claims.roles.filter(isRole) : undefined;
  const expiresAt = typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  return { token: credentials.token, subject: typeof claims?.sub === 'string' ? claims.sub : 'unknown', roles, ...(expiresAt === undefined ? {} : { expiresAt }) };
}

/** Whether to offer an action: the role's permissions allow it (or the roles are not known). */
export const mayOffer = (session: Session, permission: Permission): boolean => (session.roles ? mayDo(session.roles, permission) : true);

export const savedSession = (): Session | undefined => {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  return saved ? sessionOf(JSON.parse(saved) as Credentials) : undefined;
};

export const saveSession = (session: Session | undefined): void =>
  session ? sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: session.token, apiKey: session.apiKey })) : sessionStorage.removeItem(STORAGE_KEY);
