import { createHash } from 'node:crypto';
import { generateKeyPair, MerkleTree, parseSigningKey, signCheckpoint } from '@gantry/transparency-log';
import { openCheckpoint, readLogKey, verifyDeploymentBundle, verifyLedgerExport } from './ledger-verification';
import { aSignedLedger, ORIGIN } from './test-fixtures';

/** The console's WebCrypto verifier against ledgers and checkpoints made by libs/transparency-log. */
const verify = async (exported: string, notes: readonly string[], vkey: string) => {
  const key = await readLogKey(vkey);
  return verifyLedgerExport(exported, await Promise.all(notes.map((note) => openCheckpoint(note, key))));
};

it('verifies an untouched export against every checkpoint, and says how far they vouch', async () => {
  const { exported, checkpoints, verifierKey } = aSignedLedger(13, [4, 8, 11]);
  expect(await verify(exported, checkpoints, verifierKey)).toEqual({ ok: true, entries: 13, signedUpTo: 11, checkpoints: 3 });
});

it('refuses an export with one changed entry, naming the checkpoint it contradicts', async () => {
  const { lines, checkpoints, verifierKey } = aSignedLedger(13, [4, 8, 11]);
  // the last entry of a tree is changed in place: no later entry names its hash, only the checkpoint's root catches it
  lines[7] = lines[7].replace('"subject":"alice"', '"subject":"mallory"');
  expect(await verify(lines.join('\n'), checkpoints, verifierKey)).toMatchObject({ ok: false, firstBroken: 8, signedUpTo: 4 });
});

it('refuses a changed entry that a later one chains to, a removed one, and a tail cut off', async () => {
  const { lines, checkpoints, verifierKey } = aSignedLedger(13, [4, 8, 11]);
  const changed = lines.map((line, i) => (i === 2 ? line.replace('entry 3', 'entry 3!') : line));
  expect(await verify(changed.join('\n'), checkpoints, verifierKey)).toMatchObject({ ok: false, firstBroken: 3, reason: 'entry 4 does not name the hash of entry 3: one of them was changed' });
  const removed = lines.filter((_, i) => i !== 5);
  expect(await verify(removed.join('\n'), checkpoints, verifierKey)).toMatchObject({ ok: false, firstBroken: 6 });
  expect(await verify(lines.slice(0, 9).join('\n'), checkpoints, verifierKey)).toMatchObject({ ok: false, firstBroken: 10, reason: expect.stringMatching(/cut off/) });
});

it('opens checkpoints with the configured key only', async () => {
  const { checkpoints, verifierKey } = aSignedLedger(3, [3]);
  const other = generateKeyPair(ORIGIN);
  await expect(openCheckpoint(checkpoints[0], await readLogKey(other.verifierKey))).rejects.toThrow(/no signature of the log key/);
  const forged = checkpoints[0].replace('\n3\n', '\n2\n');
  await expect(openCheckpoint(forged, await readLogKey(verifierKey))).rejects.toThrow(/does not verify/);
  const [name, , ...key] = verifierKey.split('+');
  await expect(readLogKey(`${name}+00000000+${key.join('+')}`)).rejects.toThrow(/ID 00000000 is not the one/);
});

it('refuses a checkpoint of another log signed by a key of that name', async () => {
  const other = generateKeyPair('elsewhere.test/ledger');
  const key = parseSigningKey(other.signingKey);
  if (!key.ok) throw new Error(key.reason);
  const note = signCheckpoint({ origin: 'elsewhere.test/ledger', size: 0, root: new MerkleTree().root(), extensions: [] }, key.value);
  expect((await openCheckpoint(note, await readLogKey(other.verifierKey))).size).toBe(0);
});

it("verifies a deployment's bundle by its entries' inclusion proofs, and refuses a changed entry or proof", async () => {
  const { bundle, verifierKey } = aSignedLedger(13, [4, 11]);
  const key = await readLogKey(verifierKey);
  expect(await verifyDeploymentBundle(bundle(), key)).toEqual({ ok: true, entries: 11, treeSize: 11, proved: bundle().entries.map((e) => e.position) });
  for (const size of [1, 2, 3, 5, 7, 8]) {
    const { bundle: small, verifierKey: smallKey } = aSignedLedger(size, [size]);
    expect(await verifyDeploymentBundle(small(), await readLogKey(smallKey))).toEqual({ ok: true, entries: size, treeSize: size, proved: small().entries.map((e) => e.position) });
  }
  const changed = bundle();
  changed.entries[6].entry = changed.entries[6].entry.replace('alice', 'mallory');
  expect(await verifyDeploymentBundle(changed, key)).toMatchObject({ ok: false, position: 7, reason: expect.stringMatching(/do not have the hash/) });
  const rehashed = bundle();
  rehashed.entries[6].entry = rehashed.entries[6].entry.replace('alice', 'mallory');
  rehashed.entries[6].leafHash = createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(rehashed.entries[6].entry)])).digest('hex');
  expect(await verifyDeploymentBundle(rehashed, key)).toMatchObject({ ok: false, position: 7, reason: expect.stringMatching(/not proved/) });
  const otherKey = await readLogKey(generateKeyPair(ORIGIN).verifierKey);
  expect(await verifyDeploymentBundle(bundle(), otherKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/no signature of the log key/) });
});
