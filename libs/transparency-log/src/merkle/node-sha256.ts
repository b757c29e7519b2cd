/**
 * SHA-256 (FIPS 180-4) of one message shape only: an RFC 6962 node, 0x01 || left || right with two 32-byte children,
 * 65 bytes, two compression blocks. Why not node:crypto: its one-shot `hash()` costs about 1.5 µs a call whatever the
 * input (the call into C++, a new EVP context, a new ArrayBuffer for the result), twice what the two blocks cost
 * here; node hashes are half the hashes of a tree, and recomputing a 1,000,000-entry tree (the offline verifier)
 * spends most of its time in them. Leaves, of any length, are hashed by node:crypto. The tests compare the two on
 * the RFC's vectors and on random children.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const state = new Int32Array(8);
const w = new Int32Array(64);

/** One compression of the 16 big-endian words already in w[0..15] into `state`. */
function compress(): void {
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15]!;
    const w2 = w[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** SHA-256(0x01 || left || right) for 32-byte children. */
export function sha256OfNode(left: Uint8Array, right: Uint8Array): Buffer {
  state.set(INITIAL);
  // block 1: 0x01, left[0..31], right[0..30]
  w[0] = (0x01 << 24) | (left[0]! << 16) | (left[1]! << 8) | left[2]!;
  for (let i = 1; i < 8; i++) w[i] = (left[4 * i - 1]! << 24) | (left[4 * i]! << 16) | (left[4 * i + 1]! << 8) | left[4 * i + 2]!;
  w[8] = (left[31]! << 24) | (right[0]! << 16) | (right[1]! << 8) | right[2]!;
  for (let i = 9; i < 16; i++) w[i] = (right[4 * i - 33]! << 24) | (right[4 * i - 32]! << 16) | (right[4 * i - 31]! << 8) | right[4 * i - 30]!;
  compress();
  // block 2: right[31], the 0x80 that ends the message, zeros, and the length in bits (65 × 8 = 520)
  w.fill(0, 0, 16);
  w[0] = (right[31]! << 24) | (0x80 << 16);
  w[15] = 520;
  compress();
  const digest = Buffer.allocUnsafe(32);
  for (let i = 0; i < 8; i++) digest.writeInt32BE(state[i]!, 4 * i);
  return digest;
}
