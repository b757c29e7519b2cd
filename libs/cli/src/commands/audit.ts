import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import { CliFailure, EXIT } from '../exit-codes';
import { examples, outputOption, wholeNumber, type Invocation } from '../invocation';
import { detailView, type Format } from '../output';
import { countingLines, progressBar } from '../progress';

/** What scripts/verify-ledger-export.js gives (`docs/ledger.md`, "Verifying an export"). */
interface Verified {
  intact: boolean;
  checked: number;
  signedUpTo?: number;
  firstBroken?: { position: number | null; reason: string };
  refused?: unknown;
  misbehaviour?: { reason: string };
}

interface Verifier {
  options(argv: string[]): unknown;
  verify(options: unknown): Promise<Verified>;
}

/**
 * The offline verifier, scripts/verify-ledger-export.js: the one an auditor runs without any Gantry code, so the CLI
 * loads it rather than having a second. Found above this file, in the checkout or beside dist/.
 */
function offlineVerifier(): Verifier {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const script = join(dir, 'scripts', 'verify-ledger-export.js');
    if (existsSync(script)) return createRequire(__filename)(script) as Verifier;
  }
  throw new CliFailure('scripts/verify-ledger-export.js is not installed beside gantry', EXIT.refused);
}

interface LedgerEntry {
  position: number;
  time: string;
  source: string;
  type: string;
  actor?: string;
}

