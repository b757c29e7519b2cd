import { accept, reject, type Outcome } from '../outcome';
import type { SigningKey, VerifierKey } from './keys';
import { signatureLine } from './note-format';

/**
 * A witness's timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature, signature type 0x04): the witness signs
 *
 *     cosignature/v1
 *     time <seconds since the Unix epoch>
 *     <the checkpoint's note text, final newline included>
 *
 * and its note signature is base64(key ID || 8-byte big-endian timestamp || 64-byte Ed25519 signature). It says:
 * at that time, the largest tree of this log the witness had seen consistent had this root.
 */
export function cosignatureMessage(checkpointText: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

const isTimestamp = (t: number): boolean => Number.isSafeInteger(t) && t >= 0;

/** The witness's signature line over a checkpoint's text, at `timestamp` (seconds; the caller's clock). */
export function cosign(checkpointText: string, witness: SigningKey, timestamp: number): string {
  if (witness.type !== 'cosignature/v1') throw new Error(`${witness.name} is a key of type ${witness.type}: a cosignature needs a cosignature/v1 key`);
  if (!isTimestamp(timestamp)) throw new Error(`a cosignature's timestamp is whole seconds from 0, not ${timestamp}`);
  const signature = Buffer.alloc(8 + 64);
  signature.writeBigUInt64BE(BigInt(timestamp), 0);
  signature.set(witness.sign(cosignatureMessage(checkpointText, timestamp)), 8);
  return signatureLine({ keyName: witness.name, keyId: witness.id, signature });
}

/** The timestamp of a valid cosignature by `witness` of the text, or why it is not one. */
export function verifyCosignature(checkpointText: string, witness: VerifierKey, signature: Uint8Array): Outcome<number> {
  if (signature.length !== 8 + 64) return reject(`a cosignature/v1 signature is 72 bytes (timestamp and Ed25519 signature), this one ${signature.length}`);
  const bytes = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
  const timestamp = bytes.readBigUInt64BE(0);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return reject(`the cosignature's timestamp ${timestamp} is beyond any time this verifier reads`);
  const seconds = Number(timestamp);
  if (!witness.verify(cosignatureMessage(checkpointText, seconds), bytes.subarray(8))) return reject('the cosignature does not verify');
  return accept(seconds);
}
