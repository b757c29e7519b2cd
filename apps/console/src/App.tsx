import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { LedgerVerification } from './audit/LedgerVerification';
import { Timeline } from './audit/Timeline';
import { ApprovalsInbox } from './approvals/ApprovalsInbox';
import { SignedInContext } from './context';
import { DeploymentList } from './deployments/DeploymentList';
import { DeploymentPage } from './deployments/DeploymentPage';
import { RequestDeployment } from './deployments/RequestDeployment';
import { EnvironmentAsOf } from './environment-as-of/EnvironmentAsOf';
import { EnvironmentMatrix } from './environments/EnvironmentMatrix';
import { Findings } from './findings/Findings';
import { describeError, gantryClient, refusesCredentials, type ConsoleConfig } from './gantry';
import { Kpis } from './kpis/Kpis';
import { ModelPage } from './models/ModelPage';
import { Models } from './models/Models';
import { ReviewPage } from './reviews/ReviewPage';
import { Reviews } from './reviews/Reviews';
import { hrefOf, usePlace, type Place } from './router';
import { ScheduleCalendar } from './schedule/ScheduleCalendar';
import { mayOffer, savedSession, saveSession, type Session } from './session';
import { expiryDelay } from './token';
import { SignIn } from './sign-in/SignIn';

/** `notice`: why the console shows its sign-in page rather than the signed-in frame (a sign-in that failed). */
export function App({ config, notice: firstNotice }: { config: ConsoleConfig; notice?: string }) {
  const { location } = config;
  const [session, setSession] = useState<Session | undefined>(savedSession);
  const [notice, setNotice] = useState(firstNotice);
  const queries = useQueryClient();
  const place = usePlace();
  // a new place is announced like a new page: focus goes to its content
  useEffect(focusMain, [place]);
  const gantry = useMemo(() => (session ? gantryClient(location, session) : undefined), [location, session]);
  const signIn = (next: Session | undefined, why?: string) => {
    saveSession(next);
    queries.clear();
    setNotice(why);
    setSession(next);
  };
  // a token is good until it expires: then the console asks for a sign-in again
  useEffect(() => {
    const delay = session && expiryDelay(session.expiresAt, Date.now());
    if (delay === undefined) return;
    const timer = setTimeout(() => signIn(undefined, 'Your sign-in has expired: sign in again.'), delay);
    return () => clearTimeout(timer);
  }, [session]);
  // …and so it does when the services refuse the token (401: not one they accept, or expired)
  useEffect(() => {
    const refused = (error: unknown) => {
      // after the caches have told everyone of the error: signing out clears them
      if (refusesCredentials(error)) setTimeout(() => signIn(undefined, `Gantry refused your sign-in (${describeError(error)}).`));
    };
    const unsubscribe = [queries.getQueryCache(), queries.getMutationCache()].map((cache) =>
      cache.subscribe((event) => event.type === 'updated' && event.action.type === 'error' && refused(event.action.error)),
    );
    return () => unsubscribe.forEach((stop) => stop());
  }, [queries]);
  if (!session || !gantry) return <SignIn location={location} oidc={config.oidc} notice={notice} onSignedIn={signIn} />;

  const links: { place: Place; label: string; shown: boolean }[] = [
    { place: { view: 'deployments' }, label: 'Deployments', shown: mayOffer(session, 'deployments:read') },
    { place: { view: 'request' }, label: 'Request a deployment', shown: mayOffer(session, 'deployments:request') },
    { place: { view: 'ledger' }, label: 'Ledger', shown: mayOffer(session, 'audit:read') },
    { place: { view: 'kpis' }, label: 'KPIs', shown: mayOffer(session, 'kpis:read') },
    { place: { view: 'environment-as-of' }, label: 'Environments as of', shown: mayOffer(session, 'audit:read') },
    { place: { view: 'findings' }, label: 'Findings', shown: mayOffer(session, 'audit:read') },
    { place: { view: 'models' }, label: 'Models', shown: mayOffer(session, 'models:read') },
    { place: { view: 'reviews' }, label: 'Reviews', shown: mayOffer(session, 'models:read') },
    { place: { view: 'environments' }, label: 'Environments', shown: mayOffer(session, 'environments:read') },
    { place: { view: 'schedule' }, label: 'Schedule', shown: mayOffer(session, 'environments:read') },
    { place: { view: 'approvals' }, label: 'Approvals', shown: mayOffer(session, 'runs:approve') },
  ];
  return (
    <SignedInContext.Provider value={{ gantry, session, location }}>
      {/* the fragment holds the console's places: the skip link moves focus without going anywhere */}
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), focusMain())}>
        Skip to content
      </a>
      <header>
        <p className="brand">Gantry</p>
        <nav aria-label="Console">
          <ul>
            {links
              .filter((l) => l.shown)
              .map((l) => (
                <li key={l.label}>
                  <a href={hrefOf(l.place)} aria-current={l.place.view === place.view ? 'page' : undefined}>
                    {l.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <p className="who">
          Signed in as <strong>{session.subject}</strong> {rolesOf(session)}
        </p>
        <button type="button" onClick={() => signIn(undefined)}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <View place={place} />
      </main>
    </SignedInContext.Provider>
  );
}

const focusMain = () => document.getElementById('main')?.focus();

const rolesOf = (session: Session): string => {
  if (!session.roles) return '(roles known to the server only)';
  return session.roles.length ? `(${session.roles.join(', ')})` : "(no role of Gantry's in the token's roles claim)";
};

function View({ place }: { place: Place }) {
  switch (place.view) {
    case 'deployments':
      return <DeploymentList />;
    case 'deployment':
      return <DeploymentPage id={place.id} />;
    case 'request':
      return <RequestDeployment />;
    case 'audit':
      return <Timeline id={place.id} />;
    case 'ledger':
      return <LedgerVerification />;
    case 'kpis':
      return <Kpis />;
    // keyed by the place: a new environment, time or deployment starts the view's fields afresh
    case 'environment-as-of':
      return <EnvironmentAsOf key={`${place.name}@${place.asOf}`} name={place.name} asOf={place.asOf} />;
    case 'findings':
      return <Findings key={place.deploymentId} deploymentId={place.deploymentId} />;
    case 'models':
      return <Models />;
    case 'model':
      return <ModelPage name={place.name} version={place.version} />;
    case 'reviews':
      return <Reviews />;
    case 'review':
      return <ReviewPage id={place.id} />;
    case 'environments':
      return <EnvironmentMatrix />;
    case 'schedule':
      return <ScheduleCalendar />;
    case 'approvals':
      return <ApprovalsInbox />;
    default: {
      const never: never = place;
      return never;
    }
  }
}
