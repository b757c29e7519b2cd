import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Columns, Loading, Options, Problem, Section, Status, time } from '../ui';
import { INITIATIVE_STATUSES, type Initiative, type InitiativeStatus, type Review, type ReviewFindings } from './review-views';

const hours = (ms: number | null) => (ms === null ? '—' : `${(ms / 3_600_000).toFixed(1)} h`);

/**
 * A review of a deployment model: why it opened, the figures computed from the model's deployment records, the
 * reviewers' own findings, its improvement initiatives (whose status those who may change models move on), the
 * changes it asked for and how it ended.
 */
export function ReviewPage({ id }: { id: string }) {
  const { gantry, session } = useSignedIn();
  const review = useQuery({ queryKey: ['review', id], queryFn: async () => (await gantry.get('/reviews/{id}', { path: { id } })).data as Review });
  if (review.isPending) return <Loading what={`review ${id}`} />;
  if (review.error) return <Problem error={review.error} />;
  const r = review.data;
  const mayChange = mayOffer(session, 'models:write');
  return (
    <>
      <h1>
        Review {r.reviewId} <Status status={r.status} />
      </h1>
      <p>
        Of <a href={hrefOf({ view: 'model', name: r.opened.name, version: r.opened.version })}>{`${r.opened.name} version ${r.opened.version}`}</a>, opened by{' '}
        {r.opened.openedBy} on {time(r.opened.openedAt)} ({r.opened.trigger}): {r.opened.reason}
      </p>
      {r.findings && <Figures findings={r.findings} />}
      <Section title="Reviewers’ findings">
        {r.notes.length ? (
          <ul>
            {r.notes.map((n) => (
              <li key={`${n.recordedAt}-${n.summary}`}>
                <strong>{n.summary}</strong>
                {n.detail ? `: ${n.detail}` : ''} ({n.recordedBy}, {time(n.recordedAt)})
              </li>
            ))}
          </ul>
        ) : (
          <p>None recorded.</p>
        )}
      </Section>
      <Section title="Improvement initiatives">
        <table>
          <caption>
            {r.initiatives.length} initiative{r.initiatives.length === 1 ? '' : 's'}
          </caption>
          <Columns names={['Initiative', 'Owner', 'Due', 'Status', ...(mayChange ? ['Move it on'] : [])]} />
          <tbody>
            {r.initiatives.map((i) => (
              <tr key={i.initiativeId} data-initiative={i.initiativeId}>
                <th scope="row">
                  {i.title}
                  <br />
                  <small>{i.description}</small>
                </th>
                <td>{i.ownerRole}</td>
                <td>{i.dueDate}</td>
                <td>
                  <Status status={i.status} />
                </td>
                {mayChange && (
                  <td>
                    <InitiativeStatusControl review={r} initiative={i} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {r.changeRequests.length > 0 && (
        <Section title="Changes asked of change enablement">
          <ul>
            {r.changeRequests.map((c) => (
              <li key={c.requestedAt}>
                {c.summary} (from version {c.version}; {c.requestedBy}, {time(c.requestedAt)})
              </li>
            ))}
          </ul>
        </Section>
      )}
      {r.closed && (
        <Section title="Decision">
          <p>
            <strong>{r.closed.decision}</strong>: {r.closed.rationale} ({r.closed.closedBy}, {time(r.closed.closedAt)})
          </p>
        </Section>
      )}
    </>
  );
}

function Figures({ findings: f }: { findings: ReviewFindings }) {
  return (
    <Section title="Figures from the deployment records">
      <dl className="facts">
        <dt>Period</dt>
        <dd>
          {f.period.from ? time(f.period.from) : 'since the first'} to {time(f.period.to)}
        </dd>
        <dt>Deployments reviewed</dt>
        <dd>{f.deploymentsReviewed}</dd>
        <dt>Succeeded, failed, rolled back</dt>
        <dd>
          {f.succeeded}, {f.failed}, {f.rolledBack} ({f.cancelledOrRejected} cancelled or rejected; {f.productionRollbacks} production rollbacks)
        </dd>
        <dt>Success rate</dt>
        <dd>{f.successRate === null ? '—' : `${Math.round(f.successRate * 1000) / 10} %`}</dd>
        <dt>Lead time p50, p90</dt>
        <dd>
          {hours(f.leadTimeP50Ms)}, {hours(f.leadTimeP90Ms)}
        </dd>
        <dt>Failure causes</dt>
        <dd>{f.failureCauses.length ? f.failureCauses.map((c) => `${c.cause} (${c.count})`).join(', ') : 'none'}</dd>
      </dl>
    </Section>
  );
}

/** `PUT /reviews/:id/initiatives/:initiativeId/status`, against the review as read (If-Match: a stale one gets 412). */
function InitiativeStatusControl({ review, initiative }: { review: Review; initiative: Initiative }) {
  const { gantry } = useSignedIn();
  const queries = useQueryClient();
  const [status, setStatus] = useState<InitiativeStatus>(initiative.status);
  const change = useMutation({
    mutationFn: async () =>
      gantry.put('/reviews/{id}/initiatives/{initiativeId}/status', {
        path: { id: review.reviewId, initiativeId: initiative.initiativeId },
        body: { status },
        ifMatch: `"${review.version}"`,
      }),
    onSettled: () => queries.invalidateQueries({ queryKey: ['review', review.reviewId] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <form className="inline" onSubmit={submit} aria-label={`Initiative ${initiative.title}`}>
      <select aria-label={`New status of ${initiative.title}`} value={status} onChange={(e) => setStatus(e.target.value as InitiativeStatus)}>
        <Options values={INITIATIVE_STATUSES} />
      </select>
      <button type="submit" disabled={change.isPending || status === initiative.status}>
        Set status
      </button>
      <Problem error={change.error} />
    </form>
  );
}
