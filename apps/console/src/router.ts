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
  /** what stood in an environment at a time: `#/audit/environments/<name>?asOf=<ISO time>` (no time: now) */
  | { view: 'environment-as-of'; name?: string; asOf?: string }
  /** `#/findings/<deployment id>`: those about one deployment */
  | { view: 'findings'; deploymentId?: string }
  | { view: 'models' }
  /** `#/models/<name>/versions/<n>`: with that version's content open */
  | { view: 'model'; name: string; version?: number }
  | { view: 'reviews' }
  | { view: 'review'; id: string }
  /** what is deployed where, now */
  | { view: 'environments' }
  | { view: 'schedule' }
  | { view: 'approvals' };

export function placeOf(hash: string): Place {
  const [path, query] = hash.replace(/^#\/?/, '').split('?');
  const [first, second, third, fourth] = path.split('/').map(decodeURIComponent);
  if (first === 'audit' && second === 'environments') return { view: 'environment-as-of', name: third || undefined, asOf: new URLSearchParams(query).get('asOf') ?? undefined };
  if (first === 'findings') return { view: 'findings', deploymentId: second || undefined };
  if (first === 'models' && second) return { view: 'model', name: second, version: third === 'versions' && /^[1-9][0-9]*$/.test(fourth ?? '') ? Number(fourth) : undefined };
  if (first === 'models') return { view: 'models' };
  if (first === 'reviews' && second) return { view: 'review', id: second };
  if (first === 'reviews') return { view: 'reviews' };
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
    case 'environment-as-of':
      return `#/audit/environments${place.name ? `/${encodeURIComponent(place.name)}` : ''}${place.asOf ? `?${new URLSearchParams({ asOf: place.asOf })}` : ''}`;
    case 'findings':
      return `#/findings${place.deploymentId ? `/${encodeURIComponent(place.deploymentId)}` : ''}`;
    case 'model':
      return `#/models/${encodeURIComponent(place.name)}${place.version ? `/versions/${place.version}` : ''}`;
    case 'review':
      return `#/reviews/${encodeURIComponent(place.id)}`;
    case 'deployments':
    case 'request':
    case 'ledger':
    case 'kpis':
    case 'models':
    case 'reviews':
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
