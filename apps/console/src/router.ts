import { useEffect, useState } from 'react';

/**
 * The console's places, in the URL's fragment: the API owns the paths (`/deployments` is planning's), so the console
 * never takes one. `#/deployments/<id>` and so on.
 */
export type Place =
  | { view: 'deployments' }
  | { view: 'deployment'; id: string }
  | { view: 'request' }
  | { view: 'audit'; id: string }
  | { view: 'ledger' }
  | { view: 'kpis' }
  | { view: 'environments' }
  | { view: 'schedule' }
  | { view: 'approvals' };

export function placeOf(hash: string): Place {
  const [first, second] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (first === 'deployments' && second) return { view: 'deployment', id: second };
  if (first === 'audit' && second) return { view: 'audit', id: second };
  if (first === 'request') return { view: 'request' };
  if (first === 'ledger') return { view: 'ledger' };
  if (first === 'kpis') return { view: 'kpis' };
  if (first === 'environments') return { view: 'environments' };
  if (first === 'schedule') return { view: 'schedule' };
  if (first === 'approvals') return { view: 'approvals' };
  return { view: 'deployments' };
}

export const hrefOf = (place: Place): string => {
  switch (place.view) {
    case 'deployment':
      return `#/deployments/${encodeURIComponent(place.id)}`;
    case 'audit':
      return `#/audit/${encodeURIComponent(place.id)}`;
    case 'deployments':
    case 'request':
    case 'ledger':
    case 'kpis':
    case 'environments':
    case 'schedule':
    case 'approvals':
      return `#/${place.view}`;
    default: {
      const never: never = place;
      return never;
    }
  }
};

export function usePlace(): Place {
  const [place, setPlace] = useState(() => placeOf(window.location.hash));
  useEffect(() => {
    const follow = () => setPlace(placeOf(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return place;
}
