import { EMPTY_TREE_ROOT } from '../merkle/hashing';
import { MerkleTree } from '../merkle/merkle-tree';
import { generateKeyPair, parseSigningKey, type SigningKey } from '../note/keys';
import { signCheckpoint, verifyCheckpoint } from './signed-checkpoint';
import { addCheckpoint, formatAddCheckpointRequest, parseAddCheckpointRequest, type CosignedCheckpoint, type WitnessAnswer } from './witness';

const value = <T>(outcome: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};
const ORIGIN = 'gantry.example/ledger';
const key = (name: string, type: 'ed25519' | 'cosignature/v1' = 'ed25519'): SigningKey => value(parseSigningKey(generateKeyPair(name, type).signingKey));
const LOG = key(ORIGIN);
const WITNESS = key('itsm.example/witness', 'cosignature/v1');
const NOW = 1_760_000_000;

/** A witness with its own state, as the witness command will keep it (here in memory). */
function witnessOf() {
  const state = new Map<string, CosignedCheckpoint>();
  const submit = (request: Parameters<typeof addCheckpoint>[0]): WitnessAnswer => {
    const answer = addCheckpoint(request, { key: WITNESS, logs: [{ origin: ORIGIN, logKeys: [LOG.verifierKey] }] }, (origin) => state.get(origin), NOW);
    if (answer.status === 200) state.set(answer.origin, answer.latest);
    return answer;
  };
  return { state, submit };
}

const tree = new MerkleTree();
for (let i = 0; i < 100; i++) tree.appendEntry(Buffer.from(`entry ${i}`));
const noteAt = (size: number, t = tree, signer = LOG, origin = ORIGIN) => signCheckpoint({ origin, size, root: value(t.rootAt(size)), extensions: [] }, signer);

describe('a witness (c2sp.org/tlog-witness add-checkpoint)', () => {
  it('cosigns a first checkpoint from old size 0, then each checkpoint a consistency proof shows to extend the last', () => {
    const { state, submit } = witnessOf();
    const first = submit({ oldSize: 0, proof: [], checkpoint: noteAt(10) });
    expect(first).toMatchObject({ status: 200, origin: ORIGIN, latest: { size: 10 } });
    const second = submit({ oldSize: 10, proof: value(tree.consistencyProof(10, 64)), checkpoint: noteAt(64) });
    expect(second.status).toBe(200);
    // the cosignature, appended to the checkpoint, verifies for a verifier that trusts this witness
    const cosigned = noteAt(64) + (second as { cosignature: string }).cosignature;
    const verified = value(verifyCheckpoint(cosigned, { origin: ORIGIN, logKeys: [LOG.verifierKey], witnesses: [WITNESS.verifierKey], quorum: 1 }));
    expect(verified.cosignatures).toEqual([{ witness: WITNESS.verifierKey, timestamp: NOW }]);
    expect(state.get(ORIGIN)?.size).toBe(64);
    // the same checkpoint again: nothing to prove
    expect(submit({ oldSize: 64, proof: [], checkpoint: noteAt(64) }).status).toBe(200);
  });

  it("answers a stale old size with 409 and the size it last cosigned, so the log can retry", () => {
    const { submit } = witnessOf();
    submit({ oldSize: 0, proof: [], checkpoint: noteAt(10) });
    expect(submit({ oldSize: 0, proof: [], checkpoint: noteAt(20) })).toEqual({ status: 409, reason: `the latest checkpoint this witness cosigned for "${ORIGIN}" has size 10, not 0`, latestSize: 10 });
  });

  it('refuses an unknown log (404), a checkpoint its key did not sign (403), an old size past the checkpoint (400)', () => {
    const { submit, state } = witnessOf();
    expect(submit({ oldSize: 0, proof: [], checkpoint: noteAt(10, tree, key('other.example/log'), 'other.example/log') })).toEqual({ status: 404, reason: 'this witness does not follow the log "other.example/log"' });
    expect(submit({ oldSize: 0, proof: [], checkpoint: noteAt(10, tree, key(ORIGIN)) })).toMatchObject({ status: 403 });
    expect(submit({ oldSize: 11, proof: [], checkpoint: noteAt(10) })).toEqual({ status: 400, reason: 'the old size 11 is past the checkpoint\'s size 10' });
    expect(submit({ oldSize: 0, proof: [], checkpoint: 'not a note' })).toMatchObject({ status: 400, reason: expect.stringMatching(/^malformed checkpoint note/) });
    expect(state.size).toBe(0);
  });

  it('refuses (422) a checkpoint not shown to extend the last one, and keeps its state', () => {
    const { submit, state } = witnessOf();
    submit({ oldSize: 0, proof: [], checkpoint: noteAt(50) });
    const rewritten = new MerkleTree();
    for (let i = 0; i < 100; i++) rewritten.appendEntry(Buffer.from(i === 7 ? 'rewritten' : `entry ${i}`));
    const answer = submit({ oldSize: 50, proof: value(rewritten.consistencyProof(50)), checkpoint: noteAt(100, rewritten) });
    expect(answer).toMatchObject({ status: 422, reason: expect.stringContaining('is not shown to extend the one of 50 entries') });
    expect(submit({ oldSize: 50, proof: [], checkpoint: noteAt(100) })).toMatchObject({ status: 422 });
    expect(state.get(ORIGIN)?.size).toBe(50);
  });

  it('answers two checkpoints of one size with different roots with 409 (as the spec says), its size and the evidence', () => {
    const { submit } = witnessOf();
    const honest = noteAt(50);
    submit({ oldSize: 0, proof: [], checkpoint: honest });
    const other = new MerkleTree();
    for (let i = 0; i < 50; i++) other.appendEntry(Buffer.from(`other ${i}`));
    const split = noteAt(50, other);
    expect(submit({ oldSize: 50, proof: [], checkpoint: split })).toMatchObject({ status: 409, latestSize: 50, splitView: { origin: ORIGIN, size: 50, notes: [honest, split] } });
  });

  it('refuses a proof from the empty tree, and a size-0 checkpoint without the empty root (422)', () => {
    const { submit } = witnessOf();
    expect(submit({ oldSize: 0, proof: [tree.root()], checkpoint: noteAt(10) })).toMatchObject({ status: 422 });
    expect(submit({ oldSize: 0, proof: [], checkpoint: signCheckpoint({ origin: ORIGIN, size: 0, root: tree.root(), extensions: [] }, LOG) })).toMatchObject({ status: 422 });
    expect(submit({ oldSize: 0, proof: [], checkpoint: signCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_TREE_ROOT, extensions: [] }, LOG) }).status).toBe(200);
  });
});

