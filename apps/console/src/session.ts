import { isRole, mayDo, type Permission, type Role } from '@gantry/auth/roles';
import type { Credentials } from './gantry';

/**
 * Who is signed in, as far as the console can tell: a JWT names its subject and roles; an API key names nothing the
 * browser can read, so every action is shown and the server decides. Hiding an action is a courtesy, never the check.
 */
export interface Session extends Credentials {
  subject: string;
  /** undefined: not known to the console (an API key) */
  roles?: Role[];
}

const STORAGE_KEY = 'gantry.console.session';

function claimsOf(token: string): { sub?: unknown; roles?: unknown } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as { sub?: unknown; roles?: unknown };
  } catch {
    return undefined;
  }
}

export function sessionOf(credentials: Credentials): Session {
  if (credentials.apiKey) return { apiKey: credentials.apiKey, subject: 'API key' };
  const claims = claimsOf(credentials.token ?? '');
  const roles = Array.isArray(claims?.roles) ? claims.roles.filter(isRole) : undefined;
  return { token: credentials.token, subject: typeof claims?.sub === 'string' ? claims.sub : 'unknown', roles };
}

/** Whether to offer an action: the role's permissions allow it (or the roles are not known). */
export const mayOffer = (session: Session, permission: Permission): boolean => (session.roles ? mayDo(session.roles, permission) : true);

export const savedSession = (): Session | undefined => {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  return saved ? sessionOf(JSON.parse(saved) as Credentials) : undefined;
};

export const saveSession = (session: Session | undefined): void =>
  session ? sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: session.token, apiKey: session.apiKey })) : sessionStorage.removeItem(STORAGE_KEY);
