import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { LedgerVerification } from './audit/LedgerVerification';
import { Timeline } from './audit/Timeline';
import { ApprovalsInbox } from './approvals/ApprovalsInbox';
import { SignedInContext } from './context';
import { DeploymentList } from './deployments/DeploymentList';
import { DeploymentPage } from './deployments/DeploymentPage';
import { RequestDeployment } from './deployments/RequestDeployment';
import { EnvironmentMatrix } from './environments/EnvironmentMatrix';
import { gantryClient, type ApiLocation } from './gantry';
import { Kpis } from './kpis/Kpis';
import { hrefOf, usePlace, type Place } from './router';
import { ScheduleCalendar } from './schedule/ScheduleCalendar';
import { mayOffer, savedSession, saveSession, type Session } from './session';
import { SignIn } from './sign-in/SignIn';

export function App({ location }: { location: ApiLocation }) {
  const [session, setSession] = useState<Session | undefined>(savedSession);
  const queries = useQueryClient();
  const place = usePlace();
  // a new place is announced like a new page: focus goes to its content
  useEffect(focusMain, [place]);
  const gantry = useMemo(() => (session ? gantryClient(location, session) : undefined), [location, session]);
  const signIn = (next: Session | undefined) => {
    saveSession(next);
    queries.clear();
    setSession(next);
  };
  if (!session || !gantry) return <SignIn location={location} onSignedIn={signIn} />;

  const links: { place: Place; label: string; shown: boolean }[] = [
    { place: { view: 'deployments' }, label: 'Deployments', shown: mayOffer(session, 'deployments:read') },
    { place: { view: 'request' }, label: 'Request a deployment', shown: mayOffer(session, 'deployments:request') },
    { place: { view: 'ledger' }, label: 'Ledger', shown: mayOffer(session, 'audit:read') },
    { place: { view: 'kpis' }, label: 'KPIs', shown: mayOffer(session, 'kpis:read') },
    { place: { view: 'environments' }, label: 'Environments', shown: mayOffer(session, 'environments:read') },
    { place: { view: 'schedule' }, label: 'Schedule', shown: mayOffer(session, 'environments:read') },
    { place: { view: 'approvals' }, label: 'Approvals', shown: mayOffer(session, 'runs:approve') },
  ];
  return (
    <SignedInContext.Provider value={{ gantry, session }}>
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
          Signed in as <strong>{session.subject}</strong> {session.roles ? `(${session.roles.join(', ')})` : '(roles known to the server only)'}
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
