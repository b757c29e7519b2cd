import { ConfigurationError } from '@gantry/platform';
import { generateKeyPair } from '@gantry/transparency-log';
import { ledgerLogPolicyFromEnv } from './ledger-log';
import { ledgerWitnessesFromEnv } from './ledger-witnesses';

const itsm = generateKeyPair('itsm.example/witness', 'cosignature/v1').verifierKey;
const auditor = generateKeyPair('audit.example/witness', 'cosignature/v1').verifierKey;

it('reads GANTRY_LEDGER_WITNESSES: comma-separated <witness vkey>=<URL>, the URL without its trailing slash', () => {
  expect(ledgerWitnessesFromEnv(`${itsm}=https://witness.itsm.example/, ${auditor}=http://127.0.0.1:7380/tlog`)).toEqual([
    { key: expect.objectContaining({ name: 'itsm.example/witness', type: 'cosignature/v1', text: itsm }), url: 'https://witness.itsm.example' },
    { key: expect.objectContaining({ name: 'audit.example/witness', text: auditor }), url: 'http://127.0.0.1:7380/tlog' },
  ]);
  expect(ledgerWitnessesFromEnv(undefined)).toEqual([]);
  expect(ledgerWitnessesFromEnv(' ')).toEqual([]);
});

it('is in the ledger policy only when witnesses are configured', () => {
  const env = { GANTRY_LEDGER_KEY_FILE: '/k' };
  expect(ledgerLogPolicyFromEnv(env, { process: 'records', dataDir: '/d' })).not.toHaveProperty('witnesses');
  expect(ledgerLogPolicyFromEnv({ ...env, GANTRY_LEDGER_WITNESSES: `${itsm}=https://w.example` }, { process: 'records', dataDir: '/d' }).witnesses).toHaveLength(1);
});

it.each([
  ['https://w.example', '"https://w.example" is not <witness vkey>=<http(s) URL>'],
  [`${itsm}=ftp://w.example`, 'is not <witness vkey>=<http(s) URL>'],
  [`${itsm.replace('+', '+0')}=https://w.example`, 'the key ID'],
  [`${generateKeyPair('log.example/log').verifierKey}=https://w.example`, "log.example/log's key is an ed25519 key; a witness cosigns with a cosignature/v1 key"],
  [`${itsm}=https://a.example,${itsm}=https://b.example`, 'the witness itsm.example/witness is listed twice'],
])('refuses %s', (value, reason) => {
  expect(() => ledgerWitnessesFromEnv(value)).toThrow(ConfigurationError);
  expect(() => ledgerWitnessesFromEnv(value)).toThrow(reason);
});
