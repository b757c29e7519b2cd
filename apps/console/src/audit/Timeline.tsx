import { useMutation, useQuery } from '@tanstack/react-query';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { Columns, Loading, Problem, Section, time } from '../ui';
import { EvidenceExport } from './EvidenceExport';
import { readLogKey, verifyDeploymentBundle, type BundleVerdict, type DeploymentBundle } from './ledger-verification';
import { RecordAgreement } from './RecordAgreement';

interface HistoryEntry {
  position: number;
  type: string;
  source: string;
  id: string;
  time: string;
  causationId: string | null;
  actor: string | null;
  data: Record<string, unknown> | null;
}

interface Door {
  channel: string | null;
  roles: string | null;
  subject: string | null;
}

/** The event's name without its namespace and version: `gantry.planning.DeploymentPlanned.v1` → `DeploymentPlanned`. */
const shortType = (type: string) => type.split('.').slice(-2, -1)[0] ?? type;

/** What a person said with a gate's decision: an approver's comment, a denier's reason. */
const saidAt = (entry: HistoryEntry): string | undefined => {
  const name = shortType(entry.type);
  const words = name === 'ApprovalGranted' ? entry.data?.comment : name === 'ApprovalDenied' ? entry.data?.reason : undefined;
  return typeof words === 'string' ? words : undefined;
};

/** A row's badge once the deployment's entries were checked in the browser: proved, refused, or not in the checkpoint yet. */
function proofOf(position: number, verdict: BundleVerdict | undefined) {
  if (!verdict) return '—';
  if (verdict.ok) {
    return verdict.proved.includes(position) ? <span className="badge badge-ok">verified</span> : <span className="badge">after the checkpoint</span>;
  }
  return verdict.position === position ? <span className="badge badge-refused">refused</span> : '—';
}

/**
 * A deployment's ledger timeline in causal order (records' `history`: every cause before what it caused), with who
 * did each thing (and what they said with a gate's decision) and through which door (`rest`, `grpc`, `kafka`, `system`),
 * read from the entries' own bytes in the deployment's bundle; its evidence to take away (the bundle as a file), and
 * its record rebuilt from the ledger beside the live one.
 */
export function Timeline({ id }: { id: string }) {
  const { gantry } = useSignedIn();
  const audit = useQuery({ queryKey: ['audit', id], queryFn: async () => (await gantry.get('/audit/deployments/{id}', { path: { id } })).data });
  const bundle = useQuery({
    queryKey: ['bundle', id],
    queryFn: async () => (await gantry.get('/audit/deployments/{id}/bundle', { path: { id } })).data as DeploymentBundle,
  });
  const doors = new Map((bundle.data?.entries ?? []).map((e) => [e.position, (JSON.parse(e.entry) as { actor: Door | null }).actor]));
  const proofs = useMutation({
    mutationFn: async () => {
      const { verifierKey } = (await gantry.get('/audit/log-key')).data as { verifierKey: string };
      return verifyDeploymentBundle(bundle.data!, await readLogKey(verifierKey));
    },
  });
  if (audit.isPending) return <Loading what="the ledger timeline" />;
  if (audit.error) return <Problem error={audit.error} />;
  const history = audit.data.history as HistoryEntry[];
  const causes = new Map(history.map((h) => [h.id, h]));
  return (
    <>
      <h1>Ledger timeline</h1>
      <p>
        Deployment <a href={hrefOf({ view: 'deployment', id })}>{id}</a>: {history.length} ledger entries, causes first. Record{' '}
        {audit.data.state?.phase ?? 'open'}
        {audit.data.state?.outcome ? `, outcome ${audit.data.state.outcome}` : ''}. <a href={hrefOf({ view: 'findings', deploymentId: id })}>Its audit findings</a>.
      </p>
      <Problem error={bundle.error ?? proofs.error} />
      <p>
        <button type="button" disabled={!bundle.data || proofs.isPending} onClick={() => proofs.mutate()}>
          Verify this deployment’s entries
        </button>
        {proofs.data && (
          <span role="status" data-testid="bundle-verdict" className={proofs.data.ok ? 'verdict verdict-ok' : 'verdict verdict-refused'}>
            {proofs.data.ok
              ? `Verified: each of the ${proofs.data.entries} entries is in the tree the log's checkpoint of size ${proofs.data.treeSize} signs (inclusion proofs, checked in this browser).`
              : `Refused: ${proofs.data.reason}.`}
          </span>
        )}
      </p>
      <EvidenceExport id={id} />
      <RecordAgreement rebuilt={audit.data.state} live={audit.data.projection} entries={history.length} />
      <Section title="Ledger entries">
        <table className="timeline">
          <caption>Entries in causal order</caption>
          <Columns names={['Position', 'Time', 'Event', 'Service', 'Who', 'Door', 'Caused by', 'Proof']} />
          <tbody>
            {history.map((entry) => {
              const door = doors.get(entry.position);
              const cause = entry.causationId ? causes.get(entry.causationId) : undefined;
              const said = saidAt(entry);
              return (
                <tr key={entry.id}>
                  <td>{entry.position}</td>
                  <td>{time(entry.time)}</td>
                  <td title={entry.type}>
                    {shortType(entry.type)}
                    {said !== undefined && <q className="said">{said}</q>}
                  </td>
                  <td>{entry.source.replace('/gantry/', '')}</td>
                  <td>
                    {door?.subject ?? entry.actor ?? '—'}
                    {door?.roles ? ` (${door.roles})` : ''}
                  </td>
                  <td>{door?.channel ?? '—'}</td>
                  <td>{cause ? `#${cause.position} ${shortType(cause.type)}` : entry.causationId ? 'outside this deployment' : '—'}</td>
                  <td>{proofOf(entry.position, proofs.data)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
    </>
  );
}
