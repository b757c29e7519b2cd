import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, keyId, keyIdHex, parseSigningKey, parseVerifierKey, readSigningKeyFile, verifierKeyOf } from './keys';

// Go's golang.org/x/mod/sumdb/note tests (note_test.go): Peter Neumann's key pair and Enoch Root's verifier key.
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const value = <T>(outcome: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};

describe('verifier keys (vkeys)', () => {
  it("read Go's and C2SP's published keys", () => {
    const peter = value(parseVerifierKey(PETER_VKEY));
    expect(peter).toMatchObject({ name: 'PeterNeumann', id: 0xc74f20a3, type: 'ed25519', text: PETER_VKEY });
    expect(value(parseVerifierKey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop')).id).toBe(0xaf0cfe78);
    expect(value(parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).name).toBe('example.com/foo');
    // a witness's cosignature/v1 key (transparency-dev/formats note_cosigv1_test.go)
    expect(value(parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2')).type).toBe('cosignature/v1');
  });

  it('refuse every part of a published key and every key with one byte changed (as Go tests)', () => {
    const b = Buffer.from(PETER_VKEY);
    for (let i = 0; i <= b.length; i++) for (let j = i + 1; j <= b.length; j++) if (i !== 0 || j !== b.length) expect(parseVerifierKey(b.subarray(i, j).toString()).ok).toBe(false);
    for (let i = 0; i < b.length; i++) {
      const changed = Buffer.from(b);
      changed[i]! += 1;
      expect(parseVerifierKey(changed.toString()).ok).toBe(false);
    }
  });

  it('say what is wrong', () => {
    expect(parseVerifierKey('PeterNeumann+c74f20a3')).toEqual({ ok: false, reason: 'a verifier key is <name>+<key ID>+<key>; "PeterNeumann+c74f20a3" has fewer than three parts' });
    expect(parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toEqual({ ok: false, reason: 'a verifier key: the key is not standard, padded base64' });
    expect(parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWQkFES0VZ')).toEqual({ ok: false, reason: 'a verifier key: an Ed25519 key is 32 bytes, this one 38' });
    expect(parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toMatchObject({ ok: false, reason: expect.stringContaining('signature type 0x65 is not supported') });
    expect(parseVerifierKey('PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toEqual({ ok: false, reason: 'a verifier key: the key ID "C74F20A3" is not 8 lower-case hex digits' });
    expect(parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toEqual({
      ok: false,
      reason: 'the verifier key of "PeterNeumann" says key ID c74f20a4, but its name, type and key give c74f20a3',
    });
    expect(parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toEqual({ ok: false, reason: 'a verifier key: the key name "Peter Neumann" holds a space' });
  });

  it('refuse a key of small order, which verifies signatures no one made', () => {
    const zero = Buffer.alloc(32);
    expect(verifierKeyOf('weak', 'ed25519', zero)).toEqual({ ok: false, reason: 'the key is a point of small order, which would verify signatures no one made' });
    const vkey = `weak+${keyIdHex(keyId('weak', 'ed25519', zero))}+${Buffer.concat([Buffer.from([1]), zero]).toString('base64')}`;
    expect(parseVerifierKey(vkey)).toEqual({ ok: false, reason: 'a verifier key: the key is a point of small order, which would verify signatures no one made' });
    const signBitSet = Buffer.from('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'hex');
    expect(verifierKeyOf('weak', 'ed25519', signBitSet).ok).toBe(false);
  });

  it('compute the key ID from the name, the signature type and the key', () => {
    const peter = value(parseVerifierKey(PETER_VKEY));
    expect(keyId('PeterNeumann', 'ed25519', peter.publicKey)).toBe(0xc74f20a3);
    expect(keyId('PeterNeumann', 'cosignature/v1', peter.publicKey)).not.toBe(0xc74f20a3);
    expect(keyId('PeterNeumann2', 'ed25519', peter.publicKey)).not.toBe(0xc74f20a3);
  });
});

describe('signing keys', () => {
  it("read Go's published key, whose public half is the published verifier key", () => {
    const peter = value(parseSigningKey(PETER_SKEY));
    expect(peter.verifierKey.text).toBe(PETER_VKEY);
    expect(JSON.stringify(peter)).not.toContain('AYEKFALVFGyNhPJEMzD1QIDr');
  });

  it('refuse every part of a published key and every key with one byte changed (as Go tests)', () => {
    const b = Buffer.from(PETER_SKEY);
    for (let i = 0; i <= b.length; i++) for (let j = i + 1; j <= b.length; j++) if (i !== 0 || j !== b.length) expect(parseSigningKey(b.subarray(i, j).toString()).ok).toBe(false);
    for (let i = 0; i < b.length; i++) {
      const changed = Buffer.from(b);
      changed[i]! += 1;
      expect(parseSigningKey(changed.toString()).ok).toBe(false);
    }
  });

  it('are generated in pairs whose halves match, for either type', () => {
    for (const type of ['ed25519', 'cosignature/v1'] as const) {
      const pair = generateKeyPair('gantry.example/ledger', type);
      const signer = value(parseSigningKey(pair.signingKey));
      const verifier = value(parseVerifierKey(pair.verifierKey));
      expect(signer.verifierKey.text).toBe(pair.verifierKey);
      expect(verifier.type).toBe(type);
      const message = Buffer.from('hi');
      expect(verifier.verify(message, signer.sign(message))).toBe(true);
      expect(verifier.verify(Buffer.from('ho'), signer.sign(message))).toBe(false);
    }
    expect(() => generateKeyPair('has space')).toThrow('the key name "has space" holds a space');
  });

  describe('in a file', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'gantry-tlog-keys-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('read from the text form, one line', async () => {
      writeFileSync(join(dir, 'log.key'), `${PETER_SKEY}\n`);
      expect(value(await readSigningKeyFile(join(dir, 'log.key'))).verifierKey.text).toBe(PETER_VKEY);
      expect(await readSigningKeyFile(join(dir, 'log.key'), { name: 'gantry.example/ledger' })).toEqual({ ok: false, reason: `the signing key in ${join(dir, 'log.key')} is named "PeterNeumann", not "gantry.example/ledger"` });
      writeFileSync(join(dir, 'two.key'), `${PETER_SKEY}\n${PETER_SKEY}\n`);
      expect((await readSigningKeyFile(join(dir, 'two.key'))).ok).toBe(false);
    });

    it('read from a PKCS #8 PEM file, named by the caller', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      writeFileSync(join(dir, 'log.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
      const key = value(await readSigningKeyFile(join(dir, 'log.pem'), { name: 'gantry.example/ledger' }));
      expect(key.verifierKey.text).toBe(value(verifierKeyOf('gantry.example/ledger', 'ed25519', publicKey)).text);
      expect(await readSigningKeyFile(join(dir, 'log.pem'))).toEqual({ ok: false, reason: `the PEM key in ${join(dir, 'log.pem')} has no name: give the key's name (the log's origin)` });
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
      writeFileSync(join(dir, 'rsa.pem'), rsa.export({ format: 'pem', type: 'pkcs8' }));
      expect(await readSigningKeyFile(join(dir, 'rsa.pem'), { name: 'x' })).toEqual({ ok: false, reason: `the key in ${join(dir, 'rsa.pem')} is rsa, not Ed25519` });
    });

    it('refuse a missing file or other content, saying so', async () => {
      expect(await readSigningKeyFile(join(dir, 'missing.key'))).toMatchObject({ ok: false, reason: expect.stringContaining('cannot be read') });
      writeFileSync(join(dir, 'other.key'), 'hello\n');
      expect(await readSigningKeyFile(join(dir, 'other.key'))).toEqual({ ok: false, reason: `the signing key file ${join(dir, 'other.key')} holds neither a PRIVATE+KEY+ key nor a PEM private key` });
    });
  });
});
