import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import type { GantryClient } from '@gantry/client';
import { useSignedIn, type SignedIn } from '../context';
import { gantryClient } from '../gantry';
import { Problem, Section } from '../ui';
import { saveFile } from './download';
import { countingFetch, describeProgress, sizeOf, type ExportProgress } from './export-progress';
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
 * The installation's export (NDJSON) from genesis up to its head as it is now, whose size is known first, so that
 * its progress is `entries of total` while the body streams in (shown at most every 100 ms, and at its end).
 */
async function exportLedger({ gantry, location, session }: SignedIn, onProgress: (progress: ExportProgress) => void): Promise<{ text: string; progress: ExportProgress }> {
  const { position } = (await gantry.get('/audit/digest')).data as { position: number };
  let last: ExportProgress = { entries: 0, bytes: 0, total: position };
  let shownAt = 0;
  onProgress(last);
  const counting = gantryClient(
    location,
    session,
    countingFetch(position, (progress) => {
      last = progress;
      if (performance.now() - shownAt < 100) return;
      shownAt = performance.now();
      onProgress(progress);
    }),
  );
  const { data } = await counting.get('/audit/export', { query: { format: 'ndjson', ...(position > 0 ? { to: position } : {}) } });
  onProgress(last);
  return { text: typeof data === 'string' ? data : '', progress: last };
}

/** How far an export has come: a progress bar and its figures. */
function ExportProgressBar({ progress, label }: { progress: ExportProgress; label: string }) {
  return (
    <p className="export-progress">
      <label htmlFor="export-progress">{label}</label>
      <progress id="export-progress" data-testid="export-progress" max={Math.max(1, progress.total)} value={progress.total === 0 ? 1 : progress.entries} />{' '}
      <span>{describeProgress(progress)}</span>
    </p>
  );
}

/**
 * The auditor's check, in this browser: the installation's export (or an export file) against its signed
 * checkpoints, with the log's key the auditor trusts (prefilled from the installation; compare it with the one the
 * operator gave you).
 */
export function LedgerVerification() {
  const signedIn = useSignedIn();
  const { gantry } = signedIn;
  const [progress, setProgress] = useState<{ of: 'export' | 'verification'; progress: ExportProgress }>();
  const logKey = useQuery({ queryKey: ['log-key'], queryFn: async () => (await gantry.get('/audit/log-key')).data as { verifierKey: string; origin: string } });
  const [vkey, setVkey] = useState<string>();
  const key = vkey ?? logKey.data?.verifierKey ?? '';
  const [file, setFile] = useState<{ name: string; text: string }>();
  const verify = useMutation({
    mutationFn: async (source: 'installation' | 'file'): Promise<LedgerVerdict & { source: string }> => {
      // the checkpoints first: the export then goes up to a head at least as far as each of them
      const checkpoints = await signedCheckpoints(gantry, key);
      const exported = source === 'file' ? file!.text : (await exportLedger(signedIn, (p) => setProgress({ of: 'verification', progress: p }))).text;
      return { ...(await verifyLedgerExport(exported, checkpoints)), source: source === 'file' ? file!.name : 'the installation’s export' };
    },
  });
  const exportFile = useMutation({
    mutationFn: async () => {
      const { text, progress: done } = await exportLedger(signedIn, (p) => setProgress({ of: 'export', progress: p }));
      const name = `gantry-ledger-1-${done.total}.ndjson`;
      saveFile(name, text, 'application/x-ndjson');
      return { name, progress: done };
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
        {verify.isPending && progress?.of === 'verification' && <ExportProgressBar progress={progress.progress} label="The installation’s export" />}
        <Problem error={verify.error ?? logKey.error} />
        {verify.data && <Verdict verdict={verify.data} />}
      </Section>
      <Section title="Export the ledger">
        <p>
          Every entry from genesis to the head as it is now, one entry’s bytes a line (NDJSON): what the file check above, <code>gantry audit verify</code> and{' '}
          <code>scripts/verify-ledger-export.js</code> verify with the log’s key and its checkpoints (<code>gantry audit checkpoints -o json</code>).
        </p>
        <button type="button" disabled={exportFile.isPending} onClick={() => exportFile.mutate()}>
          Export the ledger
        </button>
        {progress?.of === 'export' && <ExportProgressBar progress={progress.progress} label="Ledger export" />}
        {exportFile.data && (
          <p role="status" data-testid="export-saved">
            Saved {exportFile.data.name}: {exportFile.data.progress.entries} entries ({sizeOf(exportFile.data.progress.bytes)}).
          </p>
        )}
        <Problem error={exportFile.error} />
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
