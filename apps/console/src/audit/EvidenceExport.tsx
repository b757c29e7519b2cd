import { useMutation } from '@tanstack/react-query';
import { useSignedIn } from '../context';
import { Problem, Section } from '../ui';
import { saveFile } from './download';
import type { DeploymentBundle } from './ledger-verification';

/**
 * A deployment's evidence as one file: its bundle (`GET /audit/deployments/:id/bundle`, format
 * gantry.deployment-bundle.v1): every ledger entry of the deployment with its inclusion proof, and the signed
 * checkpoint they are proved against. Written as `gantry audit bundle --file` writes it, so that
 * `gantry audit verify --bundle` checks it offline with the log's public key alone.
 */
export function EvidenceExport({ id }: { id: string }) {
  const { gantry } = useSignedIn();
  const name = `gantry-evidence-${id}.json`;
  const exported = useMutation({
    mutationFn: async () => {
      const bundle = (await gantry.get('/audit/deployments/{id}/bundle', { path: { id } })).data as DeploymentBundle & { treeSize: number };
      saveFile(name, `${JSON.stringify(bundle)}\n`, 'application/json');
      return { entries: bundle.entries.length, treeSize: bundle.treeSize };
    },
  });
  return (
    <Section title="Evidence">
      <p>
        One file with this deployment’s ledger entries, each with its inclusion proof, and the signed checkpoint they are proved against. Anyone checks it
        offline with the log’s public key (the operator’s, or <code>gantry audit log-key</code>): <code>gantry audit verify --bundle {name} --vkey @vkey</code>.
      </p>
      <button type="button" disabled={exported.isPending} onClick={() => exported.mutate()}>
        Export evidence
      </button>
      {exported.data && (
        <p role="status" data-testid="evidence-saved">
          Saved {name}: {exported.data.entries} entries, proved against the checkpoint of tree size {exported.data.treeSize}.
        </p>
      )}
      <Problem error={exported.error} />
    </Section>
  );
}
