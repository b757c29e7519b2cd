import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { describeError, type ApiLocation } from '../gantry';
import { sessionOf, type Session } from '../session';
import { describeSignInFailure, providerName, type OidcSettings } from './oidc';
import { beginSignIn } from './provider-sign-in';

/**
 * Signing in: with the installation's identity provider where `console-config.json` names one (`oidc`), or by
 * pasting a bearer token or an API key. The embedded default on its development secret also offers a development
 * sign-in per role (`/console/development-sign-in`, which exists nowhere else).
 */
export function SignIn({
  location,
  oidc,
  notice,
  onSignedIn,
}: {
  location: ApiLocation;
  oidc?: OidcSettings;
  notice?: string;
  onSignedIn: (session: Session) => void;
}) {
  const base = location.baseUrl ?? '';
  const development = useQuery({
    queryKey: ['development-sign-in', base],
    queryFn: async () => {
      const response = await fetch(`${base}/console/development-sign-in`, { headers: { accept: 'application/json' } });
      return response.ok ? ((await response.json()) as { roles: string[] }) : null;
    },
    enabled: Boolean(location.baseUrl),
  });
  const [kind, setKind] = useState<'token' | 'apiKey'>('token');
  const [secret, setSecret] = useState('');
  const [role, setRole] = useState('deployment-manager');
  const [subject, setSubject] = useState('');
  const [problem, setProblem] = useState(notice);
  const [leaving, setLeaving] = useState(false);

  const withProvider = async (settings: OidcSettings) => {
    setProblem(undefined);
    setLeaving(true);
    const failure = await beginSignIn(settings);
    if (!failure) return;
    setLeaving(false);
    setProblem(describeSignInFailure(failure, providerName(settings)));
  };

  const pasted = (event: FormEvent) => {
    event.preventDefault();
    const value = secret.trim();
    if (!value) return setProblem('paste a token or an API key');
    onSignedIn(sessionOf(kind === 'token' ? { token: value } : { apiKey: value }));
  };

  const developmentSignIn = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const response = await fetch(`${base}/console/development-sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ role, subject: subject.trim() || role }),
      });
      const body = (await response.json()) as { token?: string; message?: string };
      if (!response.ok || !body.token) throw new Error(body.message ?? `HTTP ${response.status}`);
      onSignedIn(sessionOf({ token: body.token }));
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Gantry</h1>
      {problem && <p role="alert" className="problem">{problem}</p>}
      {oidc && (
        <section aria-labelledby="provider-heading">
          <h2 id="provider-heading">With your organisation's account</h2>
          <button type="button" onClick={() => void withProvider(oidc)} disabled={leaving}>
            Sign in with {providerName(oidc)}
          </button>
        </section>
      )}
      <form onSubmit={pasted} aria-labelledby="paste-heading">
        <h2 id="paste-heading">With a token or an API key</h2>
        <fieldset>
          <legend>Credential</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'token'} onChange={() => setKind('token')} /> Bearer token (JWT)
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'apiKey'} onChange={() => setKind('apiKey')} /> API key
          </label>
        </fieldset>
        <label htmlFor="secret">{kind === 'token' ? 'Token' : 'API key'}</label>
        <textarea id="secret" rows={3} value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" spellCheck={false} />
        <button type="submit">Sign in</button>
      </form>
      {development.data && (
        <form onSubmit={developmentSignIn} aria-labelledby="development-heading">
          <h2 id="development-heading">Development sign-in</h2>
          <p>This embedded default runs on its development secret (no GANTRY_JWT_SECRET): pick a role and a name.</p>
          <label htmlFor="role">Role</label>
          <select id="role" value={role} onChange={(e) => setRole(e.target.value)}>
            {development.data.roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <label htmlFor="subject">Name</label>
          <input id="subject" value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="e.g. alice" autoComplete="username" />
          <button type="submit">Sign in as this role</button>
        </form>
      )}
    </main>
  );
}