describe('an add-checkpoint request body', () => {
  it('is written and read back as the spec shows it', () => {
    const request = { oldSize: 10, proof: value(tree.consistencyProof(10, 64)), checkpoint: noteAt(64) };
    const body = formatAddCheckpointRequest(request);
    expect(body.startsWith(`old 10\n${Buffer.from(request.proof[0]!).toString('base64')}\n`)).toBe(true);
    expect(body.endsWith(`\n\n${noteAt(64)}`)).toBe(true);
    const read = value(parseAddCheckpointRequest(body));
    expect(read.oldSize).toBe(10);
    expect(read.proof.map((h) => Buffer.from(h).toString('hex'))).toEqual(request.proof.map((h) => Buffer.from(h).toString('hex')));
    expect(read.checkpoint).toBe(noteAt(64));
  });

  it.each([
    ['old 010\n\nx', 'the request\'s first line "old 010" is not "old <size>" with a decimal size'],
    ['new 1\n\nx', 'the request\'s first line "new 1" is not "old <size>" with a decimal size'],
    ['old 1\nnot base64\n\nx', 'proof line 1 is not the base64 of a 32-byte hash'],
    ['old 1\nYmFuYW5hcw==\n\nx', 'proof line 1 is not the base64 of a 32-byte hash'],
    ['old 1\n', 'the request has no blank line before the checkpoint'],
  ])('refuses %j: %s', (body, reason) => expect(parseAddCheckpointRequest(body)).toEqual({ ok: false, reason }));

  it('refuses more than 63 proof lines', () => {
    const line = `${Buffer.from(EMPTY_TREE_ROOT).toString('base64')}\n`;
    expect(parseAddCheckpointRequest(`old 1\n${line.repeat(64)}\nx`)).toEqual({ ok: false, reason: 'the request has 64 proof lines, more than 63' });
  });
});
