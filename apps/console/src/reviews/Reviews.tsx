import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { Columns, Loading, Options, Problem, Status, time } from '../ui';
import type { ReviewSummary } from './review-views';

/** Reviews of deployment models (continual improvement): by model and status, each to its findings and initiatives. */
export function Reviews() {
  const { gantry } = useSignedIn();
  const [status, setStatus] = useState<'open' | 'closed' | ''>('');
  const reviews = useQuery({
    queryKey: ['reviews', 'all', status],
    queryFn: async () => (await gantry.get('/reviews', { query: status ? { status } : {} })).data.reviews as ReviewSummary[],
  });
  // newest first
  const shown = [...(reviews.data ?? [])].reverse();

  return (
    <>
      <h1>Model reviews</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as 'open' | 'closed' | '')}>
            <option value="">any</option>
            <Options values={['open', 'closed']} />
          </select>
        </label>
      </form>
      <Problem error={reviews.error} />
      {reviews.isPending ? (
        <Loading what="reviews" />
      ) : (
        <table>
          <caption>{shown.length} reviews, newest first</caption>
          <Columns names={['Review', 'Model version', 'Status', 'Why', 'Opened', 'Decision', 'Deployments reviewed']} />
          <tbody>
            {shown.map((r) => (
              <tr key={r.reviewId}>
                <th scope="row">
                  <a href={hrefOf({ view: 'review', id: r.reviewId })}>{r.reviewId}</a>
                </th>
                <td>
                  <a href={hrefOf({ view: 'model', name: r.name, version: r.version })}>
                    {r.name} v{r.version}
                  </a>
                </td>
                <td>
                  <Status status={r.status} />
                </td>
                <td>
                  {r.trigger}: {r.reason}
                </td>
                <td>{time(r.openedAt)}</td>
                <td>{r.decision ?? '—'}</td>
                <td>{r.findings?.deploymentsReviewed ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