/** GET /audit/deployments/{id}: the history, the record rebuilt from it (`state`) and records' live view of it (`projection`). */
interface AuditRecord {
  history: LedgerEntry[];
  state: { phase: string; outcome?: string };
  projection: unknown;
  integrity: { verified: boolean };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `gantry audit deployment|export|checkpoints|log-key|bundle|verify`: the ledger, taken away and checked offline (records). */
export function auditCommands(program: Command, cli: Invocation): void {
  const audit = program
    .command('audit')
    .description('the ledger: export it with its checkpoints and key, verify it offline (records)')
    .addHelpText('after', examples('gantry audit export --file ledger.ndjson', 'gantry audit verify ledger.ndjson --vkey @vkey --checkpoint checkpoints.json'));

  audit
    .command('deployment')
    .description("a deployment's audit record: its ledger entries in causal order, the record rebuilt from them, and whether records' live view agrees")
    .argument('<deployment-id>', 'the deployment id')
    .option('--wait-for-outcome <seconds>', 'wait (at most this long, up to 30) until records has closed the record with its outcome', wholeNumber('--wait-for-outcome', { max: 30 }))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry audit deployment 0f9a…', 'gantry audit deployment 0f9a… --wait-for-outcome 30 -o json'))
    .action(async (id: string, o: { waitForOutcome?: number; output: Format }) => {
      const { data } = await cli.client().get('/audit/deployments/{id}', { path: { id }, query: { waitForOutcome: o.waitForOutcome } });
      const record = data as AuditRecord;
      cli.show(
        {
          data,
          rows: record.history,
          columns: [
            { header: 'position', cell: (e: LedgerEntry) => e.position },
            { header: 'time', cell: (e: LedgerEntry) => e.time },
            { header: 'service', cell: (e: LedgerEntry) => e.source.replace('/gantry/', '') },
            { header: 'event', cell: (e: LedgerEntry) => e.type.split('.').at(-2) },
            { header: 'actor', cell: (e: LedgerEntry) => e.actor },
          ],
        },
        o.output,
      );
      if (o.output === 'table') {
        const agrees = isDeepStrictEqual(record.state, record.projection);
        cli.out(`\nphase ${record.state.phase}${record.state.outcome ? `, outcome ${record.state.outcome}` : ''}; records' live view ${agrees ? 'agrees with' : 'DIFFERS from'} the record rebuilt from the ledger; ledger ${record.integrity.verified ? 'verified' : 'NOT verified'}\n`);
      }
    });

  audit
    .command('export')
    .description('export the ledger (NDJSON: one entry\'s bytes a line, what `audit verify` checks); a progress bar on a terminal')
    .option('--file <path>', 'write it here (default: standard output)')
    .option('--from <position>', 'from this position (default 1: an export verifies only from genesis)', wholeNumber('--from', { min: 1 }))
    .option('--to <position>', 'up to this position (default: the last)', wholeNumber('--to', { min: 1 }))
    .addHelpText('after', examples('gantry audit export --file ledger.ndjson', 'gantry audit export --from 1 --to 5000 > first-5000.ndjson'))
    .action(async (o: { file?: string; from?: number; to?: number }) => {
      const { data: head } = await cli.client().get('/audit/digest');
      const last = Math.min(o.to ?? Infinity, (head as { position: number }).position);
      const bar = progressBar(cli.io.stderr, 'exporting', Math.max(0, last - (o.from ?? 1) + 1));
      const { data } = await cli.client(cli.credentials, { fetch: countingLines((lines) => bar.update(lines)) }).get('/audit/export', { query: { from: o.from, to: o.to, format: 'ndjson' } });
      bar.finish();
      const text = typeof data === 'string' ? data : '';
      if (o.file) {
        writeFileSync(o.file, text);
        cli.err(`${text.split('\n').filter(Boolean).length} entries written to ${o.file}\n`);
      } else cli.out(text);
    });

  audit
    .command('checkpoints')
    .description("the log's signed checkpoints; -o json is a checkpoint file `audit verify --checkpoint` reads")
    .option('--after <size>', 'only those of a larger tree size', wholeNumber('--after'), 0)
    .addOption(outputOption())
    .addHelpText('after', examples('gantry audit checkpoints', 'gantry audit checkpoints -o json > checkpoints.json'))
    .action(async (o: { after: number; output: Format }) => {
      const client = cli.client();
      const checkpoints: { treeSize?: number; size?: number; note: string }[] = [];
      for (let after: number | null = o.after; after !== null; ) {
        const { data } = await client.get('/audit/checkpoints', { query: { after, limit: 1000 } });
        const page = data as { checkpoints: typeof checkpoints; nextAfter?: number | null };
        checkpoints.push(...page.checkpoints);
        after = page.nextAfter ?? null;
      }
      cli.show(
        {
          data: { checkpoints },
          rows: checkpoints,
          columns: [
            { header: 'tree size', cell: (c: { treeSize?: number; size?: number }) => c.treeSize ?? c.size },
            { header: 'root', cell: (c: { note: string }) => c.note.split('\n')[2] },
          ],
        },
        o.output,
      );
    });

  audit
    .command('log-key')
    .description('the verifier key of the key that signs the checkpoints: what an auditor trusts')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry audit log-key', "gantry audit log-key -o json | node -p 'JSON.parse(require(\"fs\").readFileSync(0)).verifierKey' > vkey"))
    .action(async (o: { output: Format }) => {
      const { data } = await cli.client().get('/audit/log-key');
      cli.show(detailView(data, ['origin', 'verifierKey', 'keyId', 'algorithm']), o.output);
    });

  audit
    .command('bundle')
    .description("a deployment's evidence bundle: its entries, each with its inclusion proof, and a checkpoint")
    .argument('<deployment-id>', 'the deployment id')
    .option('--file <path>', 'write it here (default: standard output)')
    .addHelpText('after', examples('gantry audit bundle 0f9a… --file bundle.json && gantry audit verify --bundle bundle.json --vkey @vkey'))
    .action(async (id: string, o: { file?: string }) => {
      const { data } = await cli.client().get('/audit/deployments/{id}/bundle', { path: { id } });
      const text = `${JSON.stringify(data)}\n`;
      if (o.file) writeFileSync(o.file, text);
      else cli.out(text);
    });

  audit
    .command('verify')
    .description('verify a ledger export or a deployment bundle OFFLINE: no server, only the file, the checkpoints and the public key')
    .argument('[export]', 'the export (NDJSON from position 1)')
    .option('--bundle <file>', "a deployment's bundle instead of an export")
    .option('--vkey <key>', "the log's verifier key, or @file holding it (gantry audit log-key)")
    .option('--origin <origin>', "the log's origin (default: the key's name)")
    .option('--checkpoint <file>', 'a checkpoint: a signed note, or the JSON of `audit checkpoints -o json` (repeatable)', collect)
    .option('--checkpoints <dir>', 'every file in this directory is a checkpoint')
    .option('--digest <position:hash>', 'a digest kept earlier (GET /audit/digest) the export must hold')
    .option('--all-signed', 'every entry must be covered by a checkpoint')
    .option('--witness-key <key>', "a witness's verifier key, or @file (repeatable)", collect)
    .option('--quorum <n>', 'cosignatures of those witnesses each checkpoint needs')
    .option('--threads <n>', 'threads that hash entries (0: this one)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit 0: nothing contradicts the checkpoints; 5: the ledger is broken at the position it names; 2: a wrong command line.' +
        examples('gantry audit verify ledger.ndjson --vkey @vkey --checkpoint checkpoints.json --all-signed', 'gantry audit verify --bundle bundle.json --vkey @vkey'),
    )
    .action(async (file: string | undefined, o: Record<string, any> & { output: Format }) => {
      if (!file === !o.bundle) throw new CliFailure('give an export or --bundle <file>, one of them', EXIT.usage);
      const argv = [
        ...(file ? [file] : []),
        ...(o.bundle ? ['--bundle', o.bundle] : []),
        ...(o.vkey ? ['--vkey', o.vkey] : []),
        ...(o.origin ? ['--origin', o.origin] : []),
        ...(o.checkpoint ?? []).flatMap((c: string) => ['--checkpoint', c]),
        ...(o.checkpoints ? ['--checkpoints', o.checkpoints] : []),
        ...(o.digest ? ['--digest', o.digest] : []),
        ...(o.allSigned ? ['--all-signed'] : []),
        ...(o.witnessKey ?? []).flatMap((k: string) => ['--witness-key', k]),
        ...(o.quorum ? ['--quorum', o.quorum] : []),
        ...(o.threads ? ['--threads', o.threads] : []),
      ];
      const verifier = offlineVerifier();
      const result = await verifier.verify(verifier.options(argv));
      const shown = { ...result, firstBroken: result.firstBroken && `position ${result.firstBroken.position}: ${result.firstBroken.reason}`, misbehaviour: result.misbehaviour?.reason };
      cli.show({ ...detailView(shown, ['intact', 'checked', 'signedUpTo', 'treeSize', 'deploymentId', 'firstBroken', 'refused', 'misbehaviour']), data: result }, o.output);
      if (!result.intact) throw new CliFailure(`the ledger does not verify: ${shown.firstBroken ?? JSON.stringify(result.refused ?? result)}`, EXIT.notSucceeded);
    });
}
