import fc from 'fast-check';
import { parseCheckpoint } from './checkpoint/checkpoint';
import { signCheckpoint, verifyCheckpoint } from './checkpoint/signed-checkpoint';
import { addCheckpoint, parseAddCheckpointRequest } from './checkpoint/witness';
import { leafHash } from './merkle/hashing';
import { verifyConsistency, verifyInclusion } from './merkle/verify';
import { generateKeyPair, parseSigningKey, parseVerifierKey } from './note/keys';
import { parseNote } from './note/note-format';
import { openNote } from './note/open-note';

/**
 * Whatever text arrives at a door (a checkpoint to verify, a witness request, a key), the answer is a value: a
 * parse or a refusal with a reason, never an exception. fast-check writes the input: arbitrary Unicode, and text
 * made of the pieces these formats are made of, so that the deeper rules are reached too.
 */
const LOG = (() => {
  const key = parseSigningKey(generateKeyPair('gantry.example/ledger').signingKey);
  if (!key.ok) throw new Error(key.reason);
  return key.value;
})();
const WITNESS = (() => {
  const key = parseSigningKey(generateKeyPair('witness.example/w1', 'cosignature/v1').signingKey);
  if (!key.ok) throw new Error(key.reason);
  return key.value;
})();
const VALID = signCheckpoint({ origin: 'gantry.example/ledger', size: 3, root: leafHash(Buffer.from('x')), extensions: [] }, LOG);

const pieces = fc.constantFrom('\n', '\n\n', '— ', '—', ' ', '+', 'old ', '0', '3', '007', '-1', '18446744073709551616', 'gantry.example/ledger', 'PRIVATE+KEY+', 'AQ==', '=', 'A', '\u0000', '\r', '\u00a0', '\ud800', 'é', VALID, VALID.slice(0, 40), 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=', 'c74f20a3');
const texts = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')));
const returnsAValue = (f: () => { ok: boolean; reason?: string }) => {
  const outcome = f();
  expect(typeof outcome.ok).toBe('boolean');
  if (!outcome.ok) expect(outcome.reason?.length).toBeGreaterThan(0);
};

describe('malformed input anywhere gets a reason, never an exception', () => {
  it('notes, checkpoints, keys and witness requests', () => {
    fc.assert(
      fc.property(texts, (text) => {
        returnsAValue(() => parseNote(text));
        returnsAValue(() => parseNote(Buffer.from(text, 'latin1')));
        returnsAValue(() => parseCheckpoint(text));
        returnsAValue(() => parseVerifierKey(text));
        returnsAValue(() => parseSigningKey(text));
        returnsAValue(() => parseAddCheckpointRequest(text));
        returnsAValue(() => openNote(text, [LOG.verifierKey, WITNESS.verifierKey]));
        returnsAValue(() => verifyCheckpoint(text, { origin: 'gantry.example/ledger', logKeys: [LOG.verifierKey], witnesses: [WITNESS.verifierKey], quorum: 1 }));
        const answer = addCheckpoint({ oldSize: 0, proof: [], checkpoint: text }, { key: WITNESS, logs: [{ origin: 'gantry.example/ledger', logKeys: [LOG.verifierKey] }] }, () => undefined, 1);
        expect([200, 400, 403, 404, 409, 422]).toContain(answer.status);
      }),
      { numRuns: 3000 },
    );
  });

  it('proofs of any shape and any numbers', () => {
    const hashes = fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 70 });
    const numbers = fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 53), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(NaN));
    fc.assert(
      fc.property(numbers, numbers, hashes, fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b, proof, h1, h2) => {
        returnsAValue(() => verifyInclusion({ index: a, size: b, leafHash: h1, proof, root: h2 }));
        returnsAValue(() => verifyConsistency({ olderSize: a, olderRoot: h1, newerSize: b, newerRoot: h2, proof }));
      }),
      { numRuns: 3000 },
    );
  });
});
