import fc from 'fast-check';
import { MerkleTree } from '../merkle/merkle-tree';
import { cosign } from '../note/cosignature';
import { openNote } from '../note/open-note';
import { generateKeyPair, parseSigningKey, verifierKeyOf, type SigningKey } from '../note/keys';
import { checkExtends, findSplitViews } from './misbehaviour';
import { signCheckpoint, verifyCheckpoint, type CheckpointTrust, type VerifiedCheckpoint } from './signed-checkpoint';

const value = <T>(outcome: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};
const ORIGIN = 'gantry.example/ledger';
const key = (name: string, type: 'ed25519' | 'cosignature/v1' = 'ed25519'): SigningKey => value(parseSigningKey(generateKeyPair(name, type).signingKey));
const LOG = key(ORIGIN);
const [W1, W2, W3] = ['witness.example/w1', 'witness.example/w2', 'auditor.example/w3'].map((name) => key(name, 'cosignature/v1')) as [SigningKey, SigningKey, SigningKey];
const TRUST: CheckpointTrust = { origin: ORIGIN, logKeys: [LOG.verifierKey], witnesses: [W1, W2, W3].map((w) => w.verifierKey), quorum: 0 };

const treeOf = (n: number, tag = 'entry') => {
  const tree = new MerkleTree();
  for (let i = 0; i < n; i++) tree.appendEntry(Buffer.from(`${tag} ${i}`));
  return tree;
};
const checkpointOf = (tree: MerkleTree, size = tree.size) => ({ origin: ORIGIN, size, root: value(tree.rootAt(size)), extensions: [] });
const bodyOf = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1);
const cosigned = (note: string, witnesses: SigningKey[], at = 1_760_000_000) => note + witnesses.map((w) => cosign(bodyOf(note), w, at)).join('');

