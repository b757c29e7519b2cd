import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { accept, reject, type Outcome } from '../outcome';
import { strictBase64 } from '../merkle/hashing';

/**
 * Keys of C2SP signed notes (c2sp.org/signed-note), in the text forms Go's golang.org/x/mod/sumdb/note reads and
 * writes. A key has a name (a log's origin, a witness's name), a signature type and an Ed25519 key; its key ID is
 * the first four bytes of SHA-256(name || 0x0A || type || public key), a hint that picks a key, never a proof of one.
 *
 * - verifier key (vkey):  `<name>+<key ID, 8 lower-case hex digits>+<base64(type || 32-byte public key)>`
 * - signing key:          `PRIVATE+KEY+<name>+<key ID>+<base64(type || 32-byte Ed25519 seed)>`
 *
 * Two types: `ed25519` (0x01) signs the note text itself (a log's checkpoint); `cosignature/v1` (0x04) signs a
 * timestamped statement about a checkpoint (c2sp.org/tlog-cosignature: witnesses). One Ed25519 key under the two
 * types has two key IDs.
 */
export type SignatureType = 'ed25519' | 'cosignature/v1';

export const SIGNATURE_TYPE_BYTES: Record<SignatureType, number> = { ed25519: 0x01, 'cosignature/v1': 0x04 };

export interface VerifierKey {
  readonly name: string;
  /** the key ID, an unsigned 32-bit number */
  readonly id: number;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
  /** the vkey text */
  readonly text: string;
  /** Whether `signature` is this key's Ed25519 signature of `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface SigningKey {
  readonly name: string;
  readonly id: number;
  readonly type: SignatureType;
  readonly verifierKey: VerifierKey;
  /** The Ed25519 signature (64 bytes) of `message`. The private key stays inside: it is never printed or serialised. */
  sign(message: Uint8Array): Uint8Array;
}

// DER prefixes of an Ed25519 key in PKCS #8 (private) and SubjectPublicKeyInfo (public): RFC 8410 §7 and §4
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_SIZE = 32;

/** A name is non-empty, well-formed UTF-8, without a Unicode space, a plus or a control character. */
export function keyNameProblem(name: string): string | undefined {
  if (name === '') return 'the key name is empty';
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) return 'the key name is not well-formed Unicode';
  if (/[\s\u0085\p{Z}]/u.test(name)) return `the key name "${name}" holds a space`;
  if (name.includes('+')) return `the key name "${name}" holds a plus sign`;
  if (/\p{Cc}/u.test(name)) return 'the key name holds a control character';
  return undefined;
}

export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, SIGNATURE_TYPE_BYTES[type]])).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

export const keyIdHex = (id: number): string => id.toString(16).padStart(8, '0');

const typeOf = (byte: number): SignatureType | undefined => (Object.entries(SIGNATURE_TYPE_BYTES) as [SignatureType, number][]).find(([, b]) => b === byte)?.[0];

function verifierKey(name: string, type: SignatureType, publicKey: Uint8Array): VerifierKey {
  const id = keyId(name, type, publicKey);
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
  const text = `${name}+${keyIdHex(id)}+${Buffer.concat([Buffer.from([SIGNATURE_TYPE_BYTES[type]]), publicKey]).toString('base64')}`;
  return {
    name,
    id,
    type,
    publicKey: Buffer.from(publicKey),
    text,
    verify: (message, signature) => signature.length === 64 && verify(null, message, key, signature),
  };
}

function signingKey(name: string, type: SignatureType, privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
  const vkey = verifierKey(name, type, publicKey);
  return { name, id: vkey.id, type, verifierKey: vkey, sign: (message) => sign(null, message, privateKey) };
}

/**
 * Ed25519 public keys of small order (with the sign bit cleared, as libsodium's ge25519_has_small_order compares):
 * OpenSSL, like Go, verifies with such a key signatures no private key made (the all-zero key accepts the all-zero
 * signature of any message). No honest key is one; a configuration that trusts one is refused.
 */
const SMALL_ORDER_POINTS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'));

const isSmallOrder = (publicKey: Uint8Array): boolean =>
  SMALL_ORDER_POINTS.some((point) => point.subarray(0, 31).equals(publicKey.subarray(0, 31)) && point[31] === (publicKey[31]! & 0x7f));

/** The three parts of `<name>+<key ID>+<base64>` (the base64 may itself hold plus signs), checked. */
function keyParts(text: string, what: string): Outcome<{ name: string; id: number; type: SignatureType; key: Buffer }> {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return reject(`${what} is <name>+<key ID>+<key>; "${text}" has fewer than three parts`);
  const [name, hexId, encoded] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  const nameProblem = keyNameProblem(name);
  if (nameProblem) return reject(`${what}: ${nameProblem}`);
  if (!/^[0-9a-f]{8}$/.test(hexId)) return reject(`${what}: the key ID "${hexId}" is not 8 lower-case hex digits`);
  const bytes = strictBase64(encoded);
  if (!bytes) return reject(`${what}: the key is not standard, padded base64`);
  const type = typeOf(bytes[0] ?? -1);
  if (bytes.length === 0 || !type) return reject(`${what}: signature type 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')} is not supported (0x01 Ed25519, 0x04 Ed25519 cosignature/v1)`);
  if (bytes.length !== 1 + KEY_SIZE) return reject(`${what}: an Ed25519 key is ${KEY_SIZE} bytes, this one ${bytes.length - 1}`);
  if (isSmallOrder(bytes.subarray(1))) return reject(`${what}: the key is a point of small order, which would verify signatures no one made`);
  return accept({ name, id: parseInt(hexId, 16), type, key: bytes.subarray(1) });
}

