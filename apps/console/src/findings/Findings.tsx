import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Columns, Loading, Options, Problem, Section, time } from '../ui';

/** contracts' FINDING_SEVERITIES */
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

/** What records asks of a deployment id (a UUID): anything else it answers with 400. */
const DEPLOYMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AuditFinding {
  findingId: string;
  deploymentId: string;
  severity: Severity;
  description: string;
  recordedBy: string;
  recordedAt: string;
}

/**
 * Audit findings: compliance staff's observations about deployments (records' AuditFinding), filtered by deployment
 * and severity; raising one is offered to the roles that may (`findings:write`).
 */
export function Findings({ deploymentId }: { deploymentId?: string }) {
  const { gantry, session } = useSignedIn();
  const [deployment, setDeployment] = useState(deploymentId ?? '');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const filterBy = deployment.trim();
  const validFilter = filterBy === '' || DEPLOYMENT_ID.test(filterBy);
  const query = { ...(filterBy && validFilter ? { deploymentId: filterBy } : {}), ...(severity ? { severity } : {}) };
  const findings = useQuery({
    queryKey: ['findings', query],
    queryFn: async () => (await gantry.get('/audit/findings', { query })).data.findings as AuditFinding[],
    enabled: validFilter,
    // a finding is listed once its event is back from records' topic
    refetchInterval: 5000,
  });
  const shown = [...(findings.data ?? [])].sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));

  return (
    <>
      <h1>Audit findings</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Deployment
          <input value={deployment} onChange={(e) => setDeployment(e.target.value)} size={38} spellCheck={false} aria-describedby="deployment-filter-hint" />
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
            <option value="">any</option>
            <Options values={SEVERITIES} />
          </select>
        </label>
      </form>
      <p id="deployment-filter-hint" className={validFilter ? 'hint' : 'problem'}>
        {validFilter ? 'A deployment’s id (a UUID) shows only its findings.' : 'A deployment’s id is a UUID: type it whole.'}
      </p>
      <Problem error={findings.error} />
      {!validFilter ? null : findings.isPending ? (
        <Loading what="findings" />
      ) : (
        <table>
          <caption>
            {shown.length} finding{shown.length === 1 ? '' : 's'}
          </caption>
          <Columns names={['Recorded', 'Severity', 'Deployment', 'Description', 'Recorded by']} />
          <tbody>
            {shown.map((f) => (
              <tr key={f.findingId}>
                <td>{time(f.recordedAt)}</td>
                <td>
                  <span className={`status severity-${f.severity}`}>{f.severity}</span>
                </td>
                <td>
                  <a href={hrefOf({ view: 'audit', id: f.deploymentId })}>{f.deploymentId}</a>
                </td>
                <td>{f.description}</td>
                <td>{f.recordedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayOffer(session, 'findings:write') && <RaiseFinding deploymentId={validFilter ? filterBy : ''} />}
    </>
  );
}

/** `POST /audit/findings`: a finding against a deployment the ledger knows (404 otherwise). */
function RaiseFinding({ deploymentId }: { deploymentId: string }) {
  const { gantry } = useSignedIn();
  const queries = useQueryClient();
  const [about, setAbout] = useState<string>();
  const [severity, setSeverity] = useState<Severity>('medium');
  const [description, setDescription] = useState('');
  const target = (about ?? deploymentId).trim();
  const raise = useMutation({
    mutationFn: async () => (await gantry.post('/audit/findings', { body: { deploymentId: target, severity, description } })).data as AuditFinding,
    onSuccess: () => setDescription(''),
    onSettled: () => queries.invalidateQueries({ queryKey: ['findings'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    raise.mutate();
  };
  return (
    <Section title="Raise a finding">
      <form onSubmit={submit}>
        <label htmlFor="finding-deployment">Deployment (its id)</label>
        <input id="finding-deployment" value={about ?? deploymentId} onChange={(e) => setAbout(e.target.value)} size={38} spellCheck={false} required />
        <label htmlFor="finding-severity">Severity of the finding</label>
        <select id="finding-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
          <Options values={SEVERITIES} />
        </select>
        <label htmlFor="finding-description">What was found</label>
        <textarea id="finding-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} required />
        <button type="submit" disabled={raise.isPending || !DEPLOYMENT_ID.test(target) || !description.trim()}>
          Raise the finding
        </button>
      </form>
      {raise.isSuccess && (
        <p role="status">
          Finding {raise.data.findingId} recorded against <a href={hrefOf({ view: 'audit', id: raise.data.deploymentId })}>{raise.data.deploymentId}</a> ({raise.data.severity}).
        </p>
      )}
      <Problem error={raise.error} />
    </Section>
  );
}
