import { ConfigurationError } from '@gantry/platform';
import { parseVerifierKey, type VerifierKey } from '@gantry/transparency-log';

/**
 * A witness (c2sp.org/tlog-witness) the ledger asks to cosign its checkpoints: someone outside Gantry (an auditor, the
 * ITSM side) who keeps the latest checkpoint it cosigned and cosigns a new one only if it extends that one. Its key
 * is the one the operator configured: a cosignature is stored only if it verifies with it.
 */
export interface LedgerWitness {
  /** its cosignature/v1 verifier key */
  readonly key: VerifierKey;
  /** its submission prefix: the ledger POSTs `<url>/add-checkpoint` */
  readonly url: string;
}

/**
 * GANTRY_LEDGER_WITNESSES: comma-separated `<witness vkey>=<submission URL>` (what the witness prints when it starts),
 * e.g. `itsm.example/witness+1a2b3c4d+BK…=https://witness.itsm.example`. Empty: no witnesses.
 */
export function ledgerWitnessesFromEnv(value: string | undefined): LedgerWitness[] {
  const witnesses: LedgerWitness[] = [];
  for (const item of (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const parts = /^(.+?)=(https?:\/\/\S+)$/.exec(item);
    if (!parts) throw new ConfigurationError(`GANTRY_LEDGER_WITNESSES: "${item}" is not <witness vkey>=<http(s) URL>`);
    const key = parseVerifierKey(parts[1]!);
    if (!key.ok) throw new ConfigurationError(`GANTRY_LEDGER_WITNESSES: ${key.reason}`);
    if (key.value.type !== 'cosignature/v1') throw new ConfigurationError(`GANTRY_LEDGER_WITNESSES: ${key.value.name}'s key is an ${key.value.type} key; a witness cosigns with a cosignature/v1 key`);
    let url: URL;
    try {
      url = new URL(parts[2]!);
    } catch {
      throw new ConfigurationError(`GANTRY_LEDGER_WITNESSES: "${parts[2]}" is not a URL`);
    }
    if (witnesses.some((w) => w.key.text === key.value.text)) throw new ConfigurationError(`GANTRY_LEDGER_WITNESSES: the witness ${key.value.name} is listed twice`);
    witnesses.push({ key: key.value, url: url.href.replace(/\/+$/, '') });
  }
  return witnesses;
}
