import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import type { GantryClient } from '@gantry/client';
import { useSignedIn } from '../context';
import { Problem, Section } from '../ui';
import { openCheckpoint, readLogKey, verifyLedgerExport, type LedgerVerdict, type SignedCheckpoint } from './ledger-verification';

/** Every checkpoint the installation signed, page by page, opened with the key the auditor trusts. */
async function signedCheckpoints(gantry: GantryClient, vkey: string): Promise<SignedCheckpoint[]> {
  const key = await readLogKey(vkey);
  const notes: string[] = [];
  let after = 0;
  for (;;) {
    const { data } = await gantry.get('/audit/checkpoints', { query: { after, limit: 1000 } });
    notes.push(...(data.checkpoints as { note: string }[]).map((c) => c.note));
    if (!data.nextAfter || data.checkpoints.length === 0) break;
    after = data.nextAfter;
  }
  return Promise.all(notes.map((note) => openCheckpoint(note, key)));
}

/**
 * The auditor's check, in this browser: the installation's export (or an export file) against its signed
 * checkpoints, with the log's key the auditor trusts (prefilled from the installation; compare it with the one the
 * operator gave you).
 */
export function LedgerVerification() {
  const { gantry } = useSignedIn();
  const logKey = useQuery({ queryKey: ['log-key'], queryFn: async () => (await gantry.get('/audit/log-key')).data as { verifierKey: string; origin: string } });
  const [vkey, setVkey] = useState<string>();
  const key = vkey ?? logKey.data?.verifierKey ?? '';
  const [file, setFile] = useState<{ name: string; text: string }>();
  const verify = useMutation({
    mutationFn: async (source: 'installation' | 'file'): Promise<LedgerVerdict & { source: string }> => {
      const checkpoints = await signedCheckpoints(gantry, key);
      const exported = source === 'file' ? file!.text : ((await gantry.get('/audit/export', { query: { format: 'ndjson' } })).data as string) ?? '';
      return { ...(await verifyLedgerExport(exported, checkpoints)), source: source === 'file' ? file!.name : 'the installation’s export' };
    },
  });
  const chooseFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setFile(chosen ? { name: chosen.name, text: await chosen.text() } : undefined);
  };

  return (
    <>
      <h1>Ledger</h1>
      <Section title="Verify the ledger in this browser">
        <p>
          Recomputes the hash chain and the Merkle tree of every entry and checks them against every checkpoint the log signed, with WebCrypto. Nothing is
          taken on the server’s word but the key below: compare it with the one your operator gave you.
        </p>
        <p>
          <label htmlFor="vkey">Log verifier key</label>
          <input id="vkey" className="wide" value={key} onChange={(e) => setVkey(e.target.value)} spellCheck={false} />
        </p>
        <button type="button" disabled={!key || verify.isPending} onClick={() => verify.mutate('installation')}>
          Verify the installation’s ledger
        </button>
        <p>
          <label htmlFor="export-file">Or an export file (ndjson)</label>
          <input id="export-file" type="file" accept=".ndjson,.json,.txt,application/x-ndjson" onChange={chooseFile} />
          <button type="button" disabled={!key || !file || verify.isPending} onClick={() => verify.mutate('file')}>
            Verify the file
          </button>
        </p>
        {verify.isPending && <p aria-live="polite">Verifying…</p>}
        <Problem error={verify.error ?? logKey.error} />
        {verify.data && <Verdict verdict={verify.data} />}
      </Section>
    </>
  );
}

function Verdict({ verdict }: { verdict: LedgerVerdict & { source: string } }) {
  return (
    <div role="status" className={verdict.ok ? 'verdict verdict-ok' : 'verdict verdict-refused'} data-testid="ledger-verdict">
      {verdict.ok ? (
        <p>
          <strong>Verified.</strong> {verdict.source}: {verdict.entries} entries, chained from genesis; {verdict.checkpoints} signed checkpoints vouch for entries 1 to{' '}
          {verdict.signedUpTo}
          {verdict.signedUpTo < verdict.entries ? ` (the ${verdict.entries - verdict.signedUpTo} after are not signed yet)` : ''}.
        </p>
      ) : (
        <p>
          <strong>Refused.</strong> {verdict.source}: {verdict.reason}
          {verdict.firstBroken ? ` (first position not vouched for: ${verdict.firstBroken})` : ''}.
        </p>
      )}
    </div>
  );
}
