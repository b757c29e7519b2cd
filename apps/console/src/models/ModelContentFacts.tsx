import type { ModelContent } from './model-views';

const list = (values: readonly string[] | undefined) => (values?.length ? values.join(', ') : '—');

/** A model version's content as facts: how it deploys, who approves, what must hold; the whole of it below. */
export function ModelContentFacts({ content }: { content: ModelContent }) {
  return (
    <>
      {content.description && <p>{content.description}</p>}
      <dl className="facts">
        <dt>Strategy</dt>
        <dd>{content.strategy?.type ?? '—'}</dd>
        <dt>Environment flow</dt>
        <dd>{list(content.environmentFlow)}</dd>
        <dt>Automation</dt>
        <dd>{content.automationLevel ?? '—'}</dd>
        <dt>Rollback</dt>
        <dd>{content.rollbackPolicy ?? '—'}</dd>
        <dt>Backup required</dt>
        <dd>{content.backupRequired === undefined ? '—' : content.backupRequired ? 'yes' : 'no'}</dd>
        <dt>Gates</dt>
        <dd>
          {content.gates?.length
            ? content.gates.map((g) => `${g.minApprovers} of ${g.roles.join(' or ')}${g.environmentKind ? ` (${g.environmentKind})` : ''}`).join('; ')
            : 'none'}
        </dd>
        <dt>Manual steps</dt>
        <dd>{content.manualSteps?.length ? content.manualSteps.map((s) => `${s.role}: ${s.instruction}`).join('; ') : 'none'}</dd>
        <dt>Acceptance criteria</dt>
        <dd>{content.acceptanceCriteria?.length ? content.acceptanceCriteria.map((c) => c.description).join('; ') : 'none'}</dd>
        <dt>Applies to</dt>
        <dd>
          {content.applicability
            ? Object.entries(content.applicability)
                .filter(([, values]) => values.length > 0)
                .map(([what, values]) => `${what}: ${values.join(', ')}`)
                .join('; ')
            : '—'}
        </dd>
      </dl>
      <details>
        <summary>The whole content (JSON)</summary>
        <pre className="json">{JSON.stringify(content, null, 2)}</pre>
      </details>
    </>
  );
}