/** Reads a vkey; refuses one whose key ID is not the one its name, type and key give. */
export function parseVerifierKey(text: string): Outcome<VerifierKey> {
  const parts = keyParts(text, 'a verifier key');
  if (!parts.ok) return parts;
  const { name, id, type, key } = parts.value;
  const vkey = verifierKey(name, type, key);
  if (vkey.id !== id) return reject(`the verifier key of "${name}" says key ID ${keyIdHex(id)}, but its name, type and key give ${keyIdHex(vkey.id)}`);
  return accept(vkey);
}

/** Reads a signing key `PRIVATE+KEY+…`; refuses one whose key ID does not match the public key its seed gives. */
export function parseSigningKey(text: string): Outcome<SigningKey> {
  if (!text.startsWith('PRIVATE+KEY+')) return reject('a signing key starts with PRIVATE+KEY+');
  const parts = keyParts(text.slice('PRIVATE+KEY+'.length), 'a signing key');
  if (!parts.ok) return parts;
  const { name, id, type, key } = parts.value;
  const signer = signingKey(name, type, createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, key]), format: 'der', type: 'pkcs8' }));
  if (signer.id !== id) return reject(`the signing key of "${name}" says key ID ${keyIdHex(id)}, but its name, type and key give ${keyIdHex(signer.id)}`);
  return accept(signer);
}

/** A new key pair in text form: the signing key to keep secret and the verifier key to publish. */
export function generateKeyPair(name: string, type: SignatureType = 'ed25519'): { signingKey: string; verifierKey: string } {
  const problem = keyNameProblem(name);
  if (problem) throw new Error(problem);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const signer = signingKey(name, type, privateKey);
  const typeAndSeed = Buffer.concat([Buffer.from([SIGNATURE_TYPE_BYTES[type]]), seed]).toString('base64');
  return { signingKey: `PRIVATE+KEY+${name}+${keyIdHex(signer.id)}+${typeAndSeed}`, verifierKey: signer.verifierKey.text };
}

/** The verifier key of an Ed25519 public key (32 raw bytes, or a KeyObject such as one read from a PEM file). */
export function verifierKeyOf(name: string, type: SignatureType, publicKey: Uint8Array | KeyObject): Outcome<VerifierKey> {
  const problem = keyNameProblem(name);
  if (problem) return reject(problem);
  if (!(publicKey instanceof Uint8Array)) {
    if (publicKey.asymmetricKeyType !== 'ed25519') return reject(`the key is ${publicKey.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
    publicKey = (publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
  }
  if (publicKey.length !== KEY_SIZE) return reject(`an Ed25519 public key is ${KEY_SIZE} bytes, not ${publicKey.length}`);
  if (isSmallOrder(publicKey)) return reject('the key is a point of small order, which would verify signatures no one made');
  return accept(verifierKey(name, type, publicKey));
}

/**
 * Reads a signing key from a file: either the text form (`PRIVATE+KEY+…`, one line) or an Ed25519 private key in
 * PKCS #8 PEM (`openssl genpkey -algorithm ed25519`), which holds no name: `name` gives it (the log's origin).
 */
export async function readSigningKeyFile(path: string, options: { name?: string; type?: SignatureType } = {}): Promise<Outcome<SigningKey>> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    return reject(`the signing key file ${path} cannot be read: ${(error as Error).message}`);
  }
  const text = content.replace(/\r?\n$/, '');
  if (text.startsWith('PRIVATE+KEY+')) {
    if (text.includes('\n')) return reject(`the signing key file ${path} holds more than the one line of a PRIVATE+KEY+ key`);
    const key = parseSigningKey(text);
    if (!key.ok) return reject(`${path}: ${key.reason}`);
    if (options.name !== undefined && key.value.name !== options.name) return reject(`the signing key in ${path} is named "${key.value.name}", not "${options.name}"`);
    if (options.type !== undefined && key.value.type !== options.type) return reject(`the signing key in ${path} is of type ${key.value.type}, not ${options.type}`);
    return key;
  }
  if (!text.startsWith('-----BEGIN PRIVATE KEY-----')) return reject(`the signing key file ${path} holds neither a PRIVATE+KEY+ key nor a PEM private key`);
  if (options.name === undefined) return reject(`the PEM key in ${path} has no name: give the key's name (the log's origin)`);
  const problem = keyNameProblem(options.name);
  if (problem) return reject(problem);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    return reject(`the PEM key in ${path} cannot be read: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') return reject(`the key in ${path} is ${privateKey.asymmetricKeyType}, not Ed25519`);
  return accept(signingKey(options.name, options.type ?? 'ed25519', privateKey));
}