describe('a signed checkpoint', () => {
  const tree = treeOf(1000);
  const note = signCheckpoint(checkpointOf(tree), LOG);

  it("verifies with the log's verifier key and the origin the verifier was configured with", () => {
    const verified = value(verifyCheckpoint(note, TRUST));
    expect(verified.checkpoint).toMatchObject({ origin: ORIGIN, size: 1000 });
    expect(Buffer.from(verified.checkpoint.root).equals(Buffer.from(tree.root()))).toBe(true);
    expect(verified.signedBy).toBe(LOG.verifierKey);
    expect(verified.note).toBe(note);
  });

  it('is refused when another key signed it, even one that takes the log’s name (CVE-2022-39199)', () => {
    const impostor = key(ORIGIN);
    const forged = signCheckpoint(checkpointOf(treeOf(1000, 'forged')), impostor);
    expect(verifyCheckpoint(forged, TRUST)).toMatchObject({ ok: false, reason: expect.stringMatching(/^no trusted key signed the note/) });
    // the impostor's key is in the note's eyes as good as the log's: only the configuration decides
    expect(value(verifyCheckpoint(forged, { ...TRUST, logKeys: [impostor.verifierKey] })).signedBy.name).toBe(ORIGIN);
  });

  it('is refused for another origin than the one trusted, and when only a witness signed it', () => {
    expect(verifyCheckpoint(note, { ...TRUST, origin: 'gantry.example/other' })).toEqual({ ok: false, reason: `the checkpoint is of origin "${ORIGIN}"; this verifier trusts "gantry.example/other"` });
    const onlyWitnessed = `${bodyOf(note)}\n${cosign(bodyOf(note), W1, 1_760_000_000)}`;
    expect(verifyCheckpoint(onlyWitnessed, TRUST)).toMatchObject({ ok: false, reason: expect.stringMatching(/^the checkpoint is not signed by the log's key/) });
  });

  it('is refused when any character of it changes', () => {
    fc.assert(
      fc.property(fc.nat(note.length - 1), fc.integer({ min: 1, max: 0x2fff }), (at, code) => {
        const changed = note.slice(0, at) + String.fromCharCode(code) + note.slice(at + 1);
        fc.pre(changed !== note);
        expect(verifyCheckpoint(changed, TRUST).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('is refused under a configuration that cannot be right', () => {
    expect(verifyCheckpoint(note, { ...TRUST, logKeys: [] })).toEqual({ ok: false, reason: "the verifier's configuration: no log key is trusted" });
    expect(verifyCheckpoint(note, { ...TRUST, logKeys: [W1.verifierKey] }).ok).toBe(false);
    expect(verifyCheckpoint(note, { ...TRUST, witnesses: [LOG.verifierKey] }).ok).toBe(false);
    expect(verifyCheckpoint(note, { ...TRUST, quorum: 4 })).toEqual({ ok: false, reason: "the verifier's configuration: a quorum of 4 cannot be met by 3 trusted witnesses" });
    const logAsWitness = value(verifierKeyOf(ORIGIN, 'cosignature/v1', LOG.verifierKey.publicKey));
    expect(verifyCheckpoint(note, { ...TRUST, witnesses: [logAsWitness] })).toEqual({
      ok: false,
      reason: `the verifier's configuration: ${ORIGIN}'s public key is trusted both as the log's and as a witness's: a witness must be someone other than the log`,
    });
    const w1Again = value(verifierKeyOf('witness.example/w1-again', 'cosignature/v1', W1.verifierKey.publicKey));
    expect(verifyCheckpoint(note, { ...TRUST, witnesses: [W1.verifierKey, w1Again], quorum: 2 })).toEqual({
      ok: false,
      reason: "the verifier's configuration: two trusted witnesses share a public key: they would count twice towards the quorum",
    });
  });

  it('keeps a log key that rotates: either trusted key verifies', () => {
    const next = key(ORIGIN);
    expect(value(verifyCheckpoint(signCheckpoint(checkpointOf(tree), next), { ...TRUST, logKeys: [LOG.verifierKey, next.verifierKey] })).signedBy).toBe(next.verifierKey);
  });
});

describe('witnesses and their quorum', () => {
  const note = signCheckpoint(checkpointOf(treeOf(20)), LOG);

  it('counts each trusted witness once, with the time it cosigned', () => {
    const verified = value(verifyCheckpoint(cosigned(note, [W1, W3, W1]), { ...TRUST, quorum: 2 }));
    expect(verified.cosignatures.map((c) => [c.witness.name, c.timestamp])).toEqual([
      ['witness.example/w1', 1_760_000_000],
      ['auditor.example/w3', 1_760_000_000],
    ]);
  });

  it('refuses a checkpoint short of the quorum, naming who cosigned', () => {
    expect(verifyCheckpoint(cosigned(note, [W2]), { ...TRUST, quorum: 2 })).toEqual({ ok: false, reason: '1 of the 3 trusted witnesses cosigned the checkpoint (witness.example/w2); 2 are required' });
    // a witness this verifier does not trust does not count, whatever its name
    const stranger = key('witness.example/w1', 'cosignature/v1');
    expect(verifyCheckpoint(cosigned(note, [W2, stranger]), { ...TRUST, quorum: 2 }).ok).toBe(false);
  });

  it('refuses a cosignature of a trusted witness that does not verify (for another text, or another time)', () => {
    const other = signCheckpoint(checkpointOf(treeOf(21)), LOG);
    const wrongText = `${note}${cosign(bodyOf(other), W1, 1_760_000_000)}`;
    expect(verifyCheckpoint(wrongText, TRUST)).toMatchObject({ ok: false, reason: expect.stringContaining('the signature of trusted key witness.example/w1+') });
    const line = cosign(bodyOf(note), W1, 1_760_000_000);
    const bytes = Buffer.from(line.split(' ')[2]!.trim(), 'base64');
    bytes.writeBigUInt64BE(1_760_000_001n, 4);
    expect(verifyCheckpoint(`${note}— witness.example/w1 ${bytes.toString('base64')}\n`, TRUST).ok).toBe(false);
  });

  it('a witness counts only among the witnesses: not trusted as one, its cosignature is set aside', () => {
    expect(value(verifyCheckpoint(cosigned(note, [W1]), { ...TRUST, witnesses: [] })).cosignatures).toEqual([]);
    // and its key as a plain Ed25519 key has another key ID: the cosignature line is not that key's
    const plain = value(verifierKeyOf(W1.name, 'ed25519', W1.verifierKey.publicKey));
    expect(value(openNote(cosigned(note, [W1]), [LOG.verifierKey, plain])).verified.map((v) => v.key)).toEqual([LOG.verifierKey]);
  });
});

describe('misbehaviour', () => {
  const honest = treeOf(30);
  const verified = (tree: MerkleTree, size = tree.size): VerifiedCheckpoint => value(verifyCheckpoint(signCheckpoint(checkpointOf(tree, size), LOG), TRUST));

  it('a later checkpoint extends an earlier one when the consistency proof verifies', () => {
    expect(checkExtends(verified(honest, 17), verified(honest), value(honest.consistencyProof(17)))).toEqual({ ok: true, value: true });
    expect(checkExtends(verified(honest, 30), verified(honest), [])).toEqual({ ok: true, value: true });
  });

  it('two checkpoints of one size with different roots are a split view, with both notes as evidence', () => {
    const rewritten = treeOf(30, 'rewritten');
    const [a, b] = [verified(honest), verified(rewritten)];
    const outcome = checkExtends(a, b, []);
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('the log signed two checkpoints of 30 entries with different roots'), splitView: { origin: ORIGIN, size: 30, notes: [a.note, b.note] } });
    expect(findSplitViews([verified(honest, 10), a, verified(honest, 10), b, verified(rewritten, 12)])).toEqual([{ origin: ORIGIN, size: 30, notes: [a.note, b.note] }]);
  });

  it('a checkpoint whose tree rewrote earlier entries is not shown to extend the earlier one', () => {
    const forked = treeOf(17);
    for (let i = 17; i < 40; i++) forked.appendEntry(Buffer.from(`other ${i}`));
    const older = verified(honest, 20);
    const newer = verified(forked);
    expect(checkExtends(older, newer, value(forked.consistencyProof(20)))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the checkpoint of 40 entries is not shown to extend the one of 20: the proof does not lead to the older root/) });
    expect(checkExtends(newer, older, [])).toEqual({ ok: false, reason: 'the newer checkpoint has 20 entries, fewer than the 40 of the older one' });
  });
});
