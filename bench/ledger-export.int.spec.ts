import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The export bench, small: 10,000 events exported over HTTP by the records service as its own process, with its V8
 * heap capped at 96 MiB (an export that held the range in memory would not fit), verified offline against the digest.
 * The 200,000-event run is `node -r @swc-node/register bench/ledger-export.ts` (numbers in services/records/README.md).
 */
it('an export streams from the records process under a capped heap and verifies offline', () => {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'ledger-export.ts'), '--events', '10000', '--heap', '96'], {
    cwd: join(__dirname, '..'),
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 120_000,
  });
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result).toMatchObject({ events: 10000, offlineVerification: { exitCode: 0, intact: true, checked: 10000 } });
  expect(result.recordsRss.peakDuringExportMiB).toBeGreaterThan(0);
}, 150_000);
