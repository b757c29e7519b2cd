import { useQuery } from '@tanstack/react-query';
import { GantryError } from '@gantry/client';
import { useSignedIn } from '../context';
import { Columns, Problem, Section, time } from '../ui';

/** A notice records issued about the deployment (records' README, "Deployment communications"). */
interface Notice {
  noticeId: string;
  kind: string;
  summary: string;
  issuedAt: string;
  impact?: { services: string[] };
  recipients: { name: string; role: string; contact?: { email?: string; chat?: string } }[];
}

interface KnowledgeArticle {
  articleId: string;
  title: string;
  symptoms: string;
  workaround: string;
  proposedAt: string;
}

/**
 * What the service desk and the service's stakeholders were told of the deployment (scheduled, started, completed,
 * failed, rolled back …) and the knowledge article proposed after it went wrong: `GET /audit/deployments/:id/communications`
 * (`audit:read`). Asked again while the deployment goes on.
 */
export function Communications({ id, ended }: { id: string; ended: boolean }) {
  const { gantry } = useSignedIn();
  const told = useQuery({
    queryKey: ['communications', id],
    queryFn: async () => {
      try {
        return (await gantry.get('/audit/deployments/{id}/communications', { path: { id } })).data as { notices: Notice[]; knowledgeArticles: KnowledgeArticle[] };
      } catch (error) {
        // records has not yet recorded anything of the deployment
        if (error instanceof GantryError && error.status === 404) return { notices: [], knowledgeArticles: [] };
        throw error;
      }
    },
    refetchInterval: ended ? 10_000 : 3000,
  });
  return (
    <Section title="Communications">
      <Problem error={told.error} />
      {told.data?.notices.length ? (
        <table>
          <caption>Notices to the service desk and the service’s stakeholders</caption>
          <Columns names={['Notice', 'Issued', 'Summary', 'Affected services', 'Recipients']} />
          <tbody>
            {told.data.notices.map((n) => (
              <tr key={n.noticeId} data-notice={n.kind}>
                <td>{n.kind}</td>
                <td>{time(n.issuedAt)}</td>
                <td>{n.summary}</td>
                <td>{n.impact?.services.join(', ')}</td>
                <td>{n.recipients.length ? n.recipients.map((r) => `${r.name} (${r.role}${r.contact?.email ? `, ${r.contact.email}` : ''})`).join('; ') : 'none in the service catalogue'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{told.isPending ? 'Loading the notices…' : 'No notice issued yet.'}</p>
      )}
      {told.data?.knowledgeArticles.map((a) => (
        <div key={a.articleId} className="note">
          <p>
            Knowledge article proposed on {time(a.proposedAt)}: <strong>{a.title}</strong>
          </p>
          <p>Symptoms: {a.symptoms}</p>
          <p>Workaround: {a.workaround}</p>
        </div>
      ))}
    </Section>
  );
}
