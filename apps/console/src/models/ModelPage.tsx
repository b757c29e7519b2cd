import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Columns, Loading, Problem, Section, Status, time } from '../ui';
import type { ReviewSummary } from '../reviews/review-views';
import { ModelContentFacts } from './ModelContentFacts';
import type { Model, ModelContent, ModelOutcome, ModelVersion } from './model-views';

/**
 * A deployment model: its versions (each to its content), the pilot of the active one, its outcomes per version and
 * its reviews. Those who may change models (`models:write`) are offered what needs no editor: publishing the pending
 * draft and opening a review.
 */
export function ModelPage({ name, version }: { name: string; version?: number }) {
  const { gantry, session } = useSignedIn();
  const model = useQuery({ queryKey: ['model', name], queryFn: async () => (await gantry.get('/models/{name}', { path: { name } })).data as Model });
  const shownVersion = version ?? model.data?.activeVersion ?? model.data?.draftVersion ?? undefined;
  const content = useQuery({
    queryKey: ['model-version', name, shownVersion],
    queryFn: async () => (await gantry.get('/models/{name}/versions/{version}', { path: { name, version: shownVersion! } })).data as ModelVersion & { content: ModelContent },
    enabled: shownVersion !== undefined,
  });
  const outcomes = useQuery({
    queryKey: ['model-outcomes', name],
    queryFn: async () => (await gantry.get('/model-outcomes', { query: { model: name } })).data.outcomes as ModelOutcome[],
  });
  const reviews = useQuery({ queryKey: ['reviews', name], queryFn: async () => (await gantry.get('/reviews', { query: { model: name } })).data.reviews as ReviewSummary[] });

  if (model.isPending) return <Loading what={`model ${name}`} />;
  if (model.error) return <Problem error={model.error} />;
  const m = model.data;
  return (
    <>
      <h1>
        {m.name} <Status status={m.status} />
      </h1>
      <dl className="facts">
        <dt>Active version</dt>
        <dd>{m.activeVersion ?? 'none'}</dd>
        <dt>Draft</dt>
        <dd>{m.draftVersion ?? 'none'}</dd>
        <dt>Published</dt>
        <dd>{time(m.publishedAt)}</dd>
        <dt>Pilot</dt>
        <dd>{m.pilot ? `version ${m.pilot.version}: ${m.pilot.succeeded.length} of ${m.pilot.of} supervised production deployments succeeded` : 'none'}</dd>
      </dl>
      {mayOffer(session, 'models:write') && <ModelActions model={m} />}
      <table>
        <caption>Versions of {m.name}</caption>
        <Columns names={['Version', 'Status', 'Based on', 'Asked for by review', 'Drafted', 'Published']} />
        <tbody>
          {m.versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <th scope="row">
                <a href={hrefOf({ view: 'model', name, version: v.version })} aria-current={v.version === shownVersion ? 'true' : undefined}>
                  Version {v.version}
                </a>
              </th>
              <td>
                <Status status={v.status} />
              </td>
              <td>{v.basedOn ?? '—'}</td>
              <td>{v.reviewId ? <a href={hrefOf({ view: 'review', id: v.reviewId })}>{v.reviewId}</a> : '—'}</td>
              <td>{time(v.draftedAt)}</td>
              <td>{time(v.publishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shownVersion !== undefined && (
        <Section title={`Version ${shownVersion}${content.data ? ` (${content.data.status})` : ''}`} id="version-heading">
          <Problem error={content.error} />
          {content.data ? <ModelContentFacts content={content.data.content} /> : <Loading what={`version ${shownVersion}`} />}
        </Section>
      )}
      <Section title="Outcomes">
        <Problem error={outcomes.error} />
        {outcomes.data?.length === 0 && <p>No deployment of {m.name} has closed yet.</p>}
        {!!outcomes.data?.length && (
          <table>
            <caption>Closed deployments of {m.name}, by version and outcome</caption>
            <Columns names={['Version', 'Outcome', 'Deployments', 'Last closed']} />
            <tbody>
              {outcomes.data.map((o) => (
                <tr key={`${o.version}-${o.outcome}`}>
                  <td>{o.version}</td>
                  <td>
                    <Status status={o.outcome} />
                  </td>
                  <td>{o.deployments}</td>
                  <td>{time(o.lastClosedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Reviews">
        <Problem error={reviews.error} />
        {reviews.data && (
          <ul>
            {reviews.data.map((r) => (
              <li key={r.reviewId}>
                <a href={hrefOf({ view: 'review', id: r.reviewId })}>Review {r.reviewId}</a> of version {r.version}, {r.status} ({r.trigger}: {r.reason})
              </li>
            ))}
            {reviews.data.length === 0 && <li>none yet</li>}
          </ul>
        )}
      </Section>
    </>
  );
}

/** Publishing the pending draft and opening a review: one field at most, the rest is model review's to decide. */
function ModelActions({ model }: { model: Model }) {
  const { gantry } = useSignedIn();
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: async (action: 'publish' | 'review') =>
      action === 'publish'
        ? gantry.post('/models/{name}/publish', { path: { name: model.name }, body: { version: model.draftVersion! }, ifMatch: `"${model.version}"` })
        : gantry.post('/reviews', { body: { model: model.name, reason } }),
    onSuccess: (_answer, action) => action === 'review' && setReason(''),
    onSettled: () => queries.invalidateQueries({ predicate: (q) => ['model', 'models', 'reviews', 'model-version'].includes(q.queryKey[0] as string) }),
  });
  return (
    <div className="controls">
      {model.draftVersion !== null && (
        <button type="button" disabled={act.isPending} onClick={() => act.mutate('publish')}>
          Publish version {model.draftVersion}
        </button>
      )}
      {model.status !== 'retired' && (
        <form onSubmit={(e) => (e.preventDefault(), act.mutate('review'))} aria-label="Open a review">
          <label htmlFor="review-reason">Why review it now</label>
          <input id="review-reason" className="wide" value={reason} onChange={(e) => setReason(e.target.value)} required />
          <button type="submit" disabled={act.isPending || !reason.trim()}>
            Open a review
          </button>
        </form>
      )}
      {act.isSuccess && <p role="status">Done: {act.variables === 'publish' ? 'published' : 'review opened'}.</p>}
      <Problem error={act.error} />
    </div>
  );
}
